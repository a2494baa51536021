"""The pack catalogue: which packs exist, their topics, and their cards by page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from study.errors import Invalid, NotFound
from study.models import Card, Pack, Question, Topic

MAX_PER_PAGE = 200
MAX_PAGE = 100_000


@dataclass(frozen=True)
class TopicSummary:
    """A live topic of a pack and how many live cards and questions it has."""

    slug: str
    title: str
    cards: int
    questions: int


@dataclass(frozen=True)
class PackSummary:
    """An imported pack with its topics."""

    pack: Pack
    topics: list[TopicSummary]

    @property
    def cards(self) -> int:
        """Return the pack's live cards."""
        return sum(topic.cards for topic in self.topics)

    @property
    def questions(self) -> int:
        """Return the pack's live quiz questions."""
        return sum(topic.questions for topic in self.topics)


@dataclass(frozen=True)
class CardPage:
    """One page of a pack's live cards, in pack order."""

    pack: Pack
    topic: str | None
    cards: list[Card]
    total: int
    page: int
    per_page: int

    @property
    def next_page(self) -> int | None:
        """Return the number of the following page, or None on the last one."""
        return self.page + 1 if self.page * self.per_page < self.total else None


def _live_counts(session: Session, model) -> dict[int, int]:
    rows = session.execute(
        select(model.topic_id, func.count())
        .where(model.retired.is_(False))
        .group_by(model.topic_id)
    ).all()
    return dict(rows)


def list_packs(session: Session) -> list[PackSummary]:
    """Return every imported pack, by title, with card and question counts."""
    cards = _live_counts(session, Card)
    questions = _live_counts(session, Question)
    packs = session.scalars(
        select(Pack).options(selectinload(Pack.topics)).order_by(Pack.title, Pack.id)
    ).all()
    return [
        PackSummary(
            pack=pack,
            topics=[
                TopicSummary(
                    topic.slug,
                    topic.title,
                    cards.get(topic.id, 0),
                    questions.get(topic.id, 0),
                )
                for topic in pack.topics
                if not topic.retired
            ],
        )
        for pack in packs
    ]


def card_page(
    session: Session,
    pack_id: str,
    topic: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> CardPage:
    """Return one page of a pack's live cards, optionally of one topic."""
    if not 1 <= page <= MAX_PAGE:
        raise Invalid(f"page must be from 1 to {MAX_PAGE}.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(f"per_page must be from 1 to {MAX_PER_PAGE}.")
    pack = session.get(Pack, pack_id)
    if pack is None:
        raise NotFound("There is no such pack.")
    conditions = [Card.pack_id == pack.id, Card.retired.is_(False)]
    if topic:
        topic_id = session.scalar(
            select(Topic.id).where(
                Topic.pack_id == pack.id, Topic.slug == topic, Topic.retired.is_(False)
            )
        )
        if topic_id is None:
            raise NotFound("This pack has no such topic.")
        conditions.append(Card.topic_id == topic_id)
    total = session.scalar(select(func.count(Card.id)).where(*conditions)) or 0
    cards = session.scalars(
        select(Card)
        .options(selectinload(Card.note))
        .where(*conditions)
        .order_by(Card.position, Card.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return CardPage(pack, topic, list(cards), total, page, per_page)
