"""Recording ratings and undoing them: idempotent, one commit per operation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fsrs import State
from sqlalchemy import and_, bindparam, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from study import srs
from study.errors import Conflict, Invalid, NotFound
from study.models import Card, CardState, ReviewLog, User
from study.prepared import Prepared
from study.services import queue, tally
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
    # The cards left in the scope asked for, from the rating's own tally
    # update; None when the caller must count (a repeat, another scope).
    counts: queue.Counts | None = None
    # Asked for with find_next and found inside the rating's own transaction
    # whenever those counts are there: the card to study next (None if none).
    next_card: queue.NextCard | None = None


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


# Rating is the hot path: its statements are built once and run straight on
# the driver (study.prepared), in the session's transaction.
CARDS, STATES, LOGS = Card.__table__, CardState.__table__, ReviewLog.__table__
EARLIER = (
    select(LOGS.c.rating, LOGS.c.state_after, LOGS.c.undone, CARDS.c.key)
    .join(CARDS, CARDS.c.id == LOGS.c.card_id)
    .where(
        LOGS.c.user_id == bindparam("user_id"),
        LOGS.c.review_id == bindparam("review_id"),
    )
)
CARD_AND_STATE = Prepared(
    select(
        CARDS.c.id,
        CARDS.c.topic_id,
        CARDS.c.note_id,
        CARDS.c.retired,
        STATES.c.user_id.label("studied_by"),
        STATES.c.state,
        STATES.c.step,
        STATES.c.stability,
        STATES.c.difficulty,
        STATES.c.due,
        STATES.c.last_review,
        *tally.KEPT_SCOPE,
    )
    .outerjoin(
        STATES,
        and_(STATES.c.card_id == CARDS.c.id, STATES.c.user_id == bindparam("user_id")),
    )
    .outerjoin(tally.TALLIES, tally.TALLIES.c.user_id == bindparam("user_id"))
    .where(CARDS.c.key == bindparam("key"))
)
# Every column is given: a prepared statement applies no Python-side defaults.
ADD_LOG = Prepared(
    insert(LOGS)
    .values({column: bindparam(column) for column in LOGS.c.keys() if column != "id"})
    .inline()  # no RETURNING of the new id: nothing reads it
)
MEMORY_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review")
ADD_STATE = Prepared(insert(STATES).values({c: bindparam(c) for c in STATES.c.keys()}))
MOVE_STATE = Prepared(
    update(STATES)
    .where(
        STATES.c.user_id == bindparam("of_user"),
        STATES.c.card_id == bindparam("of_card"),
    )
    .values(
        {
            **{column: bindparam(column) for column in MEMORY_FIELDS},
            "reps": STATES.c.reps + 1,
            "lapses": STATES.c.lapses + bindparam("lapse"),
        }
    )
)


def record_review(
    session: Session,
    user: User,
    card_key: str,
    rating: int,
    review_id: str,
    duration_ms: int,
    now: datetime,
    scope: queue.Scope | None = None,
    find_next: bool = False,
) -> ReviewOutcome:
    """Rate a card for a learner; the same review id twice counts once. Given
    a study scope, the outcome also says what is left in it today and, with
    `find_next`, which card comes next, read before the rating's commit (so a
    failure there saves nothing, and the read needs no transaction of its
    own) whenever the rating's tally update gave the counts it needs."""
    check_rating(rating, review_id, duration_ms)
    lock_learner(session, user.id)
    connection = session.connection()
    card = CARD_AND_STATE.first(connection, {"user_id": user.id, "key": card_key})
    memory = to_memory(card) if card and card.studied_by is not None else None
    day_end = srs.study_day_end(now, user.timezone)
    if card is None or card.retired or not srs.is_due(memory, now, day_end):
        # A repeat of a rating already made lands here (its card has moved
        # on): acknowledge it. The unique review id catches any other repeat.
        earlier = _earlier_review(connection, user, review_id)
        session.rollback()
        if earlier is not None:
            return _repeat(earlier, card_key)
        if card is None or card.retired:
            raise NotFound("There is no such card to rate.")
        due = memory.due.strftime("%Y-%m-%d %H:%M UTC") if memory else ""
        raise Conflict(f"This card is not due yet (next due {due}).")
    after = srs.rate(memory, rating, now, user.desired_retention)
    try:
        _append_log(
            connection,
            user,
            card.id,
            rating,
            review_id,
            duration_ms,
            now,
            memory,
            after,
        )
        _save_state(connection, user, card.id, memory, after, rating)
        kept = tally.count_rating(connection, user, card, memory, after, now)
        day_and_counts = tally.day_after_rating(kept, user, scope, now)
        following = None
        if find_next and day_and_counts:
            following = queue.next_card(session, user, scope, now, *day_and_counts)
        session.commit()
    except IntegrityError:
        session.rollback()
        earlier = _earlier_review(session.connection(), user, review_id)
        if earlier is None:
            raise
        return _repeat(earlier, card_key)
    _forget_loaded_state(session, user.id, card.id)
    counts = day_and_counts[1] if day_and_counts else None
    return ReviewOutcome(card_key, rating, after.due, False, counts, following)


@dataclass(frozen=True)
class Submission:
    """A rating as the learner sends it: the card, the button (1-4), the
    review id the card was shown with and how long they looked at it."""

    card_key: str
    rating: int
    review_id: str
    duration_ms: int


@dataclass(frozen=True)
class Rated:
    """A rating's outcome, what is left in its scope today and, when asked
    for, the card to study next (None when nothing is left)."""

    outcome: ReviewOutcome
    counts: queue.Counts
    next_card: queue.DueCard | None = None


def rate_in_scope(
    session: Session,
    user: User,
    sent: Submission,
    now: datetime,
    scope: queue.Scope,
    with_next: bool = False,
) -> Rated:
    """Rate a card (see record_review) and say what is left in the study
    scope; with `with_next`, also find the card to study next, from the day
    and counts the rating's own tally update gave."""
    outcome = record_review(
        session,
        user,
        sent.card_key,
        sent.rating,
        sent.review_id,
        sent.duration_ms,
        now,
        scope,
        find_next=with_next,
    )
    # Counts from the rating's own tally update come with the next card.
    counts, found = outcome.counts, outcome.next_card
    if counts is None:  # a repeat, or the day's first count of this scope
        day, counts = tally.day_and_counts(session, user, scope, now)
        if with_next:
            found = queue.next_card(session, user, scope, now, day, counts)
    if not with_next:
        return Rated(outcome, counts)
    # The card's state and rating count came with it: no query here.
    shown = queue.due_card(session, user, found, now) if found else None
    return Rated(outcome, counts, shown)


def _earlier_review(connection, user: User, review_id: str):
    found = connection.execute(EARLIER, {"user_id": user.id, "review_id": review_id})
    return found.first()


def _repeat(earlier, card_key: str) -> ReviewOutcome:
    if earlier.key != card_key:
        raise Conflict("This review id was already used for another card.")
    if earlier.undone:
        # Acknowledging it would claim a rating that Undo took back.
        raise Conflict(
            "This rating was taken back with Undo; fetch the card again to rate it."
        )
    due = srs.Memory.from_json(earlier.state_after).due
    return ReviewOutcome(card_key, earlier.rating, due, duplicate=True)


def _append_log(
    connection, user, card_id, rating, review_id, duration_ms, now, before, after
) -> None:
    ADD_LOG.run(
        connection,
        {
            "user_id": user.id,
            "card_id": card_id,
            "review_id": review_id,
            "rating": rating,
            "reviewed_at": now,
            "duration_ms": min(duration_ms, MAX_DURATION_MS),
            "previous_state": before.state if before else 0,
            "state_before": before.to_json() if before else None,
            "state_after": after.to_json(),
            "undone": False,
            "from_quiz": False,
        },
    )


def _save_state(connection, user, card_id: int, before, after, rating) -> None:
    values = {
        "state": after.state,
        "step": after.step,
        "stability": after.stability,
        "difficulty": after.difficulty,
        "due": after.due,
        "last_review": after.last_review,
    }
    if before is None:
        ADD_STATE.run(
            connection,
            {"user_id": user.id, "card_id": card_id, "reps": 1, "lapses": 0, **values},
        )
        return
    lapse = int(rating == 1 and before.state == State.Review)
    MOVE_STATE.run(
        connection,
        {"of_user": user.id, "of_card": card_id, "lapse": lapse, **values},
    )


def _forget_loaded_state(session: Session, user_id: int, card_id: int) -> None:
    """The state was written past the ORM: drop any copy the session holds."""
    loaded = session.identity_map.get(identity_key(CardState, (user_id, card_id)))
    if loaded is not None:
        session.expire(loaded)


def _apply(state: CardState, memory: srs.Memory) -> None:
    state.state = memory.state
    state.step = memory.step
    state.stability = memory.stability
    state.difficulty = memory.difficulty
    state.due = memory.due
    state.last_review = memory.last_review


def _changed_since(session: Session, last: ReviewLog) -> bool:
    """Whether a quiz lapsed the card after this rating: putting back the state
    from before the rating would then erase the lapse."""
    return session.scalar(
        select(
            exists().where(
                ReviewLog.user_id == last.user_id,
                ReviewLog.card_id == last.card_id,
                ReviewLog.id > last.id,
                ReviewLog.undone.is_(False),
            )
        )
    )


def undo_last_review(session: Session, user: User) -> Card | None:
    """Take back the learner's latest study rating (never a quiz's lapse, nor
    a rating a quiz's lapse came after); return its card (None if none)."""
    lock_learner(session, user.id)
    last = session.scalar(
        select(ReviewLog)
        .where(ReviewLog.user_id == user.id, ReviewLog.counted())
        .order_by(ReviewLog.id.desc())
        .limit(1)
    )
    if last is None or _changed_since(session, last):
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
