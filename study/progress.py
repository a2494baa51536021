"""Learning statistics: streaks, true retention, card maturity, topic mastery,
forecasts and latest quiz scores.

Plain values in and out: no database, no Flask, and `now` is always passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from fsrs import State

from study import srs

MATURE_DAYS = 21  # like Anki: a review card with an interval of 21+ days is mature
MASTERED_STABILITY = 21.0  # days of stability that count a card as mastered
LEARNING_STATES = (int(State.Learning), int(State.Relearning))
QUIZ_MODES = ("practice", "drill")


@dataclass(frozen=True)
class DayCounts:
    """One study day's ratings, and how the cards in Review state fared."""

    reviews: int = 0
    review_state: int = 0  # ratings of cards that were in Review state
    passed: int = 0  # of those, the ones rated other than Again


@dataclass(frozen=True)
class StateCounts:
    """How many cards are new, learning, young and mature."""

    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0

    def as_dict(self) -> dict[str, int]:
        """Return the counts by state name."""
        return {
            "new": self.new,
            "learning": self.learning,
            "young": self.young,
            "mature": self.mature,
        }


@dataclass(frozen=True)
class Mastery:
    """How well a learner knows a topic's cards."""

    cards: int
    studied: int
    mastered: int
    mastery: float  # share of the topic's live cards with stability >= 21 days
    recall: float | None  # average predicted recall now over the studied cards


@dataclass(frozen=True)
class AttemptSummary:
    """What a submitted quiz says about topics: mode, time and per-topic scores."""

    pack_id: str
    mode: str
    submitted_at: datetime
    per_topic: Mapping[str, Mapping]


@dataclass(frozen=True)
class LatestScores:
    """The latest practice-quiz and mock-exam score of one topic (percent)."""

    quiz: float | None = None
    exam: float | None = None


def streak(days_studied: Collection[date], today: date) -> int:
    """Return the number of consecutive study days up to today.

    A streak is still alive when today has no review yet but yesterday had one.
    """
    day = today if today in days_studied else today - timedelta(days=1)
    count = 0
    while day in days_studied:
        count += 1
        day -= timedelta(days=1)
    return count


def retention(daily: Mapping[date, DayCounts], today: date, days: int) -> float | None:
    """Return the share of Review-state cards not rated Again in the last days."""
    first = today - timedelta(days=days - 1)
    total = passed = 0
    for day, counts in daily.items():
        if first <= day <= today:
            total += counts.review_state
            passed += counts.passed
    return passed / total if total else None


def interval_days(memory: srs.Memory) -> float:
    """Return the card's current interval: from its last review to its due date."""
    if memory.last_review is None:
        return 0.0
    return (memory.due - memory.last_review).total_seconds() / 86400


def maturity(memory: srs.Memory) -> str:
    """Name a studied card's state: learning, young or mature."""
    if memory.state != int(State.Review):
        return "learning"
    return "mature" if interval_days(memory) >= MATURE_DAYS else "young"


def count_states(memories: Iterable[srs.Memory], unstudied: int) -> StateCounts:
    """Count cards by state; `unstudied` is the number of cards never rated."""
    counts = Counter(maturity(memory) for memory in memories)
    return StateCounts(
        new=unstudied,
        learning=counts["learning"],
        young=counts["young"],
        mature=counts["mature"],
    )


def mastery(cards: int, memories: list[srs.Memory], now: datetime) -> Mastery:
    """Summarize a topic: mastered share of its cards and average recall now."""
    mastered = sum(1 for m in memories if (m.stability or 0.0) >= MASTERED_STABILITY)
    recalls = [srs.retrievability(m, now) for m in memories if m.last_review]
    return Mastery(
        cards=cards,
        studied=len(memories),
        mastered=mastered,
        mastery=mastered / cards if cards else 0.0,
        recall=sum(recalls) / len(recalls) if recalls else None,
    )


def forecast(
    dues: Iterable[datetime], now: datetime, tz_name: str, days: int = 30
) -> list[tuple[date, int]]:
    """Return how many cards fall due on each of the next study days.

    Cards already overdue count on today, when they will be shown.
    """
    today = srs.study_date(now, tz_name)
    counts: Counter[date] = Counter()
    for due in dues:
        day = max(srs.study_date(due, tz_name), today)
        counts[day] += 1
    return daily_series(counts, today + timedelta(days=days - 1), days)


def daily_series(
    counts: Mapping[date, int], last: date, days: int
) -> list[tuple[date, int]]:
    """Return (day, count) for `days` days ending on `last`, zeros filled in."""
    first = last - timedelta(days=days - 1)
    return [
        (first + timedelta(days=n), counts.get(first + timedelta(days=n), 0))
        for n in range(days)
    ]


def latest_scores(
    attempts: Iterable[AttemptSummary],
) -> dict[tuple[str, str], LatestScores]:
    """Return each (pack, topic)'s latest quiz and exam score."""
    latest: dict[tuple[str, str], dict[str, tuple[datetime, float]]] = {}
    for attempt in attempts:
        kind = "exam" if attempt.mode == "exam" else "quiz"
        for slug, result in attempt.per_topic.items():
            slot = latest.setdefault((attempt.pack_id, slug), {})
            seen = slot.get(kind)
            if seen is None or attempt.submitted_at > seen[0]:
                slot[kind] = (attempt.submitted_at, float(result["score"]))
    return {
        key: LatestScores(
            quiz=slot["quiz"][1] if "quiz" in slot else None,
            exam=slot["exam"][1] if "exam" in slot else None,
        )
        for key, slot in latest.items()
    }


def day_start(day: date, tz_name: str) -> datetime:
    """Return when a study day begins (4 a.m. local time), in UTC."""
    local = datetime.combine(day, time(srs.DAY_ROLLOVER_HOUR), tzinfo=srs.zone(tz_name))
    return local.astimezone(UTC)


def _shift(moment: datetime, tz_name: str) -> int:
    offset = moment.astimezone(srs.zone(tz_name)).utcoffset() or timedelta()
    return int(offset.total_seconds()) - srs.DAY_ROLLOVER_HOUR * 3600


def day_shifts(
    tz_name: str, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    """Return (from, seconds) pieces covering start..end for grouping by study day.

    From each `from` on, a UTC moment's study day is the UTC date of the moment
    plus `seconds` (the zone's offset then, less the 4 a.m. rollover), so a
    database can group reviews by study day with one CASE expression, daylight
    saving time included.
    """
    pieces = [(start, _shift(start, tz_name))]
    moment = start
    while moment < end:
        following = min(moment + timedelta(days=1), end)
        if _shift(following, tz_name) != pieces[-1][1]:
            change = _first_change(moment, following, tz_name)
            pieces.append((change, _shift(change, tz_name)))
        moment = following
    return pieces


def _first_change(before: datetime, after: datetime, tz_name: str) -> datetime:
    """Return the first second after `before` whose shift differs from it."""
    shift = _shift(before, tz_name)
    low, high = 0, int((after - before).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if _shift(before + timedelta(seconds=middle), tz_name) == shift:
            low = middle
        else:
            high = middle
    return before + timedelta(seconds=high)
