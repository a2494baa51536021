"""Questions missed in a quiz send their cards back into the review queue."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from study import srs
from study.models import Card, CardState, Question, ReviewLog, User
from study.services import tally
from study.services.learner_lock import lock_learner
from study.services.queue import to_memory


def lapse_missed_cards(
    session: Session, user_id: int, attempt_id: int, missed: list[Question], now
) -> int:
    """Rate the cards behind missed questions Again (a lapse, logged as the
    quiz's, not as a study rating) so they come due now; return how many
    cards were lapsed."""
    keys = sorted({key for q in missed for key in (q.data or {}).get("cards", [])})
    if not keys:
        return 0
    lock_learner(session, user_id)
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
    logs, new_states, changed_states = [], [], []
    for card in cards:
        state = states.get(card.id)
        log, values = _lapse(user, card, state, attempt_id, now)
        logs.append(log)
        (changed_states if state else new_states).append(values)
    session.execute(insert(ReviewLog), logs)
    if new_states:
        session.execute(insert(CardState), new_states)
    if changed_states:
        session.execute(update(CardState), changed_states)
    tally.forget(session, user_id)
    return len(cards)


def _lapse(user, card, state, attempt_id: int, now: datetime) -> tuple[dict, dict]:
    """Return the review-log row and the new card-state values of one lapse."""
    before = to_memory(state) if state else None
    after = srs.rate(before, 1, now, user.desired_retention)
    seed = f"quiz:{attempt_id}:{card.id}".encode()
    log = {
        "user_id": user.id,
        "card_id": card.id,
        "review_id": hashlib.sha256(seed).hexdigest()[:32],
        "rating": 1,
        "reviewed_at": now,
        "duration_ms": 0,
        "previous_state": before.state if before else 0,
        "state_before": before.to_json() if before else None,
        "state_after": after.to_json(),
        "undone": False,
        "from_quiz": True,
    }
    lapsed = before is not None and before.state == 2
    values = {
        "user_id": user.id,
        "card_id": card.id,
        "state": after.state,
        "step": after.step,
        "stability": after.stability,
        "difficulty": after.difficulty,
        "due": after.due,
        "last_review": after.last_review,
        "reps": (state.reps if state else 0) + 1,
        "lapses": (state.lapses if state else 0) + int(lapsed),
    }
    return log, values
