"""A database that goes away after a request's last statement (a restart at
the wrong moment) does not turn the finished request into a server error."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import text

from study.extensions import db
from study.factory import create_app
from study.models import User
from study.services.accounts import create_api_token
from tests.servers import pg_url_from_env

pytestmark = pytest.mark.skipif(
    not pg_url_from_env(), reason="runs with TEST_DATABASE_URL"
)
CONFIG_KEYS = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "CONTENT_DIR")


def end_backend(url, pid: int) -> None:
    """End a server process as a restart does, and wait until it is gone."""
    address = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(address, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(200):
            alive = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)
            ).fetchone()[0]
            if not alive:
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} did not end")


@pytest.fixture
def ending_app(app, starter, user):
    """A second app on the test database whose requests, when asked, lose
    their database connection after the handler has made its answer."""
    fresh = create_app({key: app.config[key] for key in CONFIG_KEYS})
    fresh.config["END_CONNECTION"] = False

    @fresh.after_request
    def end_connection(response):
        if fresh.config["END_CONNECTION"]:
            pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
            end_backend(db.engine.url, pid)
        return response

    with fresh.app_context():
        token = create_api_token(db.session, db.session.get(User, user), "script")
    yield fresh, {"Authorization": f"Bearer {token}"}
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def test_an_answer_made_before_the_database_went_away_still_goes_out(ending_app):
    fresh, headers = ending_app
    client = fresh.test_client()
    fresh.config["END_CONNECTION"] = True
    answered = client.get("/api/v1/review/next", headers=headers)
    assert answered.status_code == 200
    assert answered.get_json()["card"]["id"] == "starter:note:shell:ls"
    fresh.config["END_CONNECTION"] = False
    # The dead connection was dropped: the next request gets a live one.
    again = client.get("/api/v1/review/next", headers=headers)
    assert again.status_code == 200
    assert again.get_json() == answered.get_json()
