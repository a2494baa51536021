"""The review endpoints of the JSON API, with session cookies and bearer tokens."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from study.extensions import db
from study.models import ApiToken, Card, ReviewLog


def good_rating_of(card: dict) -> dict:
    """The POST /review body that rates a card from GET /review/next Good."""
    return {
        "card_id": card["id"],
        "rating": 3,
        "review_id": card["review_id"],
        "duration_ms": 900,
    }


def test_next_returns_a_card_with_its_review_id_and_counts(logged_in, starter):
    response = logged_in.get("/api/v1/review/next")
    assert response.status_code == 200
    body = response.get_json()
    card = body["card"]
    assert card["id"] == "starter:note:shell:ls"
    assert {"front_html", "back_html", "kind", "topic", "review_id"} <= set(card)
    assert set(card["intervals"]) == {"1", "2", "3", "4"}
    assert body["counts"] == {"new": 13, "learning": 0, "review": 0}


def test_submit_is_idempotent_by_review_id(app, logged_in, starter, midday):
    card = logged_in.get("/api/v1/review/next").get_json()["card"]
    payload = good_rating_of(card)
    first = logged_in.api("POST", "/api/v1/review", payload)
    second = logged_in.api("POST", "/api/v1/review", payload)
    assert first.status_code == second.status_code == 200
    assert first.get_json()["due"] == second.get_json()["due"]
    assert second.get_json()["duplicate"] is True
    assert first.get_json()["counts"]["learning"] == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1


def test_submit_needs_the_csrf_header_with_a_cookie(logged_in, starter):
    card = logged_in.get("/api/v1/review/next").get_json()["card"]
    response = logged_in.client.post(
        "/api/v1/review",
        json={"card_id": card["id"], "rating": 3, "review_id": card["review_id"]},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


def test_bad_input_gets_a_json_4xx(logged_in, starter):
    for payload in (
        None,
        [],
        {"card_id": "x"},
        {"card_id": "x", "rating": 3, "review_id": "abcdefgh"},
        {"rating": "good"},
    ):
        response = logged_in.api("POST", "/api/v1/review", payload)
        assert 400 <= response.status_code < 500
        assert "message" in response.get_json()["error"]


def submit(client, card_id: str, review_id: str, rating: int = 4):
    payload = {"card_id": card_id, "rating": rating, "review_id": review_id}
    return client.api("POST", "/api/v1/review", {**payload, "duration_ms": 1})


def test_not_due_is_a_409_that_says_when_the_card_is_due(app, logged_in, starter):
    card = logged_in.get("/api/v1/review/next").get_json()["card"]
    rated = submit(logged_in, card["id"], card["review_id"]).get_json()
    due = datetime.fromisoformat(rated["due"]).astimezone(UTC)
    response = submit(logged_in, card["id"], "a-fresh-review-id", rating=3)
    assert response.status_code == 409
    assert response.get_json() == {
        "error": {
            "code": "conflict",
            "message": f"This card is not due yet (next due {due:%Y-%m-%d %H:%M} UTC).",
        }
    }
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1


@pytest.mark.parametrize("retired", [False, True])
def test_rating_an_unknown_card_is_a_404(app, logged_in, starter, retired):
    key = "starter:note:shell:ls" if retired else "starter:note:shell:nothing"
    if retired:
        with app.app_context():
            db.session.scalars(select(Card).filter_by(key=key)).one().retired = True
            db.session.commit()
    response = submit(logged_in, key, "abcdefgh12")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": {"code": "not_found", "message": "There is no such card to rate."}
    }
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 0


def test_undo_returns_the_card(logged_in, starter):
    card = logged_in.get("/api/v1/review/next").get_json()["card"]
    logged_in.api(
        "POST",
        "/api/v1/review",
        {
            "card_id": card["id"],
            "rating": 4,
            "review_id": card["review_id"],
            "duration_ms": 1,
        },
    )
    undo = logged_in.api("POST", "/api/v1/review/undo", {}).get_json()
    assert undo == {
        "undone": True,
        "card_id": card["id"],
        "study_url": f"/study?card={card['id']}",
    }
    again = logged_in.get(f"/api/v1/review/next?card={card['id']}").get_json()
    assert again["card"]["id"] == card["id"]


def test_replaying_a_rating_that_was_undone_is_a_409(app, logged_in, starter):
    card = logged_in.get("/api/v1/review/next").get_json()["card"]
    payload = good_rating_of(card)
    assert logged_in.api("POST", "/api/v1/review", payload).status_code == 200
    assert logged_in.api("POST", "/api/v1/review/undo", {}).get_json()["undone"]
    replay = logged_in.api("POST", "/api/v1/review", payload)
    assert replay.status_code == 409
    assert "taken back with Undo" in replay.get_json()["error"]["message"]
    with app.app_context():
        counted = select(func.count()).where(ReviewLog.undone.is_(False))
        assert db.session.scalar(counted) == 0
    # Fetched again, the card comes with a new review id and rates as usual.
    again = logged_in.get("/api/v1/review/next").get_json()["card"]
    assert again["id"] == card["id"] and again["review_id"] != card["review_id"]
    fresh = {**payload, "review_id": again["review_id"]}
    assert (
        logged_in.api("POST", "/api/v1/review", fresh).get_json()["duplicate"] is False
    )


@pytest.mark.parametrize(
    "query", ["pack=nope", "pack=starter&topic=nope", "pack=starter&note=nope"]
)
def test_studying_a_pack_topic_or_note_that_does_not_exist_is_a_404(
    logged_in, starter, query
):
    response = logged_in.get(f"/api/v1/review/next?{query}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert logged_in.get(f"/study?{query}").status_code == 404


def test_nothing_due_is_a_204(logged_in):
    assert logged_in.get("/api/v1/review/next").status_code == 204


def test_anonymous_requests_get_401(client, starter):
    response = client.get("/api/v1/review/next")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_bearer_tokens_work_and_only_a_hash_is_stored(app, user, starter):
    from study.models import User
    from study.services.accounts import create_api_token

    with app.app_context():
        token = create_api_token(db.session, db.session.get(User, user), "script")
        stored = db.session.scalars(select(ApiToken)).one()
        assert token not in stored.token_hash
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    card = client.get("/api/v1/review/next", headers=headers).get_json()["card"]
    response = client.post(
        "/api/v1/review",
        json={"card_id": card["id"], "rating": 3, "review_id": card["review_id"]},
        headers=headers,
    )
    assert response.status_code == 200  # no CSRF needed with a bearer token
    assert "Set-Cookie" not in response.headers
    wrong = client.get("/api/v1/review/next", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_a_rating_reply_counts_from_the_ratings_own_tally_update(
    app, user, starter, midday
):
    from sqlalchemy import event

    from study.models import User
    from study.services.accounts import create_api_token

    with app.app_context():
        token = create_api_token(db.session, db.session.get(User, user), "script")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    statements = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement.split()[0].upper())

    for rating in (1, 3, 1, 4):
        card = client.get("/api/v1/review/next", headers=headers).get_json()["card"]
        payload = {
            "card_id": card["id"],
            "rating": rating,
            "review_id": card["review_id"],
            "duration_ms": 900,
        }
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", note)
        statements.clear()
        reply = client.post("/api/v1/review", json=payload, headers=headers)
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", note)
        assert reply.status_code == 200
        # The figures a fresh read gives, without reading them again after the
        # commit: token, scope, lock, card, log, state, and the tally's update.
        fresh = client.get("/api/v1/review/next", headers=headers).get_json()
        assert reply.get_json()["counts"] == fresh["counts"]
        assert statements.count("SELECT") == 3 and len(statements) == 7, statements


def test_a_rating_asked_with_next_brings_the_card_a_fresh_read_shows(
    logged_in, starter, midday
):
    card = logged_in.get("/api/v1/review/next").get_json()["card"]
    for rating in (1, 3, 4, 2, 4):
        reply = logged_in.api(
            "POST",
            "/api/v1/review",
            {**good_rating_of(card), "rating": rating, "next": True},
        )
        assert reply.status_code == 200
        body = reply.get_json()
        fresh = logged_in.get("/api/v1/review/next").get_json()
        assert body["next_card"] == fresh["card"]
        assert body["counts"] == fresh["counts"]
        card = body["next_card"]
    # Sent again, the same rating is acknowledged and brings the same card.
    again = logged_in.api(
        "POST", "/api/v1/review", {**good_rating_of(card), "next": True}
    )
    repeat = logged_in.api(
        "POST", "/api/v1/review", {**good_rating_of(card), "next": True}
    )
    assert repeat.get_json()["duplicate"] is True
    assert repeat.get_json()["next_card"] == again.get_json()["next_card"]


def test_without_next_the_reply_has_no_card_and_next_must_be_a_boolean(
    logged_in, starter
):
    card = logged_in.get("/api/v1/review/next").get_json()["card"]
    refused = logged_in.api(
        "POST", "/api/v1/review", {**good_rating_of(card), "next": "yes"}
    )
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == "next must be true or false"
    plain = logged_in.api("POST", "/api/v1/review", good_rating_of(card))
    assert plain.status_code == 200
    assert "next_card" not in plain.get_json()


def test_the_last_rating_of_the_day_brings_no_next_card(logged_in, starter, midday):
    card = logged_in.get("/api/v1/review/next").get_json()["card"]
    while True:
        reply = logged_in.api(
            "POST",
            "/api/v1/review",
            {**good_rating_of(card), "rating": 4, "next": True},
        ).get_json()
        if reply["next_card"] is None:
            break
        card = reply["next_card"]
    assert reply["counts"] == {"new": 0, "learning": 0, "review": 0}
    assert logged_in.get("/api/v1/review/next").status_code == 204


def test_next_follows_the_scope_asked_for(logged_in, starter):
    url = "/api/v1/review/next?pack=starter&topic=extras"
    card = logged_in.get(url).get_json()["card"]
    reply = logged_in.api(
        "POST",
        "/api/v1/review?pack=starter&topic=extras",
        {**good_rating_of(card), "next": True},
    ).get_json()
    assert reply["next_card"]["topic"] == "extras"
    assert reply["next_card"] == logged_in.get(url).get_json()["card"]
