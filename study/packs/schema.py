"""The shape of each pack file (pydantic models) and its errors as problems."""

from __future__ import annotations

import re
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from study.packs.yamlfile import line_of

STRICT = ConfigDict(extra="forbid", strict=True)
Model = TypeVar("Model", bound=BaseModel)


class TopicSpec(BaseModel):
    """A topic in pack.yaml."""

    model_config = STRICT
    id: str
    title: str
    order: int
    weight: int = Field(ge=0, le=100)


class ExamSpec(BaseModel):
    """The `exam:` settings in pack.yaml."""

    model_config = STRICT
    # Bounded like a real exam: a day at most, and a few hundred questions.
    questions: int = Field(ge=1, le=500)
    minutes: int = Field(ge=1, le=24 * 60)
    pass_mark: int = Field(ge=0, le=100)


class PackSpec(BaseModel):
    """pack.yaml."""

    model_config = STRICT
    id: str
    title: str
    version: int | str
    description: str = ""
    topics: list[TopicSpec] = Field(min_length=1)
    exam: ExamSpec


class NoteSpec(BaseModel):
    """The front matter of a note."""

    model_config = STRICT
    id: str
    topic: str
    title: str
    order: int


class ColumnSpec(BaseModel):
    """A column of a table."""

    model_config = STRICT
    title: str
    type: Literal["text", "bool", "command", "list"] = "text"


class CardTemplateSpec(BaseModel):
    """A card template of a table."""

    model_config = STRICT
    id: str
    front: str
    back: str
    when: str | None = None


class QuestionTemplateSpec(BaseModel):
    """A question template of a table."""

    model_config = STRICT
    id: str
    kind: Literal["choice", "truefalse", "typed", "matching"]
    prompt: str
    answer: str | None = None
    left: str | None = None
    right: str | None = None
    explanation: str | None = None
    when: str | None = None


class TableSpec(BaseModel):
    """A table file."""

    model_config = STRICT
    id: str
    topic: str
    note: str
    title: str
    key: str
    columns: dict[str, ColumnSpec] = Field(min_length=1)
    rows: list[dict[str, Any]] = Field(min_length=1)
    cards: list[CardTemplateSpec] = []
    questions: list[QuestionTemplateSpec] = []


class OptionSpec(BaseModel):
    """An option of a hand-written choice question."""

    model_config = STRICT
    text: str
    correct: bool = False


class PairSpec(BaseModel):
    """A pair of a hand-written matching question."""

    model_config = STRICT
    left: str
    right: str


class QuestionSpec(BaseModel):
    """A hand-written question."""

    model_config = STRICT
    id: str
    note: str
    topic: str | None = None
    kind: Literal["single", "multiple", "truefalse", "typed", "matching"]
    prompt: str
    options: list[OptionSpec] | None = None
    answer: Any = None
    answer_type: Literal["command", "text"] | None = None
    pairs: list[PairSpec] | None = None
    explanation: str | None = None
    cards: list[str] = []


def parse(model: type[Model], data: Any) -> tuple[Model | None, list[tuple[int, str]]]:
    """Validate data against model; return it or the (line, message) problems."""
    if not isinstance(data, dict):
        return None, [(line_of(data), f"expected a mapping of fields, {_got(data)}")]
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, _problems(error, data)


def _got(data: Any) -> str:
    if data is None:
        return "got nothing"
    return f"got {type(data).__name__.removeprefix('Line').lower()}"


def _problems(error: ValidationError, data: Any) -> list[tuple[int, str]]:
    found: dict[tuple[int, tuple[Any, ...]], str] = {}
    for item in error.errors(include_url=False):
        line, path = _place(data, item["loc"])
        field = str(path[-1]) if path else ""
        if item["type"] in ("missing", "extra_forbidden") and item["loc"]:
            field = str(item["loc"][-1])
            path = item["loc"]
        # members of a union fail at the same place: report the first only
        found.setdefault((line, tuple(path)), _message(item, field))
    return [(line, message) for (line, _), message in found.items()]


def _place(data: Any, loc: tuple[Any, ...]) -> tuple[int, list[Any]]:
    """Return the line of an error location and the part of it found in data."""
    line, path = line_of(data), []
    for step in loc:
        lines = getattr(data, "lines", None)
        in_mapping = isinstance(lines, dict) and isinstance(data, dict)
        in_list = (
            isinstance(lines, list) and isinstance(step, int) and 0 <= step < len(lines)
        )
        if not (in_list or (in_mapping and step in lines)):
            break
        line, data = lines[step], data[step]
        path.append(step)
    return line, _named(path)


def _named(path: list[Any]) -> list[Any]:
    """Drop trailing list indexes so the path ends at a field name."""
    while path and not isinstance(path[-1], str):
        path = path[:-1]
    return path if path else []


def _message(item: Any, field: str) -> str:
    kind = item["type"]
    if kind == "missing":
        return f"missing field '{field}'"
    if kind == "extra_forbidden":
        if item.get("input") is None and " " in field:
            return f"unknown field '{field}' (a comma splits {{...}}: quote the text)"
        return f"unknown field '{field}'"
    message = re.sub(r" or instance of \w+", "", str(item["msg"]))
    return f"'{field}': {message}" if field else message
