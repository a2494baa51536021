"""Who may reach which team route: every team page and API endpoint against an
anonymous visitor, a member, a member of another team, a manager, a manager of
another team and a site admin. Each answer is checked for its status and for
data the asker must not see (the other team's name, other people's names and
emails). A team route missing from the table fails the completeness test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from study.extensions import db
from study.models import Invite, Membership, Team
from study.services import accounts, assignments, team_invites, teams
from tests.conftest import BrowserLikeClient, at
from tests.team_helpers import add_user, log_in

NOW = at(2026, 3, 10, 12, 0)
ACTORS = ("anonymous", "member", "stranger", "manager", "other_manager", "admin")
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
LOGIN = "login"  # pages send visitors to the login page; the API says 401

# Everyone in the world below: (email, display name).
PEOPLE = {
    "manager": ("mallory.t@example.com", "Mallory Managerson"),
    "member": ("quentin.t@example.com", "Quentin Memberly"),
    "comember": ("cora.t@example.com", "Cora Comember"),
    "stranger": ("stan.o@example.com", "Stan Strangerly"),
    "other_manager": ("olga.o@example.com", "Olga Othermanager"),
    "admin": ("adam.admin@example.com", "Adam Administrator"),
    "invitee": ("ivy.invitee@example.com", "Ivy Invitee"),
}
TEAM, OTHER_TEAM = "Tango Crew Alpha", "Oscar Squad Zulu"
TEAM_PEOPLE = ("manager", "member", "comember", "invitee")
OTHER_PEOPLE = ("stranger", "other_manager")


def traces(*names: str) -> set[str]:
    """Return the emails and display names of some people."""
    return {part for name in names for part in PEOPLE[name]}


# What each asker must never see about the target team T or the other team O.
# A member may know who manages their team (the manager's name) and nothing
# about colleagues; nobody outside T learns that T exists.
FOREIGN = {
    "anonymous": {TEAM, OTHER_TEAM} | traces(*PEOPLE),
    "member": {OTHER_TEAM, PEOPLE["manager"][0]}
    | traces("comember", "invitee", "admin", *OTHER_PEOPLE),
    "stranger": {TEAM} | traces(*TEAM_PEOPLE, "admin"),
    "manager": {OTHER_TEAM} | traces("admin", *OTHER_PEOPLE),
    "other_manager": {TEAM} | traces(*TEAM_PEOPLE, "admin"),
    "admin": set(),
}


@dataclass(frozen=True)
class Case:
    """Expected statuses of one route for each asker, and what to send."""

    method: str
    rule: str
    statuses: dict[str, int | str]
    body: object = None  # a dict, or a function of the world returning one
    # Routes an invite token opens: holding the link reveals the team's name.
    token_opens: bool = False

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def by_role(member, stranger, manager, other_manager, admin, anonymous=LOGIN):
    """Return statuses for the six askers."""
    return {
        "anonymous": anonymous,
        "member": member,
        "stranger": stranger,
        "manager": manager,
        "other_manager": other_manager,
        "admin": admin,
    }


def everyone(status):
    return by_role(status, status, status, status, status)


def members_see(status=200):
    return by_role(status, 404, status, 404, status)


def managers_do(status):
    return by_role(403, 404, status, 404, status)


T = "/teams/<int:team_id>"
API = "/api/v1/teams"
API_T = "/api/v1/teams/<int:team_id>"
ASSIGNMENT = {"pack": "starter", "due": "2026-04-01", "goal_all_cards_studied": "y"}


def token_body(world):
    return {"token": world["token"]}


def link_body(world):
    return {"link": f"http://localhost/teams/join/{world['token']}"}


CASES = [
    # pages
    Case("GET", "/teams", everyone(200)),
    Case("POST", "/teams", everyone(302), {"name": "Brand new team"}),
    Case("POST", "/teams/join", everyone(302), link_body, token_opens=True),
    Case("GET", "/teams/join/<token>", everyone(200), token_opens=True),
    Case("POST", "/teams/join/<token>", everyone(302), token_opens=True),
    Case("POST", "/teams/invitations/<int:invite_id>/accept", everyone(404)),
    Case("POST", "/teams/invitations/<int:invite_id>/decline", everyone(404)),
    Case("GET", T, members_see()),
    Case("POST", f"{T}/settings", managers_do(302), {"name": TEAM}),
    Case("POST", f"{T}/delete", managers_do(302), {"confirm": "yes"}),
    Case("POST", f"{T}/invites", managers_do(200), {"kind": "link"}),
    Case("POST", f"{T}/invites/<int:invite_id>/revoke", managers_do(302)),
    # The last manager and an admin from outside cannot leave: a message, 302.
    Case("POST", f"{T}/leave", members_see(302)),
    Case("POST", f"{T}/leaderboard/visibility", members_see(302), {"hidden": "yes"}),
    Case("POST", f"{T}/members/<int:user_id>/remove", managers_do(302)),
    Case(
        "POST", f"{T}/members/<int:user_id>/role", managers_do(302), {"role": "manager"}
    ),
    Case("GET", f"{T}/progress", managers_do(200)),
    Case("GET", f"{T}/progress.csv", managers_do(200)),
    Case("GET", f"{T}/members/<int:user_id>", managers_do(200)),
    Case("GET", f"{T}/assignments/new", managers_do(200)),
    Case("POST", f"{T}/assignments/new", managers_do(302), ASSIGNMENT),
    Case("GET", f"{T}/assignments/<int:assignment_id>/edit", managers_do(200)),
    Case(
        "POST",
        f"{T}/assignments/<int:assignment_id>/edit",
        managers_do(302),
        ASSIGNMENT,
    ),
    Case("POST", f"{T}/assignments/<int:assignment_id>/delete", managers_do(302)),
    # JSON API
    Case("GET", API, everyone(200)),
    Case("POST", API, everyone(201), {"name": "Brand new team"}),
    Case("POST", f"{API}/join", everyone(200), token_body, token_opens=True),
    Case("GET", API_T, members_see()),
    Case("PATCH", API_T, managers_do(200), {"leaderboard_enabled": False}),
    Case("DELETE", API_T, managers_do(204)),
    Case("POST", f"{API_T}/invites", managers_do(201), {}),
    Case("DELETE", f"{API_T}/members/<int:user_id>", managers_do(204)),
    Case("POST", f"{API_T}/members/<int:user_id>/promote", managers_do(200)),
    Case("POST", f"{API_T}/members/<int:user_id>/demote", managers_do(200)),
    Case("GET", f"{API_T}/assignments", members_see()),
    Case(
        "POST",
        f"{API_T}/assignments",
        managers_do(201),
        {"pack": "starter", "due": "2026-04-01"},
    ),
    Case(
        "PATCH",
        f"{API_T}/assignments/<int:assignment_id>",
        managers_do(200),
        {"due": "2026-04-02"},
    ),
    Case("DELETE", f"{API_T}/assignments/<int:assignment_id>", managers_do(204)),
    Case("GET", f"{API_T}/progress", managers_do(200)),
]
for case in CASES:
    if case.is_api:
        case.statuses["anonymous"] = 401


def test_every_team_route_is_in_the_table(app):
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if "team" in rule.rule
        for method in (rule.methods or set()) & METHODS
    }
    listed = {(case.method, case.rule) for case in CASES}
    assert served - listed == set(), "team routes missing from the access table"
    assert listed - served == set(), "the access table lists routes that are gone"
    assert len(listed) == len(CASES)


@pytest.fixture
def world(app, starter):
    """Team T (a manager, a member, a co-member, an open email invite to someone
    else, a link invite and an assignment) and team O (its manager and a member);
    an admin in neither."""
    app.config["FIXED_NOW"] = lambda: NOW
    with app.app_context():
        users = {
            name: add_user(email, display, is_admin=name == "admin")
            for name, (email, display) in PEOPLE.items()
        }
        tango = _team(TEAM, users["manager"], [users["member"], users["comember"]])
        oscar = _team(OTHER_TEAM, users["other_manager"], [users["stranger"]])
        _invite, token = team_invites.create_link_invite(
            db.session, users["manager"], tango.id, NOW
        )
        emailed = team_invites.invite_by_email(
            db.session, users["manager"], tango.id, PEOPLE["invitee"][0], NOW
        )
        spec = assignments.AssignmentSpec(pack="starter", due="2026-03-31")
        assignment = assignments.create_assignment(
            db.session, users["manager"], tango.id, spec, NOW
        )
        assignments.create_assignment(
            db.session, users["other_manager"], oscar.id, spec, NOW
        )
        world = {
            "team_id": tango.id,
            "user_id": users["comember"].id,
            "invite_id": emailed.id,
            "assignment_id": assignment.id,
            "token": token,
            "ids": {name: user.id for name, user in users.items()},
            "api_tokens": {
                name: accounts.create_api_token(db.session, user, "access test")
                for name, user in users.items()
            },
        }
        db.session.remove()
    yield world
    app.config.pop("FIXED_NOW", None)


def _team(name, manager, members) -> Team:
    team = teams.create_team(db.session, manager, name, NOW)
    for member in members:
        db.session.add(Membership(team_id=team.id, user_id=member.id))
    db.session.commit()
    return team


PART = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def path_of(case: Case, world: dict) -> str:
    return PART.sub(lambda match: str(world[match.group(1)]), case.rule)


def request_as(app, actor: str, case: Case, world: dict):
    """Send the case's request as the actor; return the response and the client."""
    body = case.body(world) if callable(case.body) else case.body
    path = path_of(case, world)
    client = BrowserLikeClient(app.test_client())
    if case.is_api:
        headers = {}
        if actor != "anonymous":
            headers["Authorization"] = f"Bearer {world['api_tokens'][actor]}"
        json = body if case.method != "GET" else None
        return client.open(path, method=case.method, json=json, headers=headers), client
    if actor != "anonymous":
        log_in(client, app, world["ids"][actor])
    if case.method == "GET":
        return client.get(path), client
    client.refresh_token("/")
    return client.form(path, body or {}), client


def leaks(actor: str, case: Case, body: str) -> set[str]:
    forbidden = set(FOREIGN[actor])
    if case.token_opens:
        # Whoever holds the link sees the team's name and, once in, who manages
        # it, like any member; colleagues' details stay hidden.
        forbidden -= {TEAM, PEOPLE["manager"][1]}
    return {text for text in forbidden if text in body}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_access(app, world, case, actor):
    response, client = request_as(app, actor, case, world)
    expected = case.statuses[actor]
    body = response.get_data(as_text=True)
    if expected == LOGIN:
        assert response.status_code == 302, body[:300]
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected, body[:500]
    assert leaks(actor, case, body) == set()
    if response.status_code == 302 and expected != LOGIN:
        # The page the action leads to (with its flash message) leaks nothing.
        followed = client.get(response.headers["Location"])
        assert followed.status_code < 500
        assert leaks(actor, case, followed.get_data(as_text=True)) == set()


def test_refused_writes_change_nothing(app, world):
    """A member's or an outsider's refused manager action leaves the team as it was."""
    writes = [c for c in CASES if c.method != "GET" and c.statuses["member"] == 403]
    for actor in ("member", "stranger", "other_manager"):
        for case in writes:
            response, _client = request_as(app, actor, case, world)
            assert response.status_code in (403, 404), (actor, str(case))
    with app.app_context():
        team = db.session.get(Team, world["team_id"])
        assert team.name == TEAM and team.leaderboard_enabled is False
        roles = dict(
            db.session.query(Membership.user_id, Membership.role).filter_by(
                team_id=team.id
            )
        )
        assert roles == {
            world["ids"]["manager"]: "manager",
            world["ids"]["member"]: "member",
            world["ids"]["comember"]: "member",
        }
        invites = db.session.query(Invite).filter_by(team_id=team.id).count()
        assert invites == 2
