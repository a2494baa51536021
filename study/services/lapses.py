"""Questions answered wrong in a quiz send their studied cards back for review.

A wrong answer is evidence that the learner forgot what a card teaches, so a
card they had studied lapses (rated Again through the scheduler) and comes due
now. A card they never studied has no memory to lapse: it stays a new card,
introduced within the day's new-card limit. A question left blank scores as
wrong but tells nothing about memory, so it leaves the schedule alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from study import srs
from study.models import Card, CardState, Question, ReviewLog, Topic, User
from study.quiz.present import is_blank
from study.services import tally
from study.services.learner_lock import lock_learner
from study.services.queue import to_memory


def lapse_missed_cards(
    session: Session, user_id: int, attempt_id: int, missed: list[Question], now
) -> int:
    """Rate the studied cards behind missed questions Again (a lapse, logged as
    the quiz's, not as a study rating) so they come due now; return how many
    cards were lapsed."""
    keys = _card_keys(missed)
    if not keys:
        return 0
    lock_learner(session, user_id)
    user = session.get(User, user_id)
    studied = session.execute(
        select(Card.id, CardState)
        .join(CardState, CardState.card_id == Card.id)
        .where(
            Card.key.in_(keys),
            Card.retired.is_(False),
            CardState.user_id == user_id,
        )
    ).all()
    if not studied:
        return 0
    logs, states = [], []
    for card_id, state in studied:
        log, values = _lapse(user, card_id, state, attempt_id, now)
        logs.append(log)
        states.append(values)
    session.execute(insert(ReviewLog), logs)
    session.execute(update(CardState), states)
    tally.forget(session, user_id)
    return len(studied)


def answered_wrong(items) -> list[Question]:
    """The questions of an attempt's items that were answered, and wrongly."""
    return [
        item.question
        for item in items
        if not item.correct and not is_blank(item.answer)
    ]


def _card_keys(questions: list[Question]) -> list[str]:
    return sorted({key for q in questions for key in (q.data or {}).get("cards", [])})


def quiz_review_id(attempt_id: int, card_id: int) -> str:
    """The review id of the lapse an attempt gave a card (one per pair)."""
    return hashlib.sha256(f"quiz:{attempt_id}:{card_id}".encode()).hexdigest()[:32]


def _lapse(user, card_id: int, state, attempt_id: int, now: datetime):
    """Return the review-log row and the new card-state values of one lapse."""
    before = to_memory(state)
    after = srs.rate(before, 1, now, user.desired_retention)
    log = {
        "user_id": user.id,
        "card_id": card_id,
        "review_id": quiz_review_id(attempt_id, card_id),
        "rating": 1,
        "reviewed_at": now,
        "duration_ms": 0,
        "previous_state": before.state,
        "state_before": before.to_json(),
        "state_after": after.to_json(),
        "undone": False,
        "from_quiz": True,
    }
    values = {
        "user_id": user.id,
        "card_id": card_id,
        "state": after.state,
        "step": after.step,
        "stability": after.stability,
        "difficulty": after.difficulty,
        "due": after.due,
        "last_review": after.last_review,
        "reps": state.reps + 1,
        "lapses": state.lapses + int(before.state == 2),
    }
    return log, values


@dataclass(frozen=True)
class FollowUp:
    """What a graded attempt did to the learner's cards, for its results page."""

    lapsed: int  # studied cards behind wrong answers, due again now
    new_cards: int  # cards behind wrong answers the learner has not studied yet
    new_topics: list[tuple[str, str]]  # (slug, title) of the topics they are in
    blank: int  # questions left without an answer


def follow_up(session: Session, user_id: int, attempt) -> FollowUp:
    """Say which cards a graded attempt sent back for review, and which cards
    behind its wrong answers are still new to the learner."""
    wrong = answered_wrong(attempt.items)
    blank = sum(1 for item in attempt.items if is_blank(item.answer))
    keys = _card_keys(wrong)
    if not keys:
        return FollowUp(0, 0, [], blank)
    rows = session.execute(
        select(Card.id, Topic.slug, Topic.title, CardState.card_id.label("studied"))
        .join(Topic, Topic.id == Card.topic_id)
        .outerjoin(
            CardState,
            (CardState.card_id == Card.id) & (CardState.user_id == user_id),
        )
        .where(Card.key.in_(keys), Card.retired.is_(False))
        .order_by(Topic.position, Card.position)
    ).all()
    lapsed = session.scalar(
        select(func.count()).where(
            ReviewLog.user_id == user_id,
            ReviewLog.from_quiz.is_(True),
            ReviewLog.review_id.in_([quiz_review_id(attempt.id, r.id) for r in rows]),
        )
    )
    new = [row for row in rows if row.studied is None]
    topics = list(dict.fromkeys((row.slug, row.title) for row in new))
    return FollowUp(lapsed, len(new), topics, blank)
