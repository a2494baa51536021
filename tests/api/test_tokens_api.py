"""The token endpoints: a learner lists, creates and revokes their own tokens."""

from sqlalchemy import select

from study.extensions import db
from study.models import ApiToken
from tests.conftest import make_user


def test_create_shows_the_token_once_and_it_works(app, logged_in):
    created = logged_in.api("POST", "/api/v1/tokens", {"name": "laptop script"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["name"] == "laptop script" and body["token"].startswith("ss_")
    listed = logged_in.get("/api/v1/tokens").get_json()["tokens"]
    assert [t["id"] for t in listed] == [body["id"]]
    assert "token" not in listed[0]
    with app.app_context():
        stored = db.session.scalars(select(ApiToken)).one()
        assert body["token"] not in stored.token_hash
    bearer = app.test_client().get(
        "/api/v1/settings", headers={"Authorization": f"Bearer {body['token']}"}
    )
    assert bearer.get_json()["email"] == "learner@example.com"


def test_revoked_tokens_stop_working_and_leave_the_list(app, logged_in):
    body = logged_in.api("POST", "/api/v1/tokens", {}).get_json()
    assert body["name"] == "API token"
    assert logged_in.api("DELETE", f"/api/v1/tokens/{body['id']}").status_code == 204
    assert logged_in.get("/api/v1/tokens").get_json()["tokens"] == []
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert app.test_client().get("/api/v1/packs", headers=headers).status_code == 401


def test_another_learners_token_cannot_be_revoked(app, logged_in):
    from study.models import User
    from study.services.accounts import issue_api_token

    other = make_user(app, "other@example.com")
    with app.app_context():
        row, token = issue_api_token(db.session, db.session.get(User, other), "theirs")
        token_id = row.id
    assert logged_in.api("DELETE", f"/api/v1/tokens/{token_id}").status_code == 404
    assert logged_in.api("DELETE", "/api/v1/tokens/99999999999").status_code == 404
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/packs", headers=headers).status_code == 200


def test_bad_names_and_unknown_fields_are_refused(logged_in):
    for payload in ({"name": ""}, {"name": "x" * 81}, {"name": 7}, {"nmae": "typo"}):
        response = logged_in.api("POST", "/api/v1/tokens", payload)
        assert response.status_code == 400, payload
        assert response.get_json()["error"]["message"]


def test_the_list_shows_when_each_token_was_last_used_to_the_minute(app, logged_in):
    from datetime import UTC, datetime, timedelta

    moment = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    app.config["FIXED_NOW"] = lambda: moment[0]
    body = logged_in.api("POST", "/api/v1/tokens", {"name": "ci"}).get_json()
    assert (
        logged_in.get("/api/v1/tokens").get_json()["tokens"][0]["last_used_at"] is None
    )
    headers = {"Authorization": f"Bearer {body['token']}"}
    script = app.test_client()

    def last_used_after_a_call_at(when):
        moment[0] = when
        assert script.get("/api/v1/settings", headers=headers).status_code == 200
        return logged_in.get("/api/v1/tokens").get_json()["tokens"][0]["last_used_at"]

    first = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert last_used_after_a_call_at(first) == first.isoformat()
    # Within the minute the stored time stays (each call is spared a write).
    assert last_used_after_a_call_at(first + timedelta(seconds=50)) == first.isoformat()
    later = first + timedelta(minutes=3)
    assert last_used_after_a_call_at(later) == later.isoformat()


def test_a_token_decides_even_beside_a_session_cookie(app, logged_in):
    from study.models import User
    from study.services.accounts import issue_api_token

    other = make_user(app, "other@example.com")
    with app.app_context():
        row, token = issue_api_token(db.session, db.session.get(User, other), "theirs")
        token_id = row.id
    # The logged-in browser sends someone else's token: the call is theirs.
    headers = {"Authorization": f"Bearer {token}"}
    settings = logged_in.get("/api/v1/settings", headers=headers).get_json()
    assert settings["email"] == "other@example.com"
    # A revoked token is refused, although the session cookie is still good.
    with app.app_context():
        db.session.get(ApiToken, token_id).revoked_at = db.func.now()
        db.session.commit()
    refused = logged_in.get("/api/v1/settings", headers=headers)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    assert logged_in.get("/api/v1/settings").get_json()["email"] == (
        "learner@example.com"
    )


# Blanks to Python (str.isspace) or to a schema checker (ECMAScript's \s).
BLANKS = (
    "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0"
    "\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def test_a_name_of_blanks_alone_is_refused_as_the_schema_says(logged_in):
    from study.api.openapi_builders import NOT_BLANK

    # Python's \s misses U+FEFF, ECMAScript's misses these: the schema's
    # pattern names them, so both readers refuse what the server refuses.
    for spelled in ("\\ufeff", "\\u001c-\\u001f", "\\u0085"):
        assert spelled in NOT_BLANK
    for blank in BLANKS:
        response = logged_in.api("POST", "/api/v1/tokens", {"name": blank * 2})
        assert response.status_code == 400, repr(blank)
        settings = logged_in.api("PATCH", "/api/v1/settings", {"display_name": blank})
        assert settings.status_code == 400, repr(blank)
    created = logged_in.api("POST", "/api/v1/tokens", {"name": "\x1d ci bot \ufeff"})
    assert created.status_code == 201
    assert created.get_json()["name"] == "ci bot \ufeff"
