"""Team pages: my teams, one team, joining, invites, members and roles.

The manager's table, its CSV, member summaries and assignment forms live in
`study.web.team_views` on the same blueprint.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from study.errors import Conflict, Invalid, NotFound
from study.extensions import db
from study.models import User
from study.services import (
    assignments,
    team_invites,
    team_leaderboard,
    team_progress,
    teams,
)
from study.web.clock import now
from study.web.forms import ButtonForm
from study.web.links import external_url
from study.web.team_forms import EmailInviteForm, JoinForm, TeamForm, TeamSettingsForm

bp = Blueprint("teams", __name__)

JOIN_PATH = "/teams/join/"
# The session key that carries a new invite link to the team page that shows it.
NEW_LINK_KEY = "new_invite_link"


def learner() -> User:
    """Return the logged-in user object (not the proxy)."""
    return current_user._get_current_object()


def check_button() -> None:
    """Refuse a POST button whose CSRF token is missing or stale."""
    if not ButtonForm().validate_on_submit():
        raise Invalid("The form expired; reload the page and try again.")


def to_team(team_id: int):
    """Redirect to a team's page."""
    return redirect(url_for("teams.show", team_id=team_id))


def token_from_link(text: str) -> str:
    """Return the token of a pasted invite link (or of a bare token)."""
    text = (text or "").strip()
    if JOIN_PATH in text:
        text = text.split(JOIN_PATH, 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/ ")


@bp.app_template_filter("score_pct")
def score_pct(score: float | None) -> str:
    """Format a quiz score (already in percent), or a dash when there is none."""
    return "—" if score is None else f"{score:.0f}%"


# --- my teams ----------------------------------------------------------------


def _render_index(team_form=None, join_form=None, status: int = 200):
    user = learner()
    return (
        render_template(
            "teams/index.html",
            teams=teams.my_teams(db.session, user),
            all_teams=teams.all_teams(db.session, user) if user.is_admin else None,
            invitations=team_invites.my_invitations(db.session, user, now()),
            team_form=team_form or TeamForm(formdata=None),
            join_form=join_form or JoinForm(formdata=None),
            button=ButtonForm(),
        ),
        status,
    )


@bp.get("/teams")
@login_required
def index():
    """List my teams and invitations; offer to create or join one."""
    return _render_index()


@bp.post("/teams")
@login_required
def create():
    """Create a team; its creator becomes its manager."""
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = teams.create_team(db.session, learner(), form.name.data, now())
        except Invalid as error:
            form.form_errors.append(error.message)
        else:
            flash(f"Team “{team.name}” created. Now invite people.", "success")
            return to_team(team.id)
    return _render_index(team_form=form, status=400)


def _joined(result: team_invites.Joined):
    if result.already_member:
        flash(f"You are already in “{result.team.name}”.", "info")
    else:
        flash(f"Welcome to “{result.team.name}”!", "success")
    return to_team(result.team.id)


@bp.post("/teams/join")
@login_required
def join():
    """Join a team with a pasted invite link."""
    form = JoinForm()
    if form.validate_on_submit():
        token = token_from_link(form.link.data)
        try:
            return _joined(
                team_invites.join_by_token(db.session, learner(), token, now())
            )
        except (NotFound, Conflict) as error:
            form.link.errors = [*form.link.errors, error.message]
            return _render_index(join_form=form, status=error.status)
    return _render_index(join_form=form, status=400)


@bp.get("/teams/join/<token>")
@login_required
def join_page(token: str):
    """Show which team an invite link is for, with a button to join it."""
    invite = team_invites.invite_for_token(db.session, token, now())
    return render_template(
        "teams/join.html",
        team=invite.team,
        token=token,
        expires_at=invite.expires_at,
        already=any(m.user_id == current_user.id for m in invite.team.memberships),
        button=ButtonForm(),
    )


@bp.post("/teams/join/<token>")
@login_required
def join_with_token(token: str):
    """Join the team of an invite link."""
    check_button()
    return _joined(team_invites.join_by_token(db.session, learner(), token, now()))


@bp.post("/teams/invitations/<int:invite_id>/accept")
@login_required
def accept(invite_id: int):
    """Accept an invitation addressed to my email."""
    check_button()
    return _joined(
        team_invites.accept_invitation(db.session, learner(), invite_id, now())
    )


@bp.post("/teams/invitations/<int:invite_id>/decline")
@login_required
def decline(invite_id: int):
    """Turn down an invitation addressed to my email."""
    check_button()
    team_invites.decline_invitation(db.session, learner(), invite_id, now())
    flash("Invitation declined.", "info")
    return redirect(url_for("teams.index"))


# --- one team ------------------------------------------------------------------


def _team_context(access: teams.TeamAccess) -> dict:
    """Gather what the team page shows this viewer (never more than their role
    allows: plain members get their own rows and unnamed team figures)."""
    user, team, moment = learner(), access.team, now()
    items = assignments.list_assignments(db.session, team.id)
    everyone = team_progress.team_progress(
        db.session, team, items, moment, user.timezone
    )
    count = teams.member_count(db.session, team.id)
    shows_aggregate = team_progress.shows_team_figures(access.is_manager, count)
    context = {
        "access": access,
        "team": team,
        "member_count": count,
        "managers": teams.manager_names(db.session, team.id),
        "overview": [
            {
                "item": item,
                "aggregate": team_progress.aggregate(item.rows)
                if shows_aggregate
                else None,
                "mine": next((r for r in item.rows if r.user_id == user.id), None),
            }
            for item in everyone
        ],
        "min_aggregate": team_progress.MIN_AGGREGATE_MEMBERS,
        "button": ButtonForm(),
        "leaderboards": team_leaderboard.leaderboards(
            db.session, team, items, moment, user.timezone
        )
        if team.leaderboard_enabled
        else None,
    }
    if access.is_manager:
        context["members"] = teams.members(db.session, access)
        context["invites"] = team_invites.pending_invites(db.session, access, moment)
    return context


def render_team(
    team_id: int,
    *,
    status: int = 200,
    new_link: str | None = None,
    invite_form: EmailInviteForm | None = None,
    settings_form: TeamSettingsForm | None = None,
):
    """Render a team's page for the logged-in user."""
    access = teams.visible_team(db.session, learner(), team_id)
    context = _team_context(access)
    if access.is_manager:
        context["invite_form"] = invite_form or EmailInviteForm(formdata=None)
        context["settings_form"] = settings_form or TeamSettingsForm(
            formdata=None, obj=access.team
        )
    return render_template("teams/team.html", new_link=new_link, **context), status


@bp.get("/teams/<int:team_id>")
@login_required
def show(team_id: int):
    """Show a team: assignments, and for managers members and invites."""
    return render_team(team_id, new_link=_pop_new_link(team_id))


def _pop_new_link(team_id: int) -> str | None:
    """Return the invite link just created for this team, this once only."""
    held = session.get(NEW_LINK_KEY)
    if not isinstance(held, dict) or held.get("team_id") != team_id:
        return None
    session.pop(NEW_LINK_KEY)
    return held.get("link")


@bp.post("/teams/<int:team_id>/settings")
@login_required
def settings(team_id: int):
    """Rename the team or turn its leaderboard on or off."""
    form = TeamSettingsForm()
    if form.validate_on_submit():
        try:
            teams.update_team(
                db.session,
                learner(),
                team_id,
                name=form.name.data,
                leaderboard_enabled=bool(form.leaderboard_enabled.data),
            )
        except Invalid as error:
            form.form_errors.append(error.message)
        else:
            flash("Team settings saved.", "success")
            return to_team(team_id)
    teams.managed_team(db.session, learner(), team_id)
    return render_team(team_id, status=400, settings_form=form)


@bp.post("/teams/<int:team_id>/delete")
@login_required
def delete(team_id: int):
    """Delete the team, its invites and assignments (after a confirmation tick)."""
    check_button()
    teams.managed_team(db.session, learner(), team_id)
    if request.form.get("confirm") != "yes":
        raise Invalid("Tick the box to confirm that the team should be deleted.")
    teams.delete_team(db.session, learner(), team_id)
    flash("The team was deleted.", "info")
    return redirect(url_for("teams.index"))


@bp.post("/teams/<int:team_id>/invites")
@login_required
def invite(team_id: int):
    """Create a single-use invite link, or invite an account by email.

    A new link is shown once on the team page after a redirect, so reloading
    that page does not create another one."""
    if request.form.get("kind") == "email":
        return _invite_by_email(team_id)
    check_button()
    _invite, token = team_invites.create_link_invite(
        db.session, learner(), team_id, now()
    )
    link = external_url("teams.join_page", token=token)
    session[NEW_LINK_KEY] = {"team_id": team_id, "link": link}
    return redirect(url_for("teams.show", team_id=team_id, _anchor="new-link"))


def _invite_by_email(team_id: int):
    form = EmailInviteForm()
    if form.validate_on_submit():
        try:
            sent = team_invites.invite_by_email(
                db.session, learner(), team_id, form.email.data.strip(), now()
            )
        except (Invalid, Conflict) as error:
            form.email.errors = [*form.email.errors, error.message]
            return render_team(team_id, status=error.status, invite_form=form)
        flash(f"Invitation for {sent.email} created; it waits on their Teams page.")
        return to_team(team_id)
    teams.managed_team(db.session, learner(), team_id)
    return render_team(team_id, status=400, invite_form=form)


@bp.post("/teams/<int:team_id>/invites/<int:invite_id>/revoke")
@login_required
def revoke_invite(team_id: int, invite_id: int):
    """Withdraw an unused invite."""
    check_button()
    team_invites.revoke_invite(db.session, learner(), team_id, invite_id)
    flash("Invite withdrawn.", "info")
    return to_team(team_id)


def _flash_conflict(action, team_id: int):
    """Run a member action; show a conflict as a message on the team page."""
    try:
        return action()
    except Conflict as error:
        flash(error.message, "error")
        return to_team(team_id)


@bp.post("/teams/<int:team_id>/leave")
@login_required
def leave(team_id: int):
    """Leave the team (the last member's leaving deletes it)."""
    check_button()

    def action():
        deleted = teams.leave_team(db.session, learner(), team_id)
        flash(
            "You left the team; it had no one else, so it was deleted."
            if deleted
            else "You left the team.",
            "info",
        )
        return redirect(url_for("teams.index"))

    return _flash_conflict(action, team_id)


@bp.post("/teams/<int:team_id>/leaderboard/visibility")
@login_required
def leaderboard_visibility(team_id: int):
    """Hide myself from the team's leaderboard, or show myself again."""
    check_button()
    hidden = request.form.get("hidden") == "yes"

    def action():
        teams.set_leaderboard_hidden(db.session, learner(), team_id, hidden)
        flash(
            "You are hidden from the leaderboard."
            if hidden
            else "You are shown on the leaderboard.",
            "info",
        )
        return to_team(team_id)

    return _flash_conflict(action, team_id)


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
@login_required
def remove_member(team_id: int, user_id: int):
    """Take a member out of the team."""
    check_button()

    def action():
        teams.remove_member(db.session, learner(), team_id, user_id)
        flash("Member removed.", "info")
        if user_id == current_user.id:
            return redirect(url_for("teams.index"))
        return to_team(team_id)

    return _flash_conflict(action, team_id)


@bp.post("/teams/<int:team_id>/members/<int:user_id>/role")
@login_required
def set_role(team_id: int, user_id: int):
    """Make a member a manager, or a manager a member again."""
    check_button()
    role = request.form.get("role", "")

    def action():
        membership = teams.set_role(db.session, learner(), team_id, user_id, role)
        flash(f"{membership.user.display_name} is now a {membership.role}.", "info")
        return to_team(team_id)

    return _flash_conflict(action, team_id)


from study.web import team_views  # noqa: E402,F401 - routes attach to bp
