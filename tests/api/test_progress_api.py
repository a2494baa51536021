"""GET /api/v1/progress: the dashboard's figures as JSON, only the learner's own."""

from datetime import timedelta

import jsonschema_rs

from study.api.openapi import document_for
from study.extensions import db
from study.models import User
from study.services import progress
from tests.conftest import at, make_user
from tests.progress_data import add_attempt, add_review, set_state

LS = "starter:note:shell:ls"
FIGURES = {
    "reviews_today",
    "due_now",
    "new_left_today",
    "streak_days",
    "retention_7d",
    "retention_30d",
    "cards_by_state",
    "topics",
    "quiz_scores",
}


def rate(client, rating=3):
    card = client.get("/api/v1/review/next").get_json()["card"]
    payload = {"card_id": card["id"], "rating": rating, "review_id": card["review_id"]}
    assert client.api("POST", "/api/v1/review", payload).status_code == 200


def test_progress_needs_credentials(client):
    response = client.get("/api/v1/progress")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_progress_returns_the_figures_and_they_change(logged_in, starter, midday):
    before = logged_in.get("/api/v1/progress").get_json()
    assert FIGURES <= set(before)
    assert before["reviews_today"] == 0 and before["new_left_today"] == 13
    assert before["cards_by_state"] == {
        "new": 13,
        "learning": 0,
        "young": 0,
        "mature": 0,
    }
    assert [t["id"] for t in before["topics"]] == ["basics", "extras"]
    assert set(before["topics"][0]) >= {"id", "title", "mastery", "recall"}
    rate(logged_in)
    rate(logged_in)
    after = logged_in.get("/api/v1/progress").get_json()
    assert (after["reviews_today"], after["due_now"]) == (2, 2)
    assert after["streak_days"] == 1 and after["new_left_today"] == 11
    assert after["reviews_per_day"][-1] == {"day": after["today"], "reviews": 2}
    assert after["topics"][0]["studied"] == 2
    assert after["topics"][0]["recall"] == 1.0


def test_progress_matches_the_service(app, logged_in, starter):
    now = at(2026, 3, 10, 12, 0)
    app.config["FIXED_NOW"] = lambda: now
    try:
        with app.app_context():
            user = db.session.scalar(db.select(User))
            for days in range(3):
                add_review(user, LS, now - timedelta(days=days), rating=1 + days)
            set_state(user, LS, stability=30, interval_days=30, last_review=now)
            add_attempt(user, "exam", now, {"basics": 70.0})
            db.session.commit()
            board = progress.dashboard(db.session, user, now)
            db.session.remove()
        body = logged_in.get("/api/v1/progress").get_json()
    finally:
        app.config.pop("FIXED_NOW")
    assert body["streak_days"] == board.streak_days == 3
    assert body["retention_7d"] == round(board.retention_7d, 4) == 0.6667
    assert body["cards_by_state"]["mature"] == 1
    basics = body["topics"][0]
    assert basics["mastery"] == round(1 / 7, 4) and basics["latest_exam"] == 70.0
    assert body["quiz_scores"][0]["mode"] == "exam"
    assert len(body["forecast"]) == 30
    # The calendar's year: the three study days, oldest first, one review each.
    assert body["calendar"] == [
        {"day": (board.today - timedelta(days=d)).isoformat(), "reviews": 1}
        for d in (2, 1, 0)
    ]
    assert_matches_schema(app, "Progress", body)


def assert_matches_schema(app, name: str, body: dict) -> None:
    """Check a response against the OpenAPI document's schema (no extra fields)."""
    document = {**document_for(app), "$ref": f"#/components/schemas/{name}"}
    validator = jsonschema_rs.Draft202012Validator(document)
    problems = [error.message for error in validator.iter_errors(body)]
    assert not problems, problems


def test_progress_by_pack_and_an_unknown_pack(logged_in, starter):
    assert logged_in.get("/api/v1/progress?pack=starter").status_code == 200
    missing = logged_in.get("/api/v1/progress?pack=nothing")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_a_bearer_token_sees_only_its_own_learner(app, client, starter):
    mine = make_user(app, "mine@example.com")
    other = make_user(app, "theirs@example.com")
    with app.app_context():
        from study.services.accounts import create_api_token

        user = db.session.get(User, other)
        for days in range(4):
            add_review(user, LS, at(2026, 3, 10, 12) - timedelta(days=days))
        db.session.commit()
        token = create_api_token(db.session, db.session.get(User, mine), "test")
        db.session.remove()
    body = client.get(
        "/api/v1/progress", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert body["reviews_today"] == 0 and body["streak_days"] == 0
    assert body["retention_30d"] is None
    assert all(day["reviews"] == 0 for day in body["reviews_per_day"])
