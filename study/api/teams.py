"""Team endpoints: list, create, read, change and delete teams, on the same
services as the pages. Invites, members and the leaderboard live in
`team_members`; assignments and the manager's progress view in
`team_assignments`."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from study.api import bp, teams_openapi
from study.api.payloads import json_body
from study.api.team_payloads import assignment_json, member_json, team_json
from study.extensions import db
from study.services import assignments, team_invites, teams
from study.web.clock import now


def me():
    """Return the signed-in learner."""
    return current_user._get_current_object()


@bp.get("/teams")
def teams_list():
    """List my teams (every team for a site admin)."""
    user = me()
    if user.is_admin:
        found = teams.all_teams(db.session, user)
    else:
        found = teams.my_teams(db.session, user)
    return jsonify(teams=[team_json(s.team, s.role, s.members) for s in found])


@bp.post("/teams")
def teams_create():
    """Create a team; I become its manager."""
    body = json_body("name")
    team = teams.create_team(db.session, me(), body.get("name"), now())
    return jsonify(team_json(team, "manager", 1)), 201


def teams_show(team_id: int):
    """Return a team: its assignments, and for managers its members and invites."""
    access = teams.visible_team(db.session, me(), team_id)
    team = access.team
    body = team_json(team, access.role, teams.member_count(db.session, team.id))
    body["managers"] = teams.manager_names(db.session, team.id)
    body["assignments"] = [
        assignment_json(a) for a in assignments.list_assignments(db.session, team.id)
    ]
    if access.is_manager:
        body["members"] = [member_json(m) for m in teams.members(db.session, access)]
        body["invites"] = [
            {
                "id": invite.id,
                "email": invite.email,
                "expires_at": invite.expires_at.isoformat(),
            }
            for invite in team_invites.pending_invites(db.session, access, now())
        ]
    return jsonify(body)


def teams_update(team_id: int):
    """Rename a team or turn its leaderboard on or off."""
    body = json_body("name", "leaderboard_enabled")
    team = teams.update_team(
        db.session,
        me(),
        team_id,
        name=body.get("name", teams.UNCHANGED),
        leaderboard_enabled=body.get("leaderboard_enabled", teams.UNCHANGED),
    )
    access = teams.visible_team(db.session, me(), team.id)
    return jsonify(
        team_json(team, access.role, teams.member_count(db.session, team.id))
    )


def teams_delete(team_id: int):
    """Delete a team with its invites and assignments."""
    teams.delete_team(db.session, me(), team_id)
    return "", 204


# One URL rule per path, whatever its methods: with separate rules, an id too
# large for the database (refused by the URL converter) came back as a 405.
@bp.route("/teams/<int:team_id>", methods=["GET", "PATCH", "DELETE"])
def team_resource(team_id: int):
    """Read, change or delete a team."""
    handlers = {"GET": teams_show, "PATCH": teams_update, "DELETE": teams_delete}
    return handlers[request.method](team_id)


teams_openapi.register()
