"""API authentication: a bearer token, or the session cookie plus a CSRF token."""

from __future__ import annotations

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from study.api import bp
from study.errors import DomainError
from study.extensions import csrf, db
from study.factory import error_response
from study.services import accounts
from study.web.clock import now

csrf.exempt(bp)


class Unauthorized(DomainError):
    """No valid credentials came with the request."""

    status = 401
    code = "unauthorized"


def user_from_bearer_token(req):
    """Load the user of an `Authorization: Bearer` header (Flask-Login callback)."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = accounts.user_for_token(db.session, header[7:].strip(), now())
    if user is not None:
        g.api_token_auth = True
    return user


@bp.before_request
def authenticate():
    """Require a bearer token, or a logged-in session plus CSRF for writes."""
    if request.endpoint == "api.openapi":
        return None
    if request.headers.get("Authorization", "").startswith("Bearer "):
        if not current_user.is_authenticated or not g.get("api_token_auth"):
            raise Unauthorized("The API token is wrong or revoked.")
        return None
    if not current_user.is_authenticated:
        raise Unauthorized("Log in or send an API token (Authorization: Bearer ...).")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    """Explain a missing or wrong CSRF token."""
    return error_response(400, "csrf", "The CSRF token is missing or invalid.")
