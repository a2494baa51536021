"""The day's tally always agrees with counting the cards from scratch.

A learner does a long random mix of everything that changes what is left
today (ratings of every kind, undo, quizzes with missed questions, a new study
day, other topics, new limits, an edited pack) and after each step the kept
tally must equal a fresh count.
"""

import random
import shutil
from datetime import timedelta

import pytest

from study.extensions import db
from study.models import DayTally, QuizAttempt, User
from study.packs.importer import import_packs
from study.services import accounts, choices, queue, quizzes, reviews, tally
from study.services.quizzes import QuizRequest
from tests.conftest import STARTER, at

START = at(2026, 3, 10, 12, 0)
SCOPES = (
    {},
    {"pack": "starter", "topic": "basics"},
    {"pack": "starter", "note": "shell"},
)
EXTRA_CARD = "\nQ[mkdir]: Which command makes a directory?\nA: `mkdir`\n"


class Learner:
    """One learner's study, with the clock and the scope the tally follows."""

    def __init__(self, user_id: int, pack_dir, rng: random.Random):
        self.user_id = user_id
        self.pack_dir = pack_dir
        self.rng = rng
        self.now = START
        self.scope_args: dict = {}

    @property
    def user(self) -> User:
        return db.session.get(User, self.user_id)

    def scope(self) -> queue.Scope:
        return queue.study_scope(db.session, self.user, **self.scope_args)

    def rate(self) -> None:
        scope, day, left = tally.scope_day_and_counts(
            db.session, self.user, self.now, **self.scope_args
        )
        card = queue.next_due(db.session, self.user, scope, self.now, day, left)
        if card is None:
            return
        shown = queue.due_card(db.session, self.user, card, self.now)
        rating = self.rng.choice((1, 1, 2, 3, 3, 3, 4))
        reviews.record_review(
            db.session, self.user, card.key, rating, shown.review_id, 900, self.now
        )

    def wait(self) -> None:
        self.now += timedelta(minutes=self.rng.choice((1, 5, 30, 240, 60 * 24)))

    def undo(self) -> None:
        reviews.undo_last_review(db.session, self.user)

    def miss_a_quiz(self) -> None:
        request = QuizRequest(pack="starter", count=5)
        attempt = quizzes.start_quiz(
            db.session, self.user, request, self.now, rng=self.rng
        )
        quizzes.submit_quiz(db.session, self.user, attempt.id, self.now)

    def switch_scope(self) -> None:
        self.scope_args = self.rng.choice(SCOPES)

    def choose_topics(self) -> None:
        chosen = self.rng.choice(({"starter": ["basics"]}, {"starter": None}))
        choices.save_study_choices(db.session, self.user, chosen)

    def change_limits(self) -> None:
        settings = {"new_cards_per_day": self.rng.randint(1, 8)}
        accounts.update_settings(db.session, self.user, settings)

    def edit_pack(self) -> None:
        note = self.pack_dir / "notes" / "shell.md"
        text = note.read_text()
        edited = (
            text.replace(EXTRA_CARD, "") if EXTRA_CARD in text else text + EXTRA_CARD
        )
        note.write_text(edited)
        import_packs(db.session, self.pack_dir.parent)

    def check(self) -> None:
        """The kept tally equals counting every card again."""
        db.session.remove()
        user, scope = self.user, self.scope()
        day, kept = tally.day_and_counts(db.session, user, scope, self.now)
        counted_day = queue.today(db.session, user, self.now)
        counted = queue.counts(db.session, user, scope, self.now, counted_day)
        assert kept == counted
        assert (day.new_done, day.reviews_done, day.ratings) == (
            counted_day.new_done,
            counted_day.reviews_done,
            counted_day.ratings,
        )
        # The study page's one read of scope and tally says the same.
        db.session.remove()
        together = tally.scope_day_and_counts(
            db.session, self.user, self.now, **self.scope_args
        )
        assert together == (scope, day, kept)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_tally_matches_a_fresh_count(ctx, user, tmp_path, seed):
    pack_dir = tmp_path / "packs" / "starter"
    shutil.copytree(STARTER, pack_dir)
    import_packs(db.session, pack_dir.parent)
    learner = Learner(user, pack_dir, random.Random(seed))
    steps = [learner.rate] * 12 + [
        learner.wait,
        learner.wait,
        learner.undo,
        learner.miss_a_quiz,
        learner.switch_scope,
        learner.choose_topics,
        learner.change_limits,
        learner.edit_pack,
    ]
    for _ in range(120):
        learner.rng.choice(steps)()
        learner.check()
    assert db.session.scalar(db.select(db.func.count()).select_from(QuizAttempt))


def test_ratings_adjust_the_tally_instead_of_recounting(ctx, starter, user):
    learner = Learner(user, None, random.Random(0))
    learner.check()
    counted_at = db.session.get(DayTally, user).day_start
    for _ in range(5):
        learner.rate()
        learner.check()
    kept = db.session.get(DayTally, user)
    assert kept.day_start == counted_at and kept.ratings == 5


def test_a_new_study_day_counts_again(ctx, starter, user):
    learner = Learner(user, None, random.Random(0))
    learner.rate()
    learner.check()
    learner.now += timedelta(days=1)
    learner.check()
    assert db.session.get(DayTally, user).ratings == 0


def test_with_no_packs_there_is_nothing_to_study(ctx, user):
    learner = db.session.get(User, user)
    scope, day, left = tally.scope_day_and_counts(db.session, learner, START)
    assert scope.topic_ids == () and left == queue.Counts(0, 0, 0)
    assert day.ratings == 0 and db.session.get(DayTally, user) is None


def test_the_first_read_of_the_day_counts_and_keeps_the_tally(ctx, starter, user):
    learner = db.session.get(User, user)
    scope, _, left = tally.scope_day_and_counts(db.session, learner, START)
    kept = db.session.get(DayTally, user)
    assert kept.scope_stamp == scope.stamp and left.new == kept.new_unseen > 0
