"""API token endpoints: list, create and revoke the learner's own tokens."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from study.api import bp
from study.api.payloads import json_body, stored_id
from study.errors import Invalid
from study.extensions import db
from study.services import accounts
from study.web.clock import now


def token_json(row) -> dict:
    """Return what is known about a token (never the token itself)."""
    return {
        "id": row.id,
        "name": row.name,
        "created_at": row.created_at.isoformat(),
        "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
    }


@bp.get("/tokens")
def tokens_list():
    """List the learner's live API tokens."""
    rows = accounts.live_api_tokens(db.session, current_user)
    return jsonify(tokens=[token_json(row) for row in rows])


@bp.post("/tokens")
def tokens_create():
    """Create an API token; the response is the only time it is shown."""
    name = json_body("name").get("name", "API token")
    if not accounts.is_name(name):
        raise Invalid("name must be 1 to 80 characters.")
    row, token = accounts.issue_api_token(db.session, current_user, name.strip())
    return jsonify(token=token, **token_json(row)), 201


@bp.delete("/tokens/<int:token_id>")
def tokens_revoke(token_id: int):
    """Revoke one of the learner's API tokens."""
    accounts.revoke_api_token(
        db.session, current_user, stored_id(token_id, "token"), now()
    )
    return "", 204
