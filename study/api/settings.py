"""Settings endpoints: read and change the learner's study settings."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from study.api import bp
from study.api.payloads import json_body
from study.extensions import db
from study.services import accounts


def settings_json(user) -> dict:
    """Return the learner's study settings."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "timezone": user.timezone,
        "desired_retention": user.desired_retention,
        "new_cards_per_day": user.new_cards_per_day,
        "max_reviews_per_day": user.max_reviews_per_day,
    }


@bp.get("/settings")
def settings_show():
    """Return the learner's study settings."""
    return jsonify(settings_json(current_user))


@bp.patch("/settings")
def settings_update():
    """Change any subset of the study settings; each value is range-checked."""
    changes = json_body(*accounts.SETTING_RANGES, "timezone", "display_name")
    user = accounts.update_settings(db.session, current_user, changes)
    return jsonify(settings_json(user))
