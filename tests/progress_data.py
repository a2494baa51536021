"""Small factories for progress tests: review-log rows, card states and quiz
results written straight into the real database."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from fsrs import State
from sqlalchemy import select

from study import srs
from study.extensions import db
from study.models import Card, CardState, QuizAttempt, ReviewLog, User

_ids = itertools.count(1)


def card(key: str) -> Card:
    """Return the card with this key."""
    return db.session.scalar(select(Card).where(Card.key == key))


def learner(user_id: int) -> User:
    """Return the user with this id."""
    return db.session.get(User, user_id)


def add_review(
    user: User,
    key: str,
    when: datetime,
    rating: int = 3,
    previous_state: int = int(State.Review),
    undone: bool = False,
    interval_days: float = 10.0,
) -> ReviewLog:
    """Append a review-log row as a rating at `when` would write it."""
    after = srs.Memory(
        state=int(State.Review),
        step=None,
        stability=interval_days,
        difficulty=5.0,
        due=when + timedelta(days=interval_days),
        last_review=when,
    )
    before = None
    if previous_state:
        before = srs.Memory(previous_state, None, 3.0, 5.0, when, when).to_json()
    log = ReviewLog(
        user_id=user.id,
        card_id=card(key).id,
        review_id=f"test-review-{next(_ids):08d}",
        rating=rating,
        reviewed_at=when,
        duration_ms=2500,
        previous_state=previous_state,
        state_before=before,
        state_after=after.to_json(),
        undone=undone,
    )
    db.session.add(log)
    return log


def set_state(
    user: User,
    key: str,
    state: int = int(State.Review),
    interval_days: float = 10.0,
    stability: float = 10.0,
    last_review: datetime | None = None,
) -> CardState:
    """Give a learner a memory state of a card."""
    last_review = last_review or datetime.fromisoformat("2026-03-01T12:00:00+00:00")
    row = CardState(
        user_id=user.id,
        card_id=card(key).id,
        state=state,
        step=None if state == int(State.Review) else 0,
        stability=stability,
        difficulty=5.0,
        due=last_review + timedelta(days=interval_days),
        last_review=last_review,
        reps=3,
        lapses=0,
    )
    db.session.merge(row)
    return row


def add_attempt(
    user: User,
    mode: str,
    when: datetime,
    per_topic: dict[str, float],
    pack: str = "starter",
) -> QuizAttempt:
    """Record a submitted quiz with these per-topic scores (percent)."""
    topics = {
        slug: {
            "title": slug.title(),
            "correct": int(score),
            "total": 100,
            "score": score,
        }
        for slug, score in per_topic.items()
    }
    score = sum(per_topic.values()) / max(len(per_topic), 1)
    attempt = QuizAttempt(
        user_id=user.id,
        pack_id=pack,
        mode=mode,
        topics=sorted(per_topic),
        status="submitted",
        started_at=when - timedelta(minutes=10),
        submitted_at=when,
        question_count=10,
        correct_count=round(score / 10),
        score=score,
        pass_mark=60 if mode == "exam" else None,
        passed=(score >= 60) if mode == "exam" else None,
        per_topic=topics,
    )
    db.session.add(attempt)
    return attempt
