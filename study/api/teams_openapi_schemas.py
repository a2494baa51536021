"""The OpenAPI schemas of the team endpoints' bodies: teams, members,
assignments, progress rows and leaderboards (`teams_openapi` adds them to the
API's document)."""

from __future__ import annotations

import copy

from study.api import account_openapi
from study.api.openapi_builders import (
    COUNT,
    SHARE,
    all_required,
    closed,
    nullable,
    obj,
    ref,
    text,
)
from study.teams import ROLES, STATUS_ORDER

BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}


def array(item: dict) -> dict:
    """Return an array schema."""
    return {"type": "array", "items": item}


def member_dashboard() -> dict:
    """Return the learner's Progress schema without attempt ids, as a manager
    sees it in a member's summary."""
    schema = copy.deepcopy(account_openapi.SCHEMAS["Progress"])
    scores = schema["properties"]["quiz_scores"]["items"]
    scores["required"].remove("attempt_id")
    del scores["properties"]["attempt_id"]
    return schema


def board(unit: str, value: dict) -> dict:
    """Return a leaderboard's schema: places (ties share one) and names."""
    return array(
        closed(
            obj(
                ["place", "display_name", unit, "is_me"],
                place={"type": "integer", "minimum": 1},
                display_name=text(),
                is_me=BOOLEAN,
                **{unit: value},
            )
        )
    )


SCHEMAS = {
    "Team": all_required(
        id=INTEGER,
        name=text(),
        role=nullable({"enum": list(ROLES)}),
        member_count={"type": "integer", "minimum": 0},
        leaderboard_enabled=BOOLEAN,
        created_at=text(format="date-time"),
    ),
    "Assignment": all_required(
        id=INTEGER,
        pack=text(),
        topics=nullable(array(text())),
        due=text(format="date"),
        goals=all_required(
            all_cards_studied=BOOLEAN,
            exam_passed=BOOLEAN,
        ),
        created_at=text(format="date-time"),
    ),
    "SavedAssignment": {
        "allOf": [
            ref("Assignment"),
            all_required(
                workload=all_required(
                    cards=INTEGER,
                    new_cards_per_day=INTEGER,
                    study_days=INTEGER,
                    days_left=INTEGER,
                    heads_up=nullable(text()),
                )
            ),
        ]
    },
    "TeamMember": all_required(
        user_id=INTEGER,
        display_name=text(),
        email=text(),
        role={"enum": list(ROLES)},
        joined_at=text(format="date-time"),
    ),
    "MemberProgress": obj(
        [
            "user_id",
            "display_name",
            "cards_studied",
            "cards_total",
            "mastery",
            "topics",
            "best_exam_score",
            "exam_passed",
            "last_active",
            "progress",
            "status",
            "days_left",
        ],
        user_id=INTEGER,
        display_name=text(),
        email=text(description="Managers only"),
        role={"enum": list(ROLES)},
        cards_studied={"type": "integer", "minimum": 0},
        cards_total={"type": "integer", "minimum": 0},
        mastery=SHARE,
        topics=array(
            all_required(
                id=text(),
                title=text(),
                cards={"type": "integer", "minimum": 0},
                mastered={"type": "integer", "minimum": 0},
                mastery=SHARE,
            )
        ),
        best_exam_score=nullable({"type": "number"}),
        exam_passed=BOOLEAN,
        last_active=nullable(text(format="date-time")),
        progress=SHARE,
        status={"enum": list(STATUS_ORDER)},
        days_left=INTEGER,
    ),
    "TeamFigures": closed(
        all_required(
            members=COUNT,
            done=COUNT,
            on_track=COUNT,
            behind=COUNT,
            overdue=COUNT,
            average_studied=SHARE,
            average_progress=SHARE,
        )
    ),
    "Leaderboard": closed(
        all_required(
            since=text(format="date", description="The Monday the week started"),
            hidden=nullable(BOOLEAN),
            reviews=board("reviews", {"type": "integer", "minimum": 1}),
            exams=board("best_score", {"type": "number", "minimum": 0}),
        )
    ),
    "Invitation": closed(
        all_required(
            id=INTEGER,
            team_name=text(),
            expires_at=text(format="date-time"),
        )
    ),
    "MemberSummary": closed(
        all_required(
            member=ref("TeamMember"),
            assignments=array(
                {
                    "allOf": [
                        ref("Assignment"),
                        all_required(progress=ref("MemberProgress")),
                    ]
                }
            ),
            dashboard=member_dashboard(),
        )
    ),
    "TeamDetail": {
        "allOf": [
            ref("Team"),
            obj(
                ["managers", "assignments"],
                managers=array(text()),
                assignments=array(ref("Assignment")),
                members=array(ref("TeamMember")),
                invites=array(
                    all_required(
                        id=INTEGER,
                        email=nullable(text()),
                        expires_at=text(format="date-time"),
                    )
                ),
            ),
        ]
    },
    "TeamProgress": all_required(
        team=all_required(id=INTEGER, name=text()),
        assignments=array(
            {
                "allOf": [
                    ref("Assignment"),
                    all_required(
                        cards_total={"type": "integer", "minimum": 0},
                        days_left=INTEGER,
                        members=array(ref("MemberProgress")),
                    ),
                ]
            }
        ),
    ),
}
