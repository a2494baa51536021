"""Search across notes and cards by title, text and commands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from study.models import Card, Note

LIMIT = 50


@dataclass(frozen=True)
class SearchResults:
    """Notes and cards that match a query."""

    notes: list[Note]
    cards: list[Card]


def _pattern(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find(session: Session, query: str) -> SearchResults:
    """Return notes and cards containing every word of the query."""
    words = [w for w in query.split() if w][:8]
    if not words:
        return SearchResults([], [])
    note_terms = [
        or_(
            func.lower(Note.title).like(_pattern(w), escape="\\"),
            func.lower(Note.body).like(_pattern(w), escape="\\"),
        )
        for w in words
    ]
    card_terms = [
        or_(
            func.lower(Card.front).like(_pattern(w), escape="\\"),
            func.lower(Card.back).like(_pattern(w), escape="\\"),
        )
        for w in words
    ]
    notes = session.scalars(
        select(Note)
        .where(Note.retired.is_(False), *note_terms)
        .order_by(Note.pack_id, Note.position)
        .limit(LIMIT)
    ).all()
    cards = session.scalars(
        select(Card)
        .where(Card.retired.is_(False), *card_terms)
        .order_by(Card.position)
        .limit(LIMIT)
    ).all()
    return SearchResults(list(notes), list(cards))
