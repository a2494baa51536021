"""The progress dashboard's figures, gathered with a fixed number of queries.

Reviews are counted by the database (GROUP BY study day), so the work stays the
same whether a learner has ten reviews or a hundred thousand; only card states
(at most one per card) and recent quiz attempts are read row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fsrs import State
from sqlalchemy import Date, and_, case, cast, func, literal, literal_column, select
from sqlalchemy.orm import Session

from study import progress, srs
from study.charts import WEEKS
from study.models import Card, CardState, Pack, ReviewLog, Topic, User
from study.services import queue, quiz_history

HISTORY_DAYS = 7 * WEEKS  # the calendar's year, in whole weeks
RECENT_ATTEMPTS = 100
REVIEW = int(State.Review)


@dataclass(frozen=True)
class TopicProgress:
    """One topic's mastery, recall and latest quiz scores."""

    id: int
    slug: str
    title: str
    pack_id: str
    pack_title: str
    mastery: progress.Mastery
    scores: progress.LatestScores


@dataclass(frozen=True)
class Attempt:
    """A submitted quiz or exam, as the score history shows it."""

    id: int
    pack_id: str
    mode: str
    submitted_at: datetime
    score: float
    passed: bool | None


@dataclass(frozen=True)
class Dashboard:
    """Everything the progress page and `GET /api/v1/progress` show."""

    today: date
    reviews_today: int
    learning_due: int
    reviews_due: int
    new_left_today: int
    streak_days: int
    retention_7d: float | None
    retention_30d: float | None
    cards_by_state: progress.StateCounts
    topics: list[TopicProgress]
    daily: dict[date, int]
    forecast: list[tuple[date, int]]
    attempts: list[Attempt]

    @property
    def due_now(self) -> int:
        """Return the cards due today: learning steps and reviews."""
        return self.learning_due + self.reviews_due


def dashboard(
    session: Session, user: User, now: datetime, pack: str | None = None
) -> Dashboard:
    """Gather a learner's progress over their study scope (or one pack)."""
    scope = queue.study_scope(session, user, **({"pack": pack} if pack else {}))
    day = queue.today(session, user, now)
    counts = queue.counts(session, user, scope, now, day)
    today = srs.study_date(now, user.timezone)
    daily = daily_reviews(session, user, now, today - timedelta(days=HISTORY_DAYS))
    streak_days = _streak_days(session, user, now, today, daily)
    memories = card_memories(session, user, scope)
    attempts = recent_attempts(session, user, pack)
    topics = topic_progress(session, scope, memories, attempts, now)
    studied = [memory for _topic, memory in memories]
    unstudied = sum(t.mastery.cards for t in topics) - len(studied)
    return Dashboard(
        today=today,
        reviews_today=day.ratings,
        learning_due=counts.learning,
        reviews_due=counts.review,
        new_left_today=counts.new,
        streak_days=streak_days,
        retention_7d=progress.retention(daily, today, 7),
        retention_30d=progress.retention(daily, today, 30),
        cards_by_state=progress.count_states(studied, max(unstudied, 0)),
        topics=topics,
        daily={d: c.reviews for d, c in daily.items()},
        forecast=progress.forecast((m.due for m in studied), now, user.timezone),
        attempts=[_attempt(a) for a in reversed(attempts)],
    )


@dataclass(frozen=True)
class Streak:
    """A learner's run of consecutive study days, and whether today is in it."""

    days: int
    studied_today: bool


def study_streak(session: Session, user: User, now: datetime) -> Streak:
    """Return the learner's streak of study days in their time zone.

    One grouped query over the calendar's year, answered from an index; only a
    streak longer than that year reads the rest of the history.
    """
    today = srs.study_date(now, user.timezone)
    daily = daily_reviews(session, user, now, today - timedelta(days=HISTORY_DAYS))
    return Streak(_streak_days(session, user, now, today, daily), today in daily)


def _streak_days(
    session: Session,
    user: User,
    now: datetime,
    today: date,
    daily: dict[date, progress.DayCounts],
) -> int:
    days = progress.streak(daily.keys(), today)
    if days > HISTORY_DAYS:  # a streak older than the calendar: look further
        days = progress.streak(daily_reviews(session, user, now).keys(), today)
    return days


def _piecewise(column, shifts: list[tuple[datetime, int]], value):
    """Return SQL choosing value(shift) by which piece the column's time falls in."""
    later = [(column >= start, value(shift)) for start, shift in reversed(shifts[1:])]
    first = value(shifts[0][1])
    return case(*later, else_=first) if later else literal(first)


def study_day_column(column, shifts: list[tuple[datetime, int]], dialect: str):
    """Return SQL for the study day of a UTC timestamp column, given the zone's
    shifts from `progress.day_shifts` (daylight saving time included)."""
    if dialect == "postgresql":
        seconds = _piecewise(column, shifts, int)
        moment = func.timezone("UTC", column)
        return cast(moment + literal_column("INTERVAL '1 second'") * seconds, Date)
    return func.date(column, _piecewise(column, shifts, lambda s: f"{s:+d} seconds"))


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def daily_reviews(
    session: Session, user: User, now: datetime, first: date | None = None
) -> dict[date, progress.DayCounts]:
    """Return the learner's ratings per study day since `first` (or ever)."""
    if first is not None:
        start = progress.day_start(first, user.timezone)
    else:
        start = session.scalar(
            select(func.min(ReviewLog.reviewed_at)).where(ReviewLog.user_id == user.id)
        )
        if start is None:
            return {}
    shifts = progress.day_shifts(user.timezone, start, now)
    dialect = session.get_bind().dialect.name
    day = study_day_column(ReviewLog.reviewed_at, shifts, dialect).label("study_day")
    in_review = ReviewLog.previous_state == REVIEW
    rows = session.execute(
        select(
            day,
            func.count(),
            func.sum(case((in_review, 1), else_=0)),
            func.sum(case((and_(in_review, ReviewLog.rating != 1), 1), else_=0)),
        )
        .where(
            ReviewLog.user_id == user.id,
            ReviewLog.reviewed_at >= start,
            ReviewLog.counted(),
        )
        .group_by(day)
    ).all()
    return {
        _as_date(d): progress.DayCounts(int(n), int(r or 0), int(p or 0))
        for d, n, r, p in rows
    }


def card_memories(
    session: Session, user: User, scope: queue.Scope
) -> list[tuple[int, srs.Memory]]:
    """Return (topic id, memory state) of every studied live card in scope."""
    if not scope.topic_ids:
        return []
    rows = session.execute(
        select(Card.topic_id, *queue.MEMORY_COLUMNS)
        .join(Card, Card.id == CardState.card_id)
        .where(CardState.user_id == user.id, *queue.in_scope(scope))
    ).all()
    return [(row[0], srs.Memory(*row[1:])) for row in rows]


def recent_attempts(session: Session, user: User, pack: str | None) -> list:
    """Return the learner's latest submitted quizzes and exams, newest first."""
    return quiz_history.submitted_attempts(session, user, pack, RECENT_ATTEMPTS)


def _attempt(attempt) -> Attempt:
    return Attempt(
        id=attempt.id,
        pack_id=attempt.pack_id,
        mode=attempt.mode,
        submitted_at=attempt.submitted_at,
        score=attempt.score or 0.0,
        passed=attempt.passed,
    )


def topic_progress(
    session: Session,
    scope: queue.Scope,
    memories: list[tuple[int, srs.Memory]],
    attempts: list,
    now: datetime,
) -> list[TopicProgress]:
    """Return each topic in scope with its mastery and latest quiz scores."""
    if not scope.topic_ids:
        return []
    rows = session.execute(
        select(Topic.id, Topic.slug, Topic.title, Topic.pack_id, Pack.title)
        .add_columns(func.count(Card.id))
        .join(Pack, Pack.id == Topic.pack_id)
        .outerjoin(Card, and_(Card.topic_id == Topic.id, Card.retired.is_(False)))
        .where(Topic.id.in_(scope.topic_ids))
        .group_by(
            Topic.id, Topic.slug, Topic.title, Topic.pack_id, Pack.title, Topic.position
        )
        .order_by(Pack.title, Topic.position)
    ).all()
    by_topic: dict[int, list[srs.Memory]] = {}
    for topic_id, memory in memories:
        by_topic.setdefault(topic_id, []).append(memory)
    scores = progress.latest_scores(
        progress.AttemptSummary(a.pack_id, a.mode, a.submitted_at, a.per_topic or {})
        for a in attempts
    )
    return [
        TopicProgress(
            id=topic_id,
            slug=slug,
            title=title,
            pack_id=pack_id,
            pack_title=pack_title,
            mastery=progress.mastery(cards, by_topic.get(topic_id, []), now),
            scores=scores.get((pack_id, slug), progress.LatestScores()),
        )
        for topic_id, slug, title, pack_id, pack_title, cards in rows
    ]
