"""Teams: who may see and manage one, creating and changing teams, members
and their roles. Invites are in `team_invites`, assignments in `assignments`.

Whoever may not see a team gets NotFound (its existence stays hidden); a member
who may see it but not change it gets Forbidden. A site admin sees and manages
every team. Every write commits once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from study.errors import Conflict, Forbidden, Invalid, NotFound
from study.models import Membership, Team, User

MAX_NAME = 80
MAX_ID = 2**31 - 1
CONTROL = re.compile("[\\u0000-\\u001f\\u007f-\\u009f]")
# A name with something besides spaces, and no control characters.
TEAM_NAME_PATTERN = (
    "^[^\\u0000-\\u001f\\u007f-\\u009f]*"
    "[^\\s\\ufeff\\u0000-\\u001f\\u007f-\\u009f]"
    "[^\\u0000-\\u001f\\u007f-\\u009f]*$"
)
TEAM_NAME = re.compile(TEAM_NAME_PATTERN)
NO_TEAM = "There is no such team."


@dataclass(frozen=True)
class TeamAccess:
    """A team as one user may see it: their membership, if any, and their rights."""

    team: Team
    membership: Membership | None
    is_admin: bool

    @property
    def is_manager(self) -> bool:
        """Say whether the user may manage the team (its managers and site admins)."""
        return self.is_admin or (
            self.membership is not None and self.membership.role == "manager"
        )

    @property
    def role(self) -> str | None:
        """Return the user's role in the team, or None for an admin from outside."""
        return self.membership.role if self.membership else None


@dataclass(frozen=True)
class TeamSummary:
    """A team in a list: the viewer's role and how many members it has."""

    team: Team
    role: str | None
    members: int


def is_row_id(value: object) -> bool:
    """Say whether a value could be a stored row id (PostgreSQL refuses the rest)."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID
    )


def lock_team(session: Session, team_id: int) -> None:
    """Serialize changes to one team's members (a row lock on PostgreSQL, the
    write lock on SQLite), so two managers cannot both step down at once."""
    session.execute(update(Team).where(Team.id == team_id).values(id=Team.id))


# --- seeing teams -----------------------------------------------------------


def visible_team(session: Session, user: User, team_id: object) -> TeamAccess:
    """Return a team the user belongs to (any team for an admin), else NotFound."""
    if not is_row_id(team_id):
        raise NotFound(NO_TEAM)
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(NO_TEAM)
    membership = session.scalar(
        select(Membership).where(
            Membership.team_id == team.id, Membership.user_id == user.id
        )
    )
    if membership is None and not user.is_admin:
        raise NotFound(NO_TEAM)
    return TeamAccess(team, membership, bool(user.is_admin))


def managed_team(session: Session, user: User, team_id: object) -> TeamAccess:
    """Return a team the user manages; Forbidden for its plain members."""
    access = visible_team(session, user, team_id)
    if not access.is_manager:
        raise Forbidden("Only the team's managers can do this.")
    return access


def _summaries(session: Session, user: User, teams_query) -> list[TeamSummary]:
    counts = dict(
        session.execute(
            select(Membership.team_id, func.count())
            .where(Membership.team_id.in_(teams_query.with_only_columns(Team.id)))
            .group_by(Membership.team_id)
        ).all()
    )
    roles = dict(
        session.execute(
            select(Membership.team_id, Membership.role).where(
                Membership.user_id == user.id
            )
        ).all()
    )
    teams = session.scalars(teams_query.order_by(Team.name, Team.id)).all()
    return [TeamSummary(t, roles.get(t.id), counts.get(t.id, 0)) for t in teams]


def my_teams(session: Session, user: User) -> list[TeamSummary]:
    """Return the teams the user belongs to, by name."""
    mine = select(Team).join(Membership, Membership.team_id == Team.id)
    return _summaries(session, user, mine.where(Membership.user_id == user.id))


def all_teams(session: Session, user: User) -> list[TeamSummary]:
    """Return every team (site admins only)."""
    if not user.is_admin:
        raise Forbidden("Only site admins can list every team.")
    return _summaries(session, user, select(Team))


def members(session: Session, access: TeamAccess) -> list[Membership]:
    """Return the team's memberships, managers first (for managers only)."""
    if not access.is_manager:
        raise Forbidden("Only the team's managers can see its members.")
    return list(
        session.scalars(
            select(Membership)
            .options(selectinload(Membership.user))
            .join(User, User.id == Membership.user_id)
            .where(Membership.team_id == access.team.id)
            .order_by(Membership.role, func.lower(User.display_name), User.id)
        )
    )


def team_member(session: Session, access: TeamAccess, user_id: object) -> Membership:
    """Return one member of a team (for its managers only), else NotFound."""
    if not access.is_manager:
        raise Forbidden("Only the team's managers can see its members.")
    return _membership(session, access.team.id, user_id)


def manager_names(session: Session, team_id: int) -> list[str]:
    """Return the display names of a team's managers (every member may know who
    can see their progress)."""
    return list(
        session.scalars(
            select(User.display_name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.team_id == team_id, Membership.role == "manager")
            .order_by(func.lower(User.display_name))
        )
    )


def member_count(session: Session, team_id: int) -> int:
    """Return how many people are in a team."""
    return (
        session.scalar(select(func.count()).where(Membership.team_id == team_id)) or 0
    )


# --- creating and changing teams --------------------------------------------


def _checked_name(name: object) -> str:
    if not isinstance(name, str):
        raise Invalid("Give the team a name.")
    if len(name) > MAX_NAME:
        raise Invalid(f"A team name has at most {MAX_NAME} characters.")
    if CONTROL.search(name):
        raise Invalid("A team name cannot hold control characters.")
    if not TEAM_NAME.fullmatch(name):
        raise Invalid("Give the team a name.")
    return " ".join(name.split())


def create_team(session: Session, user: User, name: object, now: datetime) -> Team:
    """Create a team; its creator becomes its first manager."""
    team = Team(name=_checked_name(name), created_at=now, leaderboard_enabled=False)
    session.add(team)
    session.flush()
    session.add(
        Membership(team_id=team.id, user_id=user.id, role="manager", joined_at=now)
    )
    session.commit()
    return team


UNCHANGED = object()


def update_team(
    session: Session,
    user: User,
    team_id: object,
    *,
    name: object = UNCHANGED,
    leaderboard_enabled: object = UNCHANGED,
) -> Team:
    """Rename a team or turn its leaderboard on or off (managers only)."""
    team = managed_team(session, user, team_id).team
    if name is not UNCHANGED:
        team.name = _checked_name(name)
    if leaderboard_enabled is not UNCHANGED:
        if not isinstance(leaderboard_enabled, bool):
            raise Invalid("leaderboard_enabled must be true or false.")
        team.leaderboard_enabled = leaderboard_enabled
    session.commit()
    return team


def delete_team(session: Session, user: User, team_id: object) -> None:
    """Delete a team with its memberships, invites and assignments."""
    team = managed_team(session, user, team_id).team
    session.delete(team)
    session.commit()


# --- members and roles -------------------------------------------------------


def _membership(session: Session, team_id: int, user_id: object) -> Membership:
    if not is_row_id(user_id):
        raise NotFound("There is no such member.")
    membership = session.scalar(
        select(Membership).where(
            Membership.team_id == team_id, Membership.user_id == user_id
        )
    )
    if membership is None:
        raise NotFound("There is no such member.")
    return membership


def _manager_count(session: Session, team_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Membership.team_id == team_id, Membership.role == "manager"
            )
        )
        or 0
    )


def leave_team(session: Session, user: User, team_id: object) -> bool:
    """Leave a team; return True when it was the last member and the team is gone.

    The last manager must promote someone first while others remain.
    """
    access = visible_team(session, user, team_id)
    if access.membership is None:
        raise Conflict("You are not a member of this team.")
    lock_team(session, access.team.id)
    if member_count(session, access.team.id) == 1:
        session.delete(access.team)
        session.commit()
        return True
    if access.membership.role == "manager" and (
        _manager_count(session, access.team.id) == 1
    ):
        session.rollback()
        raise Conflict("Make another member a manager before you leave.")
    session.delete(access.membership)
    session.commit()
    return False


def remove_member(
    session: Session, user: User, team_id: object, member_id: object
) -> None:
    """Take a member out of the team (managers only; never the last manager)."""
    team = managed_team(session, user, team_id).team
    lock_team(session, team.id)
    membership = _membership(session, team.id, member_id)
    if membership.role == "manager" and _manager_count(session, team.id) == 1:
        session.rollback()
        raise Conflict("A team keeps at least one manager; promote someone first.")
    session.delete(membership)
    session.commit()


def set_role(
    session: Session, user: User, team_id: object, member_id: object, role: str
) -> Membership:
    """Make a member a manager or a manager a member (a team keeps one manager)."""
    if role not in ("manager", "member"):
        raise Invalid("role must be manager or member.")
    team = managed_team(session, user, team_id).team
    lock_team(session, team.id)
    membership = _membership(session, team.id, member_id)
    if (
        role == "member"
        and membership.role == "manager"
        and _manager_count(session, team.id) == 1
    ):
        session.rollback()
        raise Conflict("A team keeps at least one manager; promote someone first.")
    membership.role = role
    session.commit()
    return membership


def set_leaderboard_hidden(
    session: Session, user: User, team_id: object, hidden: object
) -> Membership:
    """Hide the user from (or show them on) their team's leaderboard."""
    if not isinstance(hidden, bool):
        raise Invalid("hidden must be true or false.")
    access = visible_team(session, user, team_id)
    if access.membership is None:
        raise Conflict("You are not a member of this team.")
    access.membership.hidden_from_leaderboard = hidden
    session.commit()
    return access.membership
