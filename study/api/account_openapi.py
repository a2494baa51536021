"""The OpenAPI description of the learner's own endpoints: progress, study
settings and API tokens, added to the API's document by `study.api.openapi`."""

from __future__ import annotations

from zoneinfo import available_timezones

from study.api.openapi_builders import (
    COUNT,
    CREATED_ID,
    NOT_BLANK,
    SHARE,
    all_required,
    body,
    closed,
    errors,
    link,
    nullable,
    obj,
    ok,
    operation,
    path_id,
    query,
    ref,
    text,
)
from study.services.accounts import SETTING_RANGES


def _range(name: str) -> dict:
    kind, low, high = SETTING_RANGES[name]
    return {
        "type": "integer" if kind is int else "number",
        "minimum": low,
        "maximum": high,
    }


SCHEMAS = {
    "Progress": closed(
        all_required(
            today=text(format="date"),
            reviews_today=COUNT,
            due_now=COUNT,
            learning_due=COUNT,
            reviews_due=COUNT,
            new_left_today=COUNT,
            streak_days=COUNT,
            retention_7d=nullable(SHARE),
            retention_30d=nullable(SHARE),
            cards_by_state=closed(
                all_required(
                    new=COUNT,
                    learning=COUNT,
                    young=COUNT,
                    mature=COUNT,
                )
            ),
            topics={"type": "array", "items": ref("TopicProgress")},
            quiz_scores={
                "type": "array",
                "items": closed(
                    all_required(
                        attempt_id={"type": "integer"},
                        pack=text(),
                        mode={"enum": ["practice", "exam", "drill"]},
                        submitted_at=text(format="date-time"),
                        score=nullable({"type": "number"}),
                        passed=nullable({"type": "boolean"}),
                    )
                ),
            },
            reviews_per_day={
                "type": "array",
                "items": closed(all_required(day=text(format="date"), reviews=COUNT)),
            },
            calendar={
                "description": "The calendar's year: every study day with at "
                "least one review, oldest first (days without one are left out).",
                "type": "array",
                "items": closed(all_required(day=text(format="date"), reviews=COUNT)),
            },
            forecast={
                "type": "array",
                "items": closed(all_required(day=text(format="date"), due=COUNT)),
            },
        )
    ),
    "TopicProgress": closed(
        all_required(
            id=text(),
            pack=text(),
            title=text(),
            cards=COUNT,
            studied=COUNT,
            mastered=COUNT,
            mastery=SHARE,
            recall=nullable(SHARE),
            latest_quiz=nullable({"type": "number", "minimum": 0, "maximum": 100}),
            latest_exam=nullable({"type": "number", "minimum": 0, "maximum": 100}),
        )
    ),
    "Settings": all_required(
        email=text(),
        display_name=text(),
        timezone=text(),
        desired_retention={"type": "number"},
        new_cards_per_day={"type": "integer"},
        max_reviews_per_day={"type": "integer"},
    ),
    "SettingsChange": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "desired_retention": _range("desired_retention"),
            "new_cards_per_day": _range("new_cards_per_day"),
            "max_reviews_per_day": _range("max_reviews_per_day"),
            "timezone": {
                "enum": sorted(available_timezones()),
                "description": "A time zone name; the server also accepts it in any "
                "letter case and stores it as spelled here.",
            },
            "display_name": text(pattern=NOT_BLANK, maxLength=80),
        },
    },
    "Token": all_required(
        id={"type": "integer"},
        name=text(),
        created_at=text(format="date-time"),
        last_used_at=nullable(text(format="date-time")),
    ),
    "NewToken": {
        "allOf": [
            ref("Token"),
            all_required(token=text(description="Shown only in this response")),
        ]
    },
}


PATHS = {
    "/progress": {
        "get": operation(
            "progress_show",
            "The learner's progress, over every pack or one",
            {**ok("Progress figures", ref("Progress")), **errors("404")},
            parameters=[query("pack", text(), "Only this pack")],
        )
    },
    "/settings": {
        "get": operation(
            "settings_show",
            "The learner's study settings",
            {**ok("The settings", ref("Settings")), **errors()},
        ),
        "patch": operation(
            "settings_update",
            "Change any subset of the study settings",
            {**ok("The settings after the change", ref("Settings")), **errors("400")},
            requestBody=body(ref("SettingsChange")),
        ),
    },
    "/tokens": {
        "get": operation(
            "tokens_list",
            "The learner's live API tokens",
            {
                **ok(
                    "The tokens (never their values)",
                    all_required(tokens={"type": "array", "items": ref("Token")}),
                ),
                **errors(),
            },
        ),
        "post": operation(
            "tokens_create",
            "Create an API token",
            {
                **ok(
                    "The new token",
                    ref("NewToken"),
                    "201",
                    Revoke=link("tokens_revoke", token_id=CREATED_ID),
                ),
                **errors("400"),
            },
            requestBody=body(
                closed(obj([], name=text(pattern=NOT_BLANK, maxLength=80)))
            ),
        ),
    },
    "/tokens/{token_id}": {
        "delete": operation(
            "tokens_revoke",
            "Revoke an API token",
            {"204": {"description": "Revoked"}, **errors("404")},
            parameters=[path_id("token_id")],
        )
    },
}
