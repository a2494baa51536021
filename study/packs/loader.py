"""Load a pack folder into a Pack, collecting every problem on the way."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from study.packs.context import PackContext
from study.packs.files import UNREADABLE, guarded, pack_files, parse_yaml, read_text
from study.packs.files import read_yaml as read_yaml_file
from study.packs.limits import CARD_ID, NOTE_FIELDS, field_problems, nul_lines
from study.packs.model import Card, Note, Pack, Question
from study.packs.notes import NoteCard, read_body, split_front_matter
from study.packs.order import build_pack
from study.packs.packfile import read_pack_file
from study.packs.problems import Findings, PackError, Problem, sort_problems
from study.packs.questions import Written, read_questions
from study.packs.schema import NoteSpec, TableSpec, parse
from study.packs.table_items import table_cards, table_questions
from study.packs.tables import TableFile, check_header, check_templates, read_rows
from study.packs.yamlfile import line_of

FRONT_MATTER_HINT = (
    "a note starts with front matter: a `---` line, then id, topic, title "
    "and order, then `---`"
)


def find_pack_dirs(path: Path) -> list[Path]:
    """Return path if it holds pack.yaml, else its subfolders that do."""
    try:
        if (path / "pack.yaml").is_file():
            return [path]
        if not path.is_dir():
            return []
        return sorted(p for p in path.iterdir() if (p / "pack.yaml").is_file())
    except OSError:
        return []


def validate(path: Path) -> list[Problem]:
    """Return every problem of one pack folder or a folder of packs, in order."""
    folders = find_pack_dirs(path)
    if not folders:
        return [Problem(path.as_posix(), 1, "no pack.yaml here or in its subfolders")]
    problems: list[Problem] = []
    for folder in folders:
        problems += read_pack(folder)[1]
    return sort_problems(problems)


def load_pack(path: Path) -> Pack:
    """Load one pack folder, or raise PackError listing every problem."""
    pack, problems = read_pack(path)
    if pack is None or problems:
        raise PackError(problems)
    return pack


def read_pack(path: Path) -> tuple[Pack | None, list[Problem]]:
    """Read one pack folder; return the pack (None if it has problems) and them."""
    context = PackContext(path.resolve().name, Findings(path))
    spec = guarded(context, "pack.yaml", read_pack_file, path, context)
    notes, cards = _read_notes(path, context)
    questions: list[Question] = []
    for source in pack_files(path, "tables", ".yaml", context):
        made = guarded(context, source, _read_table, path, source, context)
        if made:
            cards += made[0]
            questions += made[1]
    written: list[Written] = []
    seen: dict[str, str] = {}
    for source in pack_files(path, "questions", ".yaml", context):
        data = read_yaml_file(path, source, context)
        if data is not UNREADABLE:
            found = guarded(
                context, source, read_questions, data, source, context, seen
            )
            written += found or []
    questions += _resolve_cards(written, cards, context)
    _check_unique(cards, questions, context)
    problems = sort_problems(context.findings.problems)
    if problems or spec is None or context.topics is None:
        return None, problems
    return build_pack(spec, path, context.topics, notes, cards, questions), []


def _read_notes(path: Path, context: PackContext) -> tuple[list[Note], list[Card]]:
    notes: list[Note] = []
    cards: list[Card] = []
    for source in pack_files(path, "notes", ".md", context):
        made = guarded(context, source, _read_note, path, source, context)
        if made:
            notes.append(made[0])
            cards += made[1]
    return notes, cards


def _read_note(
    path: Path, source: str, context: PackContext
) -> tuple[Note, list[Card]] | None:
    """Read one note file: front matter, reading text and its cards."""
    stem = Path(source).stem
    text = read_text(path, source, context)
    parts = None if text is None else split_front_matter(text)
    if parts is None:
        if text is not None:
            context.findings.add(source, 1, FRONT_MATTER_HINT)
        context.broken.add(f"note:{stem}")
        return None
    front, body, body_line = parts
    found = read_body(body, body_line)
    for line, message in [*found.problems, *nul_lines(body, body_line)]:
        context.findings.add(source, line, message)
    data = parse_yaml(front, source, context, first_line=2)
    spec, problems = parse(NoteSpec, data) if data is not UNREADABLE else (None, [])
    problems += field_problems(data, NOTE_FIELDS, ordered=True)
    for line, message in problems:
        context.findings.add(source, line, message)
    if spec is None:
        context.broken.add(f"note:{_raw_id(data) or stem}")
        return None
    if not _check_note(spec, data, source, context):
        return None
    note = Note(spec.id, spec.topic, spec.title, spec.order, found.body, source)
    context.notes[note.id] = note
    id_line = line_of(data, "id")
    return note, [_note_card(note, card, context, id_line) for card in found.cards]


def _note_card(note: Note, card: NoteCard, context: PackContext, id_line: int) -> Card:
    """Return a card written in a note, with its full id (reported if too long)."""
    pack = context.pack_id
    card_id = f"{pack}:note:{note.id}:{card.key}"
    parts = [("note id", note.id, id_line), ("card key", card.key, card.line)]
    context.check_id_size(note.source, "card id", card_id, parts, CARD_ID)
    return Card(
        card_id,
        pack,
        note.topic,
        note.id,
        card.kind,
        card.front,
        card.back,
        note.source,
    )


def _check_note(spec: NoteSpec, data: Any, source: str, context: PackContext) -> bool:
    line = line_of(data, "id")
    good = context.check_slug(source, line, "note id", spec.id)
    good = context.check_topic(source, line_of(data, "topic"), spec.topic) and good
    if spec.id in context.note_lines:
        first = context.note_lines[spec.id]
        context.findings.add(
            source, line, f"duplicate note id '{spec.id}' (also in {first})"
        )
        return False
    context.note_lines[spec.id] = f"{source}:{line}"
    if not good:
        context.broken.add(f"note:{spec.id}")
    return good


def _raw_id(data: Any) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return None


def _read_table(
    path: Path, source: str, context: PackContext
) -> tuple[list[Card], list[Question]] | None:
    data = read_yaml_file(path, source, context)
    spec, problems = parse(TableSpec, data) if data is not UNREADABLE else (None, [])
    for line, message in problems:
        context.findings.add(source, line, message)
    if spec is None:
        context.broken.add(f"table:{_raw_id(data) or Path(source).stem}")
        return None
    if spec.id in context.table_lines:
        first = context.table_lines[spec.id]
        message = f"duplicate table id '{spec.id}' (also in {first})"
        context.findings.add(source, line_of(data, "id"), message)
        return None
    context.table_lines[spec.id] = f"{source}:{line_of(data, 'id')}"
    table = TableFile(spec, data, source, context)
    if not check_header(table):
        context.broken.add(f"table:{spec.id}")
        return None
    bad = check_templates(table)
    rows = read_rows(table)
    cards, by_row = table_cards(table, rows, bad)
    return cards, table_questions(table, rows, bad, by_row)


def _resolve_cards(
    written: list[Written], cards: list[Card], context: PackContext
) -> list[Question]:
    """Turn `cards:` references into full card ids, reporting unknown ones."""
    pack = context.pack_id
    ids = {card.id for card in cards}
    clozes: dict[str, list[str]] = {}
    for card in cards:
        if card.kind == "cloze":
            clozes.setdefault(card.id.rsplit(":", 1)[0], []).append(card.id)
    questions = []
    for item in written:
        found: list[str] = []
        for ref, line in item.refs:
            full = ref if ref.startswith(f"{pack}:") else f"{pack}:{ref}"
            if full in ids:
                found.append(full)
            elif full in clozes:
                found += clozes[full]
            elif not _refers_to_broken(full, pack, context):
                message = _unknown_card(item.question.id, ref)
                context.findings.add(item.question.source, line, message)
        questions.append(replace(item.question, cards=tuple(dict.fromkeys(found))))
    return questions


def _refers_to_broken(full: str, pack: str, context: PackContext) -> bool:
    parts = full.removeprefix(f"{pack}:").split(":")
    return ":".join(parts[:2]) in context.broken


def _unknown_card(question_id: str, ref: str) -> str:
    name = question_id.rsplit(":", 1)[-1]
    message = f"question '{name}' refers to card '{ref}', which does not exist"
    if (
        ref.split(":")[0] not in ("note", "table")
        and ":note:" not in ref
        and ":table:" not in ref
    ):
        message += " (write note:<note-id>:<key> or table:<table>:<row>:<template>)"
    return message


def _check_unique(
    cards: list[Card], questions: list[Question], context: PackContext
) -> None:
    """Report any generated id used twice (cards and questions share IDs' shape)."""
    seen: set[str] = set()
    for item in [*cards, *questions]:
        if item.id in seen:
            context.findings.add(item.source, 1, f"id '{item.id}' is generated twice")
        seen.add(item.id)
