"""The scheduler wrapper: real fsrs, plain values, explicit clocks."""

from datetime import timedelta

import pytest
from fsrs import State

from study import srs
from tests.conftest import at

NOW = at(2026, 3, 10, 12, 0)


def test_new_card_rated_good_enters_learning_with_a_short_step():
    memory = srs.rate(None, 3, NOW, 0.9)
    assert memory.state == State.Learning
    assert memory.due - NOW == timedelta(minutes=10)
    assert memory.last_review == NOW


def test_easy_on_a_new_card_graduates_it_to_review_for_days():
    memory = srs.rate(None, 4, NOW, 0.9)
    assert memory.state == State.Review
    assert memory.due - NOW >= timedelta(days=1)


def test_again_on_a_review_card_is_a_lapse_into_relearning():
    memory = srs.rate(None, 4, NOW, 0.9)
    later = memory.due
    lapsed = srs.rate(memory, 1, later, 0.9)
    assert lapsed.state == State.Relearning


def test_higher_desired_retention_gives_shorter_intervals():
    memory = srs.rate(None, 4, NOW, 0.9)
    strict = srs.rate(memory, 3, memory.due, 0.97)
    relaxed = srs.rate(memory, 3, memory.due, 0.70)
    assert strict.due < relaxed.due


def test_memory_survives_a_json_round_trip():
    memory = srs.rate(None, 3, NOW, 0.9)
    assert srs.Memory.from_json(memory.to_json()) == memory


def test_interval_previews_cover_all_four_ratings():
    previews = srs.interval_previews(None, NOW, 0.9)
    assert previews[1] == "1m"
    assert previews[3] == "10m"
    assert previews[4].endswith("d")


def test_each_preview_is_what_that_rating_would_give():
    new_card = None
    learning = srs.rate(None, 3, NOW, 0.9)
    review = srs.rate(None, 4, NOW, 0.9)
    relearning = srs.rate(review, 1, review.due, 0.9)
    for memory, when in [
        (new_card, NOW),
        (learning, learning.due),
        (review, review.due + timedelta(days=2)),
        (relearning, relearning.due),
    ]:
        previews = srs.interval_previews(memory, when, 0.85)
        assert previews == {
            rating: srs.short_interval(srs.rate(memory, rating, when, 0.85).due - when)
            for rating in srs.RATINGS
        }


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=5), "5h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=45), "1.5mo"),
        (timedelta(days=730), "2y"),
    ],
)
def test_short_interval(delta, text):
    assert srs.short_interval(delta) == text


def test_rating_out_of_range_is_refused():
    with pytest.raises(ValueError):
        srs.rate(None, 5, NOW, 0.9)


def test_study_day_rolls_over_at_4am_local_time():
    tz = "Europe/Berlin"  # UTC+1 in March
    before = at(2026, 3, 10, 2, 30)  # 03:30 local: still the 9th's study day
    after = at(2026, 3, 10, 3, 30)  # 04:30 local: the 10th's study day
    assert srs.study_day_start(before, tz) == at(2026, 3, 9, 3, 0)
    assert srs.study_day_start(after, tz) == at(2026, 3, 10, 3, 0)
    assert srs.study_day_end(after, tz) == at(2026, 3, 11, 3, 0)
    assert str(srs.study_date(before, tz)) == "2026-03-09"


def test_study_day_handles_daylight_saving_change():
    tz = "Europe/Berlin"  # clocks go forward on 29 March 2026
    start = srs.study_day_start(at(2026, 3, 28, 12, 0), tz)
    end = srs.study_day_end(at(2026, 3, 28, 12, 0), tz)
    assert end - start == timedelta(hours=23)


def test_study_day_bounds_hold_when_asked_out_of_order():
    # The last day worked out for a zone is remembered; moments on either
    # side of it, and its own edges, still get their own day.
    tz = "America/New_York"  # UTC-4 in June
    moments = [
        at(2026, 6, 10, 15, 0),
        at(2026, 6, 11, 7, 59),  # 03:59 local: still the 10th's day
        at(2026, 6, 11, 8, 0),  # 04:00 local: the 11th's day begins
        at(2026, 6, 9, 23, 0),
        at(2026, 6, 10, 8, 0),
    ]
    starts = [srs.study_day(moment, tz)[0] for moment in moments]
    assert starts == [
        at(2026, 6, 10, 8, 0),
        at(2026, 6, 10, 8, 0),
        at(2026, 6, 11, 8, 0),
        at(2026, 6, 9, 8, 0),
        at(2026, 6, 10, 8, 0),
    ]
    for moment, start in zip(moments, starts, strict=True):
        assert srs.study_day_end(moment, tz) == start + timedelta(days=1)
        assert srs.study_day_start(moment, "UTC") <= moment


def test_unknown_time_zone_falls_back_to_utc():
    assert srs.study_day_start(NOW, "Mars/Olympus") == at(2026, 3, 10, 4, 0)
    assert not srs.is_valid_zone("Mars/Olympus")


def test_due_rules():
    day_end = at(2026, 3, 11, 4, 0)
    learning = srs.rate(None, 3, NOW, 0.9)  # due in 10 minutes
    assert srs.is_due(None, NOW, day_end)
    assert srs.is_due(learning, NOW, day_end)  # within the 20-minute learn-ahead
    review = srs.rate(None, 4, NOW, 0.9)
    assert not srs.is_due(review, NOW, day_end)
    assert srs.is_due(review, review.due, review.due + timedelta(hours=1))


def test_retrievability_falls_with_time():
    memory = srs.rate(None, 4, NOW, 0.9)
    soon = srs.retrievability(memory, NOW + timedelta(days=1))
    late = srs.retrievability(memory, NOW + timedelta(days=60))
    assert 0 < late < soon <= 1
    assert srs.retrievability(None, NOW) == 0.0
