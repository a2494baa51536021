"""A missed quiz question lapses its cards, but is no rating the learner gave:
it reschedules the card and shows in its history, and counts toward no daily
limit, streak, retention or leaderboard; Undo never takes it back."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from study.extensions import db
from study.models import Card, CardState, ReviewLog, Topic, User
from study.services import (
    backup,
    history,
    progress,
    queue,
    quizzes,
    reviews,
    team_leaderboard,
    teams,
)
from tests.conftest import at, make_user

NOW = at(2026, 3, 10, 12, 0)


@pytest.fixture
def learner(ctx, starter, user):
    return db.session.get(User, user)


def miss_a_quiz(learner, now=NOW) -> list[ReviewLog]:
    """Submit a five-question quiz unanswered; return the lapses it wrote."""
    request = quizzes.QuizRequest(pack="starter", topics=("basics",), count=5)
    attempt = quizzes.start_quiz(
        db.session, learner, request, now, rng=random.Random(7)
    )
    quizzes.submit_quiz(db.session, learner, attempt.id, now)
    lapses = db.session.scalars(
        select(ReviewLog).where(ReviewLog.from_quiz.is_(True))
    ).all()
    assert lapses, "the quiz should have lapsed some cards"
    return lapses


def study_one(learner, now=NOW, key=None) -> str:
    """Rate the next card (or the card `key`) Good; return its key."""
    if key is None:
        scope = queue.study_scope(db.session, learner)
        day = queue.today(db.session, learner, now)
        key = queue.next_due(db.session, learner, scope, now, day).key
    card = db.session.scalar(select(Card).where(Card.key == key))
    review_id = queue.review_id_for(db.session, learner, card)
    reviews.record_review(db.session, learner, key, 3, review_id, 1500, now)
    return key


def an_extra_card() -> str:
    """A card of the starter pack's second topic, which the quiz leaves alone."""
    return db.session.scalar(
        select(Card.key)
        .join(Card.topic)
        .where(Topic.slug == "extras", Card.retired.is_(False))
        .order_by(Card.position)
        .limit(1)
    )


def test_quiz_lapses_count_toward_no_daily_figure(learner):
    lapses = miss_a_quiz(learner)
    assert all(log.rating == 1 and log.duration_ms == 0 for log in lapses)
    day = queue.today(db.session, learner, NOW)
    assert (day.new_done, day.reviews_done, day.ratings) == (0, 0, 0)
    board = progress.dashboard(db.session, learner, NOW + timedelta(minutes=1))
    assert board.reviews_today == 0 and board.streak_days == 0
    assert board.retention_7d is None and sum(board.daily.values()) == 0
    # ...but the cards did come due: the lapse went through the scheduler.
    assert board.learning_due == len(lapses)


def test_quiz_lapses_leave_the_new_card_limit_whole(learner):
    learner.new_cards_per_day = 3
    db.session.commit()
    miss_a_quiz(learner)
    scope = queue.study_scope(db.session, learner)
    day = queue.today(db.session, learner, NOW)
    assert queue.counts(db.session, learner, scope, NOW, day).new == 3


def test_quiz_lapses_are_not_on_the_leaderboard(learner):
    team = teams.create_team(db.session, learner, "Platform crew", NOW)
    miss_a_quiz(learner)
    boards = team_leaderboard.leaderboards(db.session, team, [], NOW, "UTC")
    assert all(line.entry.value == 0 for line in boards.reviews)
    study_one(learner, NOW + timedelta(minutes=1))
    boards = team_leaderboard.leaderboards(db.session, team, [], NOW, "UTC")
    assert [line.entry.value for line in boards.reviews] == [1]


def test_undo_takes_back_the_study_rating_not_the_quiz_lapse(learner):
    studied = study_one(learner, NOW - timedelta(minutes=5), key=an_extra_card())
    lapses = miss_a_quiz(learner)
    assert studied not in {log.card.key for log in lapses}
    undone = reviews.undo_last_review(db.session, learner)
    assert undone is not None and undone.key == studied
    logs = db.session.scalars(select(ReviewLog)).all()
    assert [log.card.key for log in logs if log.undone] == [studied]
    assert reviews.undo_last_review(db.session, learner) is None
    assert (
        db.session.scalars(select(ReviewLog).where(ReviewLog.from_quiz.is_(True))).all()
        == lapses
    )


def test_undo_leaves_a_rating_a_quiz_lapse_came_after(learner):
    lapses = miss_a_quiz(learner, NOW - timedelta(hours=1))
    key = lapses[0].card.key
    study_one(learner, NOW - timedelta(minutes=30), key=key)
    miss_a_quiz(learner)
    card_id = lapses[0].card_id
    state = db.session.get(CardState, (learner.id, card_id))
    due_before = state.due
    assert reviews.undo_last_review(db.session, learner) is None
    db.session.expire_all()
    assert db.session.get(CardState, (learner.id, card_id)).due == due_before


def test_the_card_history_names_the_quiz_lapse(learner):
    lapse = miss_a_quiz(learner)[0]
    info = history.card_info(db.session, learner, lapse.card.key, NOW)
    assert [row.rating_name for row in info.reviews] == ["Missed in a quiz"]
    page = history.review_history(db.session, learner)
    assert {row.rating_name for row in page.rows} == {"Missed in a quiz"}
    csv_text = "".join(backup.review_log_csv(db.session, learner))
    header, first = csv_text.splitlines()[:2]
    assert header.endswith(",from_quiz") and first.endswith(",yes")


def test_a_progress_backup_keeps_which_lapses_came_from_a_quiz(app, learner):
    study_one(learner, NOW - timedelta(minutes=5))
    lapses = miss_a_quiz(learner)
    document = backup.export_progress(db.session, learner, NOW)
    other = db.session.get(User, make_user(app, "other@example.com"))
    backup.import_progress(db.session, other, document)
    restored = db.session.scalars(
        select(ReviewLog).where(ReviewLog.user_id == other.id)
    ).all()
    assert sum(log.from_quiz for log in restored) == len(lapses)
    assert sum(not log.from_quiz for log in restored) == 1
    day = queue.today(db.session, other, NOW)
    assert day.ratings == 1
