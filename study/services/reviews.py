"""Recording ratings and undoing them: idempotent, one commit per operation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fsrs import State
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from study import srs
from study.errors import Conflict, Invalid, NotFound
from study.models import Card, CardState, ReviewLog, User
from study.services import tally
from study.services.learner_lock import lock_learner
from study.services.queue import to_memory

MAX_DURATION_MS = 60 * 60 * 1000


@dataclass(frozen=True)
class ReviewOutcome:
    """What a rating did: the card's next due time, and whether it was a repeat."""

    card_key: str
    rating: int
    due: datetime
    duplicate: bool


def check_rating(rating: object, review_id: object, duration_ms: object) -> None:
    """Refuse malformed rating input with a clear message."""
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise Invalid("rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
    if rating not in srs.RATINGS:
        raise Invalid("rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
    if not isinstance(review_id, str) or not 8 <= len(review_id) <= 64:
        raise Invalid("review_id must be a string of 8 to 64 characters")
    if isinstance(duration_ms, bool) or not isinstance(duration_ms, int):
        raise Invalid("duration_ms must be a whole number of milliseconds")
    if duration_ms < 0:
        raise Invalid("duration_ms cannot be negative")


def record_review(
    session: Session,
    user: User,
    card_key: str,
    rating: int,
    review_id: str,
    duration_ms: int,
    now: datetime,
) -> ReviewOutcome:
    """Rate a card for a learner; the same review id twice counts once."""
    check_rating(rating, review_id, duration_ms)
    lock_learner(session, user.id)
    earlier = _earlier_review(session, user, review_id)
    if earlier is not None:
        session.rollback()
        return _repeat(earlier, card_key)
    found = session.execute(
        select(Card, CardState)
        .options(lazyload(Card.topic))
        .outerjoin(
            CardState,
            and_(CardState.card_id == Card.id, CardState.user_id == user.id),
        )
        .where(Card.key == card_key)
    ).first()
    if found is None or found.Card.retired:
        session.rollback()
        raise NotFound("There is no such card to rate.")
    card, state = found.Card, found.CardState
    memory = to_memory(state) if state else None
    day_end = srs.study_day_end(now, user.timezone)
    if not srs.is_due(memory, now, day_end):
        session.rollback()
        due = memory.due.strftime("%Y-%m-%d %H:%M UTC") if memory else ""
        raise Conflict(f"This card is not due yet (next due {due}).")
    after = srs.rate(memory, rating, now, user.desired_retention)
    _append_log(session, user, card, rating, review_id, duration_ms, now, memory, after)
    _save_state(session, user, card, state, memory, after, rating)
    tally.count_rating(session, user, card, memory, after, now)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        earlier = _earlier_review(session, user, review_id)
        if earlier is None:
            raise
        return _repeat(earlier, card_key)
    return ReviewOutcome(card.key, rating, after.due, duplicate=False)


def _earlier_review(session: Session, user: User, review_id: str) -> ReviewLog | None:
    return session.scalar(
        select(ReviewLog).where(
            ReviewLog.user_id == user.id, ReviewLog.review_id == review_id
        )
    )


def _repeat(earlier: ReviewLog, card_key: str) -> ReviewOutcome:
    if earlier.card.key != card_key:
        raise Conflict("This review id was already used for another card.")
    due = srs.Memory.from_json(earlier.state_after).due
    return ReviewOutcome(card_key, earlier.rating, due, duplicate=True)


def _append_log(
    session, user, card, rating, review_id, duration_ms, now, before, after
):
    session.add(
        ReviewLog(
            user_id=user.id,
            card_id=card.id,
            review_id=review_id,
            rating=rating,
            reviewed_at=now,
            duration_ms=min(duration_ms, MAX_DURATION_MS),
            previous_state=before.state if before else 0,
            state_before=before.to_json() if before else None,
            state_after=after.to_json(),
        )
    )


def _save_state(session, user, card, state, before, after, rating) -> None:
    if state is None:
        state = CardState(user_id=user.id, card_id=card.id, reps=0, lapses=0)
        session.add(state)
    _apply(state, after)
    state.reps += 1
    if rating == 1 and before is not None and before.state == State.Review:
        state.lapses += 1


def _apply(state: CardState, memory: srs.Memory) -> None:
    state.state = memory.state
    state.step = memory.step
    state.stability = memory.stability
    state.difficulty = memory.difficulty
    state.due = memory.due
    state.last_review = memory.last_review


def undo_last_review(session: Session, user: User) -> Card | None:
    """Take back the learner's latest rating; return its card (None if none)."""
    lock_learner(session, user.id)
    last = session.scalar(
        select(ReviewLog)
        .where(ReviewLog.user_id == user.id, ReviewLog.undone.is_(False))
        .order_by(ReviewLog.id.desc())
        .limit(1)
    )
    if last is None:
        session.rollback()
        return None
    state = session.get(CardState, (user.id, last.card_id))
    if last.state_before is None:
        if state is not None:
            session.delete(state)
    elif state is not None:
        _apply(state, srs.Memory.from_json(last.state_before))
        state.reps = max(state.reps - 1, 0)
        if last.rating == 1 and last.previous_state == State.Review:
            state.lapses = max(state.lapses - 1, 0)
    last.undone = True
    tally.forget(session, user.id)
    card = last.card
    session.commit()
    return card
