"""Read a file of hand-written questions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from study.packs.context import PackContext
from study.packs.limits import QUESTION_ID
from study.packs.model import Option, Question
from study.packs.schema import QuestionSpec, parse
from study.packs.table_items import pair_problems
from study.packs.text import normal
from study.packs.yamlfile import line_of

FIELDS = {
    "single": {"options"},
    "multiple": {"options"},
    "truefalse": {"answer"},
    "typed": {"answer", "answer_type"},
    "matching": {"pairs"},
}
MIN_OPTIONS = 3


@dataclass(frozen=True)
class Written:
    """A hand-written question with its `cards:` references and their lines."""

    question: Question
    refs: tuple[tuple[str, int], ...]


def read_questions(
    data: Any, source: str, context: PackContext, seen: dict[str, str]
) -> list[Written]:
    """Return the good questions of a file; seen maps question ids to places."""
    if data is None:
        return []
    if not isinstance(data, list):
        message = "a questions file is a list of questions, each starting `- id:`"
        context.findings.add(source, line_of(data), message)
        return []
    written = []
    for index, item in enumerate(data):
        spec, problems = parse(QuestionSpec, item)
        for line, message in problems:
            context.findings.add(source, line, message)
        if spec is not None:
            one = _read_question(spec, item, source, context, seen)
            written += [one] if one else []
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            seen.setdefault(item["id"], f"{source}:{line_of(data, index)}")
    return written


def _read_question(
    spec: QuestionSpec, item: Any, source: str, context: PackContext, seen: dict
) -> Written | None:
    def report(field: str, message: str) -> None:
        """Record a problem on the line of one of the question's fields."""
        context.findings.add(source, line_of(item, field), message)

    before = len(context.findings.problems)
    _check_identity(spec, item, source, context, seen)
    if not spec.prompt.strip():
        report("prompt", f"question '{spec.id}' has an empty prompt")
    if not (spec.explanation or "").strip():
        report("explanation", f"question '{spec.id}' has no explanation")
    for field in ("options", "answer", "answer_type", "pairs"):
        if getattr(spec, field) is not None and field not in FIELDS[spec.kind]:
            report(field, f"'{field}' does not apply to a {spec.kind} question")
    answer_key = _answer_key(spec, report)
    if answer_key is None or len(context.findings.problems) > before:
        return None
    note = context.notes.get(spec.note)
    pack = context.pack_id
    question = Question(
        id=f"{pack}:question:{spec.id}",
        pack=pack,
        topic=spec.topic or (note.topic if note else ""),
        note=spec.note,
        kind=spec.kind,
        prompt=spec.prompt,
        explanation=spec.explanation or "",
        source=source,
        **answer_key,
    )
    refs = tuple((ref, line_of(item, "cards", i)) for i, ref in enumerate(spec.cards))
    return Written(question, refs)


def _check_identity(
    spec: QuestionSpec, item: Any, source: str, context: PackContext, seen: dict
) -> None:
    line = line_of(item, "id")
    full = f"{context.pack_id}:question:{spec.id}"
    parts = [("question id", spec.id, line)]
    context.check_id_size(source, "question id", full, parts, QUESTION_ID)
    if context.check_slug(source, line, "question id", spec.id):
        if spec.id in seen:
            message = f"duplicate question id '{spec.id}' (also at {seen[spec.id]})"
            context.findings.add(source, line, message)
        seen.setdefault(spec.id, f"{source}:{line}")
    context.check_note(source, line_of(item, "note"), spec.note)
    if spec.topic is not None:
        context.check_topic(source, line_of(item, "topic"), spec.topic)


def _answer_key(spec: QuestionSpec, report: Any) -> dict[str, Any] | None:
    """Return the kind's answer fields for Question, or None after reporting."""
    if spec.kind in ("single", "multiple"):
        trouble = _option_problems(spec)
        if trouble:
            report("options", f"question '{spec.id}' {trouble}")
            return None
        options = tuple(Option(o.text, o.correct) for o in spec.options or [])
        return {"options": options}
    if spec.kind == "truefalse":
        if not isinstance(spec.answer, bool):
            report("answer", f"question '{spec.id}' needs `answer: true` or `false`")
            return None
        return {"truth": spec.answer}
    if spec.kind == "typed":
        return _typed(spec, report)
    pairs = tuple((pair.left, pair.right) for pair in spec.pairs or [])
    trouble = pair_problems(pairs)
    if trouble:
        report("pairs", f"question '{spec.id}' {trouble}")
        return None
    return {"pairs": pairs}


def _option_problems(spec: QuestionSpec) -> str:
    options = spec.options or []
    correct = sum(option.correct for option in options)
    texts = [normal(option.text) for option in options]
    if not all(texts):
        return "has an option without text"
    if len(options) < MIN_OPTIONS:
        return f"has {len(options)} options; it needs at least {MIN_OPTIONS}"
    marked = f"{correct} correct option{'' if correct == 1 else 's'}"
    if spec.kind == "single" and correct != 1:
        return f"has {marked}; a single choice needs exactly one"
    if spec.kind == "multiple" and correct < 2:
        return f"has {marked}; a multiple choice needs two or more"
    if len(set(texts)) != len(texts):
        return "has two options with the same text"
    return ""


def _typed(spec: QuestionSpec, report: Any) -> dict[str, Any] | None:
    answer = spec.answer
    answers = answer if isinstance(answer, list) else [answer]
    plain = all(
        isinstance(item, str | int) and not isinstance(item, bool) for item in answers
    )
    texts = tuple(str(item).strip() for item in answers) if plain else ()
    if not texts or not all(texts):
        message = f"question '{spec.id}' needs `answer:` (a text or a list of texts)"
        report("answer" if answer is not None else "kind", message)
        return None
    return {"answers": texts, "answer_type": spec.answer_type or "text"}
