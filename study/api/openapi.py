"""The OpenAPI 3.1 description of the JSON API, written by hand and served as is.

tests/api/test_openapi.py runs schemathesis against it, so every schema here is
checked against what the handlers really return.
"""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from flask import Flask, current_app, jsonify

from study.api import bp
from study.api.payloads import MAX_ID
from study.services.accounts import SETTING_RANGES
from study.services.catalog import MAX_PAGE, MAX_PER_PAGE

# The API refuses NUL characters (PostgreSQL cannot store them).
NO_NUL = "^[^\\u0000]*$"
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


COUNT = {"type": "integer", "minimum": 0}
SHARE = {"type": "number", "minimum": 0, "maximum": 1}


def ref(name: str) -> dict:
    """Point at a schema under components."""
    return {"$ref": f"#/components/schemas/{name}"}


def text(**extra) -> dict:
    """Return a string schema (without NUL characters)."""
    return {"type": "string", "pattern": NO_NUL, **extra}


def nullable(schema: dict) -> dict:
    """Allow null as well."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(required: list[str], **properties) -> dict:
    """Return an object schema with these properties, the named ones required."""
    return {"type": "object", "required": required, "properties": properties}


def closed(schema: dict) -> dict:
    """Refuse properties the schema does not name (as the handlers do)."""
    return {**schema, "additionalProperties": False}


def json_content(schema: dict) -> dict:
    """Wrap a schema as application/json content."""
    return {"application/json": {"schema": schema}}


def ok(description: str, schema: dict, status: str = "200", **links) -> dict:
    """Return a success response with a JSON body (and links to what may follow)."""
    response = {"description": description, "content": json_content(schema)}
    if links:
        response["links"] = links
    return {status: response}


def link(operation_id: str, **values) -> dict:
    """Return a link: parameters from this response feed the next operation."""
    body = values.pop("body", None)
    found = {"operationId": operation_id}
    if values:
        found["parameters"] = values
    if body is not None:
        found["requestBody"] = body
    return found


ERRORS = {
    "400": "Bad input (or a missing CSRF token with a session cookie)",
    "401": "No valid API token or session",
    "404": "Not found",
    "409": "Conflicts with the current state",
}


def errors(*codes: str) -> dict:
    """Return the error responses an operation can give (any can be a 400: a
    NUL character in the path or query is refused everywhere; and a 414 from
    gunicorn when the request line is too long)."""
    return {
        **{
            code: {"$ref": f"#/components/responses/Error{code}"}
            for code in sorted({"400", "401", *codes})
        },
        "414": {"$ref": "#/components/responses/UriTooLong"},
    }


def body(schema: dict) -> dict:
    """Return a required JSON request body."""
    return {"required": True, "content": json_content(schema)}


def path_id(name: str) -> dict:
    """Return an integer path parameter."""
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def query(name: str, schema: dict, description: str) -> dict:
    """Return an optional query parameter."""
    return {"name": name, "in": "query", "schema": schema, "description": description}


def operation(operation_id: str, summary: str, responses: dict, **extra) -> dict:
    """Return an operation; its id is the handler's name."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "responses": responses,
        **extra,
    }


def _range(name: str) -> dict:
    kind, low, high = SETTING_RANGES[name]
    return {
        "type": "integer" if kind is int else "number",
        "minimum": low,
        "maximum": high,
    }


SCHEMAS = {
    "Error": obj(
        ["error"], error=obj(["code", "message"], code=text(), message=text())
    ),
    "Counts": obj(
        ["new", "learning", "review"],
        new={"type": "integer", "minimum": 0},
        learning={"type": "integer", "minimum": 0},
        review={"type": "integer", "minimum": 0},
    ),
    "Topic": obj(
        ["id", "title", "cards", "questions"],
        id=text(),
        title=text(),
        cards={"type": "integer"},
        questions={"type": "integer"},
    ),
    "Pack": obj(
        ["id", "title", "version", "description", "cards", "questions", "topics"],
        id=text(),
        title=text(),
        version=text(),
        description=text(),
        cards={"type": "integer"},
        questions={"type": "integer"},
        exam=nullable({"type": "object"}),
        topics={"type": "array", "items": ref("Topic")},
    ),
    "Card": obj(
        ["id", "kind", "topic", "front_html", "back_html"],
        id=text(),
        kind=text(),
        topic=text(),
        front_html=text(),
        back_html=text(),
        source=text(),
        note_url=nullable(text()),
    ),
    "CardPage": obj(
        ["pack", "topic", "page", "per_page", "total", "next_page", "cards"],
        pack=text(),
        topic=nullable(text()),
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1},
        total={"type": "integer", "minimum": 0},
        next_page=nullable({"type": "integer"}),
        cards={"type": "array", "items": ref("Card")},
    ),
    "DueCard": {
        "allOf": [
            ref("Card"),
            obj(
                ["review_id", "intervals", "is_new"],
                review_id=text(),
                topic_title=text(),
                pack=text(),
                intervals={"type": "object", "additionalProperties": text()},
                is_new={"type": "boolean"},
            ),
        ]
    },
    "NextCard": obj(["card", "counts"], card=ref("DueCard"), counts=ref("Counts")),
    "Review": closed(
        obj(
            ["card_id", "rating", "review_id"],
            card_id=text(description="The card's id, as sent by GET /review/next"),
            rating={"type": "integer", "minimum": 1, "maximum": 4},
            review_id=text(minLength=8, maxLength=64),
            duration_ms={"type": "integer", "minimum": 0},
        )
    ),
    "ReviewOutcome": obj(
        ["card_id", "rating", "due", "duplicate", "counts"],
        card_id=text(),
        rating={"type": "integer", "minimum": 1, "maximum": 4},
        due=text(format="date-time"),
        duplicate={"type": "boolean"},
        counts=ref("Counts"),
    ),
    "Undo": obj(
        ["undone", "card_id"],
        undone={"type": "boolean"},
        card_id=nullable(text()),
        study_url=text(),
    ),
    "QuizRequest": closed(
        obj(
            ["pack"],
            pack=text(),
            mode={"enum": ["practice", "exam", "drill"]},
            topics={"type": "array", "items": text()},
            count={"type": "integer", "minimum": 5, "maximum": 50},
            feedback={"enum": ["end", "each"]},
            domc={"type": "boolean"},
        )
    ),
    "Question": obj(
        ["position", "id", "kind", "topic", "prompt_html"],
        position={"type": "integer"},
        id=text(),
        kind={"enum": ["single", "multiple", "truefalse", "typed", "matching"]},
        topic=text(),
        prompt_html=text(),
        answer={},
        options={"type": "array", "items": obj(["id", "text"], id=text(), text=text())},
        domc=ref("DomcState"),
    ),
    "DomcState": obj(
        ["option", "decided", "done"],
        option=nullable(obj(["id", "text"], id=text(), text=text())),
        decided={
            "type": "array",
            "items": obj(
                ["id", "text", "said_yes"],
                id=text(),
                text=text(),
                said_yes={"type": "boolean"},
            ),
        },
        done={"type": "boolean"},
    ),
    "Attempt": obj(
        ["attempt_id", "pack", "mode", "status", "started_at", "deadline", "questions"],
        attempt_id={"type": "integer"},
        pack=text(),
        mode=text(),
        status={"const": "open"},
        feedback=text(),
        domc={"type": "boolean"},
        started_at=text(format="date-time"),
        deadline=nullable(text(format="date-time")),
        questions={"type": "array", "items": ref("Question")},
    ),
    "GradedQuestion": obj(
        ["position", "id", "correct", "explanation_html"],
        position={"type": "integer"},
        id=text(),
        correct={"type": "boolean"},
        given={},
        expected={},
        explanation_html=text(),
        note_url=nullable(text()),
    ),
    "Result": obj(
        ["attempt_id", "status", "score", "correct", "total", "per_topic", "questions"],
        attempt_id={"type": "integer"},
        status={"const": "submitted"},
        score={"type": "number"},
        correct={"type": "integer"},
        total={"type": "integer"},
        passed=nullable({"type": "boolean"}),
        pass_mark=nullable({"type": "integer"}),
        timed_out={"type": "boolean"},
        time_taken_seconds={"type": "number"},
        per_topic={
            "type": "object",
            "additionalProperties": obj(
                ["correct", "total", "score"],
                title=text(),
                correct={"type": "integer"},
                total={"type": "integer"},
                score={"type": "number"},
            ),
        },
        questions={"type": "array", "items": ref("GradedQuestion")},
    ),
    "Progress": closed(
        obj(
            [
                "today",
                "reviews_today",
                "due_now",
                "learning_due",
                "reviews_due",
                "new_left_today",
                "streak_days",
                "retention_7d",
                "retention_30d",
                "cards_by_state",
                "topics",
                "quiz_scores",
                "reviews_per_day",
                "calendar",
                "forecast",
            ],
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
                obj(
                    ["new", "learning", "young", "mature"],
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
                    obj(
                        [
                            "attempt_id",
                            "pack",
                            "mode",
                            "submitted_at",
                            "score",
                            "passed",
                        ],
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
                "items": closed(
                    obj(["day", "reviews"], day=text(format="date"), reviews=COUNT)
                ),
            },
            calendar={
                "description": "The calendar's year: every study day with at "
                "least one review, oldest first (days without one are left out).",
                "type": "array",
                "items": closed(
                    obj(["day", "reviews"], day=text(format="date"), reviews=COUNT)
                ),
            },
            forecast={
                "type": "array",
                "items": closed(
                    obj(["day", "due"], day=text(format="date"), due=COUNT)
                ),
            },
        )
    ),
    "TopicProgress": closed(
        obj(
            [
                "id",
                "pack",
                "title",
                "cards",
                "studied",
                "mastered",
                "mastery",
                "recall",
                "latest_quiz",
                "latest_exam",
            ],
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
    "Settings": obj(
        [
            "email",
            "display_name",
            "timezone",
            "desired_retention",
            "new_cards_per_day",
            "max_reviews_per_day",
        ],
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
            "timezone": {"enum": sorted(available_timezones())},
            "display_name": text(pattern=NOT_BLANK, maxLength=80),
        },
    },
    "Token": obj(
        ["id", "name", "created_at", "last_used_at"],
        id={"type": "integer"},
        name=text(),
        created_at=text(format="date-time"),
        last_used_at=nullable(text(format="date-time")),
    ),
    "NewToken": {
        "allOf": [
            ref("Token"),
            obj(["token"], token=text(description="Shown only in this response")),
        ]
    },
}

# An option id, several, a typed answer, or matched pairs (left id -> right id);
# which of them fits depends on the question.
ANSWER = {
    "anyOf": [
        {"type": "null"},
        text(maxLength=500),
        {"type": "array", "items": text()},
        {"type": "object", "additionalProperties": text()},
    ]
}
ATTEMPT_ID = "$response.body#/attempt_id"
CREATED_ID = "$response.body#/id"

SCOPE_PARAMETERS = [
    query("pack", text(), "Study only this pack"),
    query("topic", text(), "With pack: only this topic"),
    query("note", text(), "With pack: only the cards of this note"),
    query("card", text(), "Show this card if it may be rated now (after an undo)"),
]

PATHS = {
    "/openapi.json": {
        "get": operation(
            "openapi",
            "This document",
            ok("The OpenAPI document", {"type": "object"}),
            security=[],
        )
    },
    "/packs": {
        "get": operation(
            "packs_list",
            "List the imported packs and their topics",
            {
                **ok(
                    "The packs",
                    obj(["packs"], packs={"type": "array", "items": ref("Pack")}),
                    ListCards=link("pack_cards", pack_id="$response.body#/packs/0/id"),
                    StartQuiz=link(
                        "quiz_start",
                        body={
                            "pack": "$response.body#/packs/0/id",
                            "mode": "practice",
                            "count": 5,
                        },
                    ),
                ),
                **errors(),
            },
        )
    },
    "/packs/{pack_id}/cards": {
        "get": operation(
            "pack_cards",
            "List a pack's cards, a page at a time",
            {**ok("One page of cards", ref("CardPage")), **errors("400", "404")},
            parameters=[
                {"name": "pack_id", "in": "path", "required": True, "schema": text()},
                query("topic", text(), "Only this topic's cards"),
                query(
                    "page",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                    "Page number, from 1",
                ),
                query(
                    "per_page",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                    "Cards per page (default 50)",
                ),
            ],
        )
    },
    "/review/next": {
        "get": operation(
            "review_next",
            "The next card to study and the day's counts",
            {
                **ok(
                    "A card to study",
                    ref("NextCard"),
                    RateCard=link(
                        "review_submit",
                        body={
                            "card_id": "$response.body#/card/id",
                            "review_id": "$response.body#/card/review_id",
                            "rating": 3,
                            "duration_ms": 1500,
                        },
                    ),
                ),
                "204": {"description": "Nothing is due"},
                **errors("400"),
            },
            parameters=SCOPE_PARAMETERS,
        )
    },
    "/review": {
        "post": operation(
            "review_submit",
            "Rate a card; the same review_id again is acknowledged, not counted",
            {
                **ok("The rating was recorded", ref("ReviewOutcome")),
                **errors("400", "404", "409"),
            },
            parameters=SCOPE_PARAMETERS[:3],
            requestBody=body(ref("Review")),
        )
    },
    "/review/undo": {
        "post": operation(
            "review_undo",
            "Take back the latest rating",
            {**ok("What was undone", ref("Undo")), **errors("400")},
        )
    },
    "/quizzes": {
        "post": operation(
            "quiz_start",
            "Start a practice quiz, a drill or a mock exam",
            {
                **ok(
                    "The attempt, without answers",
                    ref("Attempt"),
                    "201",
                    GetAttempt=link("quiz_get", attempt_id=ATTEMPT_ID),
                    SaveAnswer=link(
                        "quiz_save_answer",
                        attempt_id=ATTEMPT_ID,
                        position="$response.body#/questions/0/position",
                    ),
                    Submit=link("quiz_submit", attempt_id=ATTEMPT_ID, body={}),
                ),
                **errors("400", "404", "409"),
            },
            requestBody=body(ref("QuizRequest")),
        )
    },
    "/quizzes/{attempt_id}": {
        "get": operation(
            "quiz_get",
            "An attempt: its questions while open, its grading once submitted",
            {
                **ok("The attempt", {"anyOf": [ref("Attempt"), ref("Result")]}),
                **errors("404"),
            },
            parameters=[path_id("attempt_id")],
        )
    },
    "/quizzes/{attempt_id}/answers/{position}": {
        "put": operation(
            "quiz_save_answer",
            "Autosave one answer",
            {
                **ok(
                    "The answer was saved",
                    obj(
                        ["position", "saved", "answer"],
                        position={"type": "integer"},
                        saved={"const": True},
                        answer={},
                    ),
                ),
                **errors("400", "404", "409"),
            },
            parameters=[path_id("attempt_id"), path_id("position")],
            requestBody=body(closed(obj([], answer=ANSWER))),
            description="A DOMC question is refused here (400): answer it with "
            "POST /quizzes/{attempt_id}/answers/{position}/domc.",
        )
    },
    "/quizzes/{attempt_id}/answers/{position}/domc": {
        "post": operation(
            "quiz_domc_answer",
            "Answer yes or no to the option a DOMC question shows now",
            {
                **ok("The question after this decision", ref("Question")),
                **errors("400", "404", "409"),
            },
            parameters=[path_id("attempt_id"), path_id("position")],
            requestBody=body(
                closed(
                    obj(
                        ["option", "says_yes"],
                        option=text(description="domc.option.id of the question"),
                        says_yes={
                            "type": "boolean",
                            "description": "Whether this option is a right answer",
                        },
                    )
                )
            ),
            description=(
                "In a DOMC mock exam, single and multiple choice questions carry "
                "`domc` instead of `options`: the option to decide now and the "
                "ones decided so far. Answering another option than the one "
                "shown is a 409. The question ends at the first wrong call or "
                "once every right option is confirmed."
            ),
        )
    },
    "/quizzes/{attempt_id}/submit": {
        "post": operation(
            "quiz_submit",
            "Grade the attempt (final answers may come along)",
            {**ok("The graded attempt", ref("Result")), **errors("400", "404")},
            parameters=[path_id("attempt_id")],
            requestBody=body(
                closed(
                    obj(
                        [],
                        answers={
                            "type": "object",
                            "propertyNames": {"pattern": "^[0-9]{1,9}$"},
                            "additionalProperties": ANSWER,
                            "description": "Answers by question position. A "
                            "DOMC question cannot be answered here (400, and "
                            "nothing is graded): answer it option by option.",
                        },
                    )
                )
            ),
        )
    },
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
                    obj(["tokens"], tokens={"type": "array", "items": ref("Token")}),
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

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Shipshape API",
        "version": "1",
        "description": (
            "Spaced-repetition review, quizzes, packs, progress and settings. "
            "Authenticate with `Authorization: Bearer TOKEN` (create tokens under "
            "Settings or with `flask users token EMAIL`), or with the session "
            "cookie plus an `X-CSRFToken` header on writes. Errors are "
            '`{"error": {"code", "message"}}`.'
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}, {"sessionCookie": []}],
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "responses": {
            f"Error{code}": {
                "description": description,
                "content": json_content(ref("Error")),
            }
            for code, description in ERRORS.items()
        }
        | {
            "UriTooLong": {
                "description": "The request line is longer than the server "
                "accepts (gunicorn's limit is 4,094 bytes); gunicorn answers "
                "with a short HTML page before the app sees the request.",
                "content": {"text/html": {"schema": {"type": "string"}}},
            }
        },
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
    },
}


def served_paths(app: Flask) -> set[str]:
    """Return the API paths the app routes, in OpenAPI form (`/quizzes/{id}`)."""
    prefix = bp.url_prefix or ""
    return {
        re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(prefix) :])
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(prefix + "/")
    }


def document_for(app: Flask) -> dict:
    """Return the document, leaving out parts of the API this app does not serve
    (each endpoint module ships on its own)."""
    served = served_paths(app)
    paths = {path: item for path, item in PATHS.items() if path in served}
    return {**DOCUMENT, "paths": paths}


@bp.get("/openapi.json", endpoint="openapi")
def openapi_document():
    """Serve the OpenAPI document (no login needed)."""
    return jsonify(document_for(current_app))
