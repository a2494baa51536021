"""The manager's view of a team: every member's standing on every assignment.

The figures come from a fixed number of GROUP BY queries over all members at
once (cards studied and mastered per member and topic, best exam per member and
pack, latest review and quiz per member), so a team of 200 costs the same
number of queries as a team of 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session, selectinload

from study import progress, srs
from study import teams as rules
from study.models import (
    Assignment,
    Card,
    CardState,
    Membership,
    QuizAttempt,
    ReviewLog,
    Team,
    Topic,
    User,
)

# Team figures are shown to members only from this many members up, so that an
# average cannot be taken apart into one colleague's progress.
MIN_AGGREGATE_MEMBERS = 3


@dataclass(frozen=True)
class TopicInfo:
    """A live topic of an assigned pack and how many live cards it has."""

    id: int
    pack_id: str
    slug: str
    title: str
    position: int
    cards: int


@dataclass(frozen=True)
class TopicMastery:
    """One member's mastery of one topic of an assignment."""

    slug: str
    title: str
    cards: int
    mastered: int

    @property
    def mastery(self) -> float:
        """Return the share of the topic's cards with stability of 21 days or more."""
        return self.mastered / self.cards if self.cards else 0.0


@dataclass(frozen=True)
class MemberRow:
    """One line of the manager's table."""

    user_id: int
    name: str
    email: str
    role: str
    standing: rules.Standing
    topics: tuple[TopicMastery, ...]
    last_active: datetime | None
    progress: float
    status: str
    days_left: int  # in the member's own time zone

    @property
    def mastery(self) -> float:
        """Return the share of all the assignment's cards that are mastered."""
        cards = sum(t.cards for t in self.topics)
        return sum(t.mastered for t in self.topics) / cards if cards else 0.0

    def sort_value(self, key: str):
        """Return this row's value in a sortable column (None sorts last)."""
        return {
            "name": self.name.casefold(),
            "studied": self.standing.studied_share,
            "mastery": self.mastery,
            "exam": self.standing.best_exam,
            "active": self.last_active,
            "status": rules.status_rank(self.status),
        }[key]


@dataclass(frozen=True)
class AssignmentProgress:
    """An assignment with every member's row."""

    assignment: Assignment
    team_name: str
    topics: tuple[TopicInfo, ...]
    today: date
    rows: list[MemberRow]

    @property
    def goals(self) -> rules.Goals:
        """Return what the assignment asks for."""
        return goals_of(self.assignment)

    @property
    def cards_total(self) -> int:
        """Return the live cards in the assignment's scope."""
        return sum(topic.cards for topic in self.topics)

    @property
    def days_left(self) -> int:
        """Return the days until the due date (negative once passed)."""
        return rules.days_left(self.assignment.due_on, self.today)

    @property
    def pass_mark(self) -> int | None:
        """Return the pack's exam pass mark, if it has an exam."""
        return pass_mark(self.assignment)


@dataclass(frozen=True)
class TeamAggregate:
    """What every member may see of the team on one assignment."""

    members: int
    done: int
    on_track: int
    behind: int
    overdue: int
    average_studied: float
    average_progress: float


@dataclass(frozen=True)
class Figures:
    """The raw aggregates behind the rows, keyed by member, topic and pack."""

    topics: dict[int, TopicInfo]
    studied: dict[tuple[int, int], tuple[int, int]]  # (user, topic) -> n, mastered
    exams: dict[tuple[int, str], tuple[float | None, bool]]  # (user, pack)
    last_review: dict[int, datetime]
    last_quiz: dict[int, datetime]


def goals_of(assignment: Assignment) -> rules.Goals:
    """Return an assignment's goal flags."""
    return rules.Goals(
        all_cards_studied=assignment.goal_all_cards_studied,
        exam_passed=assignment.goal_exam_passed,
    )


def pass_mark(assignment: Assignment) -> int | None:
    """Return the pass mark of the assigned pack's mock exam."""
    mark = (assignment.pack.exam or {}).get("pass_mark")
    return int(mark) if mark else None


def figures(session: Session, who: Select, pack_ids: Iterable[str]) -> Figures:
    """Run the aggregate queries for the users selected by `who` and some packs."""
    packs = sorted(set(pack_ids))
    return Figures(
        topics=_topics(session, packs),
        studied=_studied(session, who, packs),
        exams=_exams(session, who, packs),
        last_review=_latest(
            session,
            ReviewLog.user_id,
            ReviewLog.reviewed_at,
            who,
            ReviewLog.counted(),
        ),
        last_quiz=_latest(
            session,
            QuizAttempt.user_id,
            func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at),
            who,
        ),
    )


def _topics(session: Session, packs: list[str]) -> dict[int, TopicInfo]:
    if not packs:
        return {}
    columns = (Topic.id, Topic.pack_id, Topic.slug, Topic.title, Topic.position)
    rows = session.execute(
        select(*columns, func.count(Card.id))
        .outerjoin(Card, and_(Card.topic_id == Topic.id, Card.retired.is_(False)))
        .where(Topic.pack_id.in_(packs), Topic.retired.is_(False))
        .group_by(*columns)
        .order_by(Topic.pack_id, Topic.position, Topic.id)
    ).all()
    return {row[0]: TopicInfo(*row) for row in rows}


def _studied(session: Session, who: Select, packs: list[str]) -> dict:
    if not packs:
        return {}
    mastered = case((CardState.stability >= progress.MASTERED_STABILITY, 1), else_=0)
    rows = session.execute(
        select(CardState.user_id, Card.topic_id, func.count(), func.sum(mastered))
        .join(Card, Card.id == CardState.card_id)
        .where(
            CardState.user_id.in_(who),
            Card.pack_id.in_(packs),
            Card.retired.is_(False),
        )
        .group_by(CardState.user_id, Card.topic_id)
    ).all()
    return {(user, topic): (int(n), int(m or 0)) for user, topic, n, m in rows}


def _exams(session: Session, who: Select, packs: list[str]) -> dict:
    if not packs:
        return {}
    passed = case((QuizAttempt.passed.is_(True), 1), else_=0)
    rows = session.execute(
        select(
            QuizAttempt.user_id,
            QuizAttempt.pack_id,
            func.max(QuizAttempt.score),
            func.max(passed),
        )
        .where(
            QuizAttempt.user_id.in_(who),
            QuizAttempt.pack_id.in_(packs),
            QuizAttempt.mode == "exam",
            QuizAttempt.status == "submitted",
        )
        .group_by(QuizAttempt.user_id, QuizAttempt.pack_id)
    ).all()
    return {(user, pack): (best, bool(ok)) for user, pack, best, ok in rows}


def _latest(session: Session, user_column, moment, who: Select, *conditions):
    rows = session.execute(
        select(user_column, func.max(moment))
        .where(user_column.in_(who), *conditions)
        .group_by(user_column)
    ).all()
    return {user: _as_utc(when) for user, when in rows if when}


def _as_utc(value: datetime | str) -> datetime:
    # SQLite may hand back a MAX() of timestamps as naive text.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def assigned_topics(session: Session, assignment: Assignment) -> tuple[TopicInfo, ...]:
    """Return the live topics an assignment covers, with their live cards."""
    return scope_topics(assignment, _topics(session, [assignment.pack_id]))


def scope_topics(
    assignment: Assignment, topics: dict[int, TopicInfo]
) -> tuple[TopicInfo, ...]:
    """Return the live topics (of `topics`) an assignment covers, in pack order."""
    chosen = set(assignment.topics) if assignment.topics else None
    return tuple(
        topic
        for topic in topics.values()
        if topic.pack_id == assignment.pack_id
        and (chosen is None or topic.slug in chosen)
    )


@dataclass(frozen=True)
class Person:
    """Who a row is about, and the time zone their study days follow."""

    user_id: int
    name: str
    email: str
    role: str
    timezone: str = "UTC"


def member_row(
    person: Person,
    assignment: Assignment,
    topics: tuple[TopicInfo, ...],
    known: Figures,
    now: datetime,
) -> MemberRow:
    """Build one member's row on one assignment from the aggregates.

    Days are the member's own: someone whose evening it still is has not
    missed a due date that has passed where their manager is.
    """
    today = srs.study_date(now, person.timezone)
    start = srs.study_date(assignment.created_at, person.timezone)
    masteries = []
    studied = 0
    for topic in topics:
        n, mastered = known.studied.get((person.user_id, topic.id), (0, 0))
        studied += n
        masteries.append(TopicMastery(topic.slug, topic.title, topic.cards, mastered))
    best, passed = known.exams.get((person.user_id, assignment.pack_id), (None, False))
    standing = rules.Standing(
        cards_total=sum(topic.cards for topic in topics),
        cards_studied=studied,
        best_exam=best,
        exam_passed=passed,
        pass_mark=pass_mark(assignment),
    )
    goals = goals_of(assignment)
    return MemberRow(
        user_id=person.user_id,
        name=person.name,
        email=person.email,
        role=person.role,
        standing=standing,
        topics=tuple(masteries),
        last_active=rules.last_active(
            known.last_review.get(person.user_id),
            known.last_quiz.get(person.user_id),
        ),
        progress=rules.goal_progress(goals, standing),
        status=rules.status(goals, standing, start, assignment.due_on, today),
        days_left=rules.days_left(assignment.due_on, today),
    )


def _team_people(session: Session, team_id: int, user_id: int | None) -> list[Person]:
    query = (
        select(
            Membership.user_id,
            User.display_name,
            User.email,
            Membership.role,
            User.timezone,
        )
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == team_id)
    )
    if user_id is not None:
        query = query.where(Membership.user_id == user_id)
    return [Person(*row) for row in session.execute(query).all()]


def team_progress(
    session: Session,
    team: Team,
    team_assignments: list[Assignment],
    now: datetime,
    tz_name: str,
    only_user: int | None = None,
) -> list[AssignmentProgress]:
    """Return every member's row (or one member's) on each of the assignments.

    Each row's status and days left follow the member's time zone; `tz_name`
    (the viewer's) dates the view itself.
    """
    if not team_assignments:
        return []
    today = srs.study_date(now, tz_name)
    people = _team_people(session, team.id, only_user)
    who = select(Membership.user_id).where(Membership.team_id == team.id)
    if only_user is not None:
        who = who.where(Membership.user_id == only_user)
    known = figures(session, who, (a.pack_id for a in team_assignments))
    result = []
    for assignment in team_assignments:
        topics = scope_topics(assignment, known.topics)
        rows = [member_row(person, assignment, topics, known, now) for person in people]
        result.append(AssignmentProgress(assignment, team.name, topics, today, rows))
    return result


def sorted_rows(rows: list[MemberRow], key: str, descending: bool) -> list[MemberRow]:
    """Order the manager's table by one of its columns."""
    return rules.sort_rows(
        rows,
        key,
        descending,
        value=lambda row, column: row.sort_value(column),
        name=lambda row: row.name,
    )


def my_assignments(
    session: Session, user: User, now: datetime
) -> list[AssignmentProgress]:
    """Return the learner's own standing on every assignment of their teams:
    unfinished ones first by due date, then finished ones."""
    rows = session.execute(
        select(Assignment, Team.name)
        .options(selectinload(Assignment.pack))
        .join(Team, Team.id == Assignment.team_id)
        .join(Membership, Membership.team_id == Assignment.team_id)
        .where(Membership.user_id == user.id)
        .order_by(Assignment.due_on, Assignment.id)
    ).all()
    if not rows:
        return []
    today = srs.study_date(now, user.timezone)
    who = select(User.id).where(User.id == user.id)
    known = figures(session, who, (a.pack_id for a, _name in rows))
    person = Person(user.id, user.display_name, user.email, "member", user.timezone)
    mine = []
    for assignment, team_name in rows:
        topics = scope_topics(assignment, known.topics)
        row = member_row(person, assignment, topics, known, now)
        mine.append(AssignmentProgress(assignment, team_name, topics, today, [row]))
    mine.sort(key=lambda item: item.rows[0].status == rules.DONE)
    return mine


def shows_team_figures(is_manager: bool, members: int) -> bool:
    """Say whether a viewer may see a team's unnamed figures: its managers
    always, members once the team is too big to take the average apart."""
    return is_manager or members >= MIN_AGGREGATE_MEMBERS


def aggregate(rows: list[MemberRow]) -> TeamAggregate:
    """Summarize a team's rows without naming anyone."""
    count = len(rows)
    statuses = [row.status for row in rows]
    return TeamAggregate(
        members=count,
        done=statuses.count(rules.DONE),
        on_track=statuses.count(rules.ON_TRACK),
        behind=statuses.count(rules.BEHIND),
        overdue=statuses.count(rules.OVERDUE),
        average_studied=(
            sum(row.standing.studied_share for row in rows) / count if count else 0.0
        ),
        average_progress=sum(row.progress for row in rows) / count if count else 0.0,
    )
