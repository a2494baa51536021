"""When the learner can study again, once nothing is left to show today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from study.models import User
from study.services import queue


@dataclass(frozen=True)
class NextStudy:
    """What the all-done and home pages say about studying again."""

    due: datetime | None  # when the next card falls due, if that is known
    held_back: int  # reviews due today that today's review limit holds back
    limit: int  # the learner's maximum reviews per day
    next_day: datetime  # when the next study day (and a fresh limit) starts


def next_study(
    session: Session, user: User, scope: queue.Scope, day: queue.Today, now: datetime
) -> NextStudy:
    """Say when the learner can study again."""
    held_back = 0
    if day.reviews_done >= user.max_reviews_per_day:
        held_back = queue.due_today(session, user, scope, day, new_cap=0).review
    due = queue.next_review_at(session, user, scope, day)
    if due is not None and (due <= now or (held_back and due >= day.end)):
        # Nothing to say of a card already due ("due yesterday" reads like a
        # bug), nor of one due after the held-back reviews come back: the
        # page says when the next study day starts instead.
        due = None
    return NextStudy(due, held_back, user.max_reviews_per_day, day.end)
