"""The team endpoints of the JSON API: the same rules as the pages, JSON errors."""

import json
from datetime import date

import jsonschema_rs
import pytest

from study.api.openapi import document_for
from study.extensions import db
from study.models import User
from study.services import accounts
from tests.conftest import at
from tests.team_helpers import add_user, exam, study

NOW = at(2026, 3, 10, 12, 0)  # a Tuesday


@pytest.fixture
def api(app, starter):
    """Accounts with API tokens; call(name, method, path, json) uses one."""
    app.config["FIXED_NOW"] = lambda: NOW
    tokens = {}
    ids = {}
    with app.app_context():
        for name, email, admin in (
            ("manager", "mia@example.com", False),
            ("ann", "ann@example.com", False),
            ("bob", "bob@example.com", False),
            ("outsider", "otto@example.com", False),
            ("admin", "ada@example.com", True),
        ):
            user = add_user(email, name.title(), is_admin=admin)
            ids[name] = user.id
            tokens[name] = accounts.create_api_token(db.session, user, "test")
        db.session.remove()
    client = app.test_client()

    def call(name, method, path, json=None):
        headers = {"Authorization": f"Bearer {tokens[name]}"}
        return client.open(f"/api/v1{path}", method=method, json=json, headers=headers)

    call.ids = ids
    yield call
    app.config.pop("FIXED_NOW", None)


@pytest.fixture
def team(api):
    """A team of the manager that Ann joined by link; its id."""
    created = api("manager", "POST", "/teams", {"name": "Platform crew"})
    assert created.status_code == 201
    team_id = created.get_json()["id"]
    invite = api("manager", "POST", f"/teams/{team_id}/invites", {})
    assert invite.status_code == 201
    joined = api("ann", "POST", "/teams/join", {"token": invite.get_json()["token"]})
    assert joined.status_code == 200
    return team_id


def test_create_list_and_show(api, team):
    listed = api("ann", "GET", "/teams").get_json()["teams"]
    assert [(t["name"], t["role"], t["member_count"]) for t in listed] == [
        ("Platform crew", "member", 2)
    ]
    shown = api("manager", "GET", f"/teams/{team}").get_json()
    assert {m["email"] for m in shown["members"]} == {
        "mia@example.com",
        "ann@example.com",
    }
    as_member = api("ann", "GET", f"/teams/{team}").get_json()
    assert "members" not in as_member and "invites" not in as_member
    assert as_member["managers"] == ["Manager"]
    assert api("outsider", "GET", "/teams").get_json() == {"teams": []}
    assert [t["name"] for t in api("admin", "GET", "/teams").get_json()["teams"]] == [
        "Platform crew"
    ]


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"name": 5}, {"name": "x" * 81}, {"name": "A", "x": 1}]
)
def test_create_refuses_bad_bodies(api, body):
    response = api("manager", "POST", "/teams", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_invites_join_and_refusals(api, team):
    invite = api("manager", "POST", f"/teams/{team}/invites", {"days": 2}).get_json()
    assert invite["url"].endswith(f"/teams/join/{invite['token']}")
    assert invite["expires_at"].startswith("2026-03-12")
    joined = api("bob", "POST", "/teams/join", {"token": invite["token"]})
    assert joined.get_json()["role"] == "member"
    used = api("outsider", "POST", "/teams/join", {"token": invite["token"]})
    assert used.status_code == 409
    unknown = api("outsider", "POST", "/teams/join", {"token": "not-a-real-token"})
    assert unknown.status_code == 404
    assert api("outsider", "POST", "/teams/join", {"token": 5}).status_code == 400
    by_member = api("ann", "POST", f"/teams/{team}/invites", {})
    assert by_member.status_code == 403
    by_outsider = api("outsider", "POST", f"/teams/{team}/invites", {})
    assert by_outsider.status_code == 404
    too_long = api("manager", "POST", f"/teams/{team}/invites", {"days": 90})
    assert too_long.status_code == 400


def test_email_invite_gives_no_link(api, team):
    response = api(
        "manager", "POST", f"/teams/{team}/invites", {"email": "otto@example.com"}
    )
    assert response.status_code == 201
    assert "token" not in response.get_json() and "url" not in response.get_json()


def test_promote_demote_remove_and_leave(api, team):
    ann = api.ids["ann"]
    promoted = api("manager", "POST", f"/teams/{team}/members/{ann}/promote")
    assert promoted.get_json()["role"] == "manager"
    demoted = api("ann", "POST", f"/teams/{team}/members/{api.ids['manager']}/demote")
    assert demoted.get_json()["role"] == "member"
    last = api("ann", "POST", f"/teams/{team}/members/{ann}/demote")
    assert last.status_code == 409
    assert api("manager", "DELETE", f"/teams/{team}/members/{ann}").status_code == 403
    left = api("manager", "DELETE", f"/teams/{team}/members/{api.ids['manager']}")
    assert left.status_code == 204
    assert api("manager", "GET", f"/teams/{team}").status_code == 404
    missing = api("ann", "DELETE", f"/teams/{team}/members/{api.ids['bob']}")
    assert missing.status_code == 404


def test_assignments_crud_and_my_progress(app, api, team):
    body = {"pack": "starter", "due": "2026-03-20", "topics": ["basics"]}
    made = api("manager", "POST", f"/teams/{team}/assignments", body)
    assert made.status_code == 201
    made = made.get_json()
    assert made["goals"] == {"all_cards_studied": True, "exam_passed": False}
    assert made["topics"] == ["basics"] and made["due"] == "2026-03-20"
    with app.app_context():
        study(db.session.get(User, api.ids["ann"]), 3, NOW)
        db.session.remove()
    listed = api("ann", "GET", f"/teams/{team}/assignments").get_json()["assignments"]
    mine = listed[0]["my_progress"]
    assert mine["cards_studied"] == 3 and mine["cards_total"] == 7
    assert "email" not in mine
    changed = api(
        "manager",
        "PATCH",
        f"/teams/{team}/assignments/{made['id']}",
        {"goals": {"exam_passed": True}, "topics": None},
    ).get_json()
    assert changed["goals"] == {"all_cards_studied": False, "exam_passed": True}
    assert changed["topics"] is None
    assert (
        api("ann", "DELETE", f"/teams/{team}/assignments/{made['id']}").status_code
        == 403
    )
    assert (
        api("manager", "DELETE", f"/teams/{team}/assignments/{made['id']}").status_code
        == 204
    )
    assert api("manager", "GET", f"/teams/{team}/assignments").get_json() == {
        "assignments": []
    }


@pytest.mark.parametrize(
    "body",
    [
        {"pack": "starter"},
        {"pack": "starter", "due": "tomorrow"},
        {"pack": "starter", "due": "2026-03-01"},
        {"pack": "starter", "due": "2026-03-20", "topics": ["nope"]},
        {"pack": "starter", "due": "2026-03-20", "goals": {}},
        {"pack": "starter", "due": "2026-03-20", "goals": []},
        {"pack": "starter", "due": "2026-03-20", "goals": {"extra": True}},
        {"pack": "starter", "due": "2026-03-20", "goals": {"exam_passed": "y"}},
        {"pack": ["starter"], "due": 20260320},
    ],
)
def test_bad_assignments_get_400(api, team, body):
    response = api("manager", "POST", f"/teams/{team}/assignments", body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["message"]


def test_unknown_pack_is_not_found(api, team):
    body = {"pack": "nope", "due": "2026-03-20"}
    response = api("manager", "POST", f"/teams/{team}/assignments", body)
    assert response.status_code == 404


def test_progress_is_for_managers_and_sorted(app, api, team):
    api(
        "manager",
        "POST",
        f"/teams/{team}/assignments",
        {"pack": "starter", "due": "2026-03-20", "goals": {"exam_passed": True}},
    )
    with app.app_context():
        exam(db.session.get(User, api.ids["ann"]), 72.0, True, NOW)
        db.session.remove()
    response = api("manager", "GET", f"/teams/{team}/progress?sort=exam&dir=desc")
    assert response.status_code == 200
    (view,) = response.get_json()["assignments"]
    assert [m["display_name"] for m in view["members"]] == ["Ann", "Manager"]
    ann = view["members"][0]
    assert ann["status"] == "done" and ann["best_exam_score"] == 72.0
    assert ann["last_active"].startswith("2026-03-10")
    assert view["days_left"] == 10 and view["cards_total"] == 13
    assert api("ann", "GET", f"/teams/{team}/progress").status_code == 403
    assert api("outsider", "GET", f"/teams/{team}/progress").status_code == 404
    assert api("admin", "GET", f"/teams/{team}/progress").status_code == 200
    bad = api("manager", "GET", f"/teams/{team}/progress?sort=password")
    assert bad.status_code == 400
    missing = api("manager", "GET", f"/teams/{team}/progress?assignment=999999")
    assert missing.status_code == 404
    for malformed in ("x", "", "-1", "1.5"):
        url = f"/teams/{team}/progress?assignment={malformed}"
        refused = api("manager", "GET", url)
        assert refused.status_code == 400, malformed
        assert "assignment must be" in refused.get_json()["error"]["message"]


def test_settings_and_delete(api, team):
    changed = api(
        "manager", "PATCH", f"/teams/{team}", {"leaderboard_enabled": True}
    ).get_json()
    assert changed["leaderboard_enabled"] is True
    refused = api("manager", "PATCH", f"/teams/{team}", {"leaderboard_enabled": "on"})
    assert refused.status_code == 400
    assert api("ann", "DELETE", f"/teams/{team}").status_code == 403
    assert api("admin", "DELETE", f"/teams/{team}").status_code == 204
    assert api("manager", "GET", f"/teams/{team}").status_code == 404


@pytest.mark.parametrize("team_id", [0, 2**31, 2**63])
def test_impossible_ids_are_not_found(api, team_id):
    assert api("manager", "GET", f"/teams/{team_id}").status_code == 404
    assert api("manager", "GET", f"/teams/{team_id}/progress").status_code == 404


def test_session_cookie_writes_need_csrf(logged_in):
    refused = logged_in.client.post("/api/v1/teams", json={"name": "No token"})
    assert refused.status_code == 400
    made = logged_in.api("POST", "/api/v1/teams", {"name": "With token"})
    assert made.status_code == 201


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/teams").status_code == 401


def test_due_dates_are_plain_dates(api, team):
    made = api(
        "manager",
        "POST",
        f"/teams/{team}/assignments",
        {"pack": "starter", "due": date(2026, 4, 1).isoformat()},
    ).get_json()
    assert made["due"] == "2026-04-01"


# --- what the pages could do and the API could not ------------------------------


def assert_matches_schema(app, name: str, body: dict) -> None:
    """Check a body against a schema of the served OpenAPI document."""
    document = {**document_for(app), "$ref": f"#/components/schemas/{name}"}
    validator = jsonschema_rs.Draft202012Validator(document)
    problems = [error.message for error in validator.iter_errors(body)]
    assert not problems, problems


def join_by_link(api, team: int, name: str) -> None:
    token = api("manager", "POST", f"/teams/{team}/invites", {}).get_json()["token"]
    assert api(name, "POST", "/teams/join", {"token": token}).status_code == 200


def test_leaderboard_is_shown_only_while_on(app, api, team):
    off = api("ann", "GET", f"/teams/{team}/leaderboard")
    assert off.status_code == 409
    assert "leaderboard is off" in off.get_json()["error"]["message"]
    turned_on = api("manager", "PATCH", f"/teams/{team}", {"leaderboard_enabled": True})
    assert turned_on.get_json()["leaderboard_enabled"] is True
    # The exam board counts the packs the team was assigned.
    assigned = {"pack": "starter", "due": "2026-03-20"}
    api("manager", "POST", f"/teams/{team}/assignments", assigned)
    with app.app_context():
        study(db.session.get(User, api.ids["ann"]), 3, NOW)
        study(db.session.get(User, api.ids["manager"]), 1, NOW)
        exam(db.session.get(User, api.ids["ann"]), 72.0, True, NOW)
        db.session.remove()
    board = api("ann", "GET", f"/teams/{team}/leaderboard").get_json()
    assert board["since"] == "2026-03-09" and board["hidden"] is False
    assert board["reviews"] == [
        {"place": 1, "display_name": "Ann", "reviews": 3, "is_me": True},
        {"place": 2, "display_name": "Manager", "reviews": 1, "is_me": False},
    ]
    assert board["exams"] == [
        {"place": 1, "display_name": "Ann", "best_score": 72.0, "is_me": True}
    ]
    assert_matches_schema(app, "Leaderboard", board)
    assert "ann@example.com" not in json.dumps(board)
    as_admin = api("admin", "GET", f"/teams/{team}/leaderboard").get_json()
    assert as_admin["hidden"] is None and len(as_admin["reviews"]) == 2
    assert api("outsider", "GET", f"/teams/{team}/leaderboard").status_code == 404
    api("manager", "PATCH", f"/teams/{team}", {"leaderboard_enabled": False})
    assert api("ann", "GET", f"/teams/{team}/leaderboard").status_code == 409
    refused = api("ann", "PATCH", f"/teams/{team}", {"leaderboard_enabled": True})
    assert refused.status_code == 403


def test_members_hide_and_show_themselves_on_the_leaderboard(app, api, team):
    api("manager", "PATCH", f"/teams/{team}", {"leaderboard_enabled": True})
    with app.app_context():
        study(db.session.get(User, api.ids["ann"]), 2, NOW)
        db.session.remove()
    path = f"/teams/{team}/leaderboard/visibility"
    hidden = api("ann", "PUT", path, {"hidden": True})
    assert hidden.status_code == 200 and hidden.get_json() == {"hidden": True}
    seen_by_manager = api("manager", "GET", f"/teams/{team}/leaderboard").get_json()
    assert seen_by_manager["reviews"] == []
    assert api("ann", "GET", f"/teams/{team}/leaderboard").get_json()["hidden"]
    assert api("ann", "PUT", path, {"hidden": False}).get_json() == {"hidden": False}
    names = api("manager", "GET", f"/teams/{team}/leaderboard").get_json()["reviews"]
    assert [line["display_name"] for line in names] == ["Ann"]
    for bad in ({}, {"hidden": "yes"}, {"hidden": None}, {"hidden": True, "x": 1}):
        response = api("ann", "PUT", path, bad)
        assert response.status_code == 400, bad
        assert response.get_json()["error"]["message"]
    assert api("outsider", "PUT", path, {"hidden": True}).status_code == 404
    not_a_member = api("admin", "PUT", path, {"hidden": True})
    assert not_a_member.status_code == 409


def test_managers_read_a_member_summary(app, api, team):
    api(
        "manager",
        "POST",
        f"/teams/{team}/assignments",
        {"pack": "starter", "due": "2026-03-20", "topics": ["basics"]},
    )
    with app.app_context():
        study(db.session.get(User, api.ids["ann"]), 3, NOW)
        exam(db.session.get(User, api.ids["ann"]), 64.0, True, NOW)
        db.session.remove()
    ann = api.ids["ann"]
    response = api("manager", "GET", f"/teams/{team}/members/{ann}")
    assert response.status_code == 200
    summary = response.get_json()
    assert summary["member"]["email"] == "ann@example.com"
    (assigned,) = summary["assignments"]
    assert assigned["progress"]["cards_studied"] == 3
    assert assigned["progress"]["cards_total"] == 7
    assert assigned["progress"]["days_left"] == 10
    assert_matches_schema(app, "MemberSummary", summary)
    # The same figures as Ann's own dashboard, less her attempts' ids.
    own = api("ann", "GET", "/progress").get_json()
    for score in own["quiz_scores"]:
        assert score.pop("attempt_id")
    assert summary["dashboard"] == own
    assert summary["dashboard"]["reviews_today"] == 3
    assert summary["dashboard"]["quiz_scores"][0]["score"] == 64.0
    assert api("admin", "GET", f"/teams/{team}/members/{ann}").status_code == 200
    manager = api.ids["manager"]
    assert api("ann", "GET", f"/teams/{team}/members/{manager}").status_code == 403
    assert api("outsider", "GET", f"/teams/{team}/members/{ann}").status_code == 404
    not_in_team = api("manager", "GET", f"/teams/{team}/members/{api.ids['bob']}")
    assert not_in_team.status_code == 404
    too_big = api("manager", "GET", f"/teams/{team}/members/{2**40}")
    assert too_big.status_code == 404


def test_managers_revoke_invites(api, team):
    made = api("manager", "POST", f"/teams/{team}/invites", {}).get_json()
    path = f"/teams/{team}/invites/{made['id']}"
    assert api("ann", "DELETE", path).status_code == 403
    assert api("outsider", "DELETE", path).status_code == 404
    assert api("manager", "DELETE", path).status_code == 204
    assert api("manager", "DELETE", path).status_code == 404
    assert api("manager", "GET", f"/teams/{team}").get_json()["invites"] == []
    gone = api("bob", "POST", "/teams/join", {"token": made["token"]})
    assert gone.status_code == 404
    other = api("outsider", "POST", "/teams", {"name": "Elsewhere"}).get_json()
    theirs = api("outsider", "POST", f"/teams/{other['id']}/invites", {}).get_json()
    crossed = api("manager", "DELETE", f"/teams/{team}/invites/{theirs['id']}")
    assert crossed.status_code == 404


def test_invitations_by_email_are_accepted_or_declined(app, api, team):
    for email in ("bob@example.com", "otto@example.com"):
        api("manager", "POST", f"/teams/{team}/invites", {"email": email})
    (for_bob,) = api("bob", "GET", "/teams/invitations").get_json()["invitations"]
    assert for_bob["team_name"] == "Platform crew"
    assert for_bob["expires_at"].startswith("2026-03-17")
    assert_matches_schema(app, "Invitation", for_bob)
    (for_otto,) = api("outsider", "GET", "/teams/invitations").get_json()["invitations"]
    assert api("ann", "GET", "/teams/invitations").get_json() == {"invitations": []}
    # Nobody can answer an invitation addressed to someone else.
    stolen = f"/teams/invitations/{for_bob['id']}/accept"
    assert api("outsider", "POST", stolen).status_code == 404
    assert api("manager", "POST", stolen).status_code == 404
    accepted = api("bob", "POST", stolen)
    assert accepted.status_code == 200
    assert accepted.get_json()["role"] == "member"
    assert accepted.get_json()["already_member"] is False
    assert_matches_schema(app, "Team", accepted.get_json())
    assert api("bob", "POST", stolen).status_code == 404
    assert api("bob", "GET", "/teams").get_json()["teams"][0]["id"] == team
    decline = f"/teams/invitations/{for_otto['id']}/decline"
    assert api("bob", "POST", decline).status_code == 404
    assert api("outsider", "POST", decline).status_code == 204
    assert api("outsider", "GET", "/teams/invitations").get_json()["invitations"] == []
    assert api("outsider", "GET", f"/teams/{team}").status_code == 404
    assert api("manager", "GET", f"/teams/{team}").get_json()["invites"] == []
    missing = api("bob", "POST", f"/teams/invitations/{2**40}/accept")
    assert missing.status_code == 404


def test_members_see_team_figures_from_three_members(app, api, team):
    api(
        "manager",
        "POST",
        f"/teams/{team}/assignments",
        {"pack": "starter", "due": "2026-03-20"},
    )
    with app.app_context():
        study(db.session.get(User, api.ids["ann"]), 13, NOW)
        db.session.remove()
    (two,) = api("ann", "GET", f"/teams/{team}/assignments").get_json()["assignments"]
    assert two["team_figures"] is None and two["my_progress"]["status"] == "done"
    for_manager = api("manager", "GET", f"/teams/{team}/assignments").get_json()
    assert for_manager["assignments"][0]["team_figures"]["members"] == 2
    join_by_link(api, team, "bob")
    body = api("ann", "GET", f"/teams/{team}/assignments").get_json()
    figures = body["assignments"][0]["team_figures"]
    assert figures == {
        "members": 3,
        "done": 1,
        "on_track": 2,
        "behind": 0,
        "overdue": 0,
        "average_studied": round(1 / 3, 4),
        "average_progress": round(1 / 3, 4),
    }
    assert_matches_schema(app, "TeamFigures", figures)
    text = json.dumps(body)
    assert "Bob" not in text and "bob@example.com" not in text
    assert "Manager" not in text and "mia@example.com" not in text


def test_statuses_follow_each_members_time_zone(app, api, team):
    """Due on the 10th: at 06:00 UTC on the 11th it has passed for the manager
    (UTC), while in Pago Pago (UTC-11) it is still the evening of the 10th."""
    api(
        "manager",
        "POST",
        f"/teams/{team}/assignments",
        {"pack": "starter", "due": "2026-03-10"},
    )
    moved = api("ann", "PATCH", "/settings", {"timezone": "Pacific/Pago_Pago"})
    assert moved.status_code == 200
    app.config["FIXED_NOW"] = lambda: at(2026, 3, 11, 6, 0)
    (view,) = api("manager", "GET", f"/teams/{team}/progress").get_json()["assignments"]
    rows = {row["display_name"]: row for row in view["members"]}
    assert view["days_left"] == -1
    assert (rows["Manager"]["status"], rows["Manager"]["days_left"]) == ("overdue", -1)
    assert (rows["Ann"]["status"], rows["Ann"]["days_left"]) == ("behind", 0)
    # What Ann sees of herself agrees with what her manager sees of her.
    (mine,) = api("ann", "GET", f"/teams/{team}/assignments").get_json()["assignments"]
    assert mine["my_progress"]["status"] == "behind"
    assert mine["my_progress"]["days_left"] == 0
    summary = api("manager", "GET", f"/teams/{team}/members/{api.ids['ann']}")
    assert summary.get_json()["assignments"][0]["progress"]["status"] == "behind"


def test_saving_an_assignment_says_what_its_cards_take(app, api, team, tmp_path):
    from study.packs.importer import import_packs
    from tests.packs.demo import TABLE, write_pack
    from tests.web.test_teams import many_rows_table

    with app.app_context():
        import_packs(db.session, write_pack(tmp_path, {TABLE: many_rows_table(60)}))
        db.session.remove()
    url = f"/teams/{team}/assignments"
    # The 7 cards of one starter topic take one study day: no heads-up.
    fits = api("manager", "POST", url, {"pack": "starter", "due": "2026-03-10"})
    assert fits.status_code == 201
    assert fits.get_json()["workload"] == {
        "cards": 13,
        "new_cards_per_day": 20,
        "study_days": 1,
        "days_left": 0,
        "heads_up": None,
    }
    assert_matches_schema(app, "SavedAssignment", fits.get_json())
    # The demo pack's 60-odd cards take 4 study days; tomorrow gives two.
    soon = api("manager", "POST", url, {"pack": "demo", "due": "2026-03-11"})
    workload = soon.get_json()["workload"]
    assert workload["study_days"] == 4 and workload["days_left"] == 1
    assert workload["cards"] > 60
    assert workload["heads_up"].startswith("Heads up: at 20 new cards a day")
    assert "but the due date is 1 day away" in workload["heads_up"]
    assert_matches_schema(app, "SavedAssignment", soon.get_json())
    # Moving the date out leaves nothing to say; fewer topics, fewer cards.
    later = api(
        "manager",
        "PATCH",
        f"{url}/{soon.get_json()['id']}",
        {"due": "2026-03-20"},
    ).get_json()
    assert (
        later["workload"]["heads_up"] is None and later["workload"]["days_left"] == 10
    )
    only_cards = api(
        "manager",
        "PATCH",
        f"{url}/{fits.get_json()['id']}",
        {"topics": ["basics"]},
    ).get_json()
    assert only_cards["workload"]["cards"] == 7
