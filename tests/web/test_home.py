"""The home page: a first-run welcome, then today's cards, the study streak and
one obvious next step."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from study.extensions import db
from study.models import User
from tests.conftest import at
from tests.progress_data import add_review

NOW = at(2026, 3, 10, 12, 0)
LS = "starter:note:shell:ls"


@pytest.fixture
def pinned(app):
    """Pin the clock the pages read."""
    app.config["FIXED_NOW"] = lambda: NOW
    yield
    app.config.pop("FIXED_NOW")


def seed(app, times, timezone="UTC"):
    """Give the learner a rating at each of these times, in this time zone."""
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="learner@example.com"))
        user.timezone = timezone
        for when in times:
            add_review(user, LS, when)
        db.session.commit()
        db.session.remove()


def home(client) -> str:
    return client.get("/").get_data(as_text=True)


def streak_line(page: str) -> str:
    found = re.search(r'<p class="streak[^"]*" id="streak"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no streak on the home page"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def test_a_new_learner_is_told_what_the_app_does_and_how_to_start(
    logged_in, starter, pinned
):
    page = home(logged_in)
    assert "Welcome, learner" in page and "flashcards" in page
    assert ">Start studying Starter deck</a>" in page
    assert 'id="first-quiz" href="/quiz?pack=starter">Take a practice quiz' in page
    assert 'id="streak"' not in page  # no streak talk before the first card


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [
        ([0, 1, 2], "3-day streak Come back tomorrow to make it 4."),
        ([1, 2, 3, 4, 5], "5-day streak Study today to keep it going."),
        ([2, 3], "Study today to start a streak."),
    ],
)
def test_a_returning_learner_sees_the_streak_and_one_next_step(
    app, logged_in, starter, pinned, days_ago, expected
):
    seed(app, [NOW - timedelta(days=n, hours=1) for n in days_ago])
    page = home(logged_in)
    assert "<h1>Today</h1>" in page
    assert streak_line(page) == expected
    assert page.count("button primary") == 1
    assert 'id="continue-studying" href="/study">Study now</a>' in page


def test_the_streak_counts_study_days_in_the_learners_time_zone(
    app, logged_in, starter, pinned
):
    seed(app, [at(2026, 3, 10, 10, 30), at(2026, 3, 9, 8, 0)])
    assert (
        streak_line(home(logged_in)) == "2-day streak Come back tomorrow to make it 3."
    )
    # 10:30 UTC is 03:30 in Los Angeles: still the previous study day there
    seed(app, [], timezone="America/Los_Angeles")
    assert streak_line(home(logged_in)) == "2-day streak Study today to keep it going."


def test_with_nothing_due_the_streak_stays_honest(app, logged_in, starter, pinned):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="learner@example.com"))
        user.new_cards_per_day = 0
        db.session.commit()
        db.session.remove()
    seed(app, [NOW - timedelta(days=1)])
    page = home(logged_in)
    assert "Nothing is due right now." in page
    assert streak_line(page) == "1-day streak up to yesterday"
    assert page.count("button primary") == 1 and ">Take a practice quiz</a>" in page


def statements_for_home(app, client) -> list[str]:
    with app.app_context():
        engine = db.engine
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def test_the_streak_costs_one_query_however_long_the_history(
    app, logged_in, starter, pinned
):
    first_run = statements_for_home(app, logged_in)
    seed(app, [NOW - timedelta(days=1)])
    few = statements_for_home(app, logged_in)
    seed(app, [NOW - timedelta(days=1 + n // 3, hours=n % 3) for n in range(300)])
    many = statements_for_home(app, logged_in)
    assert len(few) == len(many) <= len(first_run) + 1
    logs = [sql for sql in many if "FROM review_logs" in sql]
    assert all("GROUP BY" in sql or "count(" in sql or "LIMIT" in sql for sql in logs)
