"""The progress backup's JSON format, checked field by field before anything is
written: a bad file is refused with a message naming the field, never a 500."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from study.errors import Invalid

FORMAT = "shipshape-progress"
VERSION = 1
MODES = ("practice", "exam", "drill")
MAX_KEY = 255


@dataclass(frozen=True)
class Document:
    """A checked backup, with times parsed and fields named as the tables name them."""

    settings: dict[str, Any]
    study_choices: dict[str, list[str] | None]
    card_states: dict[str, dict[str, Any]]
    reviews: list[dict[str, Any]]
    attempts: list[dict[str, Any]]

    def card_keys(self) -> set[str]:
        """Return every card key the backup mentions."""
        return set(self.card_states) | {review["card"] for review in self.reviews}


def _fail(where: str, what: str) -> Invalid:
    return Invalid(f"{where} {what}.")


def _dict(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(where, "must be a JSON object")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise _fail(where, "must be a JSON list")
    return value


def _text(value: Any, where: str, low: int = 1, high: int = MAX_KEY) -> str:
    if not isinstance(value, str) or not low <= len(value) <= high or "\x00" in value:
        raise _fail(where, f"must be text of {low} to {high} characters")
    return value


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not low <= value <= high
    ):
        raise _fail(where, f"must be a whole number from {low} to {high}")
    return value


def _number(value: Any, where: str, optional: bool = True) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, "must be a number")
    if not math.isfinite(value) or value < 0:
        raise _fail(where, "must be a finite number, not negative")
    return float(value)


def _moment(value: Any, where: str, optional: bool = False) -> datetime | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _fail(where, "must be a time such as 2026-03-10T12:00:00+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise _fail(where, "is not a time such as 2026-03-10T12:00:00+00:00") from error
    if moment.tzinfo is None:
        raise _fail(where, "needs a time zone offset such as +00:00")
    return moment.astimezone(UTC)


def _memory(value: Any, where: str) -> dict:
    """Check a saved scheduler state and return it unchanged (it is stored as JSON)."""
    data = _dict(value, where)
    _whole(data.get("state"), f"{where}.state", 1, 3)
    if data.get("step") is not None:
        _whole(data.get("step"), f"{where}.step", 0, 100)
    _number(data.get("stability"), f"{where}.stability")
    _number(data.get("difficulty"), f"{where}.difficulty")
    _moment(data.get("due"), f"{where}.due")
    _moment(data.get("last_review"), f"{where}.last_review", optional=True)
    return {
        name: data.get(name)
        for name in ("state", "step", "stability", "difficulty", "due", "last_review")
    }


def _card_state(key: Any, value: Any, where: str) -> dict:
    _text(key, f"{where} key")
    data = _dict(value, where)
    memory = _memory(data, where)
    return {
        "state": memory["state"],
        "step": memory["step"],
        "stability": _number(memory["stability"], f"{where}.stability"),
        "difficulty": _number(memory["difficulty"], f"{where}.difficulty"),
        "due": _moment(memory["due"], f"{where}.due"),
        "last_review": _moment(memory["last_review"], f"{where}.last_review", True),
        "reps": _whole(data.get("reps", 0), f"{where}.reps", 0, 10**7),
        "lapses": _whole(data.get("lapses", 0), f"{where}.lapses", 0, 10**7),
    }


def _review(value: Any, where: str) -> dict:
    data = _dict(value, where)
    before = data.get("state_before")
    return {
        "card": _text(data.get("card"), f"{where}.card"),
        "review_id": _text(data.get("review_id"), f"{where}.review_id", 8, 64),
        "rating": _whole(data.get("rating"), f"{where}.rating", 1, 4),
        "reviewed_at": _moment(data.get("reviewed_at"), f"{where}.reviewed_at"),
        "duration_ms": _whole(
            data.get("duration_ms", 0), f"{where}.duration_ms", 0, 10**8
        ),
        "previous_state": _whole(
            data.get("previous_state", 0), f"{where}.previous_state", 0, 3
        ),
        "state_before": None
        if before is None
        else _memory(before, f"{where}.state_before"),
        "state_after": _memory(data.get("state_after"), f"{where}.state_after"),
        "undone": data.get("undone", False) is True,
        "from_quiz": data.get("from_quiz", False) is True,
    }


def _topic_scores(value: Any, where: str) -> dict:
    scores = _dict(value, where)
    for slug, result in scores.items():
        _text(slug, f"{where} key")
        result = _dict(result, f"{where}.{slug}")
        _text(result.get("title"), f"{where}.{slug}.title", 0, 200)
        for name in ("correct", "total"):
            _whole(result.get(name), f"{where}.{slug}.{name}", 0, 10**6)
        _number(result.get("score"), f"{where}.{slug}.score", optional=False)
    return scores


def _attempt(value: Any, where: str) -> dict:
    data = _dict(value, where)
    mode = data.get("mode")
    if mode not in MODES:
        raise _fail(f"{where}.mode", "must be practice, exam or drill")
    passed = data.get("passed")
    if passed is not None and not isinstance(passed, bool):
        raise _fail(f"{where}.passed", "must be true, false or null")
    pass_mark = data.get("pass_mark")
    return {
        "pack_id": _text(data.get("pack"), f"{where}.pack", 1, 64),
        "mode": mode,
        "started_at": _moment(data.get("started_at"), f"{where}.started_at"),
        "submitted_at": _moment(data.get("submitted_at"), f"{where}.submitted_at"),
        "question_count": _whole(
            data.get("question_count"), f"{where}.question_count", 0, 10**4
        ),
        "correct_count": _whole(
            data.get("correct_count"), f"{where}.correct_count", 0, 10**4
        ),
        "score": _number(data.get("score"), f"{where}.score", optional=False),
        "pass_mark": None
        if pass_mark is None
        else _whole(pass_mark, f"{where}.pass_mark", 0, 100),
        "passed": passed,
        "timed_out": data.get("timed_out") is True,
        "per_topic": _topic_scores(data.get("per_topic", {}), f"{where}.per_topic"),
    }


def _choices(value: Any) -> dict[str, list[str] | None]:
    choices = _dict(value, "study_choices")
    for pack, topics in choices.items():
        _text(pack, "study_choices key", 1, 64)
        if topics is not None:
            for index, slug in enumerate(_list(topics, f"study_choices.{pack}")):
                _text(slug, f"study_choices.{pack}[{index}]", 1, 64)
    return choices


def _settings(value: Any) -> dict[str, Any]:
    settings = _dict(value, "settings")
    known = ("desired_retention", "new_cards_per_day", "max_reviews_per_day")
    chosen = {name: settings[name] for name in known if name in settings}
    if "timezone" in settings:
        chosen["timezone"] = settings["timezone"]
    return chosen  # ranges are checked by the accounts service when applied


def check_document(data: Any) -> Document:
    """Return the checked backup, or refuse it with a message naming the field."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid("This is not a Shipshape progress backup (format is missing).")
    if data.get("version") != VERSION:
        raise Invalid(f"This backup has version {data.get('version')!r}; expected 1.")
    states = _dict(data.get("card_states", {}), "card_states")
    return Document(
        settings=_settings(data.get("settings", {})),
        study_choices=_choices(data.get("study_choices", {})),
        card_states={
            key: _card_state(key, value, f"card_states[{key!r}]")
            for key, value in states.items()
        },
        reviews=[
            _review(item, f"reviews[{index}]")
            for index, item in enumerate(_list(data.get("reviews", []), "reviews"))
        ],
        attempts=[
            _attempt(item, f"quiz_attempts[{index}]")
            for index, item in enumerate(
                _list(data.get("quiz_attempts", []), "quiz_attempts")
            )
        ],
    )
