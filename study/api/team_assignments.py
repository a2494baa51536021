"""Team endpoints for assignments: list, create, change and delete them, and
the manager's view of every member's progress on each."""

from __future__ import annotations

from flask import jsonify, request

from study import srs
from study import teams as rules
from study.api import bp
from study.api.payloads import json_body
from study.api.team_payloads import (
    assignment_json,
    figures_json,
    own_row,
    row_json,
    saved_assignment_json,
)
from study.api.teams import me
from study.errors import Invalid
from study.extensions import db
from study.models import Assignment
from study.services import assignments, team_progress, teams
from study.web.clock import now


def assignments_list(team_id: int):
    """List a team's assignments, each with my own progress if I am a member
    and the team's figures (naming nobody) when I may see them."""
    user = me()
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
                "my_progress": own_row(mine) if mine else None,
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
    assignment = assignments.create_assignment(db.session, me(), team_id, spec, now())
    return jsonify(_saved(assignment)), 201


def assignments_update(team_id: int, assignment_id: int):
    """Change any of an assignment's pack, topics, due date or goals."""
    body = json_body(*FIELDS)
    access = teams.managed_team(db.session, me(), team_id)
    current = assignments.find_assignment(db.session, access, assignment_id)
    assignment = assignments.update_assignment(
        db.session, me(), team_id, current.id, _spec(body, current), now()
    )
    return jsonify(_saved(assignment))


def _saved(assignment: Assignment) -> dict:
    today = srs.study_date(now(), me().timezone)
    workload = assignments.workload(db.session, assignment, today)
    return saved_assignment_json(assignment, workload)


def assignments_delete(team_id: int, assignment_id: int):
    """Delete an assignment."""
    assignments.delete_assignment(db.session, me(), team_id, assignment_id)
    return "", 204


# One URL rule per path, whatever its methods: with separate rules, an id too
# large for the database (refused by the URL converter) came back as a 405.
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
    user = me()
    access = teams.managed_team(db.session, user, team_id)
    key, descending = _sort()
    items = assignments.list_assignments(db.session, access.team.id)
    wanted = request.args.get("assignment")
    if wanted is not None:  # present but empty is not "every assignment"
        if (assignment_id := _int(wanted)) is None:
            raise Invalid("assignment must be an assignment id (a number).")
        items = [assignments.find_assignment(db.session, access, assignment_id)]
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


def _int(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None
