"""Shared fixtures: one real database per run (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), emptied after every test; a client that carries
CSRF tokens like a browser; small factories for users and reviews."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from study import create_app
from study.extensions import db, limiter
from study.models import Base

FIXTURES = Path(__file__).parent / "fixtures"
STARTER = FIXTURES / "content" / "starter"
PASSWORD = "correct horse battery"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def database_url(tmp_path_factory) -> str:
    """Return the test database: PostgreSQL if configured, else a SQLite file."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """Create the app once per run on a freshly migrated database."""
    url = database_url(tmp_path_factory)
    os.environ["DATABASE_URL"] = url
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "CONTENT_DIR": str(STARTER),
            "LOGIN_LIMIT": "10 per minute",
        }
    )
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_database(request):
    """Empty every table after each test that used the database."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT 1"))
        limiter.reset()


@pytest.fixture
def ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def starter(app):
    """Import the small starter pack the study tests use."""
    from study.packs.importer import import_packs

    with app.app_context():
        import_packs(db.session, STARTER)
        db.session.remove()
    return "starter"


class BrowserLikeClient:
    """Wrap Flask's test client to send the page's CSRF token like a browser."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def __getattr__(self, name):
        return getattr(self.client, name)

    def refresh_token(self, path: str = "/") -> str:
        """Load a page and remember the CSRF token in its meta tag."""
        page = self.client.get(path)
        found = CSRF_META.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {path}"
        self.token = found.group(1)
        return self.token

    def form(self, path: str, data: dict | None = None, **kwargs):
        """Post a form with the CSRF token included."""
        token = self.token or self.refresh_token()
        return self.client.post(
            path, data={"csrf_token": token, **(data or {})}, **kwargs
        )

    def api(self, method: str, path: str, json=None):
        """Call the JSON API with the session cookie and the CSRF header."""
        token = self.token or self.refresh_token()
        return self.client.open(
            path, method=method, json=json, headers={"X-CSRFToken": token}
        )


@pytest.fixture
def client(app):
    """A test client that behaves like a browser with CSRF tokens."""
    return BrowserLikeClient(app.test_client())


def make_user(app, email: str = "learner@example.com", **kwargs):
    """Create a user directly through the accounts service."""
    from study.services.accounts import create_user

    with app.app_context():
        user = create_user(db.session, email, PASSWORD, **kwargs)
        user_id = user.id
        db.session.remove()
    return user_id


@pytest.fixture
def user(app):
    """A learner account."""
    return make_user(app)


@pytest.fixture
def logged_in(client, user):
    """The client, logged in as the learner."""
    client.refresh_token("/login")
    response = client.form(
        "/login", {"email": "learner@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    client.token = None
    return client


def at(*args) -> datetime:
    """Return an aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def midday(app):
    """Run the app's clock at noon UTC of today, moving on in real time.

    A test that rates cards and then counts what is due today needs the
    learner's day to go on for more than the cards' first intervals (up to
    10 minutes); on the real clock it would fail when run in the minutes
    before the study day ends at 4 a.m.
    """
    started = datetime.now(UTC)
    noon = started.replace(hour=12, minute=0, second=0, microsecond=0)
    app.config["FIXED_NOW"] = lambda: noon + (datetime.now(UTC) - started)
    yield noon
    app.config.pop("FIXED_NOW", None)


def zone_at_midday(now: datetime) -> str:
    """Return a fixed-offset time zone in which it is about noon at `now`, for
    learners on app servers whose clock a test cannot pin."""
    offset = (12 - now.hour) % 24
    if offset > 12:
        offset -= 24
    # The Etc/GMT names count the other way: Etc/GMT-5 is five hours ahead.
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"
