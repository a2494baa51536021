"""Turn a stored question into what one attempt shows, plus its answer key.

The shown part is safe to send to the page; the key stays on the server. Options
are shuffled per attempt and carry opaque ids, so the page cannot tell which
one is right.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from study.errors import Invalid
from study.quiz import grading

MAX_TYPED_ANSWER = 500  # characters

OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Presented:
    """A question as one attempt shows it, and the key to grade it."""

    shown: dict
    key: dict


def present(
    kind: str, data: dict, rng: random.Random, other_answers: Sequence[str] = ()
) -> Presented:
    """Build the per-attempt form of a question of any kind.

    `other_answers` (typed text questions only) are known answers that are wrong
    here, such as the other rows of the same table column: the key keeps them
    so that a slip as close to one of them is not taken for a typo.
    """
    if kind in ("single", "multiple"):
        return _choices(kind, data, rng)
    if kind == "truefalse":
        options = [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
        return Presented({"options": options}, {"truth": bool(data.get("truth"))})
    if kind == "typed":
        answer_type = data.get("answer_type") or "text"
        answers = list(data.get("answers") or [])
        key: dict[str, Any] = {"answers": answers, "answer_type": answer_type}
        others = [a for a in dict.fromkeys(other_answers) if a not in answers]
        if answer_type == "text" and others:
            key["others"] = others
        return Presented({"answer_type": answer_type}, key)
    if kind == "matching":
        return _matching(data, rng)
    raise ValueError(f"unknown question kind {kind!r}")


def _choices(kind: str, data: dict, rng: random.Random) -> Presented:
    options = [dict(o) for o in data.get("options") or []]
    pick = data.get("pick")
    if pick:
        right = [o for o in options if o.get("correct")]
        wrong = _distinct(o for o in options if not o.get("correct"))
        options = right + rng.sample(wrong, min(pick, len(wrong)))
    rng.shuffle(options)
    shown, correct = [], []
    for index, option in enumerate(options):
        option_id = OPTION_IDS[index]
        shown.append({"id": option_id, "text": option["text"]})
        if option.get("correct"):
            correct.append(option_id)
    if kind == "single":
        return Presented({"options": shown}, {"correct": correct[:1]})
    shown_meta = {"options": shown, "choose": len(correct)}
    return Presented(shown_meta, {"correct": correct})


def _distinct(options) -> list[dict]:
    seen, unique = set(), []
    for option in options:
        text = option["text"].strip().lower()
        if text not in seen:
            seen.add(text)
            unique.append(option)
    return unique


def _matching(data: dict, rng: random.Random) -> Presented:
    pairs = [tuple(p) for p in data.get("pairs") or []]
    pick = data.get("pick")
    if pick:
        pairs = _distinct_pairs(pairs, rng)[:pick]
    rng.shuffle(pairs)
    left = [{"id": f"l{i}", "text": lt} for i, (lt, _rt) in enumerate(pairs)]
    rights = sorted({rt for _lt, rt in pairs}, key=lambda _: rng.random())
    right = [{"id": f"r{i}", "text": text} for i, text in enumerate(rights)]
    key = {"pairs": {f"l{i}": rt for i, (_lt, rt) in enumerate(pairs)}}
    return Presented({"left": left, "right": right}, key)


def _distinct_pairs(pairs: list[tuple], rng: random.Random) -> list[tuple]:
    shuffled = list(pairs)
    rng.shuffle(shuffled)
    seen, chosen = set(), []
    for left, right in shuffled:
        if right.strip().lower() not in seen:
            seen.add(right.strip().lower())
            chosen.append((left, right))
    return chosen


def table_column(question_key: str) -> tuple[str, str, str] | None:
    """Return (pack, table, template) for a question made from one table row,
    or None for any other question.

    Row questions are keyed `pack:table:TABLE:ROW:TEMPLATE` (see
    study/packs/table_items.py); the questions of one template over all rows
    ask the same thing of one column, so their answers are each other's wrong
    answers.
    """
    parts = question_key.split(":")
    if len(parts) != 5 or parts[1] != "table":
        return None
    return parts[0], parts[2], parts[4]


def check_answer_shape(kind: str, shown: dict, answer: object) -> object:
    """Refuse an answer that cannot belong to this kind of question."""
    if answer is None:
        return None
    option_ids = {o["id"] for o in shown.get("options", [])}
    if kind in ("single", "truefalse"):
        if not isinstance(answer, str) or answer not in option_ids:
            raise Invalid("Choose one of the options.")
    elif kind == "multiple":
        if not isinstance(answer, list) or not all(
            isinstance(a, str) and a in option_ids for a in answer
        ):
            raise Invalid("Choose options from the list.")
        answer = sorted(set(answer))
    elif kind == "typed":
        if not isinstance(answer, str) or len(answer) > MAX_TYPED_ANSWER:
            raise Invalid(f"Type an answer of at most {MAX_TYPED_ANSWER} characters.")
    elif kind == "matching":
        lefts = {item["id"] for item in shown["left"]}
        rights = {item["id"] for item in shown["right"]}
        if not isinstance(answer, dict) or not all(
            k in lefts and isinstance(v, str) and v in rights for k, v in answer.items()
        ):
            raise Invalid("Match items from the two lists.")
    return answer


def is_blank(answer: Any) -> bool:
    """Tell whether a question was left without an answer: it scores as
    wrong, but says nothing about what the learner remembers."""
    if isinstance(answer, str):
        return not answer.strip()
    return answer is None or answer == [] or answer == {}


def grade(kind: str, shown: dict, key: dict, answer: Any) -> bool:
    """Grade a given answer against the attempt's key; bad input is wrong."""
    if answer is None:
        return False
    if kind == "single":
        return bool(key["correct"]) and grading.grade_single(key["correct"][0], answer)
    if kind == "multiple":
        return grading.grade_multiple(key["correct"], answer)
    if kind == "truefalse":
        return grading.grade_truefalse(key["truth"], answer)
    if kind == "typed":
        if not isinstance(answer, str):
            return False
        return grading.grade_typed(
            key["answers"], answer, key["answer_type"], key.get("others", ())
        )
    if kind == "matching":
        texts = {r["id"]: r["text"] for r in shown.get("right", [])}
        if not isinstance(answer, dict):
            return False
        given = {left: texts.get(right) for left, right in answer.items()}
        return grading.grade_matching(key["pairs"], given)[0]
    return False


MODE_NAMES = {
    "practice": "Practice quiz",
    "drill": "Weak-topic drill",
    "exam": "Mock exam",
}


def mode_name(mode: str) -> str:
    """Return what learners call a kind of attempt: Practice quiz, Weak-topic
    drill or Mock exam."""
    return MODE_NAMES.get(mode, "Practice quiz")


def right_options(kind: str, key: dict) -> list[str]:
    """Return the ids of the options that are right (choice questions only)."""
    if kind in ("single", "multiple"):
        return list(key.get("correct", []))
    if kind == "truefalse":
        return ["true" if key.get("truth") else "false"]
    return []


def expected_answer(kind: str, shown: dict, key: dict) -> Any:
    """Return the correct answer in the shape the review page shows."""
    if kind in ("single", "multiple"):
        texts = {o["id"]: o["text"] for o in shown["options"]}
        return [texts[i] for i in key["correct"]]
    if kind == "truefalse":
        return "True" if key["truth"] else "False"
    if kind == "typed":
        return key["answers"][0] if key["answers"] else ""
    if kind == "matching":
        lefts = {item["id"]: item["text"] for item in shown["left"]}
        return [(lefts[left], right) for left, right in key["pairs"].items()]
    return None


def given_answer(kind: str, shown: dict, answer: Any) -> Any:
    """Return the learner's answer in readable form for the review page."""
    if answer is None:
        return None
    if kind in ("single", "multiple", "truefalse"):
        if isinstance(answer, dict):  # a DOMC answer: the options said yes to
            answer = answer.get("chosen", [])
        ids = answer if isinstance(answer, list) else [answer]
        texts = {o["id"]: o["text"] for o in shown.get("options", [])}
        return [texts.get(str(i), str(i)) for i in ids]
    if kind == "matching" and isinstance(answer, dict):
        lefts = {item["id"]: item["text"] for item in shown["left"]}
        rights = {item["id"]: item["text"] for item in shown["right"]}
        return [(lefts.get(k, k), rights.get(v, "—")) for k, v in answer.items()]
    return answer
