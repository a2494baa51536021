"""Register, log in, log out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from study import srs
from study.errors import DomainError
from study.extensions import db, limiter
from study.services import accounts
from study.web.forms import ButtonForm, LoginForm, RegisterForm

bp = Blueprint("auth", __name__)


@limiter.request_filter
def _outside_the_limited_pages() -> bool:
    """Rate limits are declared on this blueprint's pages alone, so every
    other request is let past the limiter before it resolves any (it would
    otherwise look for limits on each API call and page). A limit declared on
    another blueprint must be let through here too."""
    return request.blueprint != bp.name


LOGIN_FAILED = "That email and password do not match an account."


def load_user(identity: str):
    """Load the logged-in user from the session (Flask-Login callback).

    A request that brings an API token is that token's alone: the session
    cookie riding along (a script run from a logged-in browser) is not asked,
    so a wrong token is refused and a good one acts as its owner."""
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return None
    return accounts.load_session_user(db.session, identity)


def safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else the home page."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
    ):
        return url_for("main.home")
    return target


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


def _email_key() -> str:
    return "login-email:" + accounts.normalize_email(request.form.get("email", ""))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    """Create an account and log the new user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        timezone = form.timezone.data or "UTC"
        try:
            user = accounts.create_user(
                db.session,
                form.email.data,
                form.password.data,
                display_name=form.display_name.data or "",
                timezone=timezone if srs.is_valid_zone(timezone) else "UTC",
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            login_user(user)
            flash("Welcome to Shipshape! Your account is ready.", "success")
            return redirect(url_for("main.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        form.form_errors.append(LOGIN_FAILED)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Log out, which ends every session of the account (a copied cookie too)."""
    form = ButtonForm()
    if form.validate_on_submit():
        accounts.end_sessions(db.session, current_user)
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
