"""The OpenAPI 3.1 description of the JSON API, written by hand and served as is.

tests/api/test_openapi.py runs schemathesis against it, so every schema here is
checked against what the handlers really return. Each area's paths and schemas
live in its own module (`review_openapi`, `quizzes_openapi`, `account_openapi`,
`teams_openapi`); this one puts them together and serves the document.
"""

from __future__ import annotations

import re

from flask import Flask, current_app, jsonify

from study.api import account_openapi, bp, quizzes_openapi, review_openapi
from study.api.openapi_builders import (
    ERRORS,
    all_required,
    json_content,
    ok,
    operation,
    ref,
    text,
)

SCHEMAS = {
    "Error": all_required(error=all_required(code=text(), message=text())),
    **review_openapi.SCHEMAS,
    **quizzes_openapi.SCHEMAS,
    **account_openapi.SCHEMAS,
}

PATHS = {
    "/openapi.json": {
        "get": operation(
            "openapi",
            "This document",
            ok("The OpenAPI document", {"type": "object"}),
            security=[],
        )
    },
    **review_openapi.PATHS,
    **quizzes_openapi.PATHS,
    **account_openapi.PATHS,
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
