"""Browser fixtures: the real app served on 127.0.0.1, driven by Debian's chromium."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from study.extensions import db, limiter

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use Debian's chromium (Playwright cannot download browsers here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class BodyClosedBeforeSending:
    """Read each response whole and close it before the test server sends it.

    Werkzeug's development server closes a response body only after it has
    drained the socket; when the browser resets the connection first (it
    drops a favicon request on navigation), that read raises and the open
    static file is left to the garbage collector, which warns at a random
    later point. Bodies here are small, so holding them in memory is fine.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        body = self.app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()


@pytest.fixture(scope="session")
def live_server(app, starter_session):
    """Serve the app on a free loopback port for the whole run."""
    app.config["EXAM_SECONDS"] = 12  # a short mock exam so time-outs can be seen
    server = make_server("127.0.0.1", 0, BodyClosedBeforeSending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def starter_session(app):
    """Import the starter pack once for the browser run."""
    from study.packs.importer import import_packs
    from tests.conftest import STARTER

    with app.app_context():
        import_packs(db.session, STARTER)
        db.session.remove()


@pytest.fixture(autouse=True)
def clean_database(app):
    """Browser journeys keep their data (each uses its own account), but each
    starts with fresh rate limits: the run signs up more learners from
    127.0.0.1 than the per-minute sign-up and login limits allow."""
    limiter.reset()
    yield


def shot(page, name: str) -> Path:
    """Save a screenshot under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
