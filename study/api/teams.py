"""Team endpoints: teams, invites and invitations, members, assignments, the
leaderboard and the manager's views, on the same services as the pages."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from study import teams as rules
from study.api import bp, teams_openapi
from study.api.payloads import json_body
from study.api.progress import progress_json
from study.errors import Invalid
from study.extensions import db
from study.models import Assignment, Membership, Team
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


def _me():
    return current_user._get_current_object()


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def team_json(team: Team, role: str | None, members: int) -> dict:
    """Return a team as lists show it."""
    return {
        "id": team.id,
        "name": team.name,
        "role": role,
        "member_count": members,
        "leaderboard_enabled": team.leaderboard_enabled,
        "created_at": team.created_at.isoformat(),
    }


def assignment_json(assignment: Assignment) -> dict:
    """Return an assignment: pack, topics (null for the whole pack), due, goals."""
    return {
        "id": assignment.id,
        "pack": assignment.pack_id,
        "topics": assignment.topics,
        "due": assignment.due_on.isoformat(),
        "goals": {
            "all_cards_studied": assignment.goal_all_cards_studied,
            "exam_passed": assignment.goal_exam_passed,
        },
        "created_at": assignment.created_at.isoformat(),
    }


def member_json(membership: Membership) -> dict:
    """Return a member as the team's managers see them."""
    return {
        "user_id": membership.user_id,
        "display_name": membership.user.display_name,
        "email": membership.user.email,
        "role": membership.role,
        "joined_at": membership.joined_at.isoformat(),
    }


def row_json(row: team_progress.MemberRow) -> dict:
    """Return one member's standing on one assignment."""
    standing = row.standing
    return {
        "user_id": row.user_id,
        "display_name": row.name,
        "email": row.email,
        "role": row.role,
        "cards_studied": standing.cards_studied,
        "cards_total": standing.cards_total,
        "mastery": round(row.mastery, 4),
        "topics": [
            {
                "id": topic.slug,
                "title": topic.title,
                "cards": topic.cards,
                "mastered": topic.mastered,
                "mastery": round(topic.mastery, 4),
            }
            for topic in row.topics
        ],
        "best_exam_score": standing.best_exam,
        "exam_passed": standing.exam_passed,
        "last_active": _iso(row.last_active),
        "progress": round(row.progress, 4),
        "status": row.status,
        "days_left": row.days_left,
    }


def _own_row(row: team_progress.MemberRow) -> dict:
    mine = row_json(row)
    for private in ("email", "role"):
        mine.pop(private)
    return mine


def figures_json(figures: team_progress.TeamAggregate) -> dict:
    """Return a team's figures on one assignment, naming nobody."""
    return {
        "members": figures.members,
        "done": figures.done,
        "on_track": figures.on_track,
        "behind": figures.behind,
        "overdue": figures.overdue,
        "average_studied": round(figures.average_studied, 4),
        "average_progress": round(figures.average_progress, 4),
    }


def _joined_json(joined: team_invites.Joined):
    """Answer a join: the team as I now see it, and whether I was in it already."""
    access = teams.visible_team(db.session, _me(), joined.team.id)
    team = access.team
    body = team_json(team, access.role, teams.member_count(db.session, team.id))
    return jsonify(already_member=joined.already_member, **body)


@bp.get("/teams")
def teams_list():
    """List my teams (every team for a site admin)."""
    user = _me()
    if user.is_admin:
        found = teams.all_teams(db.session, user)
    else:
        found = teams.my_teams(db.session, user)
    return jsonify(teams=[team_json(s.team, s.role, s.members) for s in found])


@bp.post("/teams")
def teams_create():
    """Create a team; I become its manager."""
    body = json_body("name")
    team = teams.create_team(db.session, _me(), body.get("name"), now())
    return jsonify(team_json(team, "manager", 1)), 201


def teams_show(team_id: int):
    """Return a team: its assignments, and for managers its members and invites."""
    access = teams.visible_team(db.session, _me(), team_id)
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
        _me(),
        team_id,
        name=body.get("name", teams.UNCHANGED),
        leaderboard_enabled=body.get("leaderboard_enabled", teams.UNCHANGED),
    )
    access = teams.visible_team(db.session, _me(), team.id)
    return jsonify(
        team_json(team, access.role, teams.member_count(db.session, team.id))
    )


def teams_delete(team_id: int):
    """Delete a team with its invites and assignments."""
    teams.delete_team(db.session, _me(), team_id)
    return "", 204


@bp.post("/teams/<int:team_id>/invites")
def teams_invite(team_id: int):
    """Create a single-use invite link, or with `email` an invitation to that
    account; `days` sets how long it stays open (default 7)."""
    body = json_body("email", "days")
    if "email" in body:
        invite = team_invites.invite_by_email(
            db.session,
            _me(),
            team_id,
            body["email"],
            now(),
            body.get("days", team_invites.INVITE_DAYS),
        )
        return jsonify(
            id=invite.id, email=invite.email, expires_at=invite.expires_at.isoformat()
        ), 201
    invite, token = team_invites.create_link_invite(
        db.session, _me(), team_id, now(), body.get("days", team_invites.INVITE_DAYS)
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
    return _joined_json(team_invites.join_by_token(db.session, _me(), token, now()))


@bp.delete("/teams/<int:team_id>/invites/<int:invite_id>")
def teams_revoke_invite(team_id: int, invite_id: int):
    """Withdraw an invite link or invitation that was not used yet."""
    team_invites.revoke_invite(db.session, _me(), team_id, invite_id)
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
            for invite in team_invites.my_invitations(db.session, _me(), now())
        ]
    )


@bp.post("/teams/invitations/<int:invite_id>/accept")
def invitations_accept(invite_id: int):
    """Join the team of an invitation addressed to my email."""
    return _joined_json(
        team_invites.accept_invitation(db.session, _me(), invite_id, now())
    )


@bp.post("/teams/invitations/<int:invite_id>/decline")
def invitations_decline(invite_id: int):
    """Turn down an invitation addressed to my email."""
    team_invites.decline_invitation(db.session, _me(), invite_id, now())
    return "", 204


def teams_member_summary(team_id: int, user_id: int):
    """Return a member's read-only summary to the team's managers: their
    standing on each assignment and the figures of their own dashboard."""
    viewer = _me()
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
            {**assignment_json(view.assignment), "progress": _own_row(view.rows[0])}
            for view in standings
        ],
        dashboard=board,
    )


def teams_remove_member(team_id: int, user_id: int):
    """Remove a member (managers), or leave the team (my own id)."""
    user = _me()
    if user_id == user.id:
        teams.leave_team(db.session, user, team_id)
    else:
        teams.remove_member(db.session, user, team_id, user_id)
    return "", 204


@bp.post("/teams/<int:team_id>/members/<int:user_id>/promote")
def teams_promote(team_id: int, user_id: int):
    """Make a member a manager."""
    membership = teams.set_role(db.session, _me(), team_id, user_id, "manager")
    return jsonify(member_json(membership))


@bp.post("/teams/<int:team_id>/members/<int:user_id>/demote")
def teams_demote(team_id: int, user_id: int):
    """Make a manager a plain member again (a team keeps one manager)."""
    membership = teams.set_role(db.session, _me(), team_id, user_id, "member")
    return jsonify(member_json(membership))


def assignments_list(team_id: int):
    """List a team's assignments, each with my own progress if I am a member
    and the team's figures (naming nobody) when I may see them."""
    user = _me()
    access = teams.visible_team(db.session, user, team_id)
    items = assignments.list_assignments(db.session, access.team.id)
    views = team_progress.team_progress(
        db.session, access.team, items, now(), user.timezone
    )
    shows_figures = team_progress.shows_team_figures(
        access.is_manager, teams.member_count(db.session, access.team.id)
    )
    listed = []
    for view in views:
        mine = next((row for row in view.rows if row.user_id == user.id), None)
        figures = team_progress.aggregate(view.rows) if shows_figures else None
        listed.append(
            {
                **assignment_json(view.assignment),
                "my_progress": _own_row(mine) if mine else None,
                "team_figures": figures_json(figures) if figures else None,
            }
        )
    return jsonify(assignments=listed)


FIELDS = ("pack", "topics", "due", "goals")
GOAL_NAMES = ("all_cards_studied", "exam_passed")


def _goals(body: dict, current: Assignment | None) -> tuple[object, object]:
    """Return the goal flags asked for: sent goals replace the old ones (flags
    left out are false); none sent keeps them (or, new, every card studied)."""
    if "goals" not in body:
        if current is None:
            return True, False
        return current.goal_all_cards_studied, current.goal_exam_passed
    goals = body["goals"]
    if not isinstance(goals, dict) or set(goals) - set(GOAL_NAMES):
        raise Invalid("goals may hold all_cards_studied and exam_passed (booleans).")
    return goals.get("all_cards_studied", False), goals.get("exam_passed", False)


def _spec(body: dict, current: Assignment | None = None) -> assignments.AssignmentSpec:
    cards, exam = _goals(body, current)
    if current is None:
        return assignments.AssignmentSpec(
            pack=body.get("pack"),
            due=body.get("due"),
            topics=body.get("topics"),
            all_cards_studied=cards,
            exam_passed=exam,
        )
    return assignments.AssignmentSpec(
        pack=body.get("pack", current.pack_id),
        due=body.get("due", current.due_on),
        topics=body.get("topics", current.topics),
        all_cards_studied=cards,
        exam_passed=exam,
    )


def assignments_create(team_id: int):
    """Assign a pack (or some topics) with a due date and goals."""
    spec = _spec(json_body(*FIELDS))
    assignment = assignments.create_assignment(db.session, _me(), team_id, spec, now())
    return jsonify(assignment_json(assignment)), 201


def assignments_update(team_id: int, assignment_id: int):
    """Change any of an assignment's pack, topics, due date or goals."""
    body = json_body(*FIELDS)
    access = teams.managed_team(db.session, _me(), team_id)
    current = assignments.find_assignment(db.session, access, assignment_id)
    assignment = assignments.update_assignment(
        db.session, _me(), team_id, current.id, _spec(body, current), now()
    )
    return jsonify(assignment_json(assignment))


def assignments_delete(team_id: int, assignment_id: int):
    """Delete an assignment."""
    assignments.delete_assignment(db.session, _me(), team_id, assignment_id)
    return "", 204


# One URL rule per path, whatever its methods: with separate rules, an id too
# large for the database (refused by the URL converter) came back as a 405.
@bp.route("/teams/<int:team_id>", methods=["GET", "PATCH", "DELETE"])
def team_resource(team_id: int):
    """Read, change or delete a team."""
    handlers = {"GET": teams_show, "PATCH": teams_update, "DELETE": teams_delete}
    return handlers[request.method](team_id)


@bp.route("/teams/<int:team_id>/members/<int:user_id>", methods=["GET", "DELETE"])
def team_member(team_id: int, user_id: int):
    """Read a member's summary (managers), or remove a member or leave."""
    if request.method == "DELETE":
        return teams_remove_member(team_id, user_id)
    return teams_member_summary(team_id, user_id)


@bp.route("/teams/<int:team_id>/assignments", methods=["GET", "POST"])
def team_assignments(team_id: int):
    """List or create a team's assignments."""
    if request.method == "POST":
        return assignments_create(team_id)
    return assignments_list(team_id)


@bp.route(
    "/teams/<int:team_id>/assignments/<int:assignment_id>",
    methods=["PATCH", "DELETE"],
)
def team_assignment(team_id: int, assignment_id: int):
    """Change or delete one assignment."""
    if request.method == "PATCH":
        return assignments_update(team_id, assignment_id)
    return assignments_delete(team_id, assignment_id)


def _sort() -> tuple[str, bool]:
    key = request.args.get("sort", "status")
    if key not in rules.SORT_KEYS:
        raise Invalid(f"sort must be one of: {', '.join(rules.SORT_KEYS)}.")
    direction = request.args.get("dir", "asc")
    if direction not in ("asc", "desc"):
        raise Invalid("dir must be asc or desc.")
    return key, direction == "desc"


@bp.get("/teams/<int:team_id>/progress")
def teams_progress(team_id: int):
    """Return the manager's view: every member's row on each assignment
    (or on the one named by ?assignment=)."""
    user = _me()
    access = teams.managed_team(db.session, user, team_id)
    key, descending = _sort()
    items = assignments.list_assignments(db.session, access.team.id)
    wanted = request.args.get("assignment")
    if wanted:
        items = [assignments.find_assignment(db.session, access, _int(wanted))]
    views = team_progress.team_progress(
        db.session, access.team, items, now(), user.timezone
    )
    return jsonify(
        team={"id": access.team.id, "name": access.team.name},
        assignments=[
            {
                **assignment_json(view.assignment),
                "cards_total": view.cards_total,
                "days_left": view.days_left,
                "members": [
                    row_json(row)
                    for row in team_progress.sorted_rows(view.rows, key, descending)
                ],
            }
            for view in views
        ],
    )


def _board_json(board: list, unit: str, me: int) -> list[dict]:
    """Return a leaderboard's lines, marking mine."""
    return [
        {
            "place": line.place,
            "display_name": line.entry.name,
            unit: int(line.entry.value) if unit == "reviews" else line.entry.value,
            "is_me": line.entry.user_id == me,
        }
        for line in board
    ]


@bp.get("/teams/<int:team_id>/leaderboard")
def teams_leaderboard(team_id: int):
    """Return the team's leaderboard, while its managers keep it on: reviews
    this study week and best mock exam, of members who did not hide."""
    user = _me()
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
    membership = teams.set_leaderboard_hidden(db.session, _me(), team_id, hidden)
    return jsonify(hidden=membership.hidden_from_leaderboard)


def _int(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None


teams_openapi.register()
