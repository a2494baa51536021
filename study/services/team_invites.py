"""Team invites: single-use links (only their hash is stored) and invitations
addressed to an email, which that account accepts on its teams page."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from study.errors import Conflict, Forbidden, Invalid, NotFound
from study.models import Invite, Membership, Team, User
from study.services.accounts import EMAIL_HINT, EMAIL_PATTERN, is_email, normalize_email
from study.services.teams import TeamAccess, is_row_id, managed_team

INVITE_DAYS = 7
MAX_INVITE_DAYS = 30
NO_INVITE = "This invite link is not valid."
# The account rule, which the API's schema also carries.
INVITE_EMAIL_PATTERN = EMAIL_PATTERN


def token_hash(token: str) -> str:
    """Return the stored form of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _expiry(now: datetime, days: object) -> datetime:
    if isinstance(days, float) and days.is_integer():
        days = int(days)  # JSON may spell 14 as 14.0
    if isinstance(days, bool) or not isinstance(days, int):
        raise Invalid("days must be a whole number.")
    if not 1 <= days <= MAX_INVITE_DAYS:
        raise Invalid(f"An invite lasts from 1 to {MAX_INVITE_DAYS} days.")
    return now + timedelta(days=days)


def create_link_invite(
    session: Session,
    user: User,
    team_id: object,
    now: datetime,
    days: object = INVITE_DAYS,
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
    days: object = INVITE_DAYS,
) -> Invite:
    """Invite an account by email; it accepts or declines on its teams page.

    The answer is the same whether or not the address has an account, so a
    manager cannot use invites to find out who is registered.
    """
    team = managed_team(session, user, team_id).team
    given = email if isinstance(email, str) else ""
    address = normalize_email(given)
    if not is_email(given):
        raise Invalid(EMAIL_HINT)
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
    invite = session.get(Invite, invite_id) if is_row_id(invite_id) else None
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
    invite = session.get(Invite, invite_id) if is_row_id(invite_id) else None
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
