"""Put a pack's notes, cards and questions in the order learners meet them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from study.packs.model import Card, ExamSettings, Note, Pack, Question, Topic
from study.packs.schema import PackSpec

GROUPS = {"notes": 0, "tables": 1, "questions": 2}


def family(card: Card) -> str:
    """The cards made from one source: a cloze sentence's gaps (`...:c1`,
    `...:c2`) or one table row's questions (`...:<row>:<column>`)."""
    if card.kind in ("cloze", "table"):
        return card.id.rsplit(":", 1)[0]
    return card.id


def spread_siblings(cards: list[Card], topic_of) -> list[Card]:
    """Reorder cards (given in pack order) so that siblings are apart.

    A second gap of a cloze sentence, or a table row's second question, gives
    away the first one's answer. Anki buries such siblings until the next day;
    here each topic's cards come first sibling first: every family's first
    card in pack order, then every second card, and so on. Within a topic a
    card is never placed right after its own sibling while another could go
    there."""
    topics: dict[object, list[Card]] = {}
    for card in cards:
        topics.setdefault(topic_of(card), []).append(card)
    return [card for topic in topics.values() for card in _spread(topic)]


def _spread(cards: list[Card]) -> list[Card]:
    turns: dict[str, int] = {}
    seen: dict[str, int] = {}
    for card in cards:
        name = family(card)
        turns[card.id] = seen.get(name, 0)
        seen[name] = turns[card.id] + 1
    # Cards still to place, for the families that have siblings.
    left = {name: count for name, count in seen.items() if count > 1}
    waiting = sorted(cards, key=lambda card: turns[card.id])
    spread: list[Card] = []
    while waiting:
        last = family(spread[-1]) if spread else None
        pick = next((i for i, c in enumerate(waiting) if family(c) != last), 0)
        # A family holding half of what is left must go now, or its cards
        # would end up side by side.
        big = max(
            (name for name, count in left.items() if count > 1 and name != last),
            key=left.__getitem__,
            default=None,
        )
        if big is not None and 2 * left[big] >= len(waiting):
            pick = next(i for i, c in enumerate(waiting) if family(c) == big)
        card = waiting.pop(pick)
        spread.append(card)
        name = family(card)
        if name in left:
            left[name] -= 1
            if not left[name]:
                del left[name]
    return spread


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

    def place_topic(item: Card | Question) -> int:
        return topic_rank.get(item.topic, 0)

    def place(item: Card | Question) -> tuple[int, int, int, str]:
        """Sort by topic, note, kind of file, file (stable within a file)."""
        group = GROUPS.get(item.source.split("/")[0], 3)
        return (
            topic_rank.get(item.topic, 0),
            note_rank.get(item.note, 0),
            group,
            item.source,
        )

    in_pack_order = sorted(cards, key=place)
    cards = [
        replace(card, position=i)
        for i, card in enumerate(spread_siblings(in_pack_order, place_topic))
    ]
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
