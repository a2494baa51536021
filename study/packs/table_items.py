"""Turn a checked table's rows into cards and quiz questions."""

from __future__ import annotations

from typing import Any

from study.packs.context import IdParts
from study.packs.limits import CARD_ID, QUESTION_ID
from study.packs.model import Card, Option, Question
from study.packs.tables import Row, TableFile
from study.packs.text import as_code, fill, normal

DISTRACTORS = 3  # options drawn besides the correct one in each attempt
MATCHING_PAIRS = 5  # pairs shown in each attempt of a table matching question
MIN_PAIRS = 3


def table_cards(
    table: TableFile, rows: list[Row], bad: set[str]
) -> tuple[list[Card], dict[str, tuple[str, ...]]]:
    """Return the table's cards, row by row, and the card ids of each row."""
    spec, pack = table.spec, table.context.pack_id
    cards: list[Card] = []
    by_row: dict[str, tuple[str, ...]] = {}
    for row in rows:
        for index, template in enumerate(spec.cards):
            if f"cards:{index}" in bad or not row.has(template.when):
                continue
            front, back = fill(template.front, row.text), fill(template.back, row.text)
            if front is None or back is None:
                continue
            card_id = f"{pack}:table:{spec.id}:{row.key}:{template.id}"
            parts = _id_parts(table, row, "cards", index, template.id)
            table.context.check_id_size(
                table.source, "card id", card_id, parts, CARD_ID
            )
            card = Card(
                card_id, pack, spec.topic, spec.note, "table", front, back, table.source
            )
            cards.append(card)
            by_row[row.key] = (*by_row.get(row.key, ()), card_id)
    return cards, by_row


def table_questions(
    table: TableFile, rows: list[Row], bad: set[str], by_row: dict[str, tuple[str, ...]]
) -> list[Question]:
    """Return the table's questions: row by row, then the matching ones."""
    templates = [
        (index, template)
        for index, template in enumerate(table.spec.questions)
        if f"questions:{index}" not in bad
    ]
    questions = []
    for row in rows:
        for index, template in templates:
            if template.kind != "matching":
                question = _row_question(table, template, row, rows, by_row)
                questions += _sized(table, question, row, index, template.id)
    for index, template in templates:
        if template.kind == "matching":
            question = _matching(table, index, template, rows, by_row)
            questions += _sized(table, question, None, index, template.id)
    return questions


def _id_parts(
    table: TableFile, row: Row | None, part: str, index: int, template_id: str
) -> IdParts:
    """Return what a table card's or question's id is made of, with lines."""
    parts = [("table id", table.spec.id, table.line("id"))]
    if row is not None:
        parts.append(("row key", row.key, row.key_line))
    return [*parts, ("template id", template_id, table.line(part, index))]


def _sized(
    table: TableFile,
    question: Question | None,
    row: Row | None,
    index: int,
    template_id: str,
) -> list[Question]:
    """Return the question as a list (empty for None), reporting a long id."""
    if question is None:
        return []
    parts = _id_parts(table, row, "questions", index, template_id)
    table.context.check_id_size(
        table.source, "question id", question.id, parts, QUESTION_ID
    )
    return [question]


def _row_question(
    table: TableFile,
    template: Any,
    row: Row,
    rows: list[Row],
    by_row: dict[str, tuple[str, ...]],
) -> Question | None:
    prompt = fill(template.prompt, row.text)
    explanation = fill(template.explanation or "", row.text)
    answer = template.answer
    if not row.has(template.when) or prompt is None or explanation is None:
        return None
    if answer not in row.values:
        return None
    spec, pack = table.spec, table.context.pack_id
    common: dict[str, Any] = {
        "id": f"{pack}:table:{spec.id}:{row.key}:{template.id}",
        "pack": pack,
        "topic": spec.topic,
        "note": spec.note,
        "prompt": prompt,
        "explanation": explanation,
        "cards": by_row.get(row.key, ()),
        "source": table.source,
    }
    if template.kind == "truefalse":
        return Question(kind="truefalse", truth=row.values[answer], **common)
    if template.kind == "typed":
        value = row.values[answer]
        answers = tuple(value) if isinstance(value, list) else (value,)
        column_type = spec.columns[answer].type
        answer_type = "command" if column_type == "command" else "text"
        return Question(
            kind="typed", answers=answers, answer_type=answer_type, **common
        )
    return _choice(table, template, row, rows, common)


def _choice(
    table: TableFile, template: Any, row: Row, rows: list[Row], common: dict[str, Any]
) -> Question | None:
    answer, prompt = template.answer, common["prompt"]
    correct = row.text[answer]
    # Rows asking the same thing have right answers too: never offer those.
    right = {
        normal(other.text[answer])
        for other in rows
        if answer in other.text and _prompt_of(template, other) == normal(prompt)
    }
    right.add(normal(correct))
    distractors: list[str] = []
    for other in rows:
        value = other.text.get(answer)
        if value is None or normal(value) in right:
            continue
        right.add(normal(value))
        distractors.append(value)
    if len(distractors) < DISTRACTORS:
        if table.rows_dropped:
            return None  # the bad row is reported; counting now would mislead
        message = (
            f"question template '{template.id}' has only {len(distractors)} "
            f"distractors for row '{row.key}' (needs {DISTRACTORS})"
        )
        table.report(row.line, message)
        return None
    shown = _shown(table, answer)
    options = (
        Option(shown(correct), True),
        *(Option(shown(text)) for text in distractors),
    )
    return Question(kind="single", options=options, pick=DISTRACTORS, **common)


def _shown(table: TableFile, column: str):
    """How a column's values read as options: commands as code, exactly."""
    if table.spec.columns[column].type == "command":
        return as_code
    return lambda text: text


def _prompt_of(template: Any, row: Row) -> str | None:
    prompt = fill(template.prompt, row.text)
    return None if prompt is None else normal(prompt)


def _matching(
    table: TableFile,
    index: int,
    template: Any,
    rows: list[Row],
    by_row: dict[str, tuple[str, ...]],
) -> Question | None:
    left, right = template.left, template.right
    used = [
        r for r in rows if r.has(template.when) and left in r.text and right in r.text
    ]
    pairs = tuple((row.text[left], row.text[right]) for row in used)
    trouble = pair_problems(pairs)
    show_left, show_right = _shown(table, left), _shown(table, right)
    pairs = tuple((show_left(one), show_right(other)) for one, other in pairs)
    if trouble:
        table.report(
            table.line("questions", index),
            f"question template '{template.id}' {trouble}",
        )
        return None
    spec, pack = table.spec, table.context.pack_id
    cards = tuple(card for row in used for card in by_row.get(row.key, ()))
    return Question(
        id=f"{pack}:table:{spec.id}:{template.id}",
        pack=pack,
        topic=spec.topic,
        note=spec.note,
        kind="matching",
        prompt=template.prompt,
        pairs=pairs,
        pick=min(MATCHING_PAIRS, len(pairs)),
        explanation=template.explanation or "",
        cards=cards,
        source=table.source,
    )


def pair_problems(pairs: tuple[tuple[str, str], ...]) -> str:
    """Return what is wrong with a matching question's pairs ('' when fine)."""
    if len(pairs) < MIN_PAIRS:
        return f"has {len(pairs)} pairs; a matching question needs at least {MIN_PAIRS}"
    if not all(left.strip() and right.strip() for left, right in pairs):
        return "has a pair with an empty side"
    for side, name in ((0, "left"), (1, "right")):
        seen: set[str] = set()
        for pair in pairs:
            if normal(pair[side]) in seen:
                return f"has the {name} side '{pair[side]}' twice"
            seen.add(normal(pair[side]))
    return ""
