"""Learning statistics as plain values: streaks, retention, maturity, mastery,
forecasts, latest quiz scores and grouping by study day."""

from datetime import date, datetime, timedelta

import pytest
from fsrs import State
from hypothesis import given, settings
from hypothesis import strategies as st

from study import progress, srs
from tests.conftest import at

NOW = at(2026, 3, 10, 12, 0)
TODAY = date(2026, 3, 10)


def memory(state=State.Review, interval=10.0, stability=10.0, reviewed=NOW):
    """A memory state last reviewed at `reviewed`, due `interval` days later."""
    return srs.Memory(
        state=int(state),
        step=None if state == State.Review else 0,
        stability=stability,
        difficulty=5.0,
        due=reviewed + timedelta(days=interval),
        last_review=reviewed,
    )


def days_back(*offsets):
    return {TODAY - timedelta(days=n) for n in offsets}


@pytest.mark.parametrize(
    ("studied", "streak"),
    [
        (set(), 0),
        (days_back(0), 1),
        (days_back(0, 1, 2), 3),
        (days_back(1, 2), 2),  # not yet studied today: yesterday's streak holds
        (days_back(0, 2, 3), 1),
        (days_back(2, 3), 0),  # a day was missed
    ],
)
def test_streak_counts_days_in_a_row(studied, streak):
    assert progress.streak(studied, TODAY) == streak


def test_retention_is_the_share_of_review_cards_not_rated_again():
    daily = {
        TODAY: progress.DayCounts(reviews=12, review_state=10, passed=9),
        TODAY - timedelta(days=6): progress.DayCounts(5, 4, 2),
        TODAY - timedelta(days=7): progress.DayCounts(100, 100, 0),  # 8 days ago
        TODAY - timedelta(days=29): progress.DayCounts(10, 6, 6),
    }
    assert progress.retention(daily, TODAY, 7) == pytest.approx(11 / 14)
    assert progress.retention(daily, TODAY, 30) == pytest.approx(17 / 120)


def test_retention_is_unknown_without_review_cards():
    daily = {TODAY: progress.DayCounts(reviews=5, review_state=0, passed=0)}
    assert progress.retention(daily, TODAY, 7) is None
    assert progress.retention({}, TODAY, 30) is None


@pytest.mark.parametrize(
    ("state", "interval", "name"),
    [
        (State.Learning, 0.01, "learning"),
        (State.Relearning, 0.01, "learning"),
        (State.Review, 1, "young"),
        (State.Review, 20.9, "young"),
        (State.Review, 21, "mature"),
        (State.Review, 200, "mature"),
    ],
)
def test_maturity_follows_the_interval(state, interval, name):
    assert progress.maturity(memory(state, interval)) == name


def test_cards_by_state_counts_each_kind():
    memories = [
        memory(State.Learning, 0.01),
        memory(State.Review, 3),
        memory(State.Review, 30),
        memory(State.Review, 40),
    ]
    counts = progress.count_states(memories, unstudied=7)
    assert counts.as_dict() == {"new": 7, "learning": 1, "young": 1, "mature": 2}


def test_mastery_is_the_share_of_cards_with_stability_of_three_weeks():
    memories = [
        memory(stability=21.0),
        memory(stability=40.0),
        memory(stability=20.9),
    ]
    result = progress.mastery(cards=8, memories=memories, now=NOW)
    assert (result.cards, result.studied, result.mastered) == (8, 3, 2)
    assert result.mastery == pytest.approx(2 / 8)


def test_recall_is_the_average_predicted_recall_now():
    last_week = NOW - timedelta(days=7)
    memories = [memory(stability=5.0, reviewed=last_week), memory(stability=50.0)]
    expected = sum(srs.retrievability(m, NOW) for m in memories) / 2
    result = progress.mastery(cards=2, memories=memories, now=NOW)
    assert result.recall == pytest.approx(expected)
    assert 0 < srs.retrievability(memories[0], NOW) < 0.9  # forgetting since
    assert progress.mastery(cards=5, memories=[], now=NOW).recall is None


def test_forecast_puts_overdue_cards_on_today_and_follows_the_study_day():
    dues = [
        NOW - timedelta(days=3),  # overdue
        at(2026, 3, 11, 3, 59),  # before 4 a.m.: still the 10th's study day
        at(2026, 3, 11, 4, 0),
        at(2026, 3, 20, 12, 0),
        at(2026, 5, 1, 12, 0),  # beyond 30 days
    ]
    series = dict(progress.forecast(dues, NOW, "UTC"))
    assert len(series) == 30 and min(series) == TODAY
    assert series[TODAY] == 2
    assert series[date(2026, 3, 11)] == 1
    assert series[date(2026, 3, 20)] == 1
    assert sum(series.values()) == 4


def test_forecast_uses_the_learners_time_zone():
    # 02:00 UTC on the 11th is 21:00 on the 10th in New York.
    series = dict(progress.forecast([at(2026, 3, 11, 2, 0)], NOW, "America/New_York"))
    assert series[TODAY] == 1


def test_daily_series_fills_days_without_reviews():
    series = progress.daily_series({TODAY: 4}, TODAY, 3)
    assert series == [
        (TODAY - timedelta(days=2), 0),
        (TODAY - timedelta(1), 0),
        (TODAY, 4),
    ]


def test_latest_scores_keep_the_newest_quiz_and_exam_per_topic():
    def attempt(mode, day, scores, pack="docker"):
        per_topic = {slug: {"score": s} for slug, s in scores.items()}
        return progress.AttemptSummary(pack, mode, at(2026, 3, day, 9, 0), per_topic)

    latest = progress.latest_scores(
        [
            attempt("practice", 5, {"net": 40.0}),
            attempt("practice", 1, {"net": 90.0, "vol": 50.0}),
            attempt("drill", 6, {"vol": 75.0}),
            attempt("exam", 4, {"net": 60.0}),
            attempt("exam", 2, {"net": 100.0}),
            attempt("exam", 7, {"net": 10.0}, pack="k8s"),
        ]
    )
    assert latest["docker", "net"] == progress.LatestScores(quiz=40.0, exam=60.0)
    assert latest["docker", "vol"] == progress.LatestScores(quiz=75.0, exam=None)
    assert latest["k8s", "net"].exam == 10.0


def shifted_day(pieces, moment: datetime) -> date:
    shift = [seconds for start, seconds in pieces if start <= moment][-1]
    return (moment + timedelta(seconds=shift)).date()


@pytest.mark.parametrize(
    "zone",
    [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
        "Australia/Lord_Howe",  # half an hour of daylight saving time
        "Pacific/Chatham",
    ],
)
@settings(max_examples=150, deadline=None)
@given(seconds=st.integers(min_value=0, max_value=2 * 365 * 86400))
def test_day_shifts_match_the_study_day_of_every_moment(zone, seconds):
    start = at(2025, 1, 1)
    pieces = progress.day_shifts(zone, start, at(2027, 1, 1))
    moment = start + timedelta(seconds=seconds)
    assert shifted_day(pieces, moment) == srs.study_date(moment, zone)


def test_day_shifts_find_the_daylight_saving_changes():
    pieces = progress.day_shifts("Europe/Berlin", at(2026, 1, 1), at(2026, 12, 31))
    assert [start for start, _ in pieces[1:]] == [
        at(2026, 3, 29, 1, 0),
        at(2026, 10, 25, 1, 0),
    ]
    assert [shift for _, shift in pieces] == [-3 * 3600, -2 * 3600, -3 * 3600]


def test_day_start_is_four_in_the_morning_local_time():
    assert progress.day_start(TODAY, "UTC") == at(2026, 3, 10, 4, 0)
    assert progress.day_start(TODAY, "America/New_York") == at(2026, 3, 10, 8, 0)
