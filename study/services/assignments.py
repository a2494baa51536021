"""Assignments: a pack (or some of its topics) a team should finish by a due
date, with a goal; created, changed and deleted by the team's managers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from study import srs
from study import teams as rules
from study.errors import Conflict, Invalid, NotFound
from study.models import NEW_CARDS_PER_DAY, Assignment, Pack, User
from study.services import team_progress
from study.services.teams import TeamAccess, is_row_id, managed_team

MAX_DUE_YEARS = 5


@dataclass(frozen=True)
class AssignmentSpec:
    """What a manager asks for when assigning a pack (as sent, not yet checked)."""

    pack: object
    due: object  # a date or YYYY-MM-DD
    topics: object = None  # None, or a list of topic slugs
    all_cards_studied: object = True
    exam_passed: object = False


def list_assignments(session: Session, team_id: int) -> list[Assignment]:
    """Return a team's assignments, soonest due first (call after an access check)."""
    return list(
        session.scalars(
            select(Assignment)
            .options(selectinload(Assignment.pack))
            .where(Assignment.team_id == team_id)
            .order_by(Assignment.due_on, Assignment.id)
        )
    )


def find_assignment(
    session: Session, access: TeamAccess, assignment_id: object
) -> Assignment:
    """Return one of the team's assignments, or NotFound."""
    found = session.get(Assignment, assignment_id) if is_row_id(assignment_id) else None
    if found is None or found.team_id != access.team.id:
        raise NotFound("This team has no such assignment.")
    return found


def parse_due(value: object) -> date:
    """Return a due date from a date or a YYYY-MM-DD string."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid("The due date must be a date like 2026-05-31.")


def _checked_topics(pack: Pack, topics: object) -> list[str] | None:
    if topics is None or topics == []:
        return None
    if not isinstance(topics, list | tuple) or not all(
        isinstance(t, str) for t in topics
    ):
        raise Invalid("topics must be a list of topic ids.")
    live = [t.slug for t in pack.topics if not t.retired]
    unknown = set(topics) - set(live)
    if unknown:
        shown = ", ".join(sorted(repr(t)[:40] for t in unknown)[:5])
        raise Invalid(f"Unknown topic: {shown}.")
    chosen = [slug for slug in live if slug in set(topics)]
    return None if len(chosen) == len(live) else chosen


def _checked_spec(
    session: Session, spec: AssignmentSpec, today: date, old_due: date | None
) -> dict:
    if not isinstance(spec.pack, str) or not spec.pack:
        raise Invalid("Choose a pack to assign.")
    pack = session.get(Pack, spec.pack)
    if pack is None:
        raise NotFound("There is no such pack.")
    due = parse_due(spec.due)
    if due < today and due != old_due:
        raise Invalid("The due date cannot be in the past.")
    if due > today + timedelta(days=366 * MAX_DUE_YEARS):
        raise Invalid(f"Choose a due date within {MAX_DUE_YEARS} years.")
    cards_goal, exam_goal = spec.all_cards_studied, spec.exam_passed
    if not isinstance(cards_goal, bool) or not isinstance(exam_goal, bool):
        raise Invalid("Goals must be true or false.")
    if not (cards_goal or exam_goal):
        raise Invalid("Choose at least one goal: all cards studied or exam passed.")
    if exam_goal and not int((pack.exam or {}).get("questions") or 0):
        raise Conflict("This pack has no mock exam to pass.")
    return {
        "pack_id": pack.id,
        "topics": _checked_topics(pack, spec.topics),
        "due_on": due,
        "goal_all_cards_studied": cards_goal,
        "goal_exam_passed": exam_goal,
    }


def create_assignment(
    session: Session, user: User, team_id: object, spec: AssignmentSpec, now
) -> Assignment:
    """Assign a pack (or some of its topics) to a team with a due date and goal."""
    team = managed_team(session, user, team_id).team
    values = _checked_spec(session, spec, srs.study_date(now, user.timezone), None)
    assignment = Assignment(
        team_id=team.id, created_by=user.id, created_at=now, **values
    )
    session.add(assignment)
    session.commit()
    return assignment


def update_assignment(
    session: Session,
    user: User,
    team_id: object,
    assignment_id: object,
    spec: AssignmentSpec,
    now: datetime,
) -> Assignment:
    """Change an assignment's pack, topics, due date or goals."""
    access = managed_team(session, user, team_id)
    assignment = find_assignment(session, access, assignment_id)
    today = srs.study_date(now, user.timezone)
    values = _checked_spec(session, spec, today, assignment.due_on)
    for name, value in values.items():
        setattr(assignment, name, value)
    session.commit()
    return assignment


def delete_assignment(
    session: Session, user: User, team_id: object, assignment_id: object
) -> None:
    """Delete an assignment (members' progress itself is untouched)."""
    access = managed_team(session, user, team_id)
    session.delete(find_assignment(session, access, assignment_id))
    session.commit()


@dataclass(frozen=True)
class Workload:
    """What an assignment's cards take at a new account's daily limit of new
    cards, against the days left to its due date."""

    cards: int
    new_cards_per_day: int
    today: date
    due: date
    counts_cards: bool  # whether a goal is to study every card

    @property
    def study_days(self) -> int:
        """Return the study days the cards take at the daily limit."""
        return rules.study_days(self.cards, self.new_cards_per_day)

    @property
    def days_left(self) -> int:
        """Return the days until the due date: 0 when it is today."""
        return rules.days_left(self.due, self.today)

    @property
    def fits(self) -> bool:
        """Whether every card can be studied by the due date."""
        needed = rules.days_for_every_card(
            self.cards, self.new_cards_per_day, self.today, self.due
        )
        return needed is None

    @property
    def heads_up(self) -> str | None:
        """Say so when a goal is every card and they cannot all be studied by
        the due date; None otherwise."""
        if not self.counts_cards or self.fits:
            return None
        if self.days_left < 0:
            due = "already past"
        elif self.days_left == 0:
            due = "today"
        else:
            due = f"{self.days_left} day{'s' if self.days_left != 1 else ''} away"
        return (
            f"Heads up: at {self.new_cards_per_day} new cards a day (a new"
            f" account's limit), the {self.cards:,} cards take {self.study_days}"
            f" study days, but the due date is {due}. Members can raise their"
            " new-card limit in Settings, or you can assign fewer topics or a"
            " later date."
        )


def workload(session: Session, assignment: Assignment, today: date) -> Workload:
    """Return what studying every card of the assignment takes by its due date."""
    topics = team_progress.assigned_topics(session, assignment)
    return Workload(
        cards=sum(topic.cards for topic in topics),
        new_cards_per_day=NEW_CARDS_PER_DAY,
        today=today,
        due=assignment.due_on,
        counts_cards=assignment.goal_all_cards_studied,
    )
