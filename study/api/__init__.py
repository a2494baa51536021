"""The JSON API under /api/v1: bearer tokens or the session cookie with CSRF."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from study.api import (  # noqa: E402,F401 - routes attach to bp
    auth,
    openapi,
    packs,
    progress,
    quizzes,
    review,
    settings,
    team_assignments,
    team_members,
    teams,
    tokens,
)
