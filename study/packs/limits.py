"""What the database can store of a pack: text without NUL characters, and values
that fit their columns.

The sizes are read from the models, so widening a column (with its migration)
widens what a pack may hold. PostgreSQL refuses NUL in text and anything longer
than a `String(n)` column; SQLite would store both, so without these checks a
pack could import on one database and fail with a database error on the other.
"""

from __future__ import annotations

from typing import Any

from study.models import Card, Note, Pack, Question, Topic

Trouble = tuple[int, str]


def _size(model: Any, column: str) -> int:
    return model.__table__.c[column].type.length


PACK_ID = _size(Pack, "id")
CARD_ID = _size(Card, "key")
QUESTION_ID = _size(Question, "key")
SOURCE = min(_size(model, "source") for model in (Note, Card, Question))
# field in the YAML: (what it is called in a problem, characters that fit)
PACK_FIELDS = {
    "id": ("pack id", PACK_ID),
    "title": ("title", _size(Pack, "title")),
    "version": ("version", _size(Pack, "version")),
}
TOPIC_FIELDS = {
    "id": ("topic id", _size(Topic, "slug")),
    "title": ("topic title", _size(Topic, "title")),
}
NOTE_FIELDS = {
    "id": ("note id", _size(Note, "slug")),
    "title": ("title", _size(Note, "title")),
}
# `order` becomes an Integer column, which is 4 bytes in PostgreSQL.
ORDERS = range(-(2**31), 2**31)
NUL = "holds a NUL character (\\0), which the database cannot store"


def too_long(what: str, text: str, limit: int) -> str:
    """Return why text does not fit a column of `limit` characters ('' if it does)."""
    if len(text) <= limit:
        return ""
    return f"{what} is {len(text)} characters; at most {limit} fit"


def shortened(text: str, width: int = 60) -> str:
    """Return text cut to about `width` characters for a message."""
    return text if len(text) <= width else text[: width - 3] + "..."


def field_problems(
    data: Any, fields: dict[str, tuple[str, int]], ordered: bool = False
) -> list[Trouble]:
    """Return the fields of a YAML mapping too long for their columns, and (when
    ordered) an `order` the database cannot hold.

    The YAML is checked, not the parsed schema, so these problems show up even
    when another field of the same mapping is wrong.
    """
    if not isinstance(data, dict):
        return []
    lines = getattr(data, "lines", {})
    found = []
    for key, (what, limit) in fields.items():
        value = data.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            if message := too_long(what, str(value), limit):
                found.append((lines.get(key, 1), message))
    order = data.get("order")
    if ordered and isinstance(order, int) and order not in ORDERS:
        message = f"order {order} is out of range ({ORDERS[0]} to {ORDERS[-1]})"
        found.append((lines.get("order", 1), message))
    return found


def nul_problems(data: Any, line: int = 1) -> list[Trouble]:
    """Return where YAML data holds a NUL character (written as a `\\0` escape)."""
    found: list[Trouble] = []
    stack: list[tuple[Any, int, str]] = [(data, line, "a text")]
    while stack:  # not recursive: deep YAML must not exhaust the stack
        value, at, name = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found.append((at, f"{name} {NUL}"))
        elif isinstance(value, dict):
            lines = getattr(value, "lines", {})
            for key, item in value.items():
                where = lines.get(key, at)
                if isinstance(key, str) and "\x00" in key:
                    found.append((where, f"a field name {NUL}"))
                shown = str(key).replace("\x00", "\\0")
                stack.append((item, where, f"'{shortened(shown, 40)}'"))
        elif isinstance(value, list):
            lines = getattr(value, "lines", [])
            for index, item in enumerate(value):
                where = lines[index] if index < len(lines) else at
                stack.append((item, where, name))
    return sorted(found)


def nul_lines(lines: list[str], first_line: int) -> list[Trouble]:
    """Return the lines of a text (starting at first_line) holding NUL characters."""
    return [
        (first_line + offset, f"this line {NUL}")
        for offset, text in enumerate(lines)
        if "\x00" in text
    ]
