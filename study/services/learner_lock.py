"""The per-learner write lock every change to a learner's progress takes first."""

from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from study.models import User
from study.prepared import Prepared

USERS = User.__table__
# Rewrite a column no foreign key points at: touching users.id made SQLite
# scan every child row of the learner (all their review logs) on each write.
LOCK = Prepared(
    update(USERS)
    .where(USERS.c.id == bindparam("user_id"))
    .values(session_token=USERS.c.session_token)
)


def lock_learner(session: Session, user_id: int) -> None:
    """Serialize one learner's writes (a row lock on PostgreSQL, the write lock
    on SQLite) so concurrent submits cannot interleave."""
    LOCK.run(session.connection(), {"user_id": user_id})
