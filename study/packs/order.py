"""Put a pack's notes, cards and questions in the order learners meet them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from study.packs.model import Card, ExamSettings, Note, Pack, Question, Topic
from study.packs.schema import PackSpec

GROUPS = {"notes": 0, "tables": 1, "questions": 2}


def build_pack(
    spec: PackSpec,
    root: Path,
    topics: dict[str, Topic],
    notes: list[Note],
    cards: list[Card],
    questions: list[Question],
) -> Pack:
    """Return the Pack with topics, notes, cards and questions in pack order."""
    ordered = sorted(topics.values(), key=lambda topic: topic.order)
    topic_rank = {topic.id: rank for rank, topic in enumerate(ordered)}
    notes = sorted(notes, key=lambda n: (topic_rank.get(n.topic, 0), n.order, n.id))
    note_rank = {note.id: rank for rank, note in enumerate(notes)}

    def place(item: Card | Question) -> tuple[int, int, int, str]:
        """Sort by topic, note, kind of file, file (stable within a file)."""
        group = GROUPS.get(item.source.split("/")[0], 3)
        return (
            topic_rank.get(item.topic, 0),
            note_rank.get(item.note, 0),
            group,
            item.source,
        )

    cards = [replace(c, position=i) for i, c in enumerate(sorted(cards, key=place))]
    questions = [
        replace(q, position=i) for i, q in enumerate(sorted(questions, key=place))
    ]
    exam = ExamSettings(spec.exam.questions, spec.exam.minutes, spec.exam.pass_mark)
    return Pack(
        id=spec.id,
        title=spec.title,
        version=spec.version,
        description=spec.description,
        topics=tuple(ordered),
        exam=exam,
        notes=tuple(notes),
        cards=tuple(cards),
        questions=tuple(questions),
        root=root,
    )
