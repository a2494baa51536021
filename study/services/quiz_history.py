"""A learner's quiz history: attempts, and best and latest score per topic."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from study.models import Pack, QuizAttempt, User

RECENT_ATTEMPTS = 5


@dataclass(frozen=True)
class TopicRecord:
    """Best and latest quiz score of one topic of one pack."""

    pack_id: str
    pack_title: str
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


def topic_records(
    session: Session, user: User, pack_id: str | None = None
) -> list[TopicRecord]:
    """Return best and latest score per topic of each pack, by pack then topic.

    Topics are told apart by pack as well as slug: two packs may both have a
    topic called "basics", and their scores must not merge.
    """
    records: dict[tuple[str, str], dict] = {}
    for attempt in reversed(submitted_attempts(session, user, pack_id)):
        for slug, result in (attempt.per_topic or {}).items():
            record = records.setdefault(
                (attempt.pack_id, slug),
                {"title": result["title"], "best": 0.0, "last": 0.0, "n": 0},
            )
            record["best"] = max(record["best"], result["score"])
            record["last"] = result["score"]
            record["n"] += 1
    titles = _pack_titles(session, {pack for pack, _slug in records})
    rows = [
        TopicRecord(
            pack_id=pack,
            pack_title=titles.get(pack, pack),
            topic=slug,
            title=r["title"],
            best=r["best"],
            last=r["last"],
            attempts=r["n"],
        )
        for (pack, slug), r in records.items()
    ]
    return sorted(rows, key=lambda r: (r.pack_title, r.pack_id, r.topic))


def _pack_titles(session: Session, pack_ids: set[str]) -> dict[str, str]:
    if not pack_ids:
        return {}
    rows = session.execute(select(Pack.id, Pack.title).where(Pack.id.in_(pack_ids)))
    return {pack_id: title for pack_id, title in rows}


def recent_topic_scores(session: Session, user: User, pack_id: str) -> dict[str, float]:
    """Return each topic's share of right answers over the latest attempts of
    one pack, by slug (other packs' topics of the same slug do not count)."""
    attempts = submitted_attempts(session, user, pack_id, limit=RECENT_ATTEMPTS)
    totals: dict[str, list[int]] = {}
    for attempt in attempts:
        for slug, result in (attempt.per_topic or {}).items():
            right, asked = totals.setdefault(slug, [0, 0])
            totals[slug] = [right + result["correct"], asked + result["total"]]
    return {slug: 100 * r / n for slug, (r, n) in totals.items() if n}
