"""Who may see whose data, on every route that shows learner data: the team
pages and API, and each learner's own pages and API (home, progress, card info,
exports, quizzes, study, settings, tokens).

Each route is asked by an anonymous visitor, a member, a member of another
team, a manager, a manager of another team, a site admin and a learner in no
team. Each answer is checked for its status and for data the asker must not
see: other teams' names, other people's names and emails, what other learners
made (a marker each typed as a quiz answer, named an API token after and used
as a review id) and their quiz attempts' ids. Every served route is either in
the tables or listed as carrying no learner data, with the reason.

The world is built once and kept until a request may have changed it (a write
that was not refused), so the 600-odd requests stay fast.
"""

from __future__ import annotations

import io
import json
import random
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from study.extensions import db, limiter
from study.models import (
    ApiToken,
    AttemptItem,
    Base,
    Card,
    Invite,
    Membership,
    Question,
    QuizAttempt,
    Team,
)
from study.packs.importer import import_packs
from study.quiz import present
from study.services import accounts, assignments, reviews, team_invites, teams
from study.services.backup_format import FORMAT, VERSION
from tests.conftest import STARTER, BrowserLikeClient, at
from tests.team_helpers import add_user, log_in

NOW = at(2026, 3, 10, 12, 0)
ACTORS = (
    "anonymous",
    "member",
    "stranger",
    "manager",
    "other_manager",
    "admin",
    "loner",
)
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
    "loner": ("lou.loner@example.com", "Lou Lonewolf"),
}
TEAM, OTHER_TEAM = "Tango Crew Alpha", "Oscar Squad Zulu"
TEAM_PEOPLE = ("manager", "member", "comember", "invitee")
OTHER_PEOPLE = ("stranger", "other_manager")


def traces(*names: str) -> set[str]:
    """Return the emails and display names of some people."""
    return {part for name in names for part in PEOPLE[name]}


def marker(name: str) -> str:
    """Return what one person typed: a quiz answer, a token name, a review id."""
    return f"marker-{name}-zq"


# What each asker must never see about the target team T or the other team O.
# A member may know who manages their team (the manager's name) and nothing
# about colleagues; nobody outside T learns that T exists.
FOREIGN = {
    "anonymous": {TEAM, OTHER_TEAM} | traces(*PEOPLE),
    "member": {OTHER_TEAM, PEOPLE["manager"][0]}
    | traces("comember", "invitee", "admin", "loner", *OTHER_PEOPLE),
    "stranger": {TEAM} | traces(*TEAM_PEOPLE, "admin", "loner"),
    "manager": {OTHER_TEAM} | traces("admin", "loner", *OTHER_PEOPLE),
    "other_manager": {TEAM} | traces(*TEAM_PEOPLE, "admin", "loner"),
    "admin": traces("loner"),
    "loner": {TEAM, OTHER_TEAM} | traces(*(p for p in PEOPLE if p != "loner")),
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
    # A learner's own pages: nobody else's name or email belongs there either.
    learner: bool = False
    # What of the asker's own the answer must show ("marker", "attempt"): the
    # proof that the page would show the data the leak check looks for.
    shows: tuple[str, ...] = field(default=())

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def by_role(
    member, stranger, manager, other_manager, admin, anonymous=LOGIN, loner=None
):
    """Return statuses for the seven askers (one in no team answers like a
    member of another team unless told)."""
    return {
        "anonymous": anonymous,
        "member": member,
        "stranger": stranger,
        "manager": manager,
        "other_manager": other_manager,
        "admin": admin,
        "loner": stranger if loner is None else loner,
    }


def everyone(status):
    return by_role(status, status, status, status, status)


def members_see(status=200):
    return by_role(status, 404, status, 404, status)


def managers_do(status):
    return by_role(403, 404, status, 404, status)


def owner_only(status):
    """The member's own attempt or token: anyone else is told it does not exist."""
    return by_role(status, 404, 404, 404, 404)


T = "/teams/<int:team_id>"
API = "/api/v1/teams"
API_T = "/api/v1/teams/<int:team_id>"
ASSIGNMENT = {"pack": "starter", "due": "2026-04-01", "goal_all_cards_studied": "y"}


def token_body(world):
    return {"token": world["token"]}


def link_body(world):
    return {"link": f"http://localhost/teams/join/{world['token']}"}


TEAM_CASES = [
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
    Case("POST", f"{T}/invites", managers_do(302), {"kind": "link"}),
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
    Case("GET", f"{API}/invitations", everyone(200)),
    Case("POST", f"{API}/invitations/<int:invite_id>/accept", everyone(404)),
    Case("POST", f"{API}/invitations/<int:invite_id>/decline", everyone(404)),
    Case("GET", API_T, members_see()),
    Case("PATCH", API_T, managers_do(200), {"leaderboard_enabled": False}),
    Case("DELETE", API_T, managers_do(204)),
    Case("POST", f"{API_T}/invites", managers_do(201), {}),
    Case("DELETE", f"{API_T}/invites/<int:invite_id>", managers_do(204)),
    # The world's leaderboard is off: members are told so, outsiders not.
    Case("GET", f"{API_T}/leaderboard", members_see(409)),
    Case(
        "PUT",
        f"{API_T}/leaderboard/visibility",
        by_role(200, 404, 200, 404, 409),
        {"hidden": True},
    ),
    Case("GET", f"{API_T}/members/<int:user_id>", managers_do(200)),
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


def learner_case(method, rule, statuses, body=None, *, shows=()) -> Case:
    """Return a route of a learner's own data: it may name no one else."""
    return Case(method, rule, statuses, body, learner=True, shows=shows)


def own(status=200, anonymous=LOGIN):
    """A learner's own data: every account gets its own, nobody another's."""
    return by_role(status, status, status, status, status, anonymous=anonymous)


def rating_body(world):
    return {"card": world["new_card"], "review_id": "matrix-rating-1", "rating": "3"}


def api_rating_body(world):
    return {"card_id": world["new_card"], "rating": 3, "review_id": "matrix-rating-2"}


def backup_body(_world):
    empty = json.dumps({"format": FORMAT, "version": VERSION}).encode()
    return {"backup": (io.BytesIO(empty), "backup.json")}


SETTINGS = {
    "display_name": "Renamed Learner",
    "desired_retention": "0.9",
    "new_cards_per_day": "20",
    "max_reviews_per_day": "200",
    "timezone": "UTC",
}
NEW_PASSWORD = "a different long passphrase"
PASSWORD_CHANGE = {"current": "wrong", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
QUIZ = {"pack": "starter", "mode": "practice", "count": "5"}
A = "/quiz/<int:attempt_id>"
API_A = "/api/v1/quizzes/<int:attempt_id>"

LEARNER_CASES = [
    # pages
    learner_case("GET", "/", own(anonymous=200)),
    learner_case("GET", "/progress", own()),
    learner_case("GET", "/progress/history", own()),
    learner_case("GET", "/progress/cards/<path:key>", own()),
    learner_case("GET", "/progress/export.csv", own(), shows=("marker",)),
    learner_case("GET", "/progress/export.json", own(), shows=("marker",)),
    learner_case("POST", "/progress/import", own(), backup_body),
    learner_case("GET", "/quiz", own(), shows=("attempt",)),
    learner_case("POST", "/quiz/start", own(302), QUIZ),
    # A submitted attempt: its owner is sent on to its review.
    learner_case("GET", A, owner_only(302), shows=("marker",)),
    learner_case("POST", f"{A}/answer", owner_only(302), {"n": "1", "answer": "x"}),
    learner_case("POST", f"{A}/domc", owner_only(302), {"n": "1", "option": "a"}),
    learner_case("GET", f"{A}/submit", owner_only(302)),
    learner_case("POST", f"{A}/submit", owner_only(302)),
    learner_case("GET", f"{A}/review", owner_only(200), shows=("marker",)),
    learner_case("GET", "/study", own()),
    learner_case("GET", "/study/choose", own()),
    learner_case("POST", "/study/choose", own(302), {"topics-starter": "basics"}),
    learner_case("POST", "/study/review", own(302), rating_body),
    learner_case("POST", "/study/undo", own(302)),
    learner_case("GET", "/settings", own(), shows=("marker",)),
    learner_case("POST", "/settings", own(302), SETTINGS),
    learner_case("POST", "/settings/password", own(400), PASSWORD_CHANGE),
    learner_case("POST", "/settings/tokens", own(302), {"name": "Another key"}),
    learner_case("POST", "/settings/tokens/<int:token_id>/revoke", owner_only(302)),
    # JSON API
    learner_case("GET", "/api/v1/progress", own(), shows=("attempt",)),
    learner_case("POST", "/api/v1/quizzes", own(201), {**QUIZ, "count": 5}),
    learner_case("GET", API_A, owner_only(200), shows=("marker", "attempt")),
    learner_case(
        "PUT", f"{API_A}/answers/<int:position>", owner_only(409), {"answer": "x"}
    ),
    learner_case(
        "POST",
        f"{API_A}/answers/<int:position>/domc",
        owner_only(409),
        {"option": "a", "says_yes": True},
    ),
    learner_case("POST", f"{API_A}/submit", owner_only(200), {}),
    learner_case("GET", "/api/v1/review/next", own()),
    learner_case("POST", "/api/v1/review", own(), api_rating_body),
    learner_case("POST", "/api/v1/review/undo", own()),
    learner_case("GET", "/api/v1/settings", own()),
    learner_case("PATCH", "/api/v1/settings", own(), {"new_cards_per_day": 15}),
    learner_case("GET", "/api/v1/tokens", own(), shows=("marker",)),
    learner_case("POST", "/api/v1/tokens", own(201), {"name": "Another key"}),
    learner_case("DELETE", "/api/v1/tokens/<int:token_id>", owner_only(204)),
]
CASES = TEAM_CASES + LEARNER_CASES
for case in CASES:
    if case.is_api:
        case.statuses["anonymous"] = 401

# Served routes that show no learner's data, and why.
NO_LEARNER_DATA = {
    ("GET", "/login"): "the login form",
    ("POST", "/login"): "logs in and sends the learner on (the form on failure)",
    ("GET", "/register"): "the sign-up form",
    ("POST", "/register"): "creates a new, empty account",
    ("POST", "/logout"): "ends the session",
    ("GET", "/healthz"): "whether the database answers",
    ("GET", "/csrf-token"): "a fresh CSRF token for the session",
    ("GET", "/static/<path:filename>"): "stylesheets, scripts and images",
    ("GET", "/notes"): "pack content, the same for everyone, login or not",
    ("GET", "/notes/<pack_id>"): "pack content, the same for everyone",
    ("GET", "/notes/<pack_id>/<note_id>"): "pack content, the same for everyone",
    ("GET", "/search"): "searches pack content, the same for everyone",
    ("GET", "/api/v1/openapi.json"): "the API's description",
    ("GET", "/api/v1/packs"): "pack content, the same for every learner",
    ("GET", "/api/v1/packs/<pack_id>/cards"): "pack content, the same for all",
}


def test_every_route_is_in_the_table_or_carries_no_learner_data(app):
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) & METHODS
    }
    listed = {(case.method, case.rule) for case in CASES}
    assert len(listed) == len(CASES), "a route is in the table twice"
    assert listed & set(NO_LEARNER_DATA) == set()
    missing = served - listed - set(NO_LEARNER_DATA)
    assert missing == set(), "routes neither in the access table nor exempted"
    gone = (listed | set(NO_LEARNER_DATA)) - served
    assert gone == set(), "the access table lists routes that are gone"
    assert all(reason for reason in NO_LEARNER_DATA.values())


# --- the world ------------------------------------------------------------------


def wipe(app) -> None:
    """Empty every table (what the suite's conftest does after each test)."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def clean_database():
    """Replace the suite's wipe after every test: `world` keeps the database
    while nothing changed it and wipes it when the module ends."""
    yield


@pytest.fixture(scope="module")
def kept(app):
    """Hold the world built last, or None once a request may have changed it."""
    app.config["FIXED_NOW"] = lambda: NOW
    state = {"world": None}
    yield state
    wipe(app)
    app.config.pop("FIXED_NOW", None)


@pytest.fixture
def world(app, kept):
    """Team T (a manager, a member, a co-member, an open email invite to someone
    else, a link invite and an assignment) and team O (its manager and a member);
    an admin and a learner in no team. Everyone studied a card, took a quiz and
    made an API token, leaving their marker in all three."""
    limiter.reset()
    if kept["world"] is None:
        wipe(app)
        with app.app_context():
            kept["world"] = build_world()
            db.session.remove()
    return kept["world"]


def build_world() -> dict:
    import_packs(db.session, STARTER)
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
    cards = db.session.scalars(
        select(Card).where(Card.pack_id == "starter").order_by(Card.position)
    ).all()
    api_tokens, attempts = {}, {}
    for name, user in users.items():
        api_tokens[name] = accounts.create_api_token(db.session, user, marker(name))
        reviews.record_review(db.session, user, cards[0].key, 3, marker(name), 900, NOW)
        attempts[name] = _answered_attempt(user.id, marker(name))
    member_token = db.session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == users["member"].id)
    )
    return {
        "team_id": tango.id,
        "user_id": users["comember"].id,
        "invite_id": emailed.id,
        "assignment_id": assignment.id,
        "token": token,
        "attempt_id": attempts["member"],
        "token_id": member_token,
        "position": 1,
        "key": cards[0].key,
        "new_card": cards[1].key,
        "attempts": attempts,
        "ids": {name: user.id for name, user in users.items()},
        "api_tokens": api_tokens,
    }


def _team(name, manager, members) -> Team:
    team = teams.create_team(db.session, manager, name, NOW)
    for member in members:
        db.session.add(Membership(team_id=team.id, user_id=member.id))
    db.session.commit()
    return team


def _answered_attempt(user_id: int, answer: str) -> int:
    """Store a submitted one-question quiz whose typed answer was `answer`."""
    question = db.session.scalar(
        select(Question)
        .where(Question.pack_id == "starter", Question.kind == "typed")
        .order_by(Question.position)
        .limit(1)
    )
    shown = present.present("typed", question.data, random.Random(0))
    attempt = QuizAttempt(
        user_id=user_id,
        pack_id="starter",
        mode="practice",
        status="submitted",
        started_at=NOW - timedelta(minutes=9),
        submitted_at=NOW - timedelta(minutes=5),
        question_count=1,
        correct_count=0,
        score=0.0,
        per_topic={},
        items=[
            AttemptItem(
                position=1,
                question_id=question.id,
                shown=shown.shown,
                key=shown.key,
                answer=answer,
                answered_at=NOW - timedelta(minutes=6),
                locked=True,
                correct=False,
            )
        ],
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt.id


# --- asking -----------------------------------------------------------------------

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
        json_body = body if case.method != "GET" else None
        response = client.open(
            path, method=case.method, json=json_body, headers=headers
        )
        return response, client
    if actor != "anonymous":
        log_in(client, app, world["ids"][actor])
    if case.method == "GET":
        return client.get(path), client
    client.token = client.get("/csrf-token").get_json()["token"]
    return client.form(path, body or {}), client


def attempt_link(attempt_id: int) -> re.Pattern:
    """Match an attempt's id where pages and the API put it."""
    return re.compile(rf'/quiz/{attempt_id}(?!\d)|"attempt_id": ?{attempt_id}(?!\d)')


def leaks(actor: str, case: Case, body: str, world: dict) -> set[str]:
    forbidden = set(FOREIGN[actor])
    if case.token_opens:
        # Whoever holds the link sees the team's name and, once in, who manages
        # it, like any member; colleagues' details stay hidden.
        forbidden -= {TEAM, PEOPLE["manager"][1]}
    others = [name for name in PEOPLE if name != actor]
    forbidden |= {marker(name) for name in others}
    if case.learner:
        forbidden |= traces(*others)
    found = {text for text in forbidden if text in body}
    for name in others:
        attempt = world["attempts"][name]
        if attempt_link(attempt).search(body):
            found.add(f"{name}'s attempt {attempt}")
    return found


def shows_own(actor: str, case: Case, body: str, world: dict) -> set[str]:
    """Return what of the asker's own the answer should show and does not."""
    missing = set()
    if "marker" in case.shows and marker(actor) not in body:
        missing.add("marker")
    attempt = world["attempts"][actor]
    if "attempt" in case.shows and not attempt_link(attempt).search(body):
        missing.add("attempt")
    return missing


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_access(app, kept, world, case, actor):
    if case.method != "GET":
        kept["world"] = None  # rebuilt for the next test unless refused below
    response, client = request_as(app, actor, case, world)
    expected = case.statuses[actor]
    refused = response.status_code >= 400 or expected == LOGIN
    if case.method != "GET" and refused:
        kept["world"] = world
    body = response.get_data(as_text=True)
    if expected == LOGIN:
        assert response.status_code == 302, body[:300]
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected, body[:500]
    assert leaks(actor, case, body, world) == set()
    if response.status_code == 302 and expected != LOGIN:
        # The page the action leads to (with its flash message) leaks nothing.
        followed = client.get(response.headers["Location"])
        assert followed.status_code < 500
        body = followed.get_data(as_text=True)
        assert leaks(actor, case, body, world) == set()
    if actor != "anonymous" and response.status_code < 400:
        assert shows_own(actor, case, body, world) == set()


def test_refused_writes_change_nothing(app, kept, world):
    """A member's or an outsider's refused manager action leaves the team as it
    was, and nobody's refused action touches the member's attempt or token."""
    kept["world"] = None
    writes = [c for c in CASES if c.method != "GET" and c.statuses["member"] == 403]
    for actor in ("member", "stranger", "other_manager", "loner"):
        for case in writes:
            response, _client = request_as(app, actor, case, world)
            assert response.status_code in (403, 404), (actor, str(case))
    owned = [
        c for c in LEARNER_CASES if c.method != "GET" and c.statuses["admin"] == 404
    ]
    for actor in ("manager", "admin", "loner"):
        for case in owned:
            response, _client = request_as(app, actor, case, world)
            assert response.status_code == 404, (actor, str(case))
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
        attempt = db.session.get(QuizAttempt, world["attempt_id"])
        assert attempt.status == "submitted"
        assert [item.answer for item in attempt.items] == [marker("member")]
        token = db.session.get(ApiToken, world["token_id"])
        assert token.revoked_at is None
