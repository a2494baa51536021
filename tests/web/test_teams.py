"""Team pages over HTTP: create, invite, join, assign, the manager's table and
CSV, the member's home page, the leaderboard; bad input gets a 4xx and a message."""

import csv
import html
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from study.extensions import db
from study.models import Assignment, Invite, Membership, Team, User
from study.services import assignments, team_invites, teams
from tests.conftest import BrowserLikeClient, at
from tests.team_helpers import add_user, exam, log_in, study

NOW = at(2026, 3, 10, 12, 0)
LINK = re.compile(r'id="new-invite-link"[^>]*value="([^"]+)"')


@pytest.fixture
def pinned(app):
    """Pin the clock the pages read."""
    app.config["FIXED_NOW"] = lambda: NOW
    yield NOW
    app.config.pop("FIXED_NOW", None)


@pytest.fixture
def crew(app, starter, pinned):
    """A team with a manager and two members; ids by name."""
    with app.app_context():
        ids = {
            "manager": add_user("mia@example.com", "Mia Manager").id,
            "ann": add_user("ann@example.com", "Ann Archer").id,
            "bob": add_user("bob@example.com", "=HYPERLINK(1)").id,
            "outsider": add_user("otto@example.com", "Otto Outsider").id,
        }
        manager = db.session.get(User, ids["manager"])
        team = teams.create_team(db.session, manager, "Platform crew", NOW)
        ids["team"] = team.id
        for name in ("ann", "bob"):
            db.session.add(Membership(team_id=team.id, user_id=ids[name]))
        db.session.commit()
        db.session.remove()
    return ids


def as_user(app, user_id) -> BrowserLikeClient:
    client = BrowserLikeClient(app.test_client())
    log_in(client, app, user_id)
    return client


def assign(app, crew, **changes):
    values = {"pack": "starter", "due": date(2026, 3, 20)}
    with app.app_context():
        manager = db.session.get(User, crew["manager"])
        made = assignments.create_assignment(
            db.session,
            manager,
            crew["team"],
            assignments.AssignmentSpec(**{**values, **changes}),
            NOW,
        )
        made_id = made.id
        db.session.remove()
    return made_id


def text(response) -> str:
    return response.get_data(as_text=True)


# --- my teams, creating, joining ----------------------------------------------


def test_teams_page_needs_a_login(client):
    response = client.get("/teams")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_nav_links_to_teams(logged_in):
    assert 'href="/teams">Teams</a>' in text(logged_in.get("/"))


def test_create_team_makes_me_its_manager(logged_in):
    logged_in.refresh_token("/teams")
    response = logged_in.form("/teams", {"name": "Onboarding"})
    assert response.status_code == 302
    page = text(logged_in.get(response.headers["Location"]))
    assert "<h1>Onboarding</h1>" in page and "you are a manager" in page
    assert "Create an invite link" in page


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_create_team_refuses_a_bad_name(logged_in, name):
    logged_in.refresh_token("/teams")
    response = logged_in.form("/teams", {"name": name})
    assert response.status_code == 400
    assert 'role="alert"' in text(response)


ALL_TEAMS = re.compile(r'id="all-teams-heading">.*?</section>', re.S)
TEAM_ROW = re.compile(
    r'<tr><th scope="row" class="wide"><a href="/teams/(\d+)">([^<]+)</a></th>'
    r'<td data-label="Members">(\d+)</td><td data-label="Your role">([^<]+)</td>'
)


@pytest.fixture
def other_teams(app, crew):
    """Besides the crew: a site admin with a team of their own, and Otto's team."""
    with app.app_context():
        admin = add_user("ada@example.com", "Ada Admin", is_admin=True)
        corner = teams.create_team(db.session, admin, "Admin corner", NOW)
        otto = db.session.get(User, crew["outsider"])
        night = teams.create_team(db.session, otto, "Night shift", NOW)
        ids = {"admin": admin.id, "corner": corner.id, "night": night.id}
        db.session.remove()
    return ids


def test_a_site_admin_sees_every_team_on_the_teams_page(app, crew, other_teams):
    page = text(as_user(app, other_teams["admin"]).get("/teams"))
    mine = re.search(r'id="my-teams-heading">.*?</section>', page, re.S).group(0)
    assert "Admin corner" in mine and "Night shift" not in mine
    rows = TEAM_ROW.findall(ALL_TEAMS.search(page).group(0))
    assert rows == [
        (str(other_teams["corner"]), "Admin corner", "1", "manager"),
        (str(other_teams["night"]), "Night shift", "1", "—"),
        (str(crew["team"]), "Platform crew", "3", "—"),
    ]


def test_the_list_of_every_team_is_for_site_admins_only(app, crew, other_teams):
    mia = as_user(app, crew["manager"])
    page = text(mia.get("/teams"))
    assert "Platform crew" in page
    assert ALL_TEAMS.search(page) is None and "(site admin)" not in page
    assert "Night shift" not in page and "Admin corner" not in page
    assert mia.get(f"/teams/{other_teams['night']}").status_code == 404
    admin = as_user(app, other_teams["admin"])
    assert admin.get(f"/teams/{other_teams['night']}").status_code == 200


def test_invite_link_round_trip(app, crew):
    manager = as_user(app, crew["manager"])
    manager.refresh_token(f"/teams/{crew['team']}")
    made = manager.form(f"/teams/{crew['team']}/invites", {"kind": "link"})
    assert made.status_code == 302  # then the team page shows the link once
    assert made.headers["Location"] == f"/teams/{crew['team']}#new-link"
    page = manager.get(made.headers["Location"])
    link = LINK.search(text(page)).group(1)
    path = link.split("://", 1)[1].split("/", 1)[1]
    with app.app_context():
        tokens = db.session.scalars(select(Invite.token_hash)).all()
        assert link.rsplit("/", 1)[1] not in tokens  # only the hash is kept
    otto = as_user(app, crew["outsider"])
    confirm = otto.get(f"/{path}")
    assert confirm.status_code == 200 and "Join Platform crew?" in text(confirm)
    otto.refresh_token(f"/{path}")
    joined = otto.form(f"/{path}")
    assert joined.status_code == 302
    assert "Welcome to" in text(otto.get(joined.headers["Location"]))
    again = as_user(app, crew["manager"])  # anyone else: the link is used up
    assert again.get(f"/{path}").status_code == 409


def test_reloading_after_creating_an_invite_link_makes_no_second_link(app, crew):
    manager = as_user(app, crew["manager"])
    team_page = f"/teams/{crew['team']}"
    manager.refresh_token(team_page)
    made = manager.form(f"{team_page}/invites", {"kind": "link"}, follow_redirects=True)
    assert made.status_code == 200 and LINK.search(text(made))
    assert "shown only this once" in text(made)
    reloaded = manager.get(team_page)  # what a reload does after the redirect
    assert LINK.search(text(reloaded)) is None
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Invite)) == 1


def test_a_new_invite_link_shows_only_on_its_own_team(app, crew):
    with app.app_context():
        manager = db.session.get(User, crew["manager"])
        other = teams.create_team(db.session, manager, "Second crew", NOW)
        other_id = other.id
        db.session.remove()
    client = as_user(app, crew["manager"])
    client.refresh_token(f"/teams/{crew['team']}")
    client.form(f"/teams/{crew['team']}/invites", {"kind": "link"})
    assert LINK.search(text(client.get(f"/teams/{other_id}"))) is None
    assert LINK.search(text(client.get(f"/teams/{crew['team']}")))


def test_join_by_pasting_a_link(app, crew):
    with app.app_context():
        manager = db.session.get(User, crew["manager"])
        _invite, token = team_invites.create_link_invite(
            db.session, manager, crew["team"], NOW
        )
        db.session.remove()
    otto = as_user(app, crew["outsider"])
    otto.refresh_token("/teams")
    bad = otto.form("/teams/join", {"link": "https://example.com/teams/join/nope1234"})
    assert bad.status_code == 404 and "not valid" in text(bad)
    pasted = f"  http://localhost/teams/join/{token}?utm=x  "
    response = otto.form("/teams/join", {"link": pasted})
    assert response.status_code == 302
    assert "Platform crew" in text(otto.get("/teams"))


def test_join_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/teams/join/some-token-value")
    assert response.status_code == 302
    assert "next=%2Fteams%2Fjoin%2Fsome-token-value" in response.headers["Location"]


def test_email_invitation_is_accepted_on_the_teams_page(app, crew):
    manager = as_user(app, crew["manager"])
    manager.refresh_token(f"/teams/{crew['team']}")
    sent = manager.form(
        f"/teams/{crew['team']}/invites", {"kind": "email", "email": "otto@example.com"}
    )
    assert sent.status_code == 302
    bad = manager.form(
        f"/teams/{crew['team']}/invites", {"kind": "email", "email": "ann@example.com"}
    )
    assert bad.status_code == 409 and "already in the team" in text(bad)
    malformed = manager.form(
        f"/teams/{crew['team']}/invites", {"kind": "email", "email": "otto"}
    )
    assert malformed.status_code == 400
    assert "Enter an email address such as ana@example.com." in text(malformed)
    otto = as_user(app, crew["outsider"])
    page = text(otto.get("/teams"))
    assert "Join <strong>Platform crew</strong>?" in page
    invite_id = re.search(r"/teams/invitations/(\d+)/accept", page).group(1)
    otto.refresh_token("/teams")
    accepted = otto.form(f"/teams/invitations/{invite_id}/accept")
    assert accepted.status_code == 302
    assert otto.get(f"/teams/{crew['team']}").status_code == 200


# --- the team page ---------------------------------------------------------------


def test_members_see_their_own_progress_not_their_colleagues(app, crew):
    assign(app, crew)
    with app.app_context():
        study(db.session.get(User, crew["bob"]), 5, NOW)
        db.session.remove()
    ann = as_user(app, crew["ann"])
    page = text(ann.get(f"/teams/{crew['team']}"))
    assert "managed by Mia Manager" in page
    assert "You:" in page and "0 of 13 cards studied" in page
    assert "=HYPERLINK" not in page and "bob@example.com" not in page
    assert "Team: 0 of 3 done" in page  # three members: the figures show
    assert "member-table" not in page and "Create an invite link" not in page


def test_small_teams_show_members_no_figures(app, crew):
    assign(app, crew)
    with app.app_context():
        db.session.delete(
            db.session.scalar(
                select(Membership).where(Membership.user_id == crew["bob"])
            )
        )
        db.session.commit()
        db.session.remove()
    page = text(as_user(app, crew["ann"]).get(f"/teams/{crew['team']}"))
    assert "data-team-figures" not in page
    assert "Team figures appear once the team has 3 members" in page


def test_manager_page_lists_members_and_invites(app, crew):
    manager = as_user(app, crew["manager"])
    page = text(manager.get(f"/teams/{crew['team']}"))
    for shown in ("Ann Archer", "ann@example.com", "Make manager", "Invite by email"):
        assert shown in page


def test_promote_and_last_manager_conflict(app, crew):
    manager = as_user(app, crew["manager"])
    manager.refresh_token(f"/teams/{crew['team']}")
    base = f"/teams/{crew['team']}/members"
    refused = manager.form(f"{base}/{crew['manager']}/role", {"role": "member"})
    assert refused.status_code == 302
    assert "at least one manager" in text(manager.get(refused.headers["Location"]))
    promoted = manager.form(f"{base}/{crew['ann']}/role", {"role": "manager"})
    assert "Ann Archer is now a manager" in text(
        manager.get(promoted.headers["Location"])
    )
    removed = manager.form(f"{base}/{crew['bob']}/remove")
    assert removed.status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                select(Membership.id).where(Membership.user_id == crew["bob"])
            )
            is None
        )


def member_row(page: str, user_id: int) -> str:
    """The manager's table row of one member."""
    return page.split(f'data-member="{user_id}"', 1)[1].split("</tr>", 1)[0]


def test_the_only_manager_is_offered_no_action_the_team_would_refuse(app, crew):
    manager = as_user(app, crew["manager"])
    page = text(manager.get(f"/teams/{crew['team']}"))
    alone = member_row(page, crew["manager"])
    assert "Only manager" in alone and 'id="only-manager-note"' in page
    assert "Make member" not in alone and "Remove" not in alone
    assert "Make manager" in member_row(page, crew["ann"])
    manager.refresh_token(f"/teams/{crew['team']}")
    base = f"/teams/{crew['team']}/members"
    manager.form(f"{base}/{crew['ann']}/role", {"role": "manager"})
    page = text(manager.get(f"/teams/{crew['team']}"))
    for name in ("manager", "ann"):
        row = member_row(page, crew[name])
        assert "Make member" in row and "Remove" in row
        assert "Only manager" not in row
    assert 'id="only-manager-note"' not in page


def test_member_leaves_and_manager_deletes(app, crew):
    ann = as_user(app, crew["ann"])
    ann.refresh_token(f"/teams/{crew['team']}")
    assert ann.form(f"/teams/{crew['team']}/leave").status_code == 302
    assert ann.get(f"/teams/{crew['team']}").status_code == 404
    manager = as_user(app, crew["manager"])
    manager.refresh_token(f"/teams/{crew['team']}")
    unconfirmed = manager.form(f"/teams/{crew['team']}/delete")
    assert unconfirmed.status_code == 400 and "Tick the box" in text(unconfirmed)
    deleted = manager.form(f"/teams/{crew['team']}/delete", {"confirm": "yes"})
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.get(Team, crew["team"]) is None


def test_leaderboard_is_off_until_the_manager_turns_it_on(app, crew):
    assign(app, crew)
    with app.app_context():
        study(db.session.get(User, crew["ann"]), 4, NOW)
        exam(db.session.get(User, crew["bob"]), 75.0, True, NOW)
        db.session.remove()
    ann = as_user(app, crew["ann"])
    assert "Leaderboard" not in text(ann.get(f"/teams/{crew['team']}"))
    manager = as_user(app, crew["manager"])
    manager.refresh_token(f"/teams/{crew['team']}")
    saved = manager.form(
        f"/teams/{crew['team']}/settings",
        {"name": "Platform crew", "leaderboard_enabled": "y"},
    )
    assert saved.status_code == 302
    page = text(ann.get(f"/teams/{crew['team']}"))
    assert "Reviews this week" in page and "Ann Archer" in page
    assert "=HYPERLINK(1)" in page  # Bob's exam, under his chosen name
    bob = as_user(app, crew["bob"])
    bob.refresh_token(f"/teams/{crew['team']}")
    bob.form(f"/teams/{crew['team']}/leaderboard/visibility", {"hidden": "yes"})
    assert "=HYPERLINK(1)" not in text(ann.get(f"/teams/{crew['team']}"))
    bad = manager.form(f"/teams/{crew['team']}/settings", {"name": ""})
    assert bad.status_code == 400 and "Give the team a name" in text(bad)


# --- assignments ----------------------------------------------------------------


def test_assignment_form_creates_and_edits(app, crew):
    manager = as_user(app, crew["manager"])
    new = f"/teams/{crew['team']}/assignments/new"
    page = text(manager.get(new))
    assert 'value="starter:basics"' in page and 'value="2026-03-24"' in page
    manager.refresh_token(new)
    made = manager.form(
        new,
        {
            "pack": "starter",
            "topics": ["starter:extras"],
            "due": "2026-04-01",
            "goal_exam_passed": "y",
        },
    )
    assert made.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Assignment))
        assert (stored.topics, stored.due_on, stored.goal_exam_passed) == (
            ["extras"],
            date(2026, 4, 1),
            True,
        )
        assert stored.goal_all_cards_studied is False
        assignment_id = stored.id
    edit = f"/teams/{crew['team']}/assignments/{assignment_id}/edit"
    assert 'value="starter:extras" checked' in text(manager.get(edit))
    saved = manager.form(
        edit, {"pack": "starter", "due": "2026-04-02", "goal_all_cards_studied": "y"}
    )
    assert saved.status_code == 302
    removed = manager.form(f"/teams/{crew['team']}/assignments/{assignment_id}/delete")
    assert removed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Assignment)) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due": "2026-03-01", "goal_all_cards_studied": "y"}, "in the past"),
        ({"due": "soon", "goal_all_cards_studied": "y"}, "a due date like"),
        ({"due": "2026-04-01"}, "at least one goal"),
        (
            {"due": "2026-04-01", "goal_all_cards_studied": "y", "topics": "x:basics"},
            "Tick only topics",
        ),
        ({"pack": "nope", "due": "2026-04-01", "goal_all_cards_studied": "y"}, "valid"),
    ],
)
def test_assignment_form_explains_bad_input(app, crew, fields, message):
    manager = as_user(app, crew["manager"])
    new = f"/teams/{crew['team']}/assignments/new"
    manager.refresh_token(new)
    response = manager.form(new, {"pack": "starter", **fields})
    assert response.status_code == 400
    assert message in text(response)


def test_members_cannot_open_manager_pages(app, crew):
    made = assign(app, crew)
    ann = as_user(app, crew["ann"])
    team = crew["team"]
    for path in (
        f"/teams/{team}/progress",
        f"/teams/{team}/progress.csv",
        f"/teams/{team}/members/{crew['bob']}",
        f"/teams/{team}/assignments/new",
        f"/teams/{team}/assignments/{made}/edit",
    ):
        assert ann.get(path).status_code == 403, path


# --- the manager's table --------------------------------------------------------


def test_manager_table_says_it_scrolls_sideways_on_a_narrow_screen(app, crew):
    assign(app, crew)
    manager = as_user(app, crew["manager"])
    page = text(manager.get(f"/teams/{crew['team']}/progress"))
    hint = re.search(r'<p class="scroll-hint[^"]*"[^>]*>(.*?)</p>', page, re.S)
    assert hint and "Scroll the table sideways to see every topic" in hint.group(1)
    assert hint.end() < page.index('<div class="table-scroll">')
    css = (Path(app.static_folder) / "app.css").read_text()
    assert ".scroll-hint { display: none; }" in css  # shown by a narrow-screen rule


def test_manager_table_rows_and_sorting(app, crew):
    made = assign(app, crew)
    with app.app_context():
        study(db.session.get(User, crew["ann"]), 10, NOW)
        study(db.session.get(User, crew["bob"]), 3, NOW)
        db.session.remove()
    manager = as_user(app, crew["manager"])
    base = f"/teams/{crew['team']}/progress"
    page = text(manager.get(base))
    assert 'data-studied="10"' in page and 'data-studied="3"' in page
    assert 'aria-sort="ascending"' in page  # by status, worst first
    by_studied = text(manager.get(f"{base}?assignment={made}&sort=studied&dir=desc"))
    order = re.findall(r'<tr data-member="(\d+)"', by_studied)
    assert order == [str(crew["ann"]), str(crew["bob"]), str(crew["manager"])]
    assert 'aria-sort="descending"' in by_studied
    link = f"assignment={made}&amp;sort=studied&amp;dir=asc"
    assert link in by_studied  # clicking again reverses
    by_name = text(manager.get(f"{base}?sort=name&dir=asc"))
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', by_name)
    assert names == ["=HYPERLINK(1)", "Ann Archer", "Mia Manager"]


@pytest.mark.parametrize(
    "query", ["?assignment=abc", "?assignment=99999", "?assignment=99999999999"]
)
def test_manager_table_refuses_unknown_assignments(app, crew, query):
    assign(app, crew)
    manager = as_user(app, crew["manager"])
    assert manager.get(f"/teams/{crew['team']}/progress{query}").status_code == 404


def test_manager_table_tolerates_odd_sort_arguments(app, crew):
    assign(app, crew)
    manager = as_user(app, crew["manager"])
    response = manager.get(f"/teams/{crew['team']}/progress?sort=evil&dir=sideways")
    assert response.status_code == 200


def test_manager_table_without_assignments(app, crew):
    manager = as_user(app, crew["manager"])
    page = manager.get(f"/teams/{crew['team']}/progress")
    assert page.status_code == 200 and "no assignment yet" in text(page)
    assert manager.get(f"/teams/{crew['team']}/progress.csv").status_code == 404


def test_csv_export_matches_the_table_and_defuses_formulas(app, crew):
    assign(app, crew, exam_passed=True)
    with app.app_context():
        study(db.session.get(User, crew["ann"]), 13, NOW)
        exam(db.session.get(User, crew["ann"]), 83.0, True, NOW)
        db.session.remove()
    manager = as_user(app, crew["manager"])
    response = manager.get(f"/teams/{crew['team']}/progress.csv?sort=name")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert [row["name"] for row in rows] == [
        "'=HYPERLINK(1)",
        "Ann Archer",
        "Mia Manager",
    ]
    ann = rows[1]
    assert (ann["cards_studied"], ann["cards_total"], ann["studied_percent"]) == (
        "13",
        "13",
        "100",
    )
    assert ann["best_exam_percent"] == "83" and ann["exam_passed"] == "yes"
    assert ann["status"] == "done" and ann["last_active_utc"].startswith("2026-03-10")
    assert {"mastery_basics_percent", "mastery_extras_percent"} <= set(ann)


def test_member_summary_shows_their_dashboard_read_only(app, crew):
    assign(app, crew)
    with app.app_context():
        study(db.session.get(User, crew["ann"]), 6, NOW)
        db.session.remove()
    manager = as_user(app, crew["manager"])
    page = text(manager.get(f"/teams/{crew['team']}/members/{crew['ann']}"))
    assert "Ann Archer" in page and "read-only summary" in page
    assert "6 of 13 cards studied" in page and "Mastery by topic" in page
    assert "<form" not in page.split("<main", 1)[1]
    missing = manager.get(f"/teams/{crew['team']}/members/{crew['outsider']}")
    assert missing.status_code == 404


# --- home page ----------------------------------------------------------------


def test_home_page_lists_my_assignments_first_with_days_left(app, crew):
    assign(app, crew, due=date(2026, 3, 13))
    ann = as_user(app, crew["ann"])
    page = text(ann.get("/"))
    assert "Your assignments" in page
    assert page.index("Your assignments") < page.index('<section class="panel">')
    assert "3 days left" in page and "for Platform crew" in page
    assert 'aria-label="Progress toward the goal: 0%"' in page
    assert "Your assignments" not in text(as_user(app, crew["outsider"]).get("/"))


def test_home_page_marks_overdue_assignments(app, crew):
    assign(app, crew, due=date(2026, 3, 13))
    app.config["FIXED_NOW"] = lambda: NOW + timedelta(days=5)
    page = text(as_user(app, crew["ann"]).get("/"))
    assert "is-overdue" in page and "overdue by 2 days" in page


def many_rows_table(rows: int) -> str:
    """A demo-pack table of `rows` words: one card each."""
    lines = [f"  - {{name: word{n}, meaning: meaning {n}}}" for n in range(rows)]
    return (
        "id: words\ntopic: two\nnote: basics\ntitle: Words\nkey: name\n"
        "columns:\n  name: {title: Word}\n  meaning: {title: Meaning}\n"
        "rows:\n" + "\n".join(lines) + "\n"
        'cards:\n  - {id: meaning, front: "What is {name}?", back: "{meaning}"}\n'
    )


def test_the_assignment_form_counts_cards_and_warns_of_a_date_too_soon(
    app, crew, tmp_path
):
    from study.packs.importer import import_packs
    from tests.packs.demo import TABLE, write_pack

    with app.app_context():
        import_packs(db.session, write_pack(tmp_path, {TABLE: many_rows_table(60)}))
        db.session.remove()
    manager = as_user(app, crew["manager"])
    new = f"/teams/{crew['team']}/assignments/new"
    page = text(manager.get(new))
    assert "<strong>Starter deck</strong>: 13 cards, about 1 study day" in page
    assert re.search(r"Basics <span class=\"muted small\">\(\d+ cards?\)", page)
    manager.refresh_token(new)
    # 60-odd cards at 20 new cards a day take 4 study days; the 10th and the
    # 11th give two.
    soon = {"due": "2026-03-11", "goal_all_cards_studied": "y"}
    made = manager.form(new, {"pack": "demo", **soon}, follow_redirects=True)
    body = html.unescape(text(made))
    assert "Assignment created." in body
    warning = re.search(r"Heads up: at 20 new cards a day[^<]*", body).group(0)
    assert "take 4 study days, but the due date is 1 day away" in warning
    today = {"due": "2026-03-10", "goal_all_cards_studied": "y"}
    made = manager.form(new, {"pack": "demo", **today}, follow_redirects=True)
    assert "but the due date is today." in html.unescape(text(made))
    # The small pack fits, and an exam-only goal asks for no card at all.
    for fields in (
        {"pack": "starter", **soon},
        {"pack": "demo", "due": "2026-03-11", "goal_exam_passed": "y"},
    ):
        made = manager.form(new, fields, follow_redirects=True)
        assert made.status_code == 200
        assert "Heads up" not in text(made)


def test_counts_of_a_thousand_or_more_carry_a_separator(app):
    template = app.jinja_env.from_string("{{ n|thousands }} cards")
    assert template.render(n=1_168) == "1,168 cards"
    assert template.render(n=13) == "13 cards"
