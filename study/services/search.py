"""Search across notes and cards by title, text and commands."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from study.models import Card, Note

LIMIT = 50
MAX_TERMS = 8
# A "quoted phrase" or a single word.
TERM = re.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True)
class SearchResults:
    """Notes and cards that match a query, best first, with how many matched
    in all (at most LIMIT of each are listed)."""

    notes: list[Note]
    cards: list[Card]
    notes_found: int = 0
    cards_found: int = 0


def terms_of(query: str) -> list[str]:
    """Split a query into words, keeping "quoted phrases" whole."""
    found = [(phrase or word).strip() for phrase, word in TERM.findall(query)]
    return [term.strip('"') for term in found if term.strip('"')][:MAX_TERMS]


def _pattern(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column, term: str):
    return func.lower(column).like(_pattern(term), escape="\\")


def _all_in(column, terms: list[str]):
    return and_(*(_contains(column, term) for term in terms))


def find(session: Session, query: str) -> SearchResults:
    """Return notes and cards containing every term of the query: notes whose
    title has every term first, then cards whose question has every term."""
    terms = terms_of(query)
    if not terms:
        return SearchResults([], [])
    note_match = and_(
        Note.retired.is_(False),
        *(or_(_contains(Note.title, t), _contains(Note.body, t)) for t in terms),
    )
    card_match = and_(
        Card.retired.is_(False),
        *(or_(_contains(Card.front, t), _contains(Card.back, t)) for t in terms),
    )
    in_title = case((_all_in(Note.title, terms), 0), else_=1)
    in_front = case((_all_in(Card.front, terms), 0), else_=1)
    notes = session.scalars(
        select(Note)
        .where(note_match)
        .order_by(in_title, Note.pack_id, Note.position)
        .limit(LIMIT)
    ).all()
    cards = session.scalars(
        select(Card)
        .where(card_match)
        .order_by(in_front, Card.pack_id, Card.position)
        .limit(LIMIT)
    ).all()
    return SearchResults(
        list(notes),
        list(cards),
        _count(session, Note, note_match, len(notes)),
        _count(session, Card, card_match, len(cards)),
    )


def _count(session: Session, model, match, listed: int) -> int:
    """How many matched in all; counted only when the list was cut short."""
    if listed < LIMIT:
        return listed
    return session.scalar(select(func.count()).select_from(model).where(match))
