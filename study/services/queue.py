"""The due queue: which card a learner sees next, and how many are left today."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache

from fsrs import State
from sqlalchemy import and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import Session

from study import srs
from study.errors import NotFound
from study.models import (
    Card,
    CardState,
    Note,
    Pack,
    ReviewLog,
    StudyChoice,
    Topic,
    User,
)
from study.prepared import Prepared

LEARNING_STATES = (int(State.Learning), int(State.Relearning))


@dataclass(frozen=True)
class Scope:
    """Which cards a study session draws from: a set of topic ids."""

    topic_ids: tuple[int, ...]
    pack_ids: tuple[str, ...]
    note_id: int | None = None
    stamp: str = ""  # changes when the scope or its packs' content change


def in_scope(scope: Scope) -> list:
    """Return the conditions that keep a card query inside a study scope."""
    conditions = [Card.retired.is_(False), Card.topic_id.in_(scope.topic_ids)]
    if scope.note_id is not None:
        conditions.append(Card.note_id == scope.note_id)
    return conditions


@dataclass(frozen=True)
class Counts:
    """Cards left today, by kind, as shown in the progress line."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        """Return all cards left today."""
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class ShownCard:
    """What the study page and the API show of a card: its text, its topic and
    its note's slug, read by the due queue's query as plain columns."""

    id: int
    key: str
    kind: str
    pack_id: str
    front_html: str
    back_html: str
    topic_slug: str
    topic_title: str
    note_slug: str | None

    @classmethod
    def of(cls, card: Card) -> ShownCard:
        """Take what is shown from a loaded card."""
        return cls(
            id=card.id,
            key=card.key,
            kind=card.kind,
            pack_id=card.pack_id,
            front_html=card.front_html,
            back_html=card.back_html,
            topic_slug=card.topic.slug,
            topic_title=card.topic.title,
            note_slug=card.note.slug if card.note else None,
        )

    @classmethod
    def from_row(cls, row) -> ShownCard:
        """Take what is shown from a row with SHOWN_COLUMNS (named as the fields)."""
        return cls(*(getattr(row, name) for name in SHOWN_FIELDS))


SHOWN_FIELDS = tuple(field.name for field in fields(ShownCard))


@dataclass(frozen=True)
class DueCard:
    """A card ready to show, with what the rating buttons need."""

    card: ShownCard
    memory: srs.Memory | None
    review_id: str
    previews: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Today:
    """The learner's study day and what was already done in it."""

    start: datetime
    end: datetime
    new_done: int
    reviews_done: int
    ratings: int = 0


def study_scope(
    session: Session,
    user: User,
    pack: str | None = None,
    topic: str | None = None,
    note: str | None = None,
) -> Scope:
    """Return what a session covers: the asked pack, topic or note, else the
    learner's chosen packs and topics."""
    if pack and note:
        return _note_scope(session, pack, note)
    if pack:
        query = LIVE_TOPICS.where(Topic.pack_id == pack)
        if topic:
            query = query.where(Topic.slug == topic)
        return scope_of(session.execute(query).all())
    return chosen_scope(CHOSEN.all(session.connection(), {"user_id": user.id}))


def asked_scope(session: Session, user: User, **scope_args: str) -> Scope:
    """Return the scope of a study session asked for by pack, topic or note
    (see study_scope); one that matches nothing is NotFound, not an empty
    session that would look all done."""
    scope = study_scope(session, user, **scope_args)
    if scope_args and not scope.topic_ids:
        raise NotFound("There is no such pack, topic or note to study.")
    return scope


def chosen_scope(rows) -> Scope:
    """Return the scope of CHOSEN_TOPICS rows: the topics the learner chose."""
    return scope_of([row for row in rows if _chosen(row)])


def scope_of(rows) -> Scope:
    """Return the scope of these rows of LIVE_TOPICS."""
    topic_ids = tuple(row.id for row in rows)
    fingerprints = {row.pack_id: row.fingerprint for row in rows}
    return Scope(
        topic_ids=topic_ids,
        pack_ids=tuple(sorted(fingerprints)),
        stamp=_stamp(topic_ids, None, fingerprints),
    )


def _note_scope(session: Session, pack: str, note: str) -> Scope:
    row = session.execute(
        select(Note.id, Note.topic_id, Pack.fingerprint)
        .join(Pack, Pack.id == Note.pack_id)
        .where(Note.pack_id == pack, Note.slug == note, Note.retired.is_(False))
    ).first()
    if row is None:
        return Scope(topic_ids=(), pack_ids=())
    return Scope(
        topic_ids=(row.topic_id,),
        pack_ids=(pack,),
        note_id=row.id,
        stamp=_stamp((row.topic_id,), row.id, {pack: row.fingerprint}),
    )


def _stamp(topic_ids, note_id, fingerprints: dict[str, str]) -> str:
    packs = sorted(fingerprints.items())
    seed = repr((sorted(topic_ids), note_id, packs)).encode()
    return hashlib.sha256(seed).hexdigest()


LIVE_TOPICS = (
    select(Topic.id, Topic.pack_id, Topic.slug, Pack.fingerprint)
    .join(Pack, Pack.id == Topic.pack_id)
    .where(Topic.retired.is_(False))
)
# Every live topic with the learner's choice for its pack, and whether they
# chose anything at all (no choice means every pack): one query, built once.
CHOSEN_TOPICS = LIVE_TOPICS.add_columns(
    StudyChoice.pack_id.label("chosen_pack"),
    StudyChoice.topics.label("chosen_topics"),
    exists().where(StudyChoice.user_id == bindparam("user_id")).label("chose_any"),
).outerjoin(
    StudyChoice,
    and_(
        StudyChoice.user_id == bindparam("user_id"),
        StudyChoice.pack_id == Topic.pack_id,
    ),
)


CHOSEN = Prepared(CHOSEN_TOPICS)


def _chosen(row) -> bool:
    if not row.chose_any:
        return True
    if row.chosen_pack is None:
        return False
    return row.chosen_topics is None or row.slug in row.chosen_topics


def today(session: Session, user: User, now: datetime) -> Today:
    """Return the current study day's bounds and the ratings already given in it."""
    start = srs.study_day_start(now, user.timezone)
    end = srs.study_day_end(now, user.timezone)
    new_done, reviews_done, ratings = session.execute(
        select(
            func.coalesce(func.sum(case((ReviewLog.previous_state == 0, 1))), 0),
            func.coalesce(
                func.sum(case((ReviewLog.previous_state == int(State.Review), 1))), 0
            ),
            func.count(),
        ).where(
            ReviewLog.user_id == user.id,
            ReviewLog.reviewed_at >= start,
            ReviewLog.counted(),
        )
    ).one()
    return Today(start, end, int(new_done), int(reviews_done), int(ratings))


def _due_filter(user: User, scope: Scope, day_end: datetime):
    return and_(
        CardState.user_id == user.id,
        Card.id == CardState.card_id,
        *in_scope(scope),
        or_(
            and_(CardState.state.in_(LEARNING_STATES), CardState.due < day_end),
            and_(CardState.state == int(State.Review), CardState.due < day_end),
        ),
    )


@dataclass(frozen=True)
class DueToday:
    """Every card of a scope that could be studied today, before daily limits."""

    learning: int
    review: int
    new: int


def counts(session: Session, user: User, scope: Scope, now: datetime, day: Today):
    """Return how many new, learning and review cards are left today."""
    if not scope.topic_ids:
        return Counts(0, 0, 0)
    new_left = max(user.new_cards_per_day - day.new_done, 0)
    return within_limits(user, day, due_today(session, user, scope, day, new_left))


def due_today(
    session: Session, user: User, scope: Scope, day: Today, new_cap: int | None = None
) -> DueToday:
    """Count the scope's learning and review cards due before the day ends and
    its unstudied cards (at most `new_cap` of them when given)."""
    if not scope.topic_ids:
        return DueToday(0, 0, 0)
    by_state = dict(
        session.execute(
            select(CardState.state, func.count())
            .select_from(CardState)
            .join(Card, Card.id == CardState.card_id)
            .where(_due_filter(user, scope, day.end))
            .group_by(CardState.state)
        ).all()
    )
    new = 0 if new_cap == 0 else _count_new(session, user, scope, new_cap)
    return DueToday(
        learning=sum(by_state.get(s, 0) for s in LEARNING_STATES),
        review=by_state.get(int(State.Review), 0),
        new=new,
    )


def within_limits(user: User, day: Today, due: DueToday) -> Counts:
    """Apply the learner's daily limits to what is due today."""
    review_left = max(user.max_reviews_per_day - day.reviews_done, 0)
    new_left = max(user.new_cards_per_day - day.new_done, 0)
    return Counts(
        new=min(due.new, new_left),
        learning=due.learning,
        review=min(due.review, review_left),
    )


def _unstudied(user: User, scope: Scope):
    studied = exists().where(CardState.user_id == user.id, CardState.card_id == Card.id)
    return and_(
        Card.pack_id.in_(scope.pack_ids),
        *in_scope(scope),
        ~studied,
    )


def _count_new(session: Session, user: User, scope: Scope, limit: int | None) -> int:
    capped = select(Card.id).where(_unstudied(user, scope)).limit(limit).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0


@dataclass(frozen=True)
class NextCard:
    """The card to show next, with the learner's state of it (a CardState or a
    row of its columns; None while new) and, when the query brought it along,
    how often the learner rated it."""

    card: ShownCard
    state: object | None
    times_rated: int | None = None


def next_due(
    session: Session,
    user: User,
    scope: Scope,
    now: datetime,
    day: Today,
    left: Counts | None = None,
) -> ShownCard | None:
    """Return the next card: due learning first, then due reviews, then new."""
    found = next_card(session, user, scope, now, day, left)
    return found.card if found else None


def next_card(
    session: Session,
    user: User,
    scope: Scope,
    now: datetime,
    day: Today,
    left: Counts | None = None,
) -> NextCard | None:
    """Return the next card and its state: due learning first, then due
    reviews, then new.

    `left` (the counts of what is left today, when the caller has them) skips
    the queries for kinds of cards with none left.
    """
    if not scope.topic_ids:
        return None
    if left is None or left.learning:
        learning = _first_due(session, user, scope, LEARNING_STATES, now)
        if learning is not None:
            return learning
    if day.reviews_done < user.max_reviews_per_day and (left is None or left.review):
        review = _first_due(session, user, scope, REVIEW_STATES, day.end, before=True)
        if review is not None:
            return review
    if day.new_done < user.new_cards_per_day and (left is None or left.new):
        query = _first_new(scope.note_id is not None)
        row = query.first(session.connection(), _params(user, scope))
        if row is not None:
            return NextCard(ShownCard.from_row(row), None, row.times_rated)
    # Nothing else to do: learn ahead, like Anki, rather than make the learner wait.
    return _first_due(session, user, scope, LEARNING_STATES, now + srs.LEARN_AHEAD)


# The study loop's read, one statement per shape, built once and run straight
# on the driver (study.prepared): what is shown of the card, the learner's
# state of it, and how often the learner rated it (for its review id), all as
# plain columns.
SHOWN_COLUMNS = (
    Card.id,
    Card.key,
    Card.kind,
    Card.pack_id,
    Card.front_html,
    Card.back_html,
    Topic.slug.label("topic_slug"),
    Topic.title.label("topic_title"),
    Note.slug.label("note_slug"),
)
# The columns of a learner's state that `to_memory` reads.
MEMORY_COLUMNS = (
    CardState.state,
    CardState.step,
    CardState.stability,
    CardState.difficulty,
    CardState.due,
    CardState.last_review,
)
TIMES_RATED = (
    select(func.count())
    .where(ReviewLog.user_id == bindparam("user_id"), ReviewLog.card_id == Card.id)
    .correlate(Card)
    .scalar_subquery()
    .label("times_rated")
)
REVIEW_STATES = (int(State.Review),)


def _shown(query, with_note: bool) -> Prepared:
    query = (
        query.join(Topic, Topic.id == Card.topic_id)
        .outerjoin(Note, Note.id == Card.note_id)
        .where(
            Card.retired.is_(False),
            Card.topic_id.in_(bindparam("topic_ids", expanding=True)),
        )
    )
    if with_note:
        query = query.where(Card.note_id == bindparam("note_id"))
    return Prepared(query)


@cache
def _first_due_query(with_note: bool, before: bool):
    due = (
        CardState.due < bindparam("until")
        if before
        else CardState.due <= bindparam("until")
    )
    query = (
        select(*SHOWN_COLUMNS, *MEMORY_COLUMNS, TIMES_RATED)
        .join(CardState, Card.id == CardState.card_id)
        .where(
            CardState.user_id == bindparam("user_id"),
            CardState.state.in_(bindparam("states", expanding=True)),
            due,
        )
        .order_by(CardState.due)
        .limit(1)
    )
    return _shown(query, with_note)


@cache
def _first_new(with_note: bool):
    studied = exists().where(
        CardState.user_id == bindparam("user_id"), CardState.card_id == Card.id
    )
    query = (
        select(*SHOWN_COLUMNS, TIMES_RATED)
        .where(Card.pack_id.in_(bindparam("pack_ids", expanding=True)), ~studied)
        .order_by(Card.position)
        .limit(1)
    )
    return _shown(query, with_note)


def _params(user: User, scope: Scope, **more) -> dict:
    return {
        "user_id": user.id,
        "topic_ids": list(scope.topic_ids),
        "pack_ids": list(scope.pack_ids),
        "note_id": scope.note_id,
        **more,
    }


def _first_due(
    session: Session,
    user: User,
    scope: Scope,
    states: tuple[int, ...],
    until: datetime,
    before: bool = False,
) -> NextCard | None:
    """Return the earliest-due card in these states, due at or `before` until."""
    query = _first_due_query(scope.note_id is not None, before)
    row = query.first(
        session.connection(), _params(user, scope, states=list(states), until=until)
    )
    if row is None:
        return None
    return NextCard(ShownCard.from_row(row), row, row.times_rated)


def next_review_at(
    session: Session, user: User, scope: Scope, day: Today | None = None
) -> datetime | None:
    """Return when the next studied card falls due (for the 'all done' page);
    given the day, leave out the reviews today's review limit holds back."""
    if not scope.topic_ids:
        return None
    conditions = [CardState.user_id == user.id, *in_scope(scope)]
    if day is not None and day.reviews_done >= user.max_reviews_per_day:
        conditions.append(
            or_(CardState.state != int(State.Review), CardState.due >= day.end)
        )
    return session.scalar(
        select(func.min(CardState.due))
        .join(Card, Card.id == CardState.card_id)
        .where(*conditions)
    )


def memory_of(
    session: Session, user: User, card: Card | ShownCard
) -> srs.Memory | None:
    """Return the learner's memory state of a card (None while it is new)."""
    state = session.get(CardState, (user.id, card.id))
    return to_memory(state) if state else None


def to_memory(state: CardState) -> srs.Memory:
    """Convert a stored card state (or a row with its columns) to the
    scheduler's memory value."""
    return srs.Memory(
        state=state.state,
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


RATINGS_OF_CARD = Prepared(
    select(func.count().label("times"))
    .select_from(ReviewLog)
    .where(
        ReviewLog.user_id == bindparam("user_id"),
        ReviewLog.card_id == bindparam("card_id"),
    )
)


def _times_rated(session: Session, user: User, card: Card | ShownCard) -> int:
    found = RATINGS_OF_CARD.first(
        session.connection(), {"user_id": user.id, "card_id": card.id}
    )
    return found.times


def review_id(user: User, card: Card | ShownCard, times_rated: int) -> str:
    """Return the review id for showing this card now.

    It is derived from how often the card was rated before, so two tabs showing
    the same card share one id and the second rating counts once.
    """
    seed = f"{user.id}:{card.id}:{times_rated}".encode()
    return hashlib.sha256(seed).hexdigest()[:32]


def review_id_for(session: Session, user: User, card: Card | ShownCard) -> str:
    """Return the review id for showing this card now (counting its ratings)."""
    return review_id(user, card, _times_rated(session, user, card))


def due_card(
    session: Session,
    user: User,
    card: Card | ShownCard | NextCard,
    now: datetime,
) -> DueCard:
    """Bundle a card with its memory state, review id and interval previews
    (a NextCard brings its state along, sparing a query)."""
    times_rated = None
    if isinstance(card, NextCard):
        card, state, times_rated = card.card, card.state, card.times_rated
        memory = to_memory(state) if state else None
    else:
        memory = memory_of(session, user, card)
        if isinstance(card, Card):
            card = ShownCard.of(card)
    if times_rated is None:
        times_rated = _times_rated(session, user, card)
    return DueCard(
        card=card,
        memory=memory,
        review_id=review_id(user, card, times_rated),
        previews=srs.interval_previews(memory, now, user.desired_retention),
    )
