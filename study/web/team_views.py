"""Manager pages of a team: the progress table and its CSV, a member's summary,
and the assignment forms. Routes attach to the `teams` blueprint."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from study import srs
from study import teams as rules
from study.errors import Conflict, Invalid, NotFound
from study.extensions import db
from study.models import NEW_CARDS_PER_DAY, Pack, User
from study.services import assignments, catalog, team_progress, teams
from study.web.clock import now
from study.web.team_forms import AssignmentForm
from study.web.teams import bp, check_button, learner, to_team

DEFAULT_DUE_DAYS = 14
# The first click on a column sorts the way a manager most likely wants.
FIRST_DIRECTION = {"name": "asc", "status": "asc", "active": "desc"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _sort_args() -> tuple[str, bool]:
    key = request.args.get("sort", "status")
    if key not in rules.SORT_KEYS:
        key = "status"
    direction = request.args.get("dir") or FIRST_DIRECTION.get(key, "desc")
    return key, direction == "desc"


def _chosen(items: list, raw: str | None):
    """Return the assignment asked for by ?assignment=, else the first one."""
    if not items:
        return None
    if raw is None or raw == "":
        return items[0]
    for item in items:
        if raw.isdigit() and item.id == int(raw):
            return item
    raise NotFound("This team has no such assignment.")


def _manager_table(team_id: int):
    user = learner()
    access = teams.managed_team(db.session, user, team_id)
    items = assignments.list_assignments(db.session, access.team.id)
    chosen = _chosen(items, request.args.get("assignment"))
    key, descending = _sort_args()
    view = None
    if chosen is not None:
        view = team_progress.team_progress(
            db.session, access.team, [chosen], now(), user.timezone
        )[0]
        view = _with_rows(view, team_progress.sorted_rows(view.rows, key, descending))
    return access, items, view, key, descending


def _with_rows(view: team_progress.AssignmentProgress, rows):
    return team_progress.AssignmentProgress(
        view.assignment, view.team_name, view.topics, view.today, rows
    )


@bp.get("/teams/<int:team_id>/progress")
@login_required
def progress_table(team_id: int):
    """Show the manager's table: one row per member on one assignment."""
    access, items, view, key, descending = _manager_table(team_id)
    return render_template(
        "teams/progress.html",
        team=access.team,
        assignments=items,
        view=view,
        sort=key,
        descending=descending,
        first_direction=FIRST_DIRECTION,
    )


def csv_cell(value: object) -> str:
    """Return a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}"


def _moment(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def progress_csv_text(view: team_progress.AssignmentProgress) -> str:
    """Return the manager's table as CSV text, one line per member."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "name",
            "email",
            "role",
            "cards_studied",
            "cards_total",
            "studied_percent",
            "mastery_percent",
            *[f"mastery_{topic.slug}_percent" for topic in view.topics],
            "best_exam_percent",
            "exam_passed",
            "last_active_utc",
            "status",
        ]
    )
    for row in view.rows:
        standing = row.standing
        writer.writerow(
            [
                csv_cell(row.name),
                csv_cell(row.email),
                row.role,
                standing.cards_studied,
                standing.cards_total,
                _percent(standing.studied_share),
                _percent(row.mastery),
                *[_percent(topic.mastery) for topic in row.topics],
                "" if standing.best_exam is None else f"{standing.best_exam:g}",
                "yes" if standing.exam_passed else "no",
                _moment(row.last_active),
                row.status,
            ]
        )
    return out.getvalue()


@bp.get("/teams/<int:team_id>/progress.csv")
@login_required
def progress_csv(team_id: int):
    """Download the manager's table as CSV (same order as on the page)."""
    access, _items, view, _key, _descending = _manager_table(team_id)
    if view is None:
        raise NotFound("This team has no assignment yet.")
    name = f"team-{access.team.id}-{view.assignment.pack_id}-{view.today}.csv"
    return Response(
        progress_csv_text(view),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/teams/<int:team_id>/members/<int:user_id>")
@login_required
def member_summary(team_id: int, user_id: int):
    """Show a member's progress summary to the team's managers, read-only."""
    from study.services import progress as progress_service

    viewer = learner()
    access = teams.managed_team(db.session, viewer, team_id)
    member = next(
        (m for m in teams.members(db.session, access) if m.user_id == user_id), None
    )
    if member is None:
        raise NotFound("There is no such member.")
    moment = now()
    items = assignments.list_assignments(db.session, access.team.id)
    standings = team_progress.team_progress(
        db.session, access.team, items, moment, viewer.timezone, only_user=user_id
    )
    person: User = member.user
    return render_template(
        "teams/member.html",
        team=access.team,
        member=member,
        person=person,
        standings=standings,
        board=progress_service.dashboard(db.session, person, moment),
    )


# --- assignments -------------------------------------------------------------


def _pack_topics() -> list[tuple[Pack, list]]:
    """Every pack with its live topics, each with its count of live cards."""
    return [(item.pack, item.topics) for item in catalog.list_packs(db.session)]


def _workload(choices) -> dict[str, tuple[int, int]]:
    """Each pack's live cards and the study days they take at a new
    account's daily limit of new cards."""
    workload = {}
    for pack, topics in choices:
        cards = sum(topic.cards for topic in topics)
        workload[pack.id] = cards, rules.study_days(cards, NEW_CARDS_PER_DAY)
    return workload


def _warn_if_too_soon(assignment, user) -> None:
    """Say so when every card of the assignment cannot be studied by its due
    date at a new account's daily limit of new cards."""
    today = srs.study_date(now(), user.timezone)
    heads_up = assignments.workload(db.session, assignment, today).heads_up
    if heads_up:
        flash(heads_up, "warning")


def _assignment_form(choices, assignment=None) -> AssignmentForm:
    form = AssignmentForm()
    form.pack.choices = [(pack.id, pack.title) for pack, _topics in choices]
    if request.method == "GET":
        if assignment is not None:
            form.pack.data = assignment.pack_id
            form.due.data = assignment.due_on
            form.goal_all_cards_studied.data = assignment.goal_all_cards_studied
            form.goal_exam_passed.data = assignment.goal_exam_passed
        else:
            today = srs.study_date(now(), learner().timezone)
            form.due.data = today + timedelta(days=DEFAULT_DUE_DAYS)
            form.goal_all_cards_studied.data = True
    return form


def _spec_from(form: AssignmentForm) -> assignments.AssignmentSpec:
    pack = form.pack.data
    ticked = request.form.getlist("topics")
    if any(not value.startswith(f"{pack}:") for value in ticked):
        raise Invalid("Tick only topics of the pack you assign.")
    return assignments.AssignmentSpec(
        pack=pack,
        due=form.due.data,
        topics=[value.split(":", 1)[1] for value in ticked] or None,
        all_cards_studied=bool(form.goal_all_cards_studied.data),
        exam_passed=bool(form.goal_exam_passed.data),
    )


def _assignment_page(team_id: int, assignment_id: int | None):
    user = learner()
    access = teams.managed_team(db.session, user, team_id)
    assignment = (
        assignments.find_assignment(db.session, access, assignment_id)
        if assignment_id is not None
        else None
    )
    choices = _pack_topics()
    form = _assignment_form(choices, assignment)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            spec = _spec_from(form)
            if assignment is None:
                saved = assignments.create_assignment(
                    db.session, user, team_id, spec, now()
                )
                flash("Assignment created.", "success")
            else:
                saved = assignments.update_assignment(
                    db.session, user, team_id, assignment.id, spec, now()
                )
                flash("Assignment saved.", "success")
            _warn_if_too_soon(saved, user)
            return to_team(team_id)
        except (Invalid, NotFound, Conflict) as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
    if assignment is not None and request.method == "GET":
        chosen = {f"{assignment.pack_id}:{slug}" for slug in assignment.topics or ()}
    else:
        chosen = set(request.form.getlist("topics"))
    return render_template(
        "teams/assignment_form.html",
        team=access.team,
        assignment=assignment,
        form=form,
        choices=choices,
        chosen_topics=chosen,
        new_per_day=NEW_CARDS_PER_DAY,
        workload=_workload(choices),
    ), status


@bp.route("/teams/<int:team_id>/assignments/new", methods=["GET", "POST"])
@login_required
def new_assignment(team_id: int):
    """Assign a pack, or some of its topics, with a due date and a goal."""
    return _assignment_page(team_id, None)


@bp.route(
    "/teams/<int:team_id>/assignments/<int:assignment_id>/edit",
    methods=["GET", "POST"],
)
@login_required
def edit_assignment(team_id: int, assignment_id: int):
    """Change an assignment's pack, topics, due date or goals."""
    return _assignment_page(team_id, assignment_id)


@bp.post("/teams/<int:team_id>/assignments/<int:assignment_id>/delete")
@login_required
def delete_assignment(team_id: int, assignment_id: int):
    """Delete an assignment."""
    check_button()
    assignments.delete_assignment(db.session, learner(), team_id, assignment_id)
    flash("Assignment deleted.", "info")
    return redirect(url_for("teams.show", team_id=team_id))
