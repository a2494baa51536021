"""Which packs and topics a learner studies (the due queue follows this)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from study.errors import Invalid
from study.models import Pack, StudyChoice, Topic, User


def study_choices(session: Session, user: User) -> dict[str, list[str] | None]:
    """Return the learner's choice: pack id -> topic slugs (None: every topic).

    No rows at all means everything is studied (a new learner's default)."""
    rows = session.scalars(select(StudyChoice).where(StudyChoice.user_id == user.id))
    return {row.pack_id: row.topics for row in rows}


def save_study_choices(
    session: Session, user: User, chosen: dict[str, list[str] | None]
) -> None:
    """Replace the learner's choice of packs and topics."""
    if not chosen:
        raise Invalid("Choose at least one pack or topic to study.")
    topics = {
        pack_id: {
            t.slug
            for t in session.scalars(
                select(Topic).where(Topic.pack_id == pack_id, Topic.retired.is_(False))
            )
        }
        for pack_id in chosen
    }
    for pack_id, slugs in chosen.items():
        if session.get(Pack, pack_id) is None:
            raise Invalid(f"There is no pack {pack_id!r}.")
        unknown = set(slugs or ()) - topics[pack_id]
        if unknown:
            raise Invalid(f"Unknown topic: {', '.join(sorted(unknown))}.")
    session.execute(delete(StudyChoice).where(StudyChoice.user_id == user.id))
    for pack_id, slugs in chosen.items():
        every = slugs is None or set(slugs) == topics[pack_id]
        session.add(
            StudyChoice(
                user_id=user.id,
                pack_id=pack_id,
                topics=None if every else sorted(slugs),
            )
        )
    session.commit()
