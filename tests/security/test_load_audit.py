"""The load test's audit notices a lost, doubled or wrongly undone review and a
card state that its log does not explain (so a clean audit means something)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

from study import srs
from tests.conftest import at

SCRIPT = Path(__file__).parents[2] / "bench" / "load_audit.py"
SPEC = importlib.util.spec_from_file_location("load_audit", SCRIPT)
load_audit = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(load_audit)


def learner(stack, undone=()):
    return SimpleNamespace(name="l", problems=[], stack=stack, undone=list(undone))


def log(review_id, undone=False, **more):
    return SimpleNamespace(review_id=review_id, undone=undone, **more)


def test_a_matching_record_passes():
    logs = [log("a"), log("b", undone=True)]
    assert load_audit._check_learner(learner([("a", "c")], [("b", "c")]), logs) == []


def test_lost_extra_and_wrongly_undone_reviews_are_reported():
    record = learner([("a", "c"), ("b", "c")], [("u", "c")])
    assert load_audit._check_learner(record, [log("a"), log("u", undone=True)])
    assert load_audit._check_learner(record, [log("a"), log("b"), log("x")])
    assert load_audit._check_learner(record, [log("a"), log("b"), log("u")])


def _chain():
    memory, logs = None, []
    for number, rating in enumerate([3, 1, 3, 4], start=1):
        moment = at(2026, 1, 1, 9, number)
        memory = srs.rate(memory, rating, moment, 0.9)
        logs.append(
            log(
                f"r{number}",
                id=number,
                user_id=1,
                card_id=7,
                rating=rating,
                reviewed_at=moment,
                state_after=memory.to_json(),
            )
        )
    return logs, memory


def _state(memory, reps):
    return SimpleNamespace(**vars(memory), reps=reps) if memory else None


def test_the_replay_agrees_with_a_true_state_and_catches_a_false_one():
    logs, memory = _chain()
    problems = []
    states = {(1, 7): _state(memory, 4)}
    assert load_audit._replay(logs, states, {1: 0.9}, srs, problems) == 1
    assert problems == []
    wrong = srs.rate(memory, 1, at(2026, 1, 2), 0.9)
    load_audit._replay(logs, {(1, 7): _state(wrong, 4)}, {1: 0.9}, srs, problems)
    assert problems
    problems.clear()
    load_audit._replay(logs[:3], {(1, 7): _state(memory, 4)}, {1: 0.9}, srs, problems)
    assert problems
