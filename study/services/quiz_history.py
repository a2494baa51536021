"""A learner's quiz history: attempts, and best and latest score per topic."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from study.models import QuizAttempt, User

RECENT_ATTEMPTS = 5


@dataclass(frozen=True)
class TopicRecord:
    """Best and latest quiz score of one topic."""

    topic: str
    title: str
    best: float
    last: float
    attempts: int


def submitted_attempts(
    session: Session, user: User, pack_id: str | None = None, limit: int = 100
) -> list[QuizAttempt]:
    """Return the learner's submitted attempts, newest first."""
    query = select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.status == "submitted"
    )
    if pack_id:
        query = query.where(QuizAttempt.pack_id == pack_id)
    query = query.order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    return list(session.scalars(query.limit(limit)))


def topic_records(session: Session, user: User, pack_id: str | None = None):
    """Return best and latest score per topic over the learner's attempts."""
    records: dict[str, dict] = {}
    for attempt in reversed(submitted_attempts(session, user, pack_id)):
        for slug, result in (attempt.per_topic or {}).items():
            record = records.setdefault(
                slug, {"title": result["title"], "best": 0.0, "last": 0.0, "n": 0}
            )
            record["best"] = max(record["best"], result["score"])
            record["last"] = result["score"]
            record["n"] += 1
    return [
        TopicRecord(slug, r["title"], r["best"], r["last"], r["n"])
        for slug, r in sorted(records.items())
    ]


def recent_topic_scores(session: Session, user: User, pack_id: str) -> dict[str, float]:
    """Return each topic's share of right answers over the latest attempts."""
    attempts = submitted_attempts(session, user, pack_id, limit=RECENT_ATTEMPTS)
    totals: dict[str, list[int]] = {}
    for attempt in attempts:
        for slug, result in (attempt.per_topic or {}).items():
            right, asked = totals.setdefault(slug, [0, 0])
            totals[slug] = [right + result["correct"], asked + result["total"]]
    return {slug: 100 * r / n for slug, (r, n) in totals.items() if n}
