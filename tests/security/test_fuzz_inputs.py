"""Bad input never crashes: random and malformed data to every route.

Every route of the URL map gets hypothesis-made input while logged in (the
login and registration forms as a visitor), always with a valid CSRF token so
the handlers themselves are reached: form fields and JSON bodies of the wrong
type, missing or extra fields, huge and unicode strings (NUL included),
negative and huge numbers, broken JSON, odd query strings and path values.
The answer must be below 500 and, when it is an error, carry a message.

Set SHIPSHAPE_FUZZ_EXAMPLES for a longer run than the default.
"""

from __future__ import annotations

import io
import json
import os
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.security import generate_password_hash
from werkzeug.test import stream_encode_multipart

from study import create_app
from study.extensions import db
from study.models import User
from tests.conftest import PASSWORD, BrowserLikeClient, make_user
from tests.security.routes import (
    NUMERIC,
    PART,
    WRITE_METHODS,
    learner_objects,
    routes,
)

EXAMPLES = int(os.environ.get("SHIPSHAPE_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
ROUTE_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
SKIP = {"static"}
TARGETS = [
    route
    for route in routes(ROUTE_APP, (*WRITE_METHODS, "GET"))
    if route.endpoint not in SKIP
]
GROUPS: dict[str, list] = {}
for _route in TARGETS:
    GROUPS.setdefault(_route.endpoint.split(".")[0], []).append(_route)
VISITOR_ROUTES = {"/login", "/register"}
EMAIL = "learner@example.com"

FORM_FIELDS = [
    "email", "password", "confirm", "display_name", "timezone", "current", "new",
    "desired_retention", "new_cards_per_day", "max_reviews_per_day", "card",
    "review_id", "duration_ms", "rating", "n", "answer", "go", "option", "says",
    "pack", "mode", "topics", "count", "feedback", "domc", "name", "topic", "note",
    "page", "per_page", "q", "reveal", "next", "backup", "topics-starter",
    "match-a", "kind", "role", "sort", "dir", "assignment", "hidden", "v",
]  # fmt: skip
ODD_TEXT = st.sampled_from(
    [
        "", " ", "\x00", "null", "NaN", "-1", "0", "1e309", "99999999999999999999",
        "-9223372036854775809", "1.5", "true", "[]", "{}", "../../etc/passwd",
        "starter", "starter:note:shell:ls", "practice", "exam", "drill", "each",
        "end", "next", "previous", "submit", "check", "yes", "no", "on", "UTC",
        "Europe/Berlin", "Not/AZone", PASSWORD, EMAIL, "x" * 5000, "é" * 300,
        "\ud7ff\ue000\U0010ffff", "\u202e\u200b", "<script>alert(1)</script>",
        "' OR 1=1 --", "%s%s%n", "{{7*7}}",
    ]
)  # fmt: skip
# Long strings are built, not drawn character by character (that is slow).
HUGE = st.tuples(
    st.sampled_from(["x", "é", "\x00", "<", "9", "\U0001f600"]),
    st.integers(1000, 200_000),
).map(lambda pair: pair[0] * pair[1])
text = st.text(max_size=40) | ODD_TEXT | HUGE
numbers = st.integers() | st.floats(allow_nan=True, allow_infinity=True)
scalars = st.none() | st.booleans() | numbers | text
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(FORM_FIELDS) | st.text(max_size=8), inner)
    ),
    max_leaves=20,
)
form_values = text | numbers.map(str) | st.lists(text, max_size=4)
form_data = st.dictionaries(
    st.sampled_from(FORM_FIELDS) | st.text(max_size=10), form_values, max_size=8
)


def _json_keys(client) -> list[str]:
    """Return every property and parameter name the OpenAPI document mentions."""
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key in ("properties",):
                names.update(node.get(key, {}))
            if node.get("in") == "query":
                names.add(node["name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    response = client.get("/api/v1/openapi.json")
    if response.status_code == 200:
        walk(response.get_json())
    return sorted(names) or FORM_FIELDS


KEYS = sorted(set(_json_keys(ROUTE_APP.test_client())) | set(FORM_FIELDS))


def path_values(route, known: dict[str, object]):
    """Return a strategy for concrete paths of a route: real ids or odd ones."""
    parts = {}
    converters = dict(route.arguments)
    for name, converter in converters.items():
        if converter in NUMERIC:
            choices = st.integers(0, 2**70)
        else:
            choices = text.filter(lambda t: "/" not in t and t not in (".", ".."))
            choices = choices.map(lambda t: quote(t, safe=""))
        if name in known:
            choices = st.just(str(known[name])) | choices
        elif name == "pack_id":
            choices = st.just("starter") | choices
        parts[name] = choices.map(str)

    def build(values: dict[str, str]) -> str:
        return PART.sub(lambda m: values[m.group(1)], route.rule)

    return st.fixed_dictionaries(parts).map(build)


def body_for(route, keys: list[str]):
    """Return a strategy for what a request to this route carries."""
    if route.method == "GET":
        query = st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), text)
        return query.map(lambda q: ("query", q))
    if route.is_api:
        known = st.dictionaries(st.sampled_from(keys), json_values, max_size=6)
        return st.one_of(
            (known | json_values).map(lambda j: ("json", j)),
            st.binary(max_size=300).map(lambda b: ("raw", b)),
            st.sampled_from(["{", '{"a": NaN}', "[1,", '"x"', "1e999"]).map(
                lambda r: ("raw", r.encode())
            ),
        )
    with_file = form_data.map(
        lambda d: {**d, "backup": (io.BytesIO(b'{"not": "a backup"}'), "b.json")}
    )
    return (form_data | with_file).map(lambda d: ("form", d))


def send(client: BrowserLikeClient, route, path: str, body):
    """Send one fuzzed request with the page's CSRF token."""
    kind, value = body
    if kind == "query":
        return client.client.get(path + "?" + urlencode(value), buffered=True)
    options = {"method": route.method, "headers": {"X-CSRFToken": client.token}}
    if kind == "json":
        options |= {"data": json.dumps(value), "content_type": "application/json"}
    elif kind == "raw":
        options |= {"data": value, "content_type": "application/json"}
    else:
        # Encoded in memory: the test client would spool big forms to a
        # temporary file that it never closes.
        fields = {"csrf_token": client.token, **value}
        stream, _length, boundary = stream_encode_multipart(fields, use_tempfile=False)
        options |= {
            "data": stream.getvalue(),
            "content_type": f"multipart/form-data; boundary={boundary}",
        }
    return client.client.open(path, buffered=True, **options)


def assert_handled(response, what: str) -> None:
    """A 4xx with a message, or a success: never a server error."""
    assert response.status_code < 500, what
    if response.status_code >= 400:
        if response.is_json:
            assert response.get_json()["error"]["message"], what
        else:
            assert "<h1>" in response.get_data(as_text=True), what


def log_in(app, client: BrowserLikeClient) -> None:
    """Log the learner in (again): a fuzzed request may have logged it out."""
    if client.client.get("/api/v1/settings").status_code == 200:
        return
    with app.app_context():  # or changed the password, however unlikely
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        user.password_hash = generate_password_hash(PASSWORD)
        db.session.commit()
        db.session.remove()
    client.refresh_token("/login")
    response = client.form("/login", {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    client.refresh_token("/")


@pytest.fixture
def fuzz_client(app, starter, monkeypatch):
    """A client logged in as a learner, with a CSRF token, and no login limit."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT", "100000 per minute")
    make_user(app, EMAIL)
    client = BrowserLikeClient(app.test_client())
    log_in(app, client)
    return client


def fuzz_route(client: BrowserLikeClient, route, known: dict) -> None:
    """Send hypothesis-made requests to one route; each must be handled."""

    @FUZZ
    @given(path=path_values(route, known), body=body_for(route, KEYS))
    def attempt(path, body):
        response = send(client, route, path, body)
        assert_handled(response, f"{route.method} {path} {str(body)[:300]}")

    attempt()


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_random_input_gets_an_answer_never_a_crash(app, fuzz_client, group):
    """Every route of one blueprint (one setup for all of them, to stay quick)."""
    known = learner_objects(app, EMAIL)
    visitor = BrowserLikeClient(app.test_client())
    visitor.refresh_token("/login")
    for route in GROUPS[group]:
        client = visitor if route.rule in VISITOR_ROUTES else fuzz_client
        fuzz_route(client, route, known)
        log_in(app, fuzz_client)
