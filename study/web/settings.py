"""The settings page: study settings, password, API tokens."""

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
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from study.errors import DomainError
from study.extensions import db
from study.models import ApiToken
from study.services import accounts
from study.web.clock import now
from study.web.forms import ZONE_LIST_ID, ButtonForm, PasswordForm, SettingsForm

bp = Blueprint("settings", __name__)
# The session key that carries a new API token to the one page that shows it.
ONE_TIME_KEY = "new_api_token"


def _settings_form() -> SettingsForm:
    return SettingsForm(obj=current_user)


def _render(settings_form, password_form, status=200, new_token=None):
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    return (
        render_template(
            "settings/settings.html",
            form=settings_form,
            password_form=password_form,
            token_form=ButtonForm(),
            tokens=tokens,
            new_token=new_token,
            zones=accounts.zone_names(),
            zone_list_id=ZONE_LIST_ID,
        ),
        status,
    )


@bp.get("/settings")
@login_required
def show():
    """Show the settings, and a token just created (this once only)."""
    new_token = session.pop(ONE_TIME_KEY, None)
    return _render(_settings_form(), PasswordForm(formdata=None), new_token=new_token)


@bp.post("/settings")
@login_required
def save():
    """Save the study settings."""
    form = _settings_form()
    if not form.validate_on_submit():
        return _render(form, PasswordForm(formdata=None), status=400)
    try:
        accounts.update_settings(
            db.session,
            current_user,
            {
                "display_name": form.display_name.data,
                "desired_retention": float(form.desired_retention.data),
                "new_cards_per_day": form.new_cards_per_day.data,
                "max_reviews_per_day": form.max_reviews_per_day.data,
                "timezone": form.timezone.data,
            },
        )
    except DomainError as error:
        form.form_errors.append(error.message)
        return _render(form, PasswordForm(formdata=None), status=400)
    flash("Settings saved.", "success")
    return redirect(url_for("settings.show"))


@bp.post("/settings/password")
@login_required
def change_password():
    """Change the password; other sessions are logged out."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session, current_user, form.current.data, form.new.data
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            login_user(current_user._get_current_object())
            flash("Password changed. Other sessions have been logged out.", "success")
            return redirect(url_for("settings.show"))
    return _render(_settings_form(), form, status=400)


@bp.post("/settings/tokens")
@login_required
def create_token():
    """Create an API token, then show it once on the settings page.

    Redirecting (rather than showing the page in the answer to the POST) means
    reloading the page does not create a second token."""
    form = ButtonForm()
    if not form.validate_on_submit():
        return redirect(url_for("settings.show"))
    name = (request.form.get("name") or "API token").strip()[:80]
    session[ONE_TIME_KEY] = accounts.create_api_token(db.session, current_user, name)
    return redirect(url_for("settings.show", _anchor="api-tokens"))


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke an API token."""
    form = ButtonForm()
    if form.validate_on_submit():
        accounts.revoke_api_token(db.session, current_user, token_id, now())
        flash("Token revoked.", "info")
    return redirect(url_for("settings.show"))
