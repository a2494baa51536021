"""Team rules: goal progress, on track / behind / overdue / done, ordering."""

from datetime import date

import pytest

from study import teams as rules
from tests.conftest import at

CARDS = rules.Goals(all_cards_studied=True, exam_passed=False)
EXAM = rules.Goals(all_cards_studied=False, exam_passed=True)
BOTH = rules.Goals(all_cards_studied=True, exam_passed=True)
START, DUE = date(2026, 3, 1), date(2026, 3, 11)


def standing(studied=0, total=100, best=None, passed=False, mark=65):
    return rules.Standing(total, studied, best, passed, mark)


def test_cards_goal_progress_is_the_share_studied():
    assert rules.goal_progress(CARDS, standing(studied=25)) == 0.25
    assert rules.goal_progress(CARDS, standing(studied=0, total=0)) == 1.0


def test_exam_goal_counts_the_best_score_against_the_pass_mark():
    assert rules.goal_progress(EXAM, standing()) == 0.0
    assert rules.goal_progress(EXAM, standing(best=52.0)) == pytest.approx(0.8)
    # A high score that did not pass (e.g. timed out) is still short of done.
    assert rules.goal_progress(EXAM, standing(best=90.0)) == 0.99
    assert rules.goal_progress(EXAM, standing(best=70.0, passed=True)) == 1.0


def test_both_goals_count_equally():
    both = standing(studied=50, best=70.0, passed=True)
    assert rules.goal_progress(BOTH, both) == 0.75


@pytest.mark.parametrize(
    ("today", "studied", "expected"),
    [
        (date(2026, 3, 1), 0, rules.ON_TRACK),  # day one: nothing expected yet
        (date(2026, 3, 2), 0, rules.ON_TRACK),  # 10% of the time: within the slack
        (date(2026, 3, 3), 0, rules.BEHIND),  # 20% of the time, nothing done
        (date(2026, 3, 6), 40, rules.ON_TRACK),  # 50% of the time, 40% done
        (date(2026, 3, 6), 39, rules.BEHIND),
        (date(2026, 3, 11), 95, rules.ON_TRACK),  # due today, not quite done
        (date(2026, 3, 12), 95, rules.OVERDUE),
        (date(2026, 3, 12), 100, rules.DONE),
        (date(2026, 3, 2), 100, rules.DONE),
    ],
)
def test_status_follows_the_calendar(today, studied, expected):
    assert rules.status(CARDS, standing(studied), START, DUE, today) == expected


def test_exam_goal_is_done_only_when_passed():
    assert rules.status(BOTH, standing(100, best=60.0), START, DUE, DUE) != rules.DONE
    done = standing(100, best=66.0, passed=True)
    assert rules.status(BOTH, done, START, DUE, date(2027, 1, 1)) == rules.DONE


def test_assignment_made_on_its_due_day_expects_everything():
    assert rules.expected_progress(DUE, DUE, DUE) == 1.0
    assert rules.status(CARDS, standing(0), DUE, DUE, DUE) == rules.BEHIND


def test_days_left_and_week_start():
    assert rules.days_left(DUE, date(2026, 3, 9)) == 2
    assert rules.days_left(DUE, date(2026, 3, 13)) == -2
    assert rules.week_start(date(2026, 3, 11)) == date(2026, 3, 9)  # a Wednesday
    assert rules.week_start(date(2026, 3, 9)) == date(2026, 3, 9)


def test_sort_rows_puts_missing_values_last_both_ways():
    rows = [("bea", 3), ("al", None), ("cy", 1), ("Dee", 3)]

    def ordered(descending):
        found = rules.sort_rows(
            rows,
            "exam",
            descending,
            value=lambda row, _key: row[1],
            name=lambda row: row[0],
        )
        return [row[0] for row in found]

    assert ordered(False) == ["cy", "bea", "Dee", "al"]
    assert ordered(True) == ["bea", "Dee", "cy", "al"]


def test_unknown_sort_key_falls_back_to_status():
    rows = [("a", 2), ("b", 0)]
    found = rules.sort_rows(rows, "password", False, lambda r, k: (k, r[1]), str)
    assert found == [("b", 0), ("a", 2)]


def test_leaderboard_ranks_ties_together_and_leaves_out_zeros():
    entries = [
        rules.BoardEntry(1, "Ann", 30),
        rules.BoardEntry(2, "Bob", 50),
        rules.BoardEntry(3, "Cat", 30),
        rules.BoardEntry(4, "Dan", 0),
        rules.BoardEntry(5, "Eve", 10),
    ]
    board = rules.leaderboard(entries)
    assert [(line.place, line.entry.name) for line in board] == [
        (1, "Bob"),
        (2, "Ann"),
        (2, "Cat"),
        (4, "Eve"),
    ]
    assert len(rules.leaderboard(entries, limit=2)) == 2


def test_last_active_is_the_latest_known_moment():
    assert rules.last_active(None, None) is None
    early, late = at(2026, 3, 1), at(2026, 3, 2)
    assert rules.last_active(late, None, early) == late


def test_study_days_for_new_cards_round_up():
    assert rules.study_days(0, 20) == 0
    assert rules.study_days(20, 20) == 1
    assert rules.study_days(21, 20) == 2
    assert rules.study_days(1_169, 20) == 59
    assert rules.study_days(5, 0) == 5  # a limit of 0 is read as 1 a day


def test_every_card_fits_when_the_days_up_to_the_due_date_suffice():
    today = date(2026, 3, 10)
    # Today and the due date both count: 10th-12th is three study days.
    assert rules.days_for_every_card(60, 20, today, date(2026, 3, 12)) is None
    assert rules.days_for_every_card(61, 20, today, date(2026, 3, 12)) == 4
    assert rules.days_for_every_card(20, 20, today, today) is None
    assert rules.days_for_every_card(1_169, 20, today, date(2026, 3, 24)) == 59
