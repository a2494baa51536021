"""Teams: create, invite, join, leave, roles, and the packs assigned to a team.

Whoever may not see a team gets NotFound (its existence stays hidden); a member
who may see it but not change it gets Forbidden. A site admin sees and manages
every team. Every write commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from study import srs
from study.errors import Conflict, Forbidden, Invalid, NotFound
from study.models import Assignment, Invite, Membership, Pack, Team, Topic, User
from study.services.accounts import EMAIL_PATTERN, normalize_email

INVITE_DAYS = 7
MAX_INVITE_DAYS = 30
MAX_NAME = 80
MAX_DUE_YEARS = 5
NO_TEAM = "There is no such team."
NO_INVITE = "This invite link is not valid."


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


@dataclass(frozen=True)
class AssignmentSpec:
    """What a manager asks for when assigning a pack (as sent, not yet checked)."""

    pack: object
    due: object  # a date or YYYY-MM-DD
    topics: object = None  # None, or a list of topic slugs
    all_cards_studied: object = True
    exam_passed: object = False


def token_hash(token: str) -> str:
    """Return the stored form of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


def lock_team(session: Session, team_id: int) -> None:
    """Serialize changes to one team's members (a row lock on PostgreSQL, the
    write lock on SQLite), so two managers cannot both step down at once."""
    session.execute(update(Team).where(Team.id == team_id).values(id=Team.id))


# --- seeing teams -----------------------------------------------------------


def visible_team(session: Session, user: User, team_id: object) -> TeamAccess:
    """Return a team the user belongs to (any team for an admin), else NotFound."""
    if isinstance(team_id, bool) or not isinstance(team_id, int):
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
        session.scalar(
            select(func.count()).where(Membership.team_id == team_id)
        )
        or 0
    )


# --- creating and changing teams --------------------------------------------


def _checked_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise Invalid("Give the team a name.")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise Invalid(f"A team name has at most {MAX_NAME} characters.")
    return name


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


def update_team(
    session: Session,
    user: User,
    team_id: object,
    *,
    name: object = None,
    leaderboard_enabled: object = None,
) -> Team:
    """Rename a team or turn its leaderboard on or off (managers only)."""
    team = managed_team(session, user, team_id).team
    if name is not None:
        team.name = _checked_name(name)
    if leaderboard_enabled is not None:
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


# --- invites ---------------------------------------------------------------


def _expiry(now: datetime, days: object) -> datetime:
    if days is None:
        days = INVITE_DAYS
    if isinstance(days, bool) or not isinstance(days, int):
        raise Invalid("days must be a whole number.")
    if not 1 <= days <= MAX_INVITE_DAYS:
        raise Invalid(f"An invite lasts from 1 to {MAX_INVITE_DAYS} days.")
    return now + timedelta(days=days)


def create_link_invite(
    session: Session, user: User, team_id: object, now: datetime, days: object = None
) -> tuple[Invite, str]:
    """Create a single-use invite link; return it and its token (shown once)."""
    team = managed_team(session, user, team_id).team
    token = secrets.token_urlsafe(24)
    invite = Invite(
        team_id=team.id,
        token_hash=token_hash(token),
        created_by=user.id,
        created_at=now,
        expires_at=_expiry(now, days),
    )
    session.add(invite)
    session.commit()
    return invite, token


def invite_by_email(
    session: Session,
    user: User,
    team_id: object,
    email: object,
    now: datetime,
    days: object = None,
) -> Invite:
    """Invite an account by email; it accepts or declines on its teams page.

    The answer is the same whether or not the address has an account, so a
    manager cannot use invites to find out who is registered.
    """
    team = managed_team(session, user, team_id).team
    address = normalize_email(email if isinstance(email, str) else "")
    if not EMAIL_PATTERN.match(address) or len(address) > 254:
        raise Invalid("Enter a valid email address.")
    already = session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == team.id, User.email == address)
    )
    if already is not None:
        raise Conflict("That person is already in the team.")
    invite = Invite(
        team_id=team.id,
        email=address,
        created_by=user.id,
        created_at=now,
        expires_at=_expiry(now, days),
    )
    session.add(invite)
    session.commit()
    return invite


def pending_invites(
    session: Session, access: TeamAccess, now: datetime
) -> list[Invite]:
    """Return a team's invites not yet used or expired (managers only)."""
    if not access.is_manager:
        raise Forbidden("Only the team's managers can see its invites.")
    return list(
        session.scalars(
            select(Invite)
            .where(
                Invite.team_id == access.team.id,
                Invite.used_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.created_at.desc(), Invite.id.desc())
        )
    )


def revoke_invite(
    session: Session, user: User, team_id: object, invite_id: object
) -> None:
    """Withdraw an invite that was not used yet."""
    team = managed_team(session, user, team_id).team
    invite = session.get(Invite, invite_id) if isinstance(invite_id, int) else None
    if invite is None or invite.team_id != team.id or invite.used_at is not None:
        raise NotFound("There is no such open invite.")
    session.delete(invite)
    session.commit()


def invite_for_token(session: Session, token: object, now: datetime) -> Invite:
    """Return the open invite behind a link token, or say why it cannot be used."""
    if not isinstance(token, str) or not 8 <= len(token) <= 128:
        raise NotFound(NO_INVITE)
    invite = session.scalar(
        select(Invite).where(Invite.token_hash == token_hash(token.strip()))
    )
    if invite is None:
        raise NotFound(NO_INVITE)
    if invite.used_at is not None:
        raise Conflict("This invite link was already used; ask for a new one.")
    if invite.expires_at <= now:
        raise Conflict("This invite link has expired; ask for a new one.")
    return invite


@dataclass(frozen=True)
class Joined:
    """The team joined, and whether the user was a member already."""

    team: Team
    already_member: bool


def join_by_token(session: Session, user: User, token: object, now: datetime):
    """Join the team of an invite link; the link then stops working."""
    invite = invite_for_token(session, token, now)
    return _join(session, user, invite, now)


def my_invitations(session: Session, user: User, now: datetime) -> list[Invite]:
    """Return open invites addressed to the user's email."""
    return list(
        session.scalars(
            select(Invite)
            .options(selectinload(Invite.team))
            .where(
                Invite.email == normalize_email(user.email),
                Invite.used_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.created_at.desc())
        )
    )


def _addressed_invite(session, user, invite_id, now) -> Invite:
    invite = session.get(Invite, invite_id) if isinstance(invite_id, int) else None
    if (
        invite is None
        or invite.email is None
        or invite.email != normalize_email(user.email)
        or invite.used_at is not None
        or invite.expires_at <= now
    ):
        raise NotFound("There is no such invitation.")
    return invite


def accept_invitation(session: Session, user: User, invite_id, now) -> Joined:
    """Join the team of an invitation addressed to the user."""
    return _join(session, user, _addressed_invite(session, user, invite_id, now), now)


def decline_invitation(session: Session, user: User, invite_id, now) -> None:
    """Turn down an invitation addressed to the user."""
    session.delete(_addressed_invite(session, user, invite_id, now))
    session.commit()


def _join(session: Session, user: User, invite: Invite, now: datetime) -> Joined:
    team = invite.team
    member = session.scalar(
        select(Membership.id).where(
            Membership.team_id == team.id, Membership.user_id == user.id
        )
    )
    if member is not None:
        session.rollback()
        return Joined(team, already_member=True)
    # Claim the invite first: of two people using one link, only one gets in.
    claimed = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now, used_by=user.id)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise Conflict("This invite link was already used; ask for a new one.")
    session.add(Membership(team_id=team.id, user_id=user.id, role="member"))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return Joined(session.get(Team, team.id), already_member=True)
    return Joined(team, already_member=False)


# --- members and roles -------------------------------------------------------


def _membership(session: Session, team_id: int, user_id: object) -> Membership:
    if isinstance(user_id, bool) or not isinstance(user_id, int):
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


# --- assignments -------------------------------------------------------------


def assignments(session: Session, team_id: int) -> list[Assignment]:
    """Return a team's assignments, soonest due first (call after an access check)."""
    return list(
        session.scalars(
            select(Assignment)
            .options(selectinload(Assignment.pack))
            .where(Assignment.team_id == team_id)
            .order_by(Assignment.due_on, Assignment.id)
        )
    )


def team_assignment(
    session: Session, access: TeamAccess, assignment_id: object
) -> Assignment:
    """Return one of the team's assignments, or NotFound."""
    found = (
        session.get(Assignment, assignment_id)
        if isinstance(assignment_id, int) and not isinstance(assignment_id, bool)
        else None
    )
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
    pack = session.get(Pack, spec.pack) if isinstance(spec.pack, str) else None
    if pack is None:
        raise Invalid("Choose a pack to assign.")
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
        raise Invalid("This pack has no mock exam to pass.")
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
    assignment = team_assignment(session, access, assignment_id)
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
    session.delete(team_assignment(session, access, assignment_id))
    session.commit()


def topic_titles(session: Session, pack_ids: list[str]) -> dict[tuple[str, str], str]:
    """Return {(pack, slug): title} for the live topics of some packs."""
    rows = session.execute(
        select(Topic.pack_id, Topic.slug, Topic.title).where(
            Topic.pack_id.in_(pack_ids), Topic.retired.is_(False)
        )
    ).all()
    return {(pack, slug): title for pack, slug, title in rows}

