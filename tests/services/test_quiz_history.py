"""Quiz history with two packs that share a topic slug: scores stay per pack."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml

from study.extensions import db
from study.models import User
from study.packs.importer import import_packs
from study.services import progress, quiz_history, quizzes
from study.services.quizzes import QuizRequest
from tests.conftest import STARTER, at
from tests.quiz_answers import right_answer_to

NOW = at(2026, 3, 10, 12, 0)
SECOND = "second"


def import_starter_copy(root: Path, pack_id: str, title: str) -> None:
    """Import a copy of the starter pack under another id and title; it has
    the same topic slugs ("basics", "extras") as the starter pack."""
    folder = root / pack_id
    shutil.copytree(STARTER, folder)
    spec = yaml.safe_load((folder / "pack.yaml").read_text("utf-8"))
    spec.update(id=pack_id, title=title)
    (folder / "pack.yaml").write_text(yaml.safe_dump(spec), "utf-8")
    import_packs(db.session, folder)


@pytest.fixture
def learner(ctx, starter, user, tmp_path):
    import_starter_copy(tmp_path, SECOND, "Second deck")
    return db.session.get(User, user)


def take_quiz(learner, pack: str, topic: str, *, right: bool):
    """Take a practice quiz on one topic, answering all right or none."""
    request = QuizRequest(pack=pack, topics=(topic,), count=5)
    attempt = quizzes.start_quiz(
        db.session, learner, request, NOW, rng=random.Random(7)
    )
    for item in attempt.items if right else ():
        quizzes.save_answer(
            db.session, learner, attempt.id, item.position, right_answer_to(item), NOW
        )
    return quizzes.submit_quiz(db.session, learner, attempt.id, NOW)


def test_topic_records_keep_a_shared_slug_apart_per_pack(learner):
    assert take_quiz(learner, "starter", "basics", right=False).score == 0
    assert take_quiz(learner, SECOND, "basics", right=True).score == 100
    records = quiz_history.topic_records(db.session, learner)
    by_key = {(r.pack_id, r.topic): r for r in records}
    assert set(by_key) == {("starter", "basics"), (SECOND, "basics")}
    starter, second = by_key["starter", "basics"], by_key[SECOND, "basics"]
    assert (starter.best, starter.last, starter.attempts) == (0, 0, 1)
    assert (second.best, second.last, second.attempts) == (100, 100, 1)
    assert (starter.pack_title, second.pack_title) == ("Starter deck", "Second deck")
    assert [r.pack_title for r in records] == ["Second deck", "Starter deck"]


def test_topic_records_of_one_pack(learner):
    take_quiz(learner, "starter", "basics", right=False)
    take_quiz(learner, SECOND, "basics", right=True)
    records = quiz_history.topic_records(db.session, learner, SECOND)
    assert [(r.pack_id, r.topic, r.best) for r in records] == [(SECOND, "basics", 100)]


def test_recent_topic_scores_count_only_the_packs_own_attempts(learner):
    take_quiz(learner, "starter", "extras", right=True)
    take_quiz(learner, SECOND, "basics", right=False)
    assert quiz_history.recent_topic_scores(db.session, learner, "starter") == {
        "extras": 100
    }
    assert quiz_history.recent_topic_scores(db.session, learner, SECOND) == {
        "basics": 0
    }


def test_the_drill_ranks_only_the_chosen_packs_scores(learner):
    take_quiz(learner, "starter", "extras", right=True)
    take_quiz(learner, SECOND, "basics", right=False)
    request = QuizRequest(pack="starter", mode="drill", count=5)
    drill = quizzes.start_quiz(db.session, learner, request, NOW)
    # The starter's basics is untried (so last); the other pack's 0% on its
    # own "basics" must not make it the starter's weakest topic.
    assert drill.topics == ["extras", "basics"]
    assert {item.question.pack_id for item in drill.items} == {"starter"}


def test_the_dashboard_shows_latest_scores_per_pack(learner):
    take_quiz(learner, "starter", "basics", right=False)
    take_quiz(learner, SECOND, "basics", right=True)
    board = progress.dashboard(db.session, learner, NOW)
    scores = {(t.pack_id, t.slug): t.scores.quiz for t in board.topics}
    assert scores["starter", "basics"] == 0
    assert scores[SECOND, "basics"] == 100
