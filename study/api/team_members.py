"""Team endpoints for who is in a team: invite links and invitations, joining,
members (summary, removal, roles) and the team's leaderboard."""

from __future__ import annotations

from flask import jsonify, request

from study.api import bp
from study.api.payloads import json_body
from study.api.progress import progress_json
from study.api.team_payloads import assignment_json, member_json, own_row, team_json
from study.api.teams import me
from study.errors import Invalid
from study.extensions import db
from study.services import (
    assignments,
    team_invites,
    team_leaderboard,
    team_progress,
    teams,
)
from study.services import progress as progress_service
from study.web.clock import now
from study.web.links import external_url


def _joined_json(joined: team_invites.Joined):
    """Answer a join: the team as I now see it, and whether I was in it already."""
    access = teams.visible_team(db.session, me(), joined.team.id)
    team = access.team
    body = team_json(team, access.role, teams.member_count(db.session, team.id))
    return jsonify(already_member=joined.already_member, **body)


@bp.post("/teams/<int:team_id>/invites")
def teams_invite(team_id: int):
    """Create a single-use invite link, or with `email` an invitation to that
    account; `days` sets how long it stays open (default 7)."""
    body = json_body("email", "days")
    if "email" in body:
        invite = team_invites.invite_by_email(
            db.session,
            me(),
            team_id,
            body["email"],
            now(),
            body.get("days", team_invites.INVITE_DAYS),
        )
        return jsonify(
            id=invite.id, email=invite.email, expires_at=invite.expires_at.isoformat()
        ), 201
    invite, token = team_invites.create_link_invite(
        db.session, me(), team_id, now(), body.get("days", team_invites.INVITE_DAYS)
    )
    return jsonify(
        id=invite.id,
        token=token,
        url=external_url("teams.join_page", token=token),
        expires_at=invite.expires_at.isoformat(),
    ), 201


@bp.post("/teams/join")
def teams_join():
    """Join a team with an invite link's token."""
    token = json_body("token").get("token")
    if not isinstance(token, str):
        raise Invalid("token must be the invite link's token.")
    return _joined_json(team_invites.join_by_token(db.session, me(), token, now()))


@bp.delete("/teams/<int:team_id>/invites/<int:invite_id>")
def teams_revoke_invite(team_id: int, invite_id: int):
    """Withdraw an invite link or invitation that was not used yet."""
    team_invites.revoke_invite(db.session, me(), team_id, invite_id)
    return "", 204


@bp.get("/teams/invitations")
def invitations_list():
    """List the open invitations addressed to my email."""
    return jsonify(
        invitations=[
            {
                "id": invite.id,
                "team_name": invite.team.name,
                "expires_at": invite.expires_at.isoformat(),
            }
            for invite in team_invites.my_invitations(db.session, me(), now())
        ]
    )


@bp.post("/teams/invitations/<int:invite_id>/accept")
def invitations_accept(invite_id: int):
    """Join the team of an invitation addressed to my email."""
    return _joined_json(
        team_invites.accept_invitation(db.session, me(), invite_id, now())
    )


@bp.post("/teams/invitations/<int:invite_id>/decline")
def invitations_decline(invite_id: int):
    """Turn down an invitation addressed to my email."""
    team_invites.decline_invitation(db.session, me(), invite_id, now())
    return "", 204


def teams_member_summary(team_id: int, user_id: int):
    """Return a member's read-only summary to the team's managers: their
    standing on each assignment and the figures of their own dashboard."""
    viewer = me()
    access = teams.managed_team(db.session, viewer, team_id)
    member = teams.team_member(db.session, access, user_id)
    moment = now()
    items = assignments.list_assignments(db.session, access.team.id)
    standings = team_progress.team_progress(
        db.session, access.team, items, moment, viewer.timezone, only_user=user_id
    )
    board = progress_json(progress_service.dashboard(db.session, member.user, moment))
    for score in board["quiz_scores"]:
        del score["attempt_id"]  # attempts stay the member's own, as on the page
    return jsonify(
        member=member_json(member),
        assignments=[
            {**assignment_json(view.assignment), "progress": own_row(view.rows[0])}
            for view in standings
        ],
        dashboard=board,
    )


def teams_remove_member(team_id: int, user_id: int):
    """Remove a member (managers), or leave the team (my own id)."""
    user = me()
    if user_id == user.id:
        teams.leave_team(db.session, user, team_id)
    else:
        teams.remove_member(db.session, user, team_id, user_id)
    return "", 204


@bp.post("/teams/<int:team_id>/members/<int:user_id>/promote")
def teams_promote(team_id: int, user_id: int):
    """Make a member a manager."""
    membership = teams.set_role(db.session, me(), team_id, user_id, "manager")
    return jsonify(member_json(membership))


@bp.post("/teams/<int:team_id>/members/<int:user_id>/demote")
def teams_demote(team_id: int, user_id: int):
    """Make a manager a plain member again (a team keeps one manager)."""
    membership = teams.set_role(db.session, me(), team_id, user_id, "member")
    return jsonify(member_json(membership))


# One URL rule for both methods, as for a team itself (see `study.api.teams`).
@bp.route("/teams/<int:team_id>/members/<int:user_id>", methods=["GET", "DELETE"])
def team_member(team_id: int, user_id: int):
    """Read a member's summary (managers), or remove a member or leave."""
    if request.method == "DELETE":
        return teams_remove_member(team_id, user_id)
    return teams_member_summary(team_id, user_id)


def _board_json(board: list, unit: str, my_id: int) -> list[dict]:
    """Return a leaderboard's lines, marking mine."""
    return [
        {
            "place": line.place,
            "display_name": line.entry.name,
            unit: int(line.entry.value) if unit == "reviews" else line.entry.value,
            "is_me": line.entry.user_id == my_id,
        }
        for line in board
    ]


@bp.get("/teams/<int:team_id>/leaderboard")
def teams_leaderboard(team_id: int):
    """Return the team's leaderboard, while its managers keep it on: reviews
    this study week and best mock exam, of members who did not hide."""
    user = me()
    access = teams.visible_team(db.session, user, team_id)
    boards = team_leaderboard.shown_leaderboards(
        db.session, access, now(), user.timezone
    )
    membership = access.membership
    return jsonify(
        since=boards.since.isoformat(),
        hidden=membership.hidden_from_leaderboard if membership else None,
        reviews=_board_json(boards.reviews, "reviews", user.id),
        exams=_board_json(boards.exams, "best_score", user.id),
    )


@bp.put("/teams/<int:team_id>/leaderboard/visibility")
def teams_leaderboard_visibility(team_id: int):
    """Hide me from my team's leaderboard, or show me on it again."""
    hidden = json_body("hidden").get("hidden")
    membership = teams.set_leaderboard_hidden(db.session, me(), team_id, hidden)
    return jsonify(hidden=membership.hidden_from_leaderboard)
