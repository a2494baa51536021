"""Every route of the app, read from its URL map, with real values for its parts.

The security and fuzz tests walk this list instead of a hand-written one, so a
route added later is covered the day it lands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select
from werkzeug.routing.converters import NumberConverter

from study.extensions import db
from study.models import ApiToken, User

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Parts of URLs, by name, filled with something that exists in the test data.
KNOWN_VALUES = {
    "pack_id": "starter",
    "note_id": "shell",
    "position": 1,
    "filename": "app.css",
}
NUMERIC = ("number",)
PART = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


@dataclass(frozen=True)
class Route:
    """One method of one URL rule."""

    method: str
    rule: str
    endpoint: str
    arguments: tuple[tuple[str, str], ...]  # (name, "number" or "text")

    @property
    def is_api(self) -> bool:
        """Say whether this is a JSON API route."""
        return self.rule.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def routes(app: Flask, methods: tuple[str, ...]) -> list[Route]:
    """Return every (method, rule) of the app with one of these methods."""
    found = []
    for rule in app.url_map.iter_rules():
        converters = {
            name: "number" if isinstance(conv, NumberConverter) else "text"
            for name, conv in rule._converters.items()
        }
        for method in sorted((rule.methods or set()) & set(methods)):
            found.append(
                Route(method, rule.rule, rule.endpoint, tuple(converters.items()))
            )
    return sorted(found, key=lambda r: (r.rule, r.method))


def learner_objects(app: Flask, email: str) -> dict[str, object]:
    """Create what a learner's URLs point at (a quiz attempt, an API token)."""
    from study.services import accounts, quizzes
    from study.web.clock import now

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        attempt = quizzes.start_quiz(
            db.session, user, quizzes.QuizRequest(pack="starter", count=5), now()
        )
        accounts.create_api_token(db.session, user, "probe")
        token_id = db.session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == user.id)
        )
        values = {"attempt_id": attempt.id, "token_id": token_id}
        db.session.remove()
    return values


def url_for_route(route: Route, values: dict[str, object]) -> str:
    """Build a concrete path for a route, using known values where there are any."""
    converters = dict(route.arguments)

    def value(match: re.Match) -> str:
        name = match.group(1)
        known = values.get(name, KNOWN_VALUES.get(name))
        if known is not None:
            return str(known)
        return "1" if converters.get(name) in NUMERIC else "x"

    return PART.sub(value, route.rule)
