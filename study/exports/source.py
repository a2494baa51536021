"""Read an imported pack into plain values the exporters turn into files."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from study.errors import NotFound
from study.models import Card, Note, Pack, Question


@dataclass(frozen=True)
class ExportTopic:
    """A live topic of the pack."""

    slug: str
    title: str


@dataclass(frozen=True)
class ExportCard:
    """A live card with its rendered HTML and the note it comes from."""

    key: str
    topic: str
    kind: str
    front_html: str
    back_html: str
    source: str
    note_slug: str | None
    note_title: str | None


@dataclass(frozen=True)
class ExportQuestion:
    """A live quiz question with its answer key (`data` as stored)."""

    key: str
    topic: str
    kind: str
    prompt: str
    data: dict


@dataclass(frozen=True)
class ExportPack:
    """A pack's topics, cards and questions, in pack order."""

    id: str
    title: str
    version: str
    description: str
    topics: tuple[ExportTopic, ...]
    cards: tuple[ExportCard, ...]
    questions: tuple[ExportQuestion, ...]

    def topic_title(self, slug: str) -> str:
        """Return a topic's title (its slug if the topic is unknown)."""
        return next((t.title for t in self.topics if t.slug == slug), slug)


def load_pack(session: Session, pack_id: str) -> ExportPack:
    """Return an imported pack's live content, or NotFound."""
    pack = session.get(Pack, pack_id)
    if pack is None:
        raise NotFound(f"No pack with id {pack_id!r} is imported.")
    topics = {t.id: t for t in pack.topics}
    cards = session.execute(
        select(Card, Note.slug, Note.title)
        .outerjoin(Note, Note.id == Card.note_id)
        .where(Card.pack_id == pack_id, Card.retired.is_(False))
        .order_by(Card.position, Card.id)
    ).all()
    questions = session.scalars(
        select(Question)
        .where(Question.pack_id == pack_id, Question.retired.is_(False))
        .order_by(Question.position, Question.id)
    ).all()
    return ExportPack(
        id=pack.id,
        title=pack.title,
        version=str(pack.version),
        description=pack.description or "",
        topics=tuple(
            ExportTopic(t.slug, t.title) for t in pack.topics if not t.retired
        ),
        cards=tuple(
            ExportCard(
                key=card.key,
                topic=topics[card.topic_id].slug,
                kind=card.kind,
                front_html=card.front_html,
                back_html=card.back_html,
                source=card.source,
                note_slug=note_slug,
                note_title=note_title,
            )
            for card, note_slug, note_title in cards
        ),
        questions=tuple(
            ExportQuestion(
                key=q.key,
                topic=topics[q.topic_id].slug,
                kind=q.kind,
                prompt=q.prompt,
                data=dict(q.data or {}),
            )
            for q in questions
        ),
    )
