"""The day's tally: what is left today, kept up to date instead of recounted.

Counting a scope's due and unstudied cards touches every card in it, so doing
it on each rating made the study loop slow for big packs. The tally counts once
per study day and scope, then each rating adjusts it in the same transaction
that records the rating. Anything else that changes a learner's card states
(undo, quiz misses, a progress import) forgets the tally, and the next page
counts again. The tally lives in the database, so every app server sees it.
"""

from __future__ import annotations

from datetime import datetime

from fsrs import State
from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.orm import Session

from study import srs
from study.models import DayTally, User
from study.prepared import Prepared
from study.services import queue
from study.services.learner_lock import lock_learner

KEPT = Prepared(
    select(DayTally.__table__).where(
        DayTally.__table__.c.user_id == bindparam("user_id")
    )
)


def day_and_counts(
    session: Session, user: User, scope: queue.Scope, now: datetime
) -> tuple[queue.Today, queue.Counts]:
    """Return the learner's study day and the cards left in it for this scope."""
    kept = None
    if scope.topic_ids:
        kept = KEPT.first(session.connection(), {"user_id": user.id})
    return _day_and_counts_from(kept, session, user, scope, now)


def scope_day_and_counts(
    session: Session, user: User, now: datetime, **scope_args: str
) -> tuple[queue.Scope, queue.Today, queue.Counts]:
    """Return the study scope (see queue.study_scope), the learner's study day
    and the cards left in it; for the learner's chosen topics, the scope and
    the kept tally come in one read."""
    if scope_args:
        scope = queue.asked_scope(session, user, **scope_args)
        return scope, *day_and_counts(session, user, scope, now)
    rows = CHOSEN_AND_KEPT.all(session.connection(), {"user_id": user.id})
    scope = queue.chosen_scope(rows)
    # Every row carries the tally's columns, all None while none is kept.
    kept = rows[0] if rows and rows[0].user_id is not None else None
    return scope, *_day_and_counts_from(kept, session, user, scope, now)


def _day_and_counts_from(kept, session, user, scope, now):
    if not scope.topic_ids:
        return queue.today(session, user, now), queue.Counts(0, 0, 0)
    start = srs.study_day_start(now, user.timezone)
    if not _fits(kept, start, scope):
        kept = _count_again(session, user, scope, now, start)
    return _read(kept, user, start, now)


def day_after_rating(
    kept, user: User, scope: queue.Scope | None, now: datetime
) -> tuple[queue.Today, queue.Counts] | None:
    """Return the study day and the cards left in the scope from the tally row
    a rating just moved (see count_rating), sparing a read; None without a
    row or a scope, or when the row does not cover this scope today: the
    caller counts with day_and_counts."""
    if scope is None or not scope.topic_ids:
        return None
    start = srs.study_day_start(now, user.timezone)
    if not _fits(kept, start, scope):
        return None
    return _read(kept, user, start, now)


def _read(tally, user: User, start: datetime, now: datetime):
    end = srs.study_day_end(now, user.timezone)
    day = queue.Today(start, end, tally.new_done, tally.reviews_done, tally.ratings)
    due = queue.DueToday(tally.learning_due, tally.review_due, tally.new_unseen)
    return day, queue.within_limits(user, day, due)


def _fits(tally, day_start: datetime, scope: queue.Scope) -> bool:
    return (
        tally is not None
        and tally.day_start == day_start
        and tally.scope_stamp == scope.stamp
    )


def _count_again(
    session: Session, user: User, scope: queue.Scope, now: datetime, start: datetime
) -> DayTally:
    """Count from the cards themselves, under the learner's lock so no rating
    slips in between the count and the save."""
    lock_learner(session, user.id)
    tally = session.get(DayTally, user.id, populate_existing=True)
    if _fits(tally, start, scope):  # another request counted while we waited
        session.commit()
        return tally
    day = queue.today(session, user, now)
    due = queue.due_today(session, user, scope, day)
    if tally is None:
        tally = DayTally(user_id=user.id)
        session.add(tally)
    tally.day_start = start
    tally.scope_stamp = scope.stamp
    tally.topic_ids = list(scope.topic_ids)
    tally.note_id = scope.note_id
    tally.new_done = day.new_done
    tally.reviews_done = day.reviews_done
    tally.ratings = day.ratings
    tally.learning_due = due.learning
    tally.review_due = due.review
    tally.new_unseen = due.new
    session.commit()
    return tally


TALLIES = DayTally.__table__
# The kept tally's day and scope, as columns a rating's first query joins in.
KEPT_SCOPE = (
    TALLIES.c.day_start.label("tally_day_start"),
    TALLIES.c.topic_ids.label("tally_topic_ids"),
    TALLIES.c.note_id.label("tally_note_id"),
)
MOVE_TALLY = Prepared(
    update(TALLIES)
    .where(TALLIES.c.user_id == bindparam("of_user"))
    .values(
        ratings=TALLIES.c.ratings + 1,
        new_done=TALLIES.c.new_done + bindparam("new_done"),
        reviews_done=TALLIES.c.reviews_done + bindparam("reviews_done"),
        new_unseen=TALLIES.c.new_unseen + bindparam("new_unseen"),
        learning_due=TALLIES.c.learning_due + bindparam("learning_due"),
        review_due=TALLIES.c.review_due + bindparam("review_due"),
    )
    .returning(*TALLIES.c)
)


def count_rating(
    connection: Connection,
    user: User,
    card,
    before: srs.Memory | None,
    after: srs.Memory,
    now: datetime,
):
    """Move one rated card through the tally, inside the rating's transaction,
    which already holds the learner's lock, and return the moved tally row
    (None when there was none to move). `card` is a row with topic_id, note_id
    and the KEPT_SCOPE columns, read under that lock."""
    if card.tally_day_start != srs.study_day_start(now, user.timezone):
        return None  # none, or a new study day: the next page counts again
    end = srs.study_day_end(now, user.timezone)
    change = {"new_done": 0, "reviews_done": 0, "new_unseen": 0}
    change |= {"learning_due": 0, "review_due": 0}
    if before is None:
        change["new_done"] = 1
    elif before.state == State.Review:
        change["reviews_done"] = 1
    if _in_scope(card):
        if before is None:
            change["new_unseen"] = -1
        elif before.due < end:
            _shift(change, before.state, -1)
        if after.due < end:
            _shift(change, after.state, +1)
    return MOVE_TALLY.first(connection, {"of_user": user.id, **change})


def _in_scope(card) -> bool:
    if card.topic_id not in card.tally_topic_ids:
        return False
    return card.tally_note_id is None or card.tally_note_id == card.note_id


def _shift(change: dict[str, int], state: int, step: int) -> None:
    if state in queue.LEARNING_STATES:
        change["learning_due"] += step
    elif state == State.Review:
        change["review_due"] += step


def forget(session: Session, user_id: int) -> None:
    """Drop the learner's tally (inside a transaction that changed card states
    other than by a rating), so the next page counts again."""
    session.execute(delete(DayTally).where(DayTally.user_id == user_id))


# The learner's chosen topics (queue.CHOSEN_TOPICS) with, on every row, the
# kept tally's columns that _fits and _read look at, for the pages that need
# both. The tally's own topic list is left out: its stamp says the same, and
# decoding that JSON on every topic row would cost more than the read saves.
CHOSEN_AND_KEPT = Prepared(
    queue.CHOSEN_TOPICS.add_columns(
        *(c for c in TALLIES.c if c.name not in ("topic_ids", "note_id"))
    ).outerjoin(TALLIES, TALLIES.c.user_id == bindparam("user_id"))
)
