"""Each kind of question is graded the way a learner would expect."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.quiz.grading import (
    edit_distance,
    grade_matching,
    grade_multiple,
    grade_single,
    grade_truefalse,
    grade_typed,
    normalize_text,
)

WRONG_SHAPES = [None, 3, 2.5, True, b"x", ["x"], {"x": 1}, {"x"}, object()]


# Typed answers: commands.
@pytest.mark.parametrize(
    ("accepted", "answer", "right"),
    [
        (["docker ps -a"], "docker container ls --all", True),
        (["docker ps -a"], "docker ps", False),
        (["docker stop <container>", "docker kill <container>"], "docker kill w", True),
        ("docker ps -a", "docker ps --all", True),
        (["docker ps -a"], "docker ps '", False),
        ([], "docker ps", False),
        ([None, 3, "docker ps"], "docker container ls", True),
    ],
)
def test_typed_commands_are_graded_by_meaning(accepted, answer, right):
    assert grade_typed(accepted, answer, "command") is right


# Typed answers: text.
@pytest.mark.parametrize(
    ("accepted", "answer"),
    [
        (["ENTRYPOINT"], "entrypoint"),
        (["ENTRYPOINT"], "`ENTRYPOINT`"),
        (["ENTRYPOINT"], "  Entrypoint.  "),
        (["/var/lib/docker"], "`/var/lib/docker`"),
        (["control groups"], "Control   Groups!"),
        (["control groups"], '"control groups"'),
        (["control groups", "cgroups"], "CGroups"),
        (["SETUID"], "setuid"),
        (["443"], " 443 "),
        (["namespaces"], "namespcaes"),
        (["namespaces"], "namepsaces"),
        (["namespaces"], "nmespces"),
        (["isolation"], "isolaton"),
        (["bridge"], "brigde"),
        (["control groups"], "contorl grups"),
        (["copy-on-write"], "copy-on-wirte"),
        (["user-defined bridge network"], "user-defined bridge netwrok"),
    ],
)
def test_text_answers_forgive_case_spacing_and_small_slips(accepted, answer):
    assert grade_typed(accepted, answer, "text")


@pytest.mark.parametrize(
    ("accepted", "answer"),
    [
        (["443"], "433"),
        (["443"], "4433"),
        (["SIGTERM"], "SIGKILL"),
        (["SIGTERM"], "SIGTREM"),
        (["SETUID"], "SETGID"),
        (["SETPCAP"], "SETFCAP"),
        (["NET_RAW"], "NET_RAX"),
        (["overlay2"], "overlay"),
        (["overlay"], "overlay2"),
        (["host"], "hots"),
        (["COPY"], "CPOY"),
        (["PID namespace"], "IPC namespace"),
        (["pid namespace"], "ipc namespace"),
        (["namespaces"], "nemspcaesx"),
        (["namespaces"], "nmespcs"),
        (["bridge"], "brdige2"),
        (["bridge"], "bridgeee"),
        (["control groups"], "controlgroups"),
        (["control groups"], "contorl grups networks"),
        (["`docker ps`"], "docker pss"),
        (["ENTRYPOINT"], "ENTRYPIONT"),
        (["ENTRYPOINT"], ""),
        (["ENTRYPOINT"], "  `` ..  "),
        ([], "anything"),
    ],
)
def test_text_answers_must_be_exact_where_a_slip_changes_the_meaning(accepted, answer):
    assert not grade_typed(accepted, answer, "text")


def test_a_slip_that_is_as_close_to_another_known_answer_is_wrong():
    assert grade_typed(["ingress"], "igress", "text")
    assert not grade_typed(["ingress"], "igress", "text", ["egress", "host"])
    assert grade_typed(["ingress"], "Ingress", "text", ["egress", "host"])
    assert grade_typed(["ingress"], "ingres", "text", ["egress", "ingress"])


@pytest.mark.parametrize("answer", WRONG_SHAPES)
@pytest.mark.parametrize("answer_type", ["command", "text"])
def test_typed_answers_of_the_wrong_shape_are_wrong(answer, answer_type):
    assert grade_typed(["docker ps"], answer, answer_type) is False


def test_an_unknown_answer_type_is_a_programming_error():
    with pytest.raises(ValueError, match="answer type"):
        grade_typed(["x"], "x", "regex")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("abcdef", "abdcef", 1),
        ("ca", "abc", 3),
        ("namespaces", "namespcaes", 1),
        ("SIGTERM", "SIGKILL", 4),
    ],
)
def test_edit_distance_counts_a_swap_of_neighbours_as_one_edit(a, b, distance):
    assert edit_distance(a, b) == distance


@given(st.text(max_size=12), st.text(max_size=12))
def test_edit_distance_is_symmetric_and_bounded(a, b):
    distance = edit_distance(a, b)
    assert distance == edit_distance(b, a)
    assert abs(len(a) - len(b)) <= distance <= max(len(a), len(b))
    assert (distance == 0) == (a == b)


@given(st.text(), st.text())
def test_text_grading_never_raises(accepted, answer):
    assert grade_typed([accepted], answer, "text") in (True, False)


def test_normalize_text_keeps_inner_punctuation():
    assert normalize_text(" `Copy-On-Write`. ") == "copy-on-write"
    assert normalize_text("“/var/lib/docker”") == "/var/lib/docker"


# Single choice.
@pytest.mark.parametrize(
    ("correct", "answer", "right"),
    [
        (2, 2, True),
        (2, "2", True),
        (2, " 2 ", True),
        (2, 1, False),
        (2, "02", False),
        ("opt-b", "opt-b", True),
        ("opt-b", "opt-a", False),
        ("opt-b", "OPT-B", False),
        (1, True, False),
        (0, False, False),
        (0, None, False),
        (0, "", False),
        (0, [0], False),
        (0, 0.0, False),
    ],
)
def test_single_choice(correct, answer, right):
    assert grade_single(correct, answer) is right


# Multiple select: all or nothing.
@pytest.mark.parametrize(
    ("correct", "answer", "right"),
    [
        ({"a", "c"}, {"a", "c"}, True),
        ({"a", "c"}, ["c", "a"], True),
        ({"a", "c"}, ("a", "c", "a"), True),
        ({0, 2}, ["0", "2"], True),
        ({"a", "c"}, {"a"}, False),
        ({"a", "c"}, {"a", "b", "c"}, False),
        ({"a", "c"}, set(), False),
        ({"a", "c"}, "ac", False),
        ({"a", "c"}, {"a": 1, "c": 1}, False),
        ({"a", "c"}, ["a", None], False),
        ({"a", "c"}, ["a", ["c"]], False),
        ({"a", "c"}, None, False),
        ({"a", "c"}, 3, False),
    ],
)
def test_multiple_select_is_all_or_nothing(correct, answer, right):
    assert grade_multiple(correct, answer) is right


# True/false.
@pytest.mark.parametrize(
    ("truth", "answer", "right"),
    [
        (True, True, True),
        (False, False, True),
        (True, False, False),
        (True, "true", True),
        (True, " True ", True),
        (False, "FALSE", True),
        (False, "true", False),
        (True, 1, False),
        (False, 0, False),
        (True, "yes", False),
        (False, None, False),
        (False, "", False),
        (False, [], False),
    ],
)
def test_true_false(truth, answer, right):
    assert grade_truefalse(truth, answer) is right


# Matching.
NAMESPACES = {
    "PID": "process IDs",
    "NET": "network interfaces",
    "UTS": "hostname",
}


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (dict(NAMESPACES), (True, 3)),
        ({**NAMESPACES, "extra": "ignored"}, (True, 3)),
        (
            {"PID": "process IDs", "NET": "hostname", "UTS": "network interfaces"},
            (False, 1),
        ),
        ({"PID": "process IDs"}, (False, 1)),
        ({"PID": "hostname", "NET": "hostname", "UTS": "hostname"}, (False, 1)),
        ({}, (False, 0)),
        ({"PID": None, "NET": ["x"], "UTS": 3}, (False, 0)),
        (None, (False, 0)),
        ([("PID", "process IDs")], (False, 0)),
        ("PID=process IDs", (False, 0)),
    ],
)
def test_matching_counts_the_pairs_that_are_right(answer, verdict):
    assert grade_matching(NAMESPACES, answer) == verdict


def test_matching_accepts_indexes_sent_as_strings():
    assert grade_matching({0: 2, 1: 0, 2: 1}, {"0": "2", "1": "0", "2": 1}) == (
        True,
        3,
    )
