"""A learner's own review history: a paginated log, and everything about one card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from study import srs
from study.errors import NotFound
from study.models import Card, CardState, Pack, ReviewLog, Topic, User
from study.services.queue import to_memory

PER_PAGE = 50


@dataclass(frozen=True)
class ReviewRow:
    """One rating as the history lists it."""

    reviewed_at: datetime
    rating: int
    previous_state: int
    interval: timedelta  # from this rating to the due date it set
    duration_ms: int
    card_key: str
    card_front: str
    pack_id: str
    topic_title: str
    stability: float | None = None
    difficulty: float | None = None
    from_quiz: bool = False  # a lapse a missed quiz question gave the card

    @property
    def rating_name(self) -> str:
        """Return Again, Hard, Good or Easy (or that a quiz question was missed)."""
        if self.from_quiz:
            return "Missed in a quiz"
        return srs.RATINGS.get(self.rating, str(self.rating))

    @property
    def interval_text(self) -> str:
        """Return the interval as rating buttons show it: 10m, 3d, 2mo."""
        return srs.short_interval(self.interval)


@dataclass(frozen=True)
class HistoryPage:
    """One page of the review history."""

    rows: list[ReviewRow]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class CardInfo:
    """A card with the learner's memory of it and every rating they gave it."""

    card: Card
    memory: srs.Memory | None
    recall: float | None
    reps: int
    lapses: int
    reviews: list[ReviewRow]


def _row(log: ReviewLog, card: Card, topic_title: str) -> ReviewRow:
    after = srs.Memory.from_json(log.state_after)
    return ReviewRow(
        reviewed_at=log.reviewed_at,
        rating=log.rating,
        previous_state=log.previous_state,
        interval=after.due - log.reviewed_at,
        duration_ms=log.duration_ms,
        card_key=card.key,
        card_front=card.front,
        pack_id=card.pack_id,
        topic_title=topic_title,
        stability=after.stability,
        difficulty=after.difficulty,
        from_quiz=log.from_quiz,
    )


def review_history(
    session: Session,
    user: User,
    pack: str | None = None,
    topic: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> HistoryPage:
    """Return a page of the learner's ratings, newest first, by pack and topic."""
    conditions = [ReviewLog.user_id == user.id, ReviewLog.undone.is_(False)]
    if pack:
        conditions.append(Card.pack_id == pack)
    if topic:
        conditions.append(Topic.slug == topic)
    query = (
        select(ReviewLog, Card, Topic.title)
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Topic, Topic.id == Card.topic_id)
        .where(*conditions)
    )
    total = session.scalar(
        select(func.count()).select_from(
            query.with_only_columns(ReviewLog.id).subquery()
        )
    )
    pages = max(-(-(total or 0) // per_page), 1)
    page = min(max(page, 1), pages)
    rows = session.execute(
        query.order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return HistoryPage(
        rows=[_row(log, card, title) for log, card, title in rows],
        page=page,
        pages=pages,
        total=total or 0,
    )


def filter_choices(session: Session) -> list[tuple[Pack, list[Topic]]]:
    """Return the packs and their live topics, for the history's filters."""
    packs = session.scalars(select(Pack).order_by(Pack.title)).all()
    return [(p, [t for t in p.topics if not t.retired]) for p in packs]


def card_info(session: Session, user: User, key: str, now: datetime) -> CardInfo:
    """Return one card with the learner's state and ratings (never anyone else's)."""
    card = session.scalar(select(Card).where(Card.key == key))
    if card is None:
        raise NotFound("There is no such card.")
    state = session.get(CardState, (user.id, card.id))
    memory = to_memory(state) if state else None
    logs = session.scalars(
        select(ReviewLog)
        .where(
            ReviewLog.user_id == user.id,
            ReviewLog.card_id == card.id,
            ReviewLog.undone.is_(False),
        )
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    ).all()
    return CardInfo(
        card=card,
        memory=memory,
        recall=srs.retrievability(memory, now) if memory else None,
        reps=state.reps if state else 0,
        lapses=state.lapses if state else 0,
        reviews=[_row(log, card, card.topic.title) for log in logs],
    )


def cards_studied_since(session: Session, user: User, start: datetime) -> int:
    """How many different cards the learner rated since `start` (a card rated
    Again and then Good counts once; quiz lapses and undone ratings not)."""
    return session.scalar(
        select(func.count(func.distinct(ReviewLog.card_id))).where(
            ReviewLog.user_id == user.id,
            ReviewLog.counted(),
            ReviewLog.reviewed_at >= start,
        )
    )
