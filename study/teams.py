"""Team rules: how far a member is with an assignment, whether that is on track,
and how the manager's table and the leaderboard are ordered.

Plain values in and out: no database, no Flask, and `today` is always passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

ON_TRACK = "on track"
BEHIND = "behind"
OVERDUE = "overdue"
DONE = "done"
# Worst first: the order a manager wants to read the table in.
STATUS_ORDER = {OVERDUE: 0, BEHIND: 1, ON_TRACK: 2, DONE: 3}
# How far behind the calendar a member may be and still be "on track".
SLACK = 0.10
ROLES = ("manager", "member")


@dataclass(frozen=True)
class Goals:
    """What an assignment asks for."""

    all_cards_studied: bool
    exam_passed: bool


@dataclass(frozen=True)
class Standing:
    """One member's figures on one assignment."""

    cards_total: int
    cards_studied: int
    best_exam: float | None  # best mock exam score, percent
    exam_passed: bool
    pass_mark: int | None

    @property
    def studied_share(self) -> float:
        """Return the share of the assignment's cards studied at least once."""
        if not self.cards_total:
            return 1.0
        return min(self.cards_studied / self.cards_total, 1.0)


def goal_progress(goals: Goals, standing: Standing) -> float:
    """Return progress toward the goal from 0 to 1.

    Each goal counts equally: the cards part is the share studied; the exam part
    is 1 once passed, else the best score as a share of the pass mark.
    """
    parts = []
    if goals.all_cards_studied:
        parts.append(standing.studied_share)
    if goals.exam_passed:
        parts.append(_exam_part(standing))
    return sum(parts) / len(parts) if parts else 1.0


def _exam_part(standing: Standing) -> float:
    if standing.exam_passed:
        return 1.0
    if standing.best_exam is None:
        return 0.0
    if not standing.pass_mark:
        return 0.0
    # Short of 1.0: only a pass completes the exam goal.
    return min(standing.best_exam / standing.pass_mark, 0.99)


def goal_met(goals: Goals, standing: Standing) -> bool:
    """Say whether every goal of the assignment is reached."""
    cards_done = standing.cards_studied >= standing.cards_total
    return (not goals.all_cards_studied or cards_done) and (
        not goals.exam_passed or standing.exam_passed
    )


def expected_progress(start: date, due: date, today: date) -> float:
    """Return the share of the time from start to due that has passed."""
    if today >= due:
        return 1.0
    if today <= start:
        return 0.0
    return (today - start).days / (due - start).days


def status(
    goals: Goals, standing: Standing, start: date, due: date, today: date
) -> str:
    """Return done, overdue, behind or on track for one member."""
    if goal_met(goals, standing):
        return DONE
    if today > due:
        return OVERDUE
    expected = expected_progress(start, due, today)
    return ON_TRACK if goal_progress(goals, standing) + SLACK >= expected else BEHIND


def days_for_every_card(
    cards: int, new_per_day: int, today: date, due: date
) -> int | None:
    """Return the study days that meeting `cards` new cards at `new_per_day` a
    day takes, when that is more than the days from today to the due date
    (both counted); None when they fit."""
    available = (due - today).days + 1
    needed = study_days(cards, new_per_day)
    return needed if needed > available else None


def study_days(cards: int, new_per_day: int) -> int:
    """Return the study days it takes to meet `cards` new cards at
    `new_per_day` a day."""
    return -(-cards // max(new_per_day, 1))


def days_left(due: date, today: date) -> int:
    """Return the days until the due date (negative once it has passed)."""
    return (due - today).days


def week_start(today: date) -> date:
    """Return the Monday of the study week containing `today`."""
    return today - timedelta(days=today.weekday())


SORT_KEYS = ("name", "studied", "mastery", "exam", "active", "status")


def sort_rows(
    rows: Sequence[Any],
    key: str,
    descending: bool,
    value: Callable[[Any, str], Any],
    name: Callable[[Any], str],
) -> list[Any]:
    """Order rows by one column; rows without a value come last either way,
    and equal values keep name order."""
    if key not in SORT_KEYS:
        key = "status"
    by_name = sorted(rows, key=lambda row: name(row).casefold())
    known = [row for row in by_name if value(row, key) is not None]
    unknown = [row for row in by_name if value(row, key) is None]
    known.sort(key=lambda row: value(row, key), reverse=descending)
    return known + unknown


def status_rank(name: str) -> int:
    """Return a status's place in worst-first order."""
    return STATUS_ORDER.get(name, len(STATUS_ORDER))


@dataclass(frozen=True)
class BoardEntry:
    """One visible member on a leaderboard."""

    user_id: int
    name: str
    value: float


@dataclass(frozen=True)
class Ranked:
    """A leaderboard line: the place (ties share it) and the entry."""

    place: int
    entry: BoardEntry


def leaderboard(entries: Iterable[BoardEntry], limit: int = 10) -> list[Ranked]:
    """Rank entries by value, highest first; equal values share a place.

    Entries with no activity (value 0) are left off: a board of zeros says
    nothing and only exposes who has not started.
    """
    ordered = sorted(
        (e for e in entries if e.value > 0),
        key=lambda e: (-e.value, e.name.casefold(), e.user_id),
    )
    ranked: list[Ranked] = []
    for index, entry in enumerate(ordered[:limit]):
        if ranked and ranked[-1].entry.value == entry.value:
            place = ranked[-1].place
        else:
            place = index + 1
        ranked.append(Ranked(place, entry))
    return ranked


def last_active(*moments: datetime | None) -> datetime | None:
    """Return the latest of the given moments, ignoring missing ones."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None
