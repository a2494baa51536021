"""Questions missed in a quiz send their cards back into the review queue."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from study import srs
from study.models import Card, CardState, Question, ReviewLog, User
from study.services.queue import to_memory


def lapse_missed_cards(
    session: Session, user_id: int, attempt_id: int, missed: list[Question], now
) -> int:
    """Rate the cards behind missed questions Again (a lapse, logged like any
    review) so they come due now; return how many cards were lapsed."""
    keys = sorted({key for q in missed for key in (q.data or {}).get("cards", [])})
    if not keys:
        return 0
    user = session.get(User, user_id)
    cards = session.scalars(
        select(Card).where(Card.key.in_(keys), Card.retired.is_(False))
    ).all()
    states = {
        s.card_id: s
        for s in session.scalars(
            select(CardState).where(
                CardState.user_id == user_id,
                CardState.card_id.in_([c.id for c in cards]),
            )
        )
    }
    for card in cards:
        _lapse(session, user, card, states.get(card.id), attempt_id, now)
    return len(cards)


def _lapse(session, user, card, state, attempt_id: int, now: datetime) -> None:
    before = to_memory(state) if state else None
    after = srs.rate(before, 1, now, user.desired_retention)
    seed = f"quiz:{attempt_id}:{card.id}".encode()
    session.add(
        ReviewLog(
            user_id=user.id,
            card_id=card.id,
            review_id=hashlib.sha256(seed).hexdigest()[:32],
            rating=1,
            reviewed_at=now,
            duration_ms=0,
            previous_state=before.state if before else 0,
            state_before=before.to_json() if before else None,
            state_after=after.to_json(),
        )
    )
    if state is None:
        state = CardState(user_id=user.id, card_id=card.id, reps=0, lapses=0)
        session.add(state)
    if before is not None and before.state == 2:
        state.lapses += 1
    state.reps += 1
    for name in ("state", "step", "stability", "difficulty", "due", "last_review"):
        setattr(state, name, getattr(after, name))
