"""Question selection: exam weights, spreading practice quizzes, weak topics."""

import random

from study.quiz.selection import (
    exam_allocation,
    pick_by_allocation,
    pick_spread,
    weakest_topics,
)


def test_exam_allocation_follows_weights():
    weights = {"a": 25, "b": 20, "c": 15, "d": 15, "e": 15, "f": 10}
    available = dict.fromkeys(weights, 100)
    allocation = exam_allocation(weights, available, 55)
    assert sum(allocation.values()) == 55
    assert allocation["a"] in (13, 14) and allocation["f"] in (5, 6)


def test_exam_allocation_moves_the_shortfall_to_other_topics():
    allocation = exam_allocation({"a": 50, "b": 50}, {"a": 3, "b": 100}, 20)
    assert allocation == {"a": 3, "b": 17}


def test_exam_allocation_caps_at_what_exists():
    assert exam_allocation({"a": 60, "b": 40}, {"a": 2, "b": 1}, 10) == {"a": 2, "b": 1}


def test_pick_by_allocation_has_no_duplicates():
    pool = {"a": list(range(10)), "b": list(range(10, 20))}
    chosen = pick_by_allocation(pool, {"a": 4, "b": 3}, random.Random(0))
    assert len(chosen) == len(set(chosen)) == 7
    assert sum(1 for q in chosen if q < 10) == 4


def test_pick_spread_covers_every_topic():
    pool = {"a": list(range(10)), "b": [10, 11], "c": list(range(20, 30))}
    chosen = pick_spread(pool, 6, random.Random(0))
    assert len(set(chosen)) == 6
    assert {10, 11} <= set(chosen)


def test_weakest_topics_puts_low_scores_first_and_untried_last():
    scores = {"a": 90.0, "b": 40.0, "c": 65.0}
    assert weakest_topics(scores, ["a", "b", "c", "d"], 3) == ["b", "c", "a"]
    assert weakest_topics({}, ["x", "y"], 1) == ["x"]
