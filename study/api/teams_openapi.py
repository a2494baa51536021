"""The OpenAPI description of the team endpoints, added to the API's document.

Kept beside the endpoints so the two change together; `register()` adds these
paths, and the schemas of `teams_openapi_schemas`, to `study.api.openapi`,
which serves the whole document.
"""

from __future__ import annotations

from study.api import openapi, teams_openapi_schemas
from study.api.openapi_builders import (
    CREATED_ID,
    all_required,
    body,
    closed,
    errors,
    json_content,
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
from study.api.payloads import MAX_ID
from study.api.teams_openapi_schemas import BOOLEAN, INTEGER, array
from study.services.team_invites import INVITE_EMAIL_PATTERN, MAX_INVITE_DAYS
from study.services.team_progress import MIN_AGGREGATE_MEMBERS
from study.services.teams import MAX_NAME, TEAM_NAME_PATTERN
from study.teams import SORT_KEYS

TEAM_ID = path_id("team_id")
USER_ID = path_id("user_id")
ASSIGNMENT_ID = path_id("assignment_id")
INVITE_ID = path_id("invite_id")


def refused(*codes: str) -> dict:
    """Return the error responses, with 403 for what members may not do."""
    found = errors(*(code for code in codes if code != "403"))
    if "403" in codes:
        found["403"] = {
            "description": "Only the team's managers may do this",
            "content": json_content(ref("Error")),
        }
    return dict(sorted(found.items()))


# At least one goal: a schema-valid request is one the service accepts.
GOALS = {
    **closed(obj([], all_cards_studied=BOOLEAN, exam_passed=BOOLEAN)),
    "description": "Missing flags are false; at least one must be true",
    "anyOf": [
        all_required(all_cards_studied={"const": True}),
        all_required(exam_passed={"const": True}),
    ],
}
ASSIGNMENT_FIELDS = {
    "pack": text(minLength=1, description="A pack id, as listed by GET /packs"),
    "topics": nullable(array(text())),
    "due": text(format="date", description="The due date, YYYY-MM-DD"),
    "goals": GOALS,
}
TEAM_NAME = text(pattern=TEAM_NAME_PATTERN, maxLength=MAX_NAME)
JOINED = {"allOf": [ref("Team"), all_required(already_member=BOOLEAN)]}

TEAM_LINKS = {
    "Show": link("teams_show", team_id=CREATED_ID),
    "Assignments": link("assignments_list", team_id=CREATED_ID),
    "Assign": link("assignments_create", team_id=CREATED_ID),
    "Invite": link("teams_invite", team_id=CREATED_ID),
    "Progress": link("teams_progress", team_id=CREATED_ID),
    "Leaderboard": link("teams_leaderboard", team_id=CREATED_ID),
    "HideMe": link(
        "teams_leaderboard_visibility", team_id=CREATED_ID, body={"hidden": True}
    ),
}

PATHS = {
    "/teams": {
        "get": operation(
            "teams_list",
            "My teams (every team for a site admin)",
            {
                **ok("The teams", all_required(teams=array(ref("Team")))),
                **refused(),
            },
        ),
        "post": operation(
            "teams_create",
            "Create a team; its creator becomes its manager",
            {**ok("The new team", ref("Team"), "201", **TEAM_LINKS), **refused()},
            requestBody=body(closed(all_required(name=TEAM_NAME))),
        ),
    },
    "/teams/join": {
        "post": operation(
            "teams_join",
            "Join a team with an invite link's token (each link works once)",
            {**ok("The team joined", JOINED), **refused("404", "409")},
            requestBody=body(closed(all_required(token=text()))),
        )
    },
    "/teams/{team_id}": {
        "get": operation(
            "teams_show",
            "A team: assignments; for managers also members and open invites",
            {**ok("The team", ref("TeamDetail")), **refused("404")},
            parameters=[TEAM_ID],
        ),
        "patch": operation(
            "teams_update",
            "Rename a team or turn its leaderboard on or off",
            {**ok("The team", ref("Team")), **refused("403", "404")},
            parameters=[TEAM_ID],
            requestBody=body(
                closed(obj([], name=TEAM_NAME, leaderboard_enabled=BOOLEAN))
            ),
        ),
        "delete": operation(
            "teams_delete",
            "Delete a team with its invites and assignments",
            {"204": {"description": "Deleted"}, **refused("403", "404")},
            parameters=[TEAM_ID],
        ),
    },
    "/teams/{team_id}/invites": {
        "post": operation(
            "teams_invite",
            "Create a single-use invite link, or invite an account by email",
            {
                **ok(
                    "The invite (a link's token is shown only here)",
                    obj(
                        ["id", "expires_at"],
                        id=INTEGER,
                        token=text(),
                        url=text(),
                        email=text(),
                        expires_at=text(format="date-time"),
                    ),
                    "201",
                    Revoke=link(
                        "teams_revoke_invite",
                        team_id="$request.path.team_id",
                        invite_id=CREATED_ID,
                    ),
                ),
                **refused("403", "404", "409"),
            },
            parameters=[TEAM_ID],
            requestBody=body(
                closed(
                    obj(
                        [],
                        email=text(pattern=INVITE_EMAIL_PATTERN, maxLength=254),
                        days={
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_INVITE_DAYS,
                        },
                    )
                )
            ),
        )
    },
    "/teams/{team_id}/invites/{invite_id}": {
        "delete": operation(
            "teams_revoke_invite",
            "Withdraw an invite link or invitation not used yet",
            {"204": {"description": "Withdrawn"}, **refused("403", "404")},
            parameters=[TEAM_ID, INVITE_ID],
        )
    },
    "/teams/invitations": {
        "get": operation(
            "invitations_list",
            "Open invitations addressed to my email",
            {
                **ok(
                    "The invitations",
                    all_required(invitations=array(ref("Invitation"))),
                ),
                **refused(),
            },
        )
    },
    "/teams/invitations/{invite_id}/accept": {
        "post": operation(
            "invitations_accept",
            "Join the team of an invitation addressed to my email",
            {**ok("The team joined", JOINED), **refused("404", "409")},
            parameters=[INVITE_ID],
        )
    },
    "/teams/invitations/{invite_id}/decline": {
        "post": operation(
            "invitations_decline",
            "Turn down an invitation addressed to my email",
            {"204": {"description": "Declined"}, **refused("404")},
            parameters=[INVITE_ID],
        )
    },
    "/teams/{team_id}/leaderboard": {
        "get": operation(
            "teams_leaderboard",
            "The team's leaderboard (409 while its managers keep it off): "
            "reviews this week and best mock exam of members who did not hide",
            {**ok("The boards", ref("Leaderboard")), **refused("404", "409")},
            parameters=[TEAM_ID],
        )
    },
    "/teams/{team_id}/leaderboard/visibility": {
        "put": operation(
            "teams_leaderboard_visibility",
            "Hide me from my team's leaderboard, or show me again",
            {
                **ok("Whether I am hidden", closed(all_required(hidden=BOOLEAN))),
                **refused("404", "409"),
            },
            parameters=[TEAM_ID],
            requestBody=body(closed(all_required(hidden=BOOLEAN))),
        )
    },
    "/teams/{team_id}/members/{user_id}": {
        "get": operation(
            "teams_member_summary",
            "A member's read-only summary for managers: their standing on each "
            "assignment and their dashboard's figures",
            {**ok("The summary", ref("MemberSummary")), **refused("403", "404")},
            parameters=[TEAM_ID, USER_ID],
        ),
        "delete": operation(
            "teams_remove_member",
            "Remove a member (managers), or leave the team (my own id)",
            {
                "204": {"description": "Gone from the team"},
                **refused("403", "404", "409"),
            },
            parameters=[TEAM_ID, USER_ID],
        ),
    },
    "/teams/{team_id}/members/{user_id}/promote": {
        "post": operation(
            "teams_promote",
            "Make a member a manager",
            {**ok("The member", ref("TeamMember")), **refused("403", "404", "409")},
            parameters=[TEAM_ID, USER_ID],
        )
    },
    "/teams/{team_id}/members/{user_id}/demote": {
        "post": operation(
            "teams_demote",
            "Make a manager a member again (a team keeps one manager)",
            {**ok("The member", ref("TeamMember")), **refused("403", "404", "409")},
            parameters=[TEAM_ID, USER_ID],
        )
    },
    "/teams/{team_id}/assignments": {
        "get": operation(
            "assignments_list",
            "A team's assignments, each with my own progress if I am a member "
            "and the team's figures (naming nobody) for managers, and for "
            f"members once the team has {MIN_AGGREGATE_MEMBERS} people",
            {
                **ok(
                    "The assignments",
                    all_required(
                        assignments=array(
                            {
                                "allOf": [
                                    ref("Assignment"),
                                    all_required(
                                        my_progress=nullable(ref("MemberProgress")),
                                        team_figures=nullable(ref("TeamFigures")),
                                    ),
                                ]
                            }
                        ),
                    ),
                ),
                **refused("404"),
            },
            parameters=[TEAM_ID],
        ),
        "post": operation(
            "assignments_create",
            "Assign a pack (or some topics) with a due date and goals",
            {
                **ok(
                    "The assignment, with what its cards take by the due date",
                    ref("SavedAssignment"),
                    "201",
                ),
                **refused("403", "404", "409"),
            },
            parameters=[TEAM_ID],
            requestBody=body(closed(obj(["pack", "due"], **ASSIGNMENT_FIELDS))),
        ),
    },
    "/teams/{team_id}/assignments/{assignment_id}": {
        "patch": operation(
            "assignments_update",
            "Change an assignment's pack, topics, due date or goals",
            {
                **ok(
                    "The assignment, with what its cards take by the due date",
                    ref("SavedAssignment"),
                ),
                **refused("403", "404", "409"),
            },
            parameters=[TEAM_ID, ASSIGNMENT_ID],
            requestBody=body(closed(obj([], **ASSIGNMENT_FIELDS))),
        ),
        "delete": operation(
            "assignments_delete",
            "Delete an assignment",
            {"204": {"description": "Deleted"}, **refused("403", "404")},
            parameters=[TEAM_ID, ASSIGNMENT_ID],
        ),
    },
    "/teams/{team_id}/progress": {
        "get": operation(
            "teams_progress",
            "The manager's view: every member's row on each assignment",
            {**ok("Rows by assignment", ref("TeamProgress")), **refused("403", "404")},
            parameters=[
                TEAM_ID,
                query(
                    "assignment",
                    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    "Only this assignment",
                ),
                query("sort", {"enum": list(SORT_KEYS)}, "Column to sort by"),
                query("dir", {"enum": ["asc", "desc"]}, "Sort direction"),
            ],
        )
    },
}


def register() -> None:
    """Add the team endpoints to the served OpenAPI document."""
    openapi.SCHEMAS.update(teams_openapi_schemas.SCHEMAS)
    openapi.PATHS.update(PATHS)
