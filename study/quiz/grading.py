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

_SURROUNDING = " \t\n.,;:!?\"'()[]{}\u201c\u201d\u2018\u2019\u00ab\u00bb"
_SPACES = re.compile(r"\s+")
_PROSE = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*")
_TRUTH_WORDS = {"true": True, "false": False}


def grade_typed(
    accepted: Sequence[str],
    given: Any,
    answer_type: str,
    other_answers: Iterable[str] = (),
) -> bool:
    """Tell whether a typed answer matches any accepted answer."""
    # other_answers: known answers that are wrong here (say, the other rows of
    # the same table column); a typo that is as close to one of them is wrong.
    if answer_type not in ANSWER_TYPES:
        raise ValueError(f"unknown answer type {answer_type!r}")
    if not isinstance(given, str):
        return False
    if isinstance(accepted, str):
        accepted = [accepted]
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
    slips = [
        typo_budget(key)
        for key, answer in zip(keys, accepted, strict=True)
        if _is_slip(key, answer, typed)
    ]
    if not slips:
        return False
    wrong = {normalize_text(other) for other in others if isinstance(other, str)}
    return not any(_within(other, typed, max(slips)) for other in wrong - set(keys))


def _is_slip(key: str, original: str, typed: str) -> bool:
    """Tell whether typed text is a forgivable typo of one accepted prose answer."""
    # Per word, so `pid namespace` never passes for `ipc namespace`: short
    # words must be exact, and the whole answer stays within its own budget.
    words, typed_words = key.split(" "), typed.split(" ")
    if len(words) != len(typed_words) or not _looks_like_prose(original):
        return False
    if not _PROSE.fullmatch(typed):
        return False
    budgets = [typo_budget(word) for word in words]
    if not all(map(_within, words, typed_words, budgets)):
        return False
    total = sum(map(edit_distance, words, typed_words))
    return total <= typo_budget(key)


def _within(a: str, b: str, limit: int) -> bool:
    """Tell whether two strings are at most `limit` edits apart."""
    return abs(len(a) - len(b)) <= limit and edit_distance(a, b) <= limit


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
    """Tell whether an answer is plain words, not an identifier, number or code."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", answer).strip(_SURROUNDING))
    # One letter turns SETUID into SETGID, SIGTERM's neighbours are signals too,
    # and `overlay` is not `overlay2`: names and numbers must be typed exactly.
    if "`" in text or _PROSE.fullmatch(text) is None:
        return False
    return not any(len(word) > 1 and word.isupper() for word in text.split(" "))


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
    keys = [_choice_key(value) for value in values]
    if None in keys:
        return None
    return frozenset(key for key in keys if key is not None)
