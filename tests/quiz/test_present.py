"""Presenting questions per attempt and grading them against the hidden key."""

import random

import pytest

from study.errors import Invalid
from study.quiz.present import (
    check_answer_shape,
    expected_answer,
    given_answer,
    grade,
    present,
    table_column,
)

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


def test_a_typo_that_is_another_rows_answer_is_wrong():
    data = {"answers": ["ingress"], "answer_type": "text"}
    others = ["egress", "ingress", "overlay", "egress"]
    typed = present("typed", data, random.Random(0), others)
    assert typed.key["others"] == ["egress", "overlay"]
    assert typed.shown == {"answer_type": "text"}  # the others stay server-side
    assert not grade("typed", typed.shown, typed.key, "igress")  # one from egress
    assert grade("typed", typed.shown, typed.key, "ingres")
    assert grade("typed", typed.shown, typed.key, "Ingress")
    alone = present("typed", data, random.Random(0))
    assert grade("typed", alone.shown, alone.key, "igress")  # no known neighbour


def test_commands_keep_no_other_answers():
    data = {"answers": ["docker ps"], "answer_type": "command"}
    typed = present("typed", data, random.Random(0), ["docker rm <container>"])
    assert "others" not in typed.key


@pytest.mark.parametrize(
    ("key", "column"),
    [
        (
            "docker:table:networks:ingress:type-name",
            ("docker", "networks", "type-name"),
        ),
        ("docker:table:networks:match-names", None),
        ("docker:question:cli-data-root-key", None),
        ("docker:note:shell:ls", None),
    ],
)
def test_table_column_reads_row_question_keys(key, column):
    assert table_column(key) == column


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


SHOWN = {
    "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
    "left": [{"id": "l0", "text": "L"}],
    "right": [{"id": "r0", "text": "R"}],
}


@pytest.mark.parametrize(
    ("kind", "answer", "kept"),
    [
        ("single", "a", "a"),
        ("multiple", ["b", "a", "b"], ["a", "b"]),
        ("typed", "docker ps", "docker ps"),
        ("matching", {"l0": "r0"}, {"l0": "r0"}),
        ("matching", None, None),
    ],
)
def test_well_formed_answers_are_kept(kind, answer, kept):
    assert check_answer_shape(kind, SHOWN, answer) == kept


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("single", "z"),
        ("single", ["a"]),
        ("multiple", "a"),
        ("multiple", [["a"]]),
        ("multiple", [{"a": 1}, "a"]),
        ("typed", 3),
        ("typed", "x" * 501),
        ("matching", {"l0": ["r0"]}),
        ("matching", {"l0": {"r0": 1}}),
        ("matching", {"l9": "r0"}),
        ("matching", ["l0", "r0"]),
    ],
)
def test_malformed_answers_are_refused_not_crashed_on(kind, answer):
    with pytest.raises(Invalid):
        check_answer_shape(kind, SHOWN, answer)


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        present("essay", {}, random.Random(0))
