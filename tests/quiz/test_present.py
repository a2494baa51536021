"""Presenting questions per attempt and grading them against the hidden key."""

import random

import pytest

from study.quiz.present import expected_answer, given_answer, grade, present

TABLE_CHOICE = {
    "options": [
        {"text": "SIGTERM", "correct": True},
        {"text": "SIGKILL", "correct": False},
        {"text": "SIGHUP", "correct": False},
        {"text": "SIGINT", "correct": False},
        {"text": "sigint", "correct": False},
        {"text": "SIGUSR1", "correct": False},
    ],
    "pick": 3,
}


def test_table_choice_draws_three_distinct_distractors_and_one_answer():
    for seed in range(50):
        shown = present("single", TABLE_CHOICE, random.Random(seed))
        texts = [o["text"].lower() for o in shown.shown["options"]]
        assert len(texts) == 4 and len(set(texts)) == 4
        assert "sigterm" in texts
        assert len(shown.key["correct"]) == 1


def test_options_are_shuffled_per_attempt_with_opaque_ids():
    orders = {
        tuple(
            o["text"]
            for o in present("single", TABLE_CHOICE, random.Random(s)).shown["options"]
        )
        for s in range(30)
    }
    assert len(orders) > 5
    shown = present("single", TABLE_CHOICE, random.Random(1))
    assert {o["id"] for o in shown.shown["options"]} == {"a", "b", "c", "d"}
    assert "correct" not in str(shown.shown)


def test_single_choice_grading():
    shown = present("single", TABLE_CHOICE, random.Random(3))
    right = shown.key["correct"][0]
    wrong = next(o["id"] for o in shown.shown["options"] if o["id"] != right)
    assert grade("single", shown.shown, shown.key, right)
    assert not grade("single", shown.shown, shown.key, wrong)
    assert not grade("single", shown.shown, shown.key, None)
    assert not grade("single", shown.shown, shown.key, ["a"])


def test_multiple_select_is_all_or_nothing():
    data = {
        "options": [
            {"text": t, "correct": c}
            for t, c in [("a1", True), ("b1", True), ("c1", False), ("d1", False)]
        ]
    }
    shown = present("multiple", data, random.Random(0))
    right = shown.key["correct"]
    assert shown.shown["choose"] == 2
    assert grade("multiple", shown.shown, shown.key, list(reversed(right)))
    assert not grade("multiple", shown.shown, shown.key, right[:1])
    assert not grade("multiple", shown.shown, shown.key, "a")


def test_truefalse_and_typed():
    shown = present("truefalse", {"truth": False}, random.Random(0))
    assert grade("truefalse", shown.shown, shown.key, "false")
    assert not grade("truefalse", shown.shown, shown.key, "true")
    typed = present(
        "typed",
        {"answers": ["docker ps -a"], "answer_type": "command"},
        random.Random(0),
    )
    assert typed.shown == {"answer_type": "command"}
    assert grade("typed", typed.shown, typed.key, "docker container ls --all")
    assert not grade("typed", typed.shown, typed.key, "docker ps")
    assert not grade("typed", typed.shown, typed.key, 42)
    assert expected_answer("typed", typed.shown, typed.key) == "docker ps -a"


def test_matching_draws_pairs_with_distinct_right_sides():
    pairs = [
        ["A", "one"],
        ["B", "two"],
        ["C", "three"],
        ["D", "two"],
        ["E", "five"],
        ["F", "six"],
        ["G", "seven"],
    ]
    shown = present("matching", {"pairs": pairs, "pick": 5}, random.Random(2))
    rights = [r["text"] for r in shown.shown["right"]]
    assert len(shown.shown["left"]) == 5 and len(set(rights)) == 5
    by_text = {r["text"]: r["id"] for r in shown.shown["right"]}
    answer = {lid: by_text[text] for lid, text in shown.key["pairs"].items()}
    assert grade("matching", shown.shown, shown.key, answer)
    first = next(iter(answer))
    swapped = dict(answer)
    other = next(k for k in answer if k != first)
    swapped[first], swapped[other] = answer[other], answer[first]
    assert not grade("matching", shown.shown, shown.key, swapped)
    assert not grade("matching", shown.shown, shown.key, ["x"])
    readable = given_answer("matching", shown.shown, answer)
    assert len(readable) == 5


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        present("essay", {}, random.Random(0))
