"""What a loaded pack holds: topics, notes, cards and questions (plain values)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Topic:
    """A part of the subject; `weight` is its share of a mock exam in percent."""

    id: str
    title: str
    order: int
    weight: int


@dataclass(frozen=True)
class ExamSettings:
    """How a mock exam of the pack is run."""

    questions: int
    minutes: int
    pass_mark: int


@dataclass(frozen=True)
class Note:
    """A section of reading material, Markdown without its card blocks."""

    id: str
    topic: str
    title: str
    order: int
    body: str
    source: str


@dataclass(frozen=True)
class Card:
    """A flashcard: Markdown front and back, with a stable full ID."""

    id: str
    pack: str
    topic: str
    note: str
    kind: str  # "qa" | "cloze" | "table"
    front: str
    back: str
    source: str
    position: int = 0


@dataclass(frozen=True)
class Option:
    """One option of a choice question."""

    text: str
    correct: bool = False


@dataclass(frozen=True)
class Question:
    """A quiz question with its answer key and the cards behind it."""

    id: str
    pack: str
    topic: str
    note: str
    kind: str  # "single" | "multiple" | "truefalse" | "typed" | "matching"
    prompt: str
    options: tuple[Option, ...] = ()
    answers: tuple[str, ...] = ()
    answer_type: str = "text"  # "command" | "text"
    truth: bool | None = None
    pairs: tuple[tuple[str, str], ...] = ()
    pick: int | None = None
    explanation: str = ""
    cards: tuple[str, ...] = ()
    source: str = ""
    position: int = 0


@dataclass(frozen=True)
class Pack:
    """A whole content pack, in the order learners meet it."""

    id: str
    title: str
    version: int | str
    description: str
    topics: tuple[Topic, ...]
    exam: ExamSettings
    notes: tuple[Note, ...]
    cards: tuple[Card, ...]
    questions: tuple[Question, ...]
    root: Path

    def topic(self, topic_id: str) -> Topic | None:
        """Return the topic with this id, or None."""
        return next((t for t in self.topics if t.id == topic_id), None)

    def note(self, note_id: str) -> Note | None:
        """Return the note with this id, or None."""
        return next((n for n in self.notes if n.id == note_id), None)

    def card(self, card_id: str) -> Card | None:
        """Return the card with this full id, or None."""
        return next((c for c in self.cards if c.id == card_id), None)

    def question(self, question_id: str) -> Question | None:
        """Return the question with this full id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)

    def cards_of(self, note_id: str) -> tuple[Card, ...]:
        """Return the cards listed under a note, in pack order."""
        return tuple(c for c in self.cards if c.note == note_id)
