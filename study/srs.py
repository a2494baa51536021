"""The FSRS scheduler wrapper: memory states, ratings, intervals and study days.

Plain values in and out: no database, no Flask, and `now` is always passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
FSRS_RATINGS = {rating: Rating(rating) for rating in RATINGS}
DAY_ROLLOVER_HOUR = 4  # like Anki, a study day ends at 4 a.m. local time
LEARN_AHEAD = timedelta(minutes=20)
STATE_NAMES = {State.Learning: "learning", State.Review: "review"}
STATE_NAMES[State.Relearning] = "relearning"


@dataclass(frozen=True)
class Memory:
    """What the scheduler knows about one learner and one card."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None

    def to_json(self) -> dict:
        """Return a JSON-friendly dict (datetimes as ISO strings)."""
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat(),
            "last_review": self.last_review.isoformat() if self.last_review else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> Memory:
        """Rebuild a memory state saved by `to_json`."""
        last = data.get("last_review")
        return cls(
            state=data["state"],
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=datetime.fromisoformat(data["due"]),
            last_review=datetime.fromisoformat(last) if last else None,
        )


@lru_cache(maxsize=64)
def scheduler_for(desired_retention: float) -> Scheduler:
    """Return the (shared, stateless) scheduler for a desired retention."""
    # Fuzzing is off so a card's state can always be replayed from its log.
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def _to_fsrs(memory: Memory | None, now: datetime) -> FsrsCard:
    if memory is None:
        return FsrsCard(card_id=0, due=now)
    return FsrsCard(
        card_id=0,
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due,
        last_review=memory.last_review,
    )


def _from_fsrs(card: FsrsCard) -> Memory:
    return Memory(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def rate(
    memory: Memory | None, rating: int, now: datetime, desired_retention: float
) -> Memory:
    """Return the memory state after rating a card (None means a new card)."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 1-4, not {rating!r}")
    scheduler = scheduler_for(desired_retention)
    card, _log = scheduler.review_card(_to_fsrs(memory, now), FSRS_RATINGS[rating], now)
    return _from_fsrs(card)


def interval_previews(
    memory: Memory | None, now: datetime, desired_retention: float
) -> dict[int, str]:
    """Return the interval each rating would give, as short text like '10m'."""
    scheduler = scheduler_for(desired_retention)
    card = _to_fsrs(memory, now)  # review_card works on a copy: one serves all four
    return {
        rating: short_interval(
            scheduler.review_card(card, fsrs_rating, now)[0].due - now
        )
        for rating, fsrs_rating in FSRS_RATINGS.items()
    }


def short_interval(delta: timedelta) -> str:
    """Format a time span the way rating buttons show it: 1m, 10m, 3h, 4d, 2mo."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return f"{max(round(seconds / 60), 1)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".rstrip("0").rstrip(".") + "mo"
    return f"{days / 365:.1f}".rstrip("0").rstrip(".") + "y"


def retrievability(memory: Memory | None, now: datetime) -> float:
    """Return the predicted chance of recalling the card now (0 for a new card)."""
    if memory is None or memory.last_review is None:
        return 0.0
    return scheduler_for(0.9).get_card_retrievability(_to_fsrs(memory, now), now)


def zone(name: str | None) -> ZoneInfo:
    """Return the named time zone, or UTC when the name is unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_valid_zone(name: str) -> bool:
    """Say whether a time zone name is known."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def study_day_start(now: datetime, tz_name: str) -> datetime:
    """Return when the learner's current study day began, in UTC."""
    return study_day(now, tz_name)[0]


def study_day_end(now: datetime, tz_name: str) -> datetime:
    """Return when the learner's current study day ends, in UTC."""
    return study_day(now, tz_name)[1]


# The last study day worked out for each time zone: the study loop asks for
# the same day's bounds several times per rating.
_LAST_DAY: dict[str | None, tuple[datetime, datetime]] = {}


def study_day(now: datetime, tz_name: str) -> tuple[datetime, datetime]:
    """Return when the study day that holds `now` began and ends, in UTC."""
    last = _LAST_DAY.get(tz_name)
    if last is not None and last[0] <= now < last[1]:
        return last
    tz = zone(tz_name)
    day = (now.astimezone(tz) - timedelta(hours=DAY_ROLLOVER_HOUR)).date()
    start = datetime.combine(day, time(DAY_ROLLOVER_HOUR), tzinfo=tz)
    following = datetime.combine(
        day + timedelta(days=1), time(DAY_ROLLOVER_HOUR), tzinfo=tz
    )
    bounds = start.astimezone(UTC), following.astimezone(UTC)
    _LAST_DAY[tz_name] = bounds
    return bounds


def study_date(moment: datetime, tz_name: str):
    """Return the study day (a date) a moment belongs to, in the learner's zone."""
    local = moment.astimezone(zone(tz_name))
    return (local - timedelta(hours=DAY_ROLLOVER_HOUR)).date()


def is_due(memory: Memory | None, now: datetime, day_end: datetime) -> bool:
    """Say whether a card may be rated now: new, learning soon, or due today."""
    if memory is None:
        return True
    if memory.state == State.Review:
        return memory.due < day_end
    return memory.due <= now + LEARN_AHEAD


def utc(moment: datetime) -> datetime:
    """Return an aware UTC datetime, refusing naive ones."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC)
