"""Two app servers, one PostgreSQL and one Redis: no state lives in a worker,
so a learner can log in on one machine, review on another and undo on the
first, and the login rate limit counts across both."""

from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import UTC, datetime

import requests

from tests.conftest import zone_at_midday
from tests.servers import (
    PASSWORD,
    app_env,
    gunicorn,
    postgres_database,
    prepare,
    redis_server,
)

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
EMAIL = "traveller@example.com"
LIMIT = 4


def csrf_token(session: requests.Session, url: str) -> str:
    """Load a page and return the CSRF token in its meta tag."""
    page = session.get(url, timeout=10)
    found = CSRF_META.search(page.text)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def log_in(session: requests.Session, base: str, password: str) -> int:
    """Post the login form; return the status (302 when it worked)."""
    form = {"email": EMAIL, "password": password}
    form["csrf_token"] = csrf_token(session, f"{base}/login")
    response = session.post(
        f"{base}/login", data=form, allow_redirects=False, timeout=10
    )
    return response.status_code


def test_two_servers_share_sessions_reviews_undo_and_rate_limits():
    with ExitStack() as stack:
        database = stack.enter_context(postgres_database())
        redis_url = stack.enter_context(redis_server())
        prepare(database, [EMAIL])
        env = app_env(
            database, RATELIMIT_STORAGE_URI=redis_url, LOGIN_LIMIT=f"{LIMIT}/minute"
        )
        one = stack.enter_context(gunicorn(env, threads=2))
        two = stack.enter_context(gunicorn(env, threads=2))

        browser = requests.Session()
        assert log_in(browser, one, PASSWORD) == 302
        token = csrf_token(browser, f"{one}/")
        write = {"X-CSRFToken": token}
        # The learner lives where it is midday, so the card rated below stays
        # due today whenever the test runs (the servers' clock is the real one).
        zone = zone_at_midday(datetime.now(UTC))
        moved = browser.patch(
            f"{one}/api/v1/settings", json={"timezone": zone}, headers=write, timeout=10
        )
        assert moved.status_code == 200, moved.text

        shown = browser.get(f"{two}/api/v1/review/next", timeout=10).json()
        card = shown["card"]
        rated = browser.post(
            f"{two}/api/v1/review",
            json={"card_id": card["id"], "rating": 3, "review_id": card["review_id"]},
            headers=write,
            timeout=10,
        )
        assert rated.status_code == 200 and rated.json()["duplicate"] is False
        counts = browser.get(f"{one}/api/v1/review/next", timeout=10).json()["counts"]
        assert counts["learning"] == 1
        assert counts["new"] == shown["counts"]["new"] - 1

        undone = browser.post(f"{one}/api/v1/review/undo", headers=write, timeout=10)
        assert undone.json()["card_id"] == card["id"]
        again = browser.get(f"{two}/api/v1/review/next", timeout=10).json()
        assert again["counts"] == shown["counts"]
        assert again["card"]["id"] == card["id"]
        assert again["card"]["review_id"] != card["review_id"]
        retry = {
            "card_id": card["id"],
            "rating": 4,
            "review_id": again["card"]["review_id"],
        }
        first = browser.post(
            f"{one}/api/v1/review", json=retry, headers=write, timeout=10
        )
        second = browser.post(
            f"{two}/api/v1/review", json=retry, headers=write, timeout=10
        )
        assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
        assert first.json()["due"] == second.json()["due"]

        # One successful login so far; wrong passwords alternate between servers.
        strangers = [requests.Session() for _ in range(LIMIT)]
        statuses = [
            log_in(s, (two, one)[i % 2], "not the password")
            for i, s in enumerate(strangers)
        ]
        assert statuses == [400] * (LIMIT - 1) + [429]
