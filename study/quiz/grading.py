"""Grade one answer against a question's key: plain values in, verdicts out.

Every grader treats an answer of the wrong shape (None, a number where text
was expected, a string where a set was expected) as wrong and never raises:
answers come straight from learners' requests.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from study.quiz.commands import same_command

ANSWER_TYPES = ("command", "text")

_SURROUNDING = " \t\n.,;:!?\"'()[]{}“”‘’«»"  # noqa: RUF001 - quotes are intended
_SPACES = re.compile(r"\s+")
_PROSE = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*")
_TRUTH_WORDS = {"true": True, "false": False}


def grade_typed(
    accepted: Sequence[str],
    given: Any,
    answer_type: str,
    other_answers: Iterable[str] = (),
) -> bool:
    """Tell whether a typed answer matches any accepted answer.

    `other_answers` are known answers that are wrong here (say, the same
    column's other rows); a typo match that lies as close to one of them is
    refused.
    """
    if answer_type not in ANSWER_TYPES:
        raise ValueError(f"unknown answer type {answer_type!r}")
    if not isinstance(given, str):
        return False
    keys = [answer for answer in accepted if isinstance(answer, str)]
    if answer_type == "command":
        return any(same_command(answer, given) for answer in keys)
    return _text_matches(keys, given, other_answers)


def _text_matches(accepted: list[str], given: str, others: Iterable[str]) -> bool:
    """Compare free text: case, spacing and surrounding punctuation aside."""
    typed = normalize_text(given)
    if not typed:
        return False
    keys = [normalize_text(answer) for answer in accepted]
    if typed in keys:
        return True
    close = [
        key
        for key, answer in zip(keys, accepted, strict=True)
        if _within_typo_budget(key, answer, typed)
    ]
    if not close:
        return False
    budget = max(typo_budget(key) for key in close)
    return all(
        edit_distance(normalize_text(other), typed) > budget
        for other in others
        if isinstance(other, str) and normalize_text(other) not in keys
    )


def _within_typo_budget(key: str, original: str, typed: str) -> bool:
    """Tell whether a typed answer is a forgivable slip of one accepted answer."""
    budget = typo_budget(key)
    if budget == 0 or not _looks_like_prose(original) or not _PROSE.fullmatch(typed):
        return False
    return edit_distance(key, typed) <= budget


def normalize_text(text: str) -> str:
    """Fold case, backticks, spacing and surrounding punctuation out of text."""
    text = unicodedata.normalize("NFKC", text).replace("`", "")
    return _SPACES.sub(" ", text).strip(_SURROUNDING).casefold()


def typo_budget(answer: str) -> int:
    """Return how many slips an answer of this length can take: 0, 1 or 2."""
    if len(answer) >= 10:
        return 2
    return 1 if len(answer) >= 5 else 0


def _looks_like_prose(answer: str) -> bool:
    """Tell whether an answer is words, not an identifier, number or code."""
    text = unicodedata.normalize("NFKC", answer).strip(_SURROUNDING)
    # `SETUID` vs `SETGID`, `SIGTERM`, `NET_RAW`, `overlay2`: one letter
    # changes the meaning of names like these, so they must be exact.
    return (
        "`" not in text
        and not text.isupper()
        and _PROSE.fullmatch(_SPACES.sub(" ", text)) is not None
    )


def edit_distance(a: str, b: str) -> int:
    """Count edits (insert, delete, substitute, swap neighbours) from a to b."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, before[j - 2] + 1)
            current.append(best)
        before, previous = previous, current
    return previous[-1]


def grade_single(correct: int | str, given: Any) -> bool:
    """Tell whether the chosen option (index or option id) is the correct one."""
    key = _choice_key(given)
    return key is not None and key == _choice_key(correct)


def grade_multiple(correct: Collection[int | str], given: Any) -> bool:
    """Tell whether exactly the correct options were chosen (all or nothing)."""
    chosen = _choice_keys(given)
    wanted = _choice_keys(correct)
    return chosen is not None and wanted is not None and chosen == wanted


def grade_truefalse(truth: bool, given: Any) -> bool:
    """Tell whether a true/false answer (a bool or "true"/"false") is right."""
    if isinstance(given, str):
        given = _TRUTH_WORDS.get(given.strip().casefold())
    return isinstance(given, bool) and isinstance(truth, bool) and given is truth


def grade_matching(pairs: Mapping[Any, Any], given: Any) -> tuple[bool, int]:
    """Grade a matching question: all pairs right, and how many are right."""
    if not isinstance(given, Mapping):
        return False, 0
    answers = {_choice_key(left): _choice_key(right) for left, right in given.items()}
    answers.pop(None, None)
    right = sum(
        1
        for left, wanted in pairs.items()
        if _choice_key(wanted) is not None
        and answers.get(_choice_key(left)) == _choice_key(wanted)
    )
    return right == len(pairs), right


def _choice_key(value: Any) -> str | None:
    """Turn an option index or id into a comparable key; None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _choice_keys(values: Any) -> frozenset[str] | None:
    """Turn a collection of choices into a set of keys; None if it is not one."""
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        return None
    try:
        keys = [_choice_key(value) for value in values]
    except TypeError:
        return None
    if None in keys:
        return None
    return frozenset(key for key in keys if key is not None)
