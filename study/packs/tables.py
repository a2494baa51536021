"""Check a table file: its columns, rows and templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from study.packs.context import PackContext
from study.packs.schema import ColumnSpec, TableSpec
from study.packs.text import PLACEHOLDER, placeholders, slugify
from study.packs.yamlfile import line_of

CHOICE_TYPES = ("text", "command")
ANSWER_TYPES = {
    "choice": CHOICE_TYPES,
    "typed": ("text", "command", "list"),
    "truefalse": ("bool",),
}


@dataclass(frozen=True)
class Row:
    """A table row: its line, key, typed values and values as text."""

    line: int
    key: str
    values: dict[str, Any]
    text: dict[str, str]
    key_line: int  # the line of the key column's value

    def has(self, column: str | None) -> bool:
        """Tell whether the row sets column (a bool column counts when true)."""
        if column is None:
            return True
        return column in self.values and self.values[column] is not False


@dataclass
class TableFile:
    """A table being read: its spec, raw YAML, source path and pack context."""

    spec: TableSpec
    raw: dict
    source: str
    context: PackContext
    rows_dropped: bool = False  # a bad row was left out: distractor counts are off

    def report(self, line: int, message: str) -> None:
        """Record a problem in this table."""
        self.context.findings.add(self.source, line, message)

    def line(self, *path: Any) -> int:
        """Return the line of a part of the table."""
        return line_of(self.raw, *path)


def check_header(table: TableFile) -> bool:
    """Check the table's id, topic, note and key column; tell whether usable."""
    spec, context = table.spec, table.context
    context.check_slug(table.source, table.line("id"), "table id", spec.id)
    context.check_topic(table.source, table.line("topic"), spec.topic)
    context.check_note(table.source, table.line("note"), spec.note)
    for name in spec.columns:
        if not PLACEHOLDER.fullmatch("{" + name + "}"):
            message = f"column name '{name}' must be letters, digits, _ or -"
            table.report(table.line("columns", name), message)
    key = spec.columns.get(spec.key)
    if key is None:
        table.report(table.line("key"), f"key column '{spec.key}' is not a column")
        return False
    if key.type not in CHOICE_TYPES:
        table.report(table.line("key"), f"key column '{spec.key}' must be text")
        return False
    return True


def read_rows(table: TableFile) -> list[Row]:
    """Return the table's good rows, reporting bad values and repeated keys."""
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for index, raw_row in enumerate(table.spec.rows):
        row = _read_row(table, index, raw_row)
        if row is None:
            table.rows_dropped = True
            continue
        if row.key in seen:
            message = f"duplicate row key '{row.key}' (first on line {seen[row.key]})"
            table.report(row.line, message)
            table.rows_dropped = True
            continue
        seen[row.key] = row.line
        rows.append(row)
    return rows


def _read_row(table: TableFile, index: int, raw_row: dict[str, Any]) -> Row | None:
    """Return a row with its good cells (bad ones are reported and left out)."""
    line = table.line("rows", index)
    values: dict[str, Any] = {}
    for column, value in raw_row.items():
        spec = table.spec.columns.get(column)
        where = table.line("rows", index, column)
        if spec is None:
            table.report(where, f"column '{column}' is not declared in columns")
            continue
        checked, trouble = _cell(spec, value)
        if trouble:
            table.report(where, f"column '{column}': {trouble}")
        elif checked is not None:
            values[column] = checked
    key_text = values.get(table.spec.key)
    if key_text is None:
        if table.spec.key not in raw_row:
            table.report(line, f"row has no value in the key column '{table.spec.key}'")
        return None
    key = slugify(key_text)
    if not key:
        table.report(line, f"row key '{key_text}' has no letters or digits")
        return None
    text = {column: _as_text(value) for column, value in values.items()}
    return Row(line, key, values, text, table.line("rows", index, table.spec.key))


def _cell(spec: ColumnSpec, value: Any) -> tuple[Any, str]:
    """Return a cell's value (None when empty) or what is wrong with it."""
    if value is None or value == "" or value == []:
        return None, ""
    if spec.type == "bool":
        return (value, "") if isinstance(value, bool) else (None, "write true or false")
    if spec.type == "list":
        items = value if isinstance(value, list) else [value]
        if all(
            isinstance(item, str | int) and not isinstance(item, bool) for item in items
        ):
            return [str(item) for item in items], ""
        return None, "write a list of texts"
    if isinstance(value, bool):
        return None, "YAML reads this as true/false; put the text in quotes"
    if isinstance(value, str | int):
        return str(value), ""
    return None, "write plain text (in quotes if it has : or # in it)"


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def check_templates(table: TableFile) -> set[str]:
    """Check every card and question template; return the bad ones ("cards:0")."""
    bad: set[str] = set()
    seen: dict[str, int] = {}
    templates = [("cards", i, t) for i, t in enumerate(table.spec.cards)]
    templates += [("questions", i, t) for i, t in enumerate(table.spec.questions)]
    for part, index, template in templates:
        line = table.line(part, index)
        good = _check_id(table, template.id, line, seen)
        good = _check_columns(table, part, index, template) and good
        if part == "questions":
            good = _check_question(table, index, template) and good
        if not good:
            bad.add(f"{part}:{index}")
    return bad


def _check_id(table: TableFile, template_id: str, line: int, seen: dict) -> bool:
    source = table.source
    if not table.context.check_slug(source, line, "template id", template_id):
        return False
    if template_id in seen:
        message = (
            f"duplicate template id '{template_id}' (first on line "
            f"{seen[template_id]}; cards and questions share template ids)"
        )
        table.report(line, message)
        return False
    seen[template_id] = line
    return True


def _check_columns(table: TableFile, part: str, index: int, template: Any) -> bool:
    good = True
    fields = ("front", "back", "prompt", "explanation")
    for name in fields:
        text = getattr(template, name, None) or ""
        for column in placeholders(text):
            if column not in table.spec.columns:
                where = table.line(part, index, name)
                message = (
                    f"template '{template.id}' uses {{{column}}}, which is not a column"
                )
                table.report(where, message)
                good = False
    for name in ("when", "answer", "left", "right"):
        column = getattr(template, name, None)
        if column is not None and column not in table.spec.columns:
            where = table.line(part, index, name)
            message = f"template '{template.id}': {name} '{column}' is not a column"
            table.report(where, message)
            good = False
    return good


def _check_question(table: TableFile, index: int, template: Any) -> bool:
    line = table.line("questions", index)
    problems = []
    if not template.prompt.strip():
        problems.append("has an empty prompt")
    if not (template.explanation or "").strip():
        problems.append("has no explanation")
    if template.kind == "matching":
        problems += _check_matching(table, template)
    else:
        problems += _check_answer(table, template)
    for problem in problems:
        table.report(line, f"question template '{template.id}' {problem}")
    return not problems


def _check_answer(table: TableFile, template: Any) -> list[str]:
    found = []
    if template.left or template.right:
        found.append("has left/right, which only matching questions use")
    if template.answer is None:
        return [*found, "needs `answer:` (the column holding the answer)"]
    column = table.spec.columns.get(template.answer)
    allowed = ANSWER_TYPES[template.kind]
    if column is not None and column.type not in allowed:
        kinds = " or ".join(allowed)
        found.append(f"needs a {kinds} column as its answer, not '{template.answer}'")
    return found


def _check_matching(table: TableFile, template: Any) -> list[str]:
    found = []
    if template.answer is not None:
        found.append("has `answer:`; a matching question uses left and right")
    if template.left is None or template.right is None:
        found.append("needs `left:` and `right:` columns")
    for name in (template.left, template.right):
        column = table.spec.columns.get(name or "")
        if column is not None and column.type not in CHOICE_TYPES:
            found.append(f"cannot match on the {column.type} column '{name}'")
    texts = (template.prompt or "") + (template.explanation or "")
    if placeholders(texts):
        found.append("cannot use {column} in its prompt or explanation")
    return found
