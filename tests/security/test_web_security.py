"""Web security, checked from the outside: cookies, headers, CSRF on every write,
login throttling, password rules, sessions after a password change, redirects.

Routes come from the app's URL map, so new pages and endpoints are covered
without editing this file. (Teams do not exist yet; their routes will be picked
up here when they do.)
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import quote, urljoin, urlsplit

import pytest
from sqlalchemy import select

from study import create_app
from study.config import load_config
from study.extensions import db
from study.models import Base, User
from study.services import accounts
from tests.conftest import PASSWORD, BrowserLikeClient, make_user
from tests.security.routes import (
    WRITE_METHODS,
    learner_objects,
    routes,
    url_for_route,
)

EMAIL = "learner@example.com"
# Route discovery only: an app on an in-memory database that is never queried.
ROUTE_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
WRITES = routes(ROUTE_APP, WRITE_METHODS)
PAGES = routes(ROUTE_APP, ("GET",))
# Flask-WTF's words for a missing, wrong or expired token (and the API's).
CSRF_REFUSAL = re.compile(
    r"The CSRF (session )?token (is|has)|referrer does not match|form expired"
)
TOKEN_VALUES = re.compile(r'(content|value)="[\w.-]{40,}"')


def login(client: BrowserLikeClient, email: str = EMAIL, password: str = PASSWORD):
    """Log in through the form, as a browser would."""
    client.token = None
    client.refresh_token("/login")
    response = client.form("/login", {"email": email, "password": password})
    client.token = None
    return response


def fingerprint(app) -> str:
    """Return a digest of every row of every table."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            for row in db.session.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
        db.session.remove()
    return digest.hexdigest()


def cookie_header(response, name: str = "session") -> str:
    """Return the Set-Cookie header that sets `name`."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie set")


def flags(header: str) -> set[str]:
    """Return a Set-Cookie header's attributes, lower-cased."""
    return {part.strip().lower() for part in header.split(";")[1:]}


# --- cookies ---------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite_lax(client, user):
    response = login(client)
    assert response.status_code == 302
    attributes = flags(cookie_header(response))
    assert {"httponly", "samesite=lax", "path=/"} <= attributes
    assert "secure" not in attributes  # plain http on a laptop: no Secure flag


def test_session_cookie_is_secure_when_configured(app, client, user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    attributes = flags(cookie_header(login(client)))
    assert {"secure", "httponly", "samesite=lax"} <= attributes


def test_session_cookie_is_secure_over_https(app, user):
    client = BrowserLikeClient(app.test_client())
    token = client.refresh_token("https://localhost/login")
    response = client.client.post(
        "https://localhost/login",
        data={"csrf_token": token, "email": EMAIL, "password": PASSWORD},
        headers={"Referer": "https://localhost/login"},  # HTTPS: checked too
    )
    assert response.status_code == 302
    assert {"secure", "httponly", "samesite=lax"} <= flags(cookie_header(response))
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def _proxied_app(app, hops: int):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "LOGIN_LIMIT": "3 per minute",
            "TRUSTED_PROXIES": hops,
        }
    )


def test_behind_a_trusted_proxy_https_and_addresses_are_believed(app, user):
    proxied = _proxied_app(app, hops=1)
    client = BrowserLikeClient(proxied.test_client())
    client.client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    assert "secure" in flags(cookie_header(login(client)))
    # Each forwarded address gets its own per-address login budget.
    for number in range(5):
        client = BrowserLikeClient(proxied.test_client())
        client.client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{number}"
        assert login(client, f"nobody{number}@example.com").status_code == 400
    with proxied.app_context():
        db.engine.dispose()


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app, user):
    unproxied = _proxied_app(app, hops=0)
    client = BrowserLikeClient(unproxied.test_client())
    client.client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    assert "secure" not in flags(cookie_header(login(client)))
    statuses = []
    for number in range(5):  # a made-up X-Forwarded-For does not reset the limit
        client = BrowserLikeClient(unproxied.test_client())
        client.client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{number}"
        statuses.append(login(client, f"nobody{number}@example.com").status_code)
    assert statuses[-1] == 429
    with unproxied.app_context():
        db.engine.dispose()


# --- hosts and invite links ------------------------------------------------

FORGED = {"Host": "evil.example"}
INVITE_LINK = re.compile(r'id="new-invite-link"[^>]*value="([^"]+)"')


@pytest.fixture
def team_manager(app, user):
    """A team of the learner's, and a client logged in as its manager."""
    from study.services import teams
    from tests.team_helpers import log_in

    with app.app_context():
        learner = db.session.get(User, user)
        team_id = teams.create_team(db.session, learner, "Crew", datetime.now(UTC)).id
        db.session.remove()
    client = BrowserLikeClient(app.test_client())
    log_in(client, app, user)
    client.refresh_token(f"/teams/{team_id}")
    return client, team_id


def _invite_links(client, team_id: int, headers: dict) -> tuple[str, str]:
    """Return the invite links the page and the API make for a request."""
    if "Host" in headers:  # the test client sends a cookie to its own host only
        cookie = client.client.get_cookie("session")
        client.client.set_cookie("session", cookie.value, domain=headers["Host"])
    made = client.form(f"/teams/{team_id}/invites", {"kind": "link"}, headers=headers)
    assert made.status_code == 302  # the team page then shows the new link once
    page = client.client.get(made.headers["Location"].split("#")[0], headers=headers)
    api = client.client.post(
        f"/api/v1/teams/{team_id}/invites",
        json={},
        headers={**headers, "X-CSRFToken": client.token},
    )
    assert api.status_code == 201
    return INVITE_LINK.search(page.get_data(as_text=True)).group(1), api.json["url"]


def test_invite_links_ignore_a_forged_host_when_the_public_url_is_set(
    app, team_manager, monkeypatch
):
    client, team_id = team_manager
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://study.example.com")
    for headers in (FORGED, {"X-Forwarded-Host": "evil.example"}, {}):
        for link in _invite_links(client, team_id, headers):
            assert link.startswith("https://study.example.com/teams/join/"), link
            assert "evil" not in link


def test_without_a_public_url_invite_links_follow_the_host_header(app, team_manager):
    """The documented risk of leaving PUBLIC_URL unset (docs/security.md)."""
    client, team_id = team_manager
    page, api = _invite_links(client, team_id, FORGED)
    assert page.startswith("http://evil.example/teams/join/")
    assert api.startswith("http://evil.example/teams/join/")


def test_trusted_hosts_refuse_a_forged_host(app, user):
    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TRUSTED_HOSTS": ["study.example.com"],
        }
    )
    client = strict.test_client()
    page = client.get("/login", headers=FORGED)
    assert page.status_code == 400 and page.mimetype == "text/plain"
    assert "Content-Security-Policy" in page.headers
    api = client.get("/api/v1/settings", headers=FORGED)
    assert api.status_code == 400 and api.json["error"]["code"] == "bad_request"
    trusted = {"Host": "study.example.com"}
    assert client.get("/login", headers=trusted).status_code == 200
    with strict.app_context():
        db.engine.dispose()


def test_deployment_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("PUBLIC_URL", "https://study.example.com/")
    monkeypatch.setenv("TRUSTED_HOSTS", "study.example.com, 127.0.0.1")
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    settings = load_config(tmp_path)
    assert settings["PUBLIC_URL"] == "https://study.example.com"
    assert settings["TRUSTED_HOSTS"] == ["study.example.com", "127.0.0.1"]
    assert settings["TRUSTED_PROXIES"] == 2
    for name in ("PUBLIC_URL", "TRUSTED_HOSTS", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name)
    settings = load_config(tmp_path)
    assert settings["PUBLIC_URL"] is settings["TRUSTED_HOSTS"] is None
    assert settings["TRUSTED_PROXIES"] == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PUBLIC_URL", "study.example.com"),
        ("PUBLIC_URL", "javascript:alert(1)"),
        ("PUBLIC_URL", "https://study.example.com/app"),
        ("PUBLIC_URL", "https://user@study.example.com"),
        ("PUBLIC_URL", "https://study.example.com:port"),
        ("TRUSTED_PROXIES", "one"),
        ("TRUSTED_PROXIES", "-1"),
    ],
)
def test_a_wrong_deployment_setting_stops_the_app(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        load_config(tmp_path)


# --- headers ---------------------------------------------------------------


def _csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in header.split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def assert_security_headers(response, what: str) -> None:
    """Check the headers every response must carry."""
    headers = response.headers
    policy = _csp(headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts, f"{what}: no script policy"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, what
    assert "*" not in scripts and "data:" not in scripts, what
    assert policy.get("frame-ancestors") == ["'none'"], what
    assert policy.get("object-src") == ["'none'"], what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ), what
    assert "Access-Control-Allow-Origin" not in headers, what


def test_every_page_sends_the_security_headers(app, logged_in, starter):
    values = learner_objects(app, EMAIL)
    anonymous = app.test_client()
    for route in PAGES:
        path = url_for_route(route, values)
        for who, client in (("learner", logged_in), ("visitor", anonymous)):
            response = client.get(path, buffered=True)
            assert response.status_code < 500, (who, path)
            assert_security_headers(response, f"{who} GET {path}")


def test_no_page_or_api_answer_is_kept_by_the_browser(app, logged_in, starter):
    """Back after rating must fetch the study page again, not show a card
    already rated; no learner's page stays in a shared browser's cache."""
    values = learner_objects(app, EMAIL)
    paths = [url_for_route(route, values) for route in PAGES]
    pages = [path for path in paths if not path.startswith("/static/")]
    assert len(pages) > 20
    for path in [*pages, "/api/v1/review/next", "/api/v1/progress"]:
        response = logged_in.get(path, buffered=True)
        assert response.status_code < 500, path
        assert response.headers.get("Cache-Control") == "no-store", path


def test_no_page_repeats_an_element_id(app, logged_in, starter):
    """Labels, skip links and scripts find elements by id: each id once."""
    values = learner_objects(app, EMAIL)
    pages = [url_for_route(route, values) for route in PAGES]
    repeated = {}
    for path in [path for path in pages if not path.startswith("/static/")]:
        response = logged_in.get(path, buffered=True)
        if response.mimetype != "text/html":
            continue
        ids = re.findall(r'\sid="([^"]+)"', response.get_data(as_text=True))
        twice = sorted({name for name in ids if ids.count(name) > 1})
        if twice:
            repeated[path] = twice
    assert repeated == {}


@pytest.mark.parametrize(
    "path", ["/no-such-page", "/notes/nope", "/api/v1/nope", "/static/nope.js"]
)
def test_error_responses_send_the_security_headers(client, path):
    response = client.get(path, buffered=True)
    assert response.status_code == 404
    assert_security_headers(response, path)


def test_a_wrong_method_still_sends_the_headers(client):
    response = client.client.delete("/login")
    assert response.status_code == 405
    assert_security_headers(response, "DELETE /login")


# --- CSRF ------------------------------------------------------------------


def test_every_state_changing_route_is_listed():
    found = {str(route) for route in WRITES}
    assert {"POST /login", "POST /logout", "POST /api/v1/review"} <= found
    assert len(found) >= 15


@pytest.mark.parametrize("route", WRITES, ids=str)
def test_writes_without_a_csrf_token_are_refused(app, logged_in, starter, route):
    values = learner_objects(app, EMAIL)
    path = url_for_route(route, values)
    before = fingerprint(app)
    session = logged_in.client
    attempts = {
        "no token": session.open(path, method=route.method, data={"x": "1"}),
        "wrong token": session.open(
            path,
            method=route.method,
            data={"csrf_token": "forged"},
            headers={"X-CSRFToken": "forged"},
        ),
        "json, no header": session.open(path, method=route.method, json={"x": 1}),
    }
    for how, response in attempts.items():
        assert response.status_code == 400, (how, response.status_code)
        body = response.get_data(as_text=True)
        assert CSRF_REFUSAL.search(body), (how, body[:300])
    assert fingerprint(app) == before, "a refused request changed the database"
    # The same request with the page's token gets past the check: the route
    # was really reached, so the refusal above was the CSRF check's doing.
    token = logged_in.refresh_token("/")
    with_token = session.open(
        path,
        method=route.method,
        data={"csrf_token": token},
        headers={"X-CSRFToken": token},
    )
    refused = _visible_text(attempts["no token"])
    assert (with_token.status_code, _visible_text(with_token)) != (400, refused)


def test_api_tokens_need_no_csrf_and_cookies_cannot_borrow_them(app, user, starter):
    with app.app_context():
        owner = db.session.get(User, user)
        token = accounts.create_api_token(db.session, owner, "cli")
        db.session.remove()
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    response = client.patch(
        "/api/v1/settings", json={"new_cards_per_day": 7}, headers=bearer
    )
    assert response.status_code == 200
    forged = client.patch(
        "/api/v1/settings",
        json={"new_cards_per_day": 8},
        headers={"Authorization": "Bearer ss_not-a-real-token"},
    )
    assert forged.status_code == 401


# --- login throttling ------------------------------------------------------


def _attempt_from(app, address: str, email: str, password: str = "wrong wrong wrong"):
    client = BrowserLikeClient(app.test_client())
    client.client.environ_base["REMOTE_ADDR"] = address
    return login(client, email, password)


def test_login_is_throttled_per_account_across_addresses(app, user):
    statuses = [
        _attempt_from(app, f"203.0.113.{n}", EMAIL).status_code for n in range(12)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]
    # Even the right password waits: the account's budget is spent.
    assert _attempt_from(app, "203.0.113.99", EMAIL, PASSWORD).status_code == 429
    # Another account from a fresh address is not affected.
    make_user(app, "other@example.com")
    assert (
        _attempt_from(app, "203.0.113.100", "other@example.com", PASSWORD).status_code
        == 302
    )


def test_login_is_throttled_per_address_across_accounts(app, user):
    statuses = [
        _attempt_from(app, "203.0.113.7", f"guess{n}@example.com").status_code
        for n in range(11)
    ]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    assert _attempt_from(app, "203.0.113.8", EMAIL, PASSWORD).status_code == 302


def _visible_text(response) -> str:
    body = response.get_data(as_text=True)
    return TOKEN_VALUES.sub("", body[max(body.find('<main id="main">'), 0) :])


def test_throttled_and_failed_logins_look_the_same_for_known_and_unknown_emails(
    app, user
):
    known = _attempt_from(app, "203.0.113.20", EMAIL)
    unknown = _attempt_from(app, "203.0.113.21", "nobody@example.com")
    assert known.status_code == unknown.status_code == 400
    assert accounts_message() in _visible_text(known)
    assert _visible_text(known) == _visible_text(unknown).replace(
        "nobody@example.com", EMAIL
    )
    for n in range(10):
        _attempt_from(app, f"203.0.113.{30 + n}", EMAIL)
        _attempt_from(app, f"203.0.113.{30 + n}", "nobody@example.com")
    known = _attempt_from(app, "203.0.113.50", EMAIL)
    unknown = _attempt_from(app, "203.0.113.51", "nobody@example.com")
    assert known.status_code == unknown.status_code == 429
    assert _visible_text(known) == _visible_text(unknown)
    assert "Wait a minute" in _visible_text(known)


def accounts_message() -> str:
    """Return the one message every failed login shows."""
    from study.web.auth import LOGIN_FAILED

    return LOGIN_FAILED


# --- passwords -------------------------------------------------------------


def test_passwords_need_ten_characters():
    assert accounts.password_problem("nine char") is not None
    assert accounts.password_problem("ten chars!") is None
    assert accounts.password_problem("x" * 201) is not None


def test_common_passwords_are_refused_in_any_case():
    listed = sorted(p for p in accounts.COMMON_PASSWORDS if len(p) >= 10)
    assert len(listed) >= 1000
    for password in listed[:: max(len(listed) // 50, 1)]:
        for variant in (password, password.upper(), password.capitalize()):
            assert "too common" in (accounts.password_problem(variant) or ""), variant


@pytest.mark.parametrize("password", ["qwertyuiop", "password123", "1234567890"])
def test_register_and_password_change_refuse_common_passwords(app, logged_in, password):
    logged_in.refresh_token("/settings")
    response = logged_in.form(
        "/settings/password",
        {"current": PASSWORD, "new": password, "confirm": password},
    )
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)
    fresh = BrowserLikeClient(app.test_client())
    fresh.refresh_token("/register")
    response = fresh.form(
        "/register",
        {"email": "x@example.com", "password": password, "confirm": password},
    )
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)


# --- sessions --------------------------------------------------------------


def test_a_password_change_ends_every_other_session(app, user):
    first = BrowserLikeClient(app.test_client())
    login(first)
    stolen = first.client.get_cookie("session").value  # e.g. copied from a laptop
    second = BrowserLikeClient(app.test_client())
    login(second)
    second.refresh_token("/settings")
    new = "a completely new passphrase"
    response = second.form(
        "/settings/password", {"current": PASSWORD, "new": new, "confirm": new}
    )
    assert response.status_code == 302
    assert second.get("/settings").status_code == 200  # the changer stays in
    assert first.get("/settings").status_code == 302  # the other session is out
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/settings").status_code == 302
    assert replay.get("/api/v1/settings").status_code == 401


def test_logging_out_ends_every_copy_of_the_session(app, user):
    owner = BrowserLikeClient(app.test_client())
    login(owner)
    stolen = owner.client.get_cookie("session").value  # copied before logging out
    elsewhere = BrowserLikeClient(app.test_client())
    login(elsewhere)
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/settings").status_code == 200  # the copy works until then
    owner.refresh_token("/settings")
    assert owner.form("/logout").headers["Location"] == "/login"
    for client in (replay, elsewhere.client):  # "Log out" means everywhere
        response = client.get("/settings")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
        assert client.get("/api/v1/settings").status_code == 401
    login(owner)  # logging in again works, with a new cookie
    assert owner.get("/settings").status_code == 200


# --- redirects -------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example/",
    "http:evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=1",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/\u3000/evil.example",
    "https:/evil.example",
    "/.evil.example",
]


def _stays_here(location: str) -> bool:
    resolved = urlsplit(urljoin("http://localhost/login", location))
    return resolved.scheme == "http" and resolved.netloc == "localhost"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_site(client, user, target):
    client.refresh_token("/login")
    response = client.form(
        f"/login?next={quote(target, safe='')}",
        {"email": EMAIL, "password": PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert _stays_here(location), location
    assert "\n" not in location and "\r" not in location
    # Already logged in: GET /login?next= redirects the same careful way.
    again = client.get(f"/login?next={quote(target, safe='')}")
    assert again.status_code == 302 and _stays_here(again.headers["Location"])


def test_login_keeps_a_local_next(client, user):
    client.refresh_token("/login")
    response = client.form(
        "/login?next=/quiz%3Fpack%3Dstarter", {"email": EMAIL, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/quiz?pack=starter"


def test_no_page_redirects_off_site(app, logged_in, starter):
    values = learner_objects(app, EMAIL)
    anonymous = app.test_client()
    for route in PAGES:
        path = url_for_route(route, values)
        for name in ("next", "return_to", "redirect", "url"):
            for client in (logged_in, anonymous):
                response = client.get(f"{path}?{name}=//evil.example/", buffered=True)
                if 300 <= response.status_code < 400:
                    assert _stays_here(response.headers["Location"]), (path, name)


@pytest.mark.parametrize(
    "where",
    ["form", "query", "raw query", "repeated name", "name", "multipart form", "path"],
)
def test_nul_characters_are_refused_wherever_they_come(app, logged_in, where):
    logged_in.refresh_token("/settings")
    before = logged_in.get("/settings").get_data(as_text=True)
    fields = {
        "display_name": "Kim\x00",
        "desired_retention": "0.85",
        "new_cards_per_day": "5",
        "max_reviews_per_day": "100",
        "timezone": "UTC",
    }
    if where == "form":
        response = logged_in.form("/settings", fields)
    elif where == "multipart form":
        response = logged_in.form(
            "/settings", fields, content_type="multipart/form-data"
        )
    elif where == "query":
        response = logged_in.get("/settings?tab=a%00b")
    elif where == "repeated name":
        response = logged_in.get("/settings?tab=a&tab=b%00c")
    elif where == "name":
        response = logged_in.get("/settings?t%00b=a")
    elif where == "raw query":
        response = logged_in.get(
            "/settings", environ_overrides={"QUERY_STRING": "tab=a\x00b"}
        )
    else:
        response = logged_in.get("/notes/a%00b")
    assert response.status_code == 400
    assert "NUL characters" in response.get_data(as_text=True)
    assert logged_in.get("/settings").get_data(as_text=True).count(
        "Kim"
    ) == before.count("Kim")


def test_an_escaped_percent_zero_zero_is_plain_text(logged_in):
    """%2500 is the text "%00", not a NUL character: a search may ask for it."""
    response = logged_in.get("/search?q=%2500")
    assert response.status_code == 200
    assert "NUL characters" not in response.get_data(as_text=True)


def test_rate_limits_sit_only_where_the_limiter_looks(app):
    """The limiter lets requests outside the account pages past before it
    resolves any limit (study/web/auth.py): a limit declared on another
    page would never be checked, so none may be."""
    limited = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "__wrapper-limiter-instance", None) is not None
    }
    assert limited == {"auth.login", "auth.register"}
