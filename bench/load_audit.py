"""The audit after a load test: the database against the learners' records.

Every review a learner had acknowledged must be stored exactly once, undone
exactly when that learner undid it, and no other review may exist. Every
card's state, and every log row's state_after, must equal replaying the card's
non-undone review log through `study.srs.rate` (fuzzing is off, so the replay
is exact). Every learner's kept day tally must equal counting their cards again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from load_test import Learner


def audit(url: str, learners: list[Learner]) -> dict:
    """Compare the database with the learners' records and replay every card."""
    from sqlalchemy import select

    from study import create_app, srs
    from study.config import engine_options
    from study.extensions import db
    from study.models import CardState, ReviewLog, User

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        }
    )
    problems: list[str] = []
    with app.app_context():
        logs = db.session.scalars(select(ReviewLog).order_by(ReviewLog.id)).all()
        states = {
            (s.user_id, s.card_id): s for s in db.session.scalars(select(CardState))
        }
        retention = {
            user_id: value
            for user_id, value in db.session.execute(
                select(User.id, User.desired_retention)
            )
        }
        by_user = defaultdict(list)
        for log in logs:
            by_user[log.user_id].append(log)
        for learner in learners:
            problems += _check_learner(learner, by_user.pop(learner.user_id, []))
        if by_user:
            problems.append(f"reviews of users no learner knows: {sorted(by_user)}")
        replayed = _replay(logs, states, retention, srs, problems)
        tallies = _check_tallies(db.session, problems)
        stored = sum(1 for log in logs if not log.undone)
        db.session.remove()
        db.engine.dispose()
    return {
        "rows": len(logs),
        "stored_not_undone": stored,
        "stored_undone": len(logs) - stored,
        "cards_replayed": replayed,
        "tallies_checked": tallies,
        "problems": problems,
    }


def _check_learner(learner: Learner, logs) -> list[str]:
    problems = [f"{learner.name}: {p}" for p in learner.problems]
    kept = Counter(log.review_id for log in logs if not log.undone)
    undone = Counter(log.review_id for log in logs if log.undone)
    expected_kept = Counter(review_id for review_id, _ in learner.stack)
    expected_undone = Counter(review_id for review_id, _ in learner.undone)
    if kept != expected_kept:
        missing = expected_kept - kept
        extra = kept - expected_kept
        problems.append(f"{learner.name}: kept reviews differ: {missing=} {extra=}")
    if undone != expected_undone:
        problems.append(f"{learner.name}: undone reviews differ")
    return problems


def _replay(logs, states, retention, srs, problems: list[str]) -> int:
    chains = defaultdict(list)
    for log in logs:
        if not log.undone:
            chains[(log.user_id, log.card_id)].append(log)
    for key, chain in chains.items():
        memory = None
        for log in chain:
            memory = srs.rate(memory, log.rating, log.reviewed_at, retention[key[0]])
            if memory.to_json() != log.state_after:
                problems.append(f"log {log.id}: state_after differs from the replay")
        state = states.get(key)
        stored = None if state is None else _memory(state, srs)
        if stored != memory:
            problems.append(f"card state {key} differs from its replayed log")
        if state is not None and state.reps != len(chain):
            problems.append(f"card state {key}: {state.reps} reps, {len(chain)} logs")
    for key in set(states) - set(chains):
        problems.append(f"card state {key} has no review behind it")
    return len(chains)


def _check_tallies(session, problems: list[str]) -> int:
    """Every learner's kept day tally (still current) equals a fresh count."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from study.models import DayTally, User
    from study.services import queue, tally

    now, checked = datetime.now(UTC), 0
    for kept in session.scalars(select(DayTally)).all():
        user = session.get(User, kept.user_id)
        scope = queue.study_scope(session, user)
        if kept.scope_stamp != scope.stamp:
            continue  # a tally of another scope is counted again when used
        day = queue.today(session, user, now)
        if kept.day_start != day.start:
            continue  # yesterday's tally is counted again when used
        _, from_tally = tally.day_and_counts(session, user, scope, now)
        counted = queue.counts(session, user, scope, now, day)
        if from_tally != counted:
            problems.append(f"user {user.id}: tally {from_tally} != count {counted}")
        checked += 1
    return checked


def _memory(state, srs):
    return srs.Memory(
        state.state,
        state.step,
        state.stability,
        state.difficulty,
        state.due,
        state.last_review,
    )
