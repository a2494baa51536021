"""Hostile content in a real browser: no payload runs, whatever page shows it.

A second app instance (its own SQLite database, its own port) serves the pack
built from tests/fixtures/xss/payloads.txt. A learner visits the pages that
show the payloads: the notes and every note (with its cards), the study page
(and cards that app.js loads), every quiz question and review with hostile
typed answers, search results, and home and settings under hostile display
names, and every team page under hostile team names and members' display
names. On each page: no dialog opened, `window.__xss` is still undefined, no
console error, nothing in the DOM that could run script, and plain text
(names, answers, queries) reads back exactly as typed.

The tour runs with the Content-Security-Policy bypassed, so escaping and
sanitizing are shown to be enough on their own. It visits every note, quiz
question and typed answer, and a sample of the study pages, search queries and
display names (tests/security/test_hostile_content.py checks every one of
those in the HTML the server sends). A sixth of the tour runs again with the
policy enforced, as learners get it, where a blocked inline script would show
up as a console error.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select
from werkzeug.serving import make_server

from study import create_app
from study.extensions import db
from tests.security.hostile import (
    PACK_ID,
    TYPED_ANSWER_MAX,
    build_pack,
    display_names,
    one_line,
    payloads,
)

pytestmark = pytest.mark.browser
MODES = {"csp-bypassed": 1, "csp-enforced": 6}  # tour mode -> take every n-th
PASSWORD = "a sturdy passphrase"

DOM_DANGERS = """() => {
  const never = new Set(["iframe", "frame", "object", "embed", "applet", "base",
    "img", "image", "video", "audio", "source", "marquee", "math", "style",
    "noscript", "foreignobject", "animate", "set", "portal"]);
  const urls = new Set(["href", "src", "action", "formaction", "xlink:href",
    "data", "poster", "background"]);
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (never.has(tag)) bad.push("<" + tag + ">");
    if (tag === "script" && !(el.getAttribute("src") || "").startsWith("/static/"))
      bad.push("script " + el.outerHTML.slice(0, 80));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\x00-\\x20\\x7f]/g, "");
      if (name.startsWith("on")) bad.push(tag + " " + name);
      if (name === "srcdoc") bad.push(tag + " srcdoc");
      if (urls.has(name) && /^(javascript|vbscript|data|livescript):/i.test(value))
        bad.push(tag + " " + name + "=" + attr.value);
    }
  }
  return bad;
}"""


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory):
    """Serve a second app instance whose only pack is the hostile one."""
    folder = tmp_path_factory.mktemp("hostile")
    pack = build_pack(folder)
    url = f"sqlite:///{folder / 'hostile.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "hostile-test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "CONTENT_DIR": str(pack.parent),
            "LOGIN_LIMIT": "1000 per minute",
        }
    )
    from flask_migrate import upgrade

    from study.packs.importer import import_packs

    with app.app_context():
        upgrade()
        import_packs(db.session, pack)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


class Watch:
    """Record dialogs, console errors and page errors of one page."""

    def __init__(self, page: Page):
        self.page = page
        self.problems: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"error: {error}"))

    def _dialog(self, dialog) -> None:
        self.problems.append(f"dialog: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def visit(self, url: str) -> None:
        """Open a page and check that nothing hostile ran or is waiting to."""
        response = self.page.goto(url)
        assert response is not None and response.status < 400, url
        self.check(url)

    def check(self, where: str) -> None:
        """Poke the page (hover, focus) and check it."""
        self.page.mouse.move(300, 300)
        self.page.keyboard.press("Tab")
        ran, dangers = self.page.evaluate(
            f"() => [typeof window.__xss, ({DOM_DANGERS})()]"
        )
        assert ran == "undefined", where
        assert dangers == [], where
        assert self.problems == [], (where, self.problems)


def _api(page: Page, method: str, path: str, body=None):
    """Call the JSON API with the page's session cookie and CSRF token."""
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    origin = "/".join(page.url.split("/")[:3])
    response = page.request.fetch(
        origin + path, method=method, data=body, headers={"X-CSRFToken": token or ""}
    )
    assert response.status < 400, (path, response.status, response.text()[:200])
    return response.json() if response.status != 204 else None


@dataclass
class Tour:
    """A learner's page on the hostile server and how much of the tour to do."""

    app: Flask
    base: str
    page: Page
    watch: Watch
    step: int
    email: str

    def sample(self, items: list, sparser: int = 1) -> list:
        """Return the share of `items` this tour visits."""
        return items[:: self.step * sparser]


@pytest.fixture(params=list(MODES))
def tour(request, browser, hostile_server):
    """A logged-in page on the hostile server, with or without the CSP (each
    test has its own learner, so one test's studying does not change another's
    pages)."""
    from study.services.accounts import create_user

    app, base = hostile_server
    email = f"{request.param}.{request.function.__name__[5:40]}@example.com"
    with app.app_context():
        create_user(db.session, email, PASSWORD)
        db.session.remove()
    context = browser.new_context(bypass_csp=request.param == "csp-bypassed")
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    yield Tour(app, base, page, watch, MODES[request.param], email)
    context.close()


def test_notes_and_search_show_payloads_inert(tour):
    app, base, page, watch = tour.app, tour.base, tour.page, tour.watch
    from study.models import Note

    with app.app_context():
        slugs = db.session.scalars(select(Note.slug).order_by(Note.position)).all()
        db.session.remove()
    for path in ("/", "/notes", f"/notes/{PACK_ID}"):
        watch.visit(base + path)
    for slug in tour.sample(slugs):
        watch.visit(f"{base}/notes/{PACK_ID}/{slug}")
        for summary in page.locator("details > summary").all()[:3]:
            summary.click()
        watch.check(slug)
    for payload in tour.sample(payloads(), sparser=2):
        query = one_line(payload)[:200].strip()
        watch.visit(f"{base}/search?q={quote(query)}")
        assert page.input_value("#site-search") == query


def test_study_page_shows_every_card_inert(tour):
    app, base, page, watch = tour.app, tour.base, tour.page, tour.watch
    from study.models import Card

    with app.app_context():
        keys = db.session.scalars(
            select(Card.key).where(Card.kind != "cloze").order_by(Card.position)
        ).all()
        db.session.remove()
    for key in tour.sample(keys, sparser=3):  # note pages show every card
        watch.visit(f"{base}/study?card={quote(key)}&reveal=1")
    # Cards that app.js fetches from the API and puts in the page.
    watch.visit(f"{base}/study")
    for _ in range(12):
        front = page.locator("#card-front").inner_html()
        page.keyboard.press("Space")
        page.keyboard.press("3")
        page.wait_for_function(
            "(before) => document.getElementById('card-front')?.innerHTML !== before",
            arg=front,
        )
        watch.check("study via app.js")


def test_display_names_are_shown_as_typed(tour):
    base, page, watch = tour.base, tour.page, tour.watch
    for name in tour.sample(display_names(), sparser=3):
        _api(page, "PATCH", "/api/v1/settings", {"display_name": name})
        watch.visit(f"{base}/")
        shown = " ".join(page.locator("h1").inner_text().split())
        assert shown == " ".join(f"Welcome, {name}".split())
        watch.visit(f"{base}/settings")
        assert page.input_value("#display_name") == name.strip()


def _quiz(tour: Tour, topic: str, answers: list[str]) -> None:
    base, page, watch = tour.base, tour.page, tour.watch
    attempt = _api(
        page,
        "POST",
        "/api/v1/quizzes",
        {"pack": PACK_ID, "topics": [topic], "count": 50, "feedback": "each"},
    )
    number = attempt["attempt_id"]
    typed = {}
    for question in attempt["questions"]:
        position = question["position"]
        typing = question["kind"] == "typed" and answers
        if not typing and position % tour.step:
            continue
        watch.visit(f"{base}/quiz/{number}?n={position}")
        if typing:
            typed[position] = answers.pop()
            page.fill("#typed-answer", typed[position])
            page.click("button[value=check]")
            page.wait_for_load_state()
            watch.check(f"quiz {number} question {position} checked")
            assert page.input_value("#typed-answer") == typed[position]
    # Leave the question page first: an answer it is still saving would meet
    # the submitted quiz (409) and reload the page under the next visit.
    watch.visit(f"{base}/quiz")
    _api(page, "POST", f"/api/v1/quizzes/{number}/submit", {})
    watch.visit(f"{base}/quiz/{number}/review")
    shown = page.locator("dd code").all_inner_texts()
    for answer in typed.values():
        assert answer.strip() in [text.strip() for text in shown]


def test_quiz_questions_reviews_and_typed_answers_are_inert(tour):
    base, page, watch = tour.base, tour.page, tour.watch
    answers = [one_line(p)[:TYPED_ANSWER_MAX] for p in tour.sample(payloads())]
    _quiz(tour, "first", answers)
    _quiz(tour, "second", answers)
    while answers:
        attempt = _api(
            page,
            "POST",
            "/api/v1/quizzes",
            {"pack": PACK_ID, "topics": ["first"], "count": 50},
        )
        number = attempt["attempt_id"]
        given = {}
        for question in attempt["questions"]:
            if question["kind"] == "typed" and answers:
                given[question["position"]] = answers.pop()
        _api(page, "POST", f"/api/v1/quizzes/{number}/submit", {"answers": given})
        watch.visit(f"{base}/quiz/{number}/review")
        shown = [text.strip() for text in page.locator("dd code").all_inner_texts()]
        for answer in given.values():
            assert answer.strip() in shown


@dataclass
class Crew:
    """Team data made from the payloads for one tour."""

    names: list[str]  # display names of the members, and names of teams
    team: int  # the learner's team of every hostile member
    members: list[int]
    links: list[str]  # invite links to teams named with payloads


def _hostile_teams(tour: Tour) -> Crew:
    """Give the tour's learner a team of members with payload display names,
    a team named after each payload, and invitations (by email and by link) to
    other teams named after each payload."""
    from study.models import Membership, User
    from study.services import assignments, team_invites, teams
    from tests.team_helpers import add_user, exam

    names = tour.sample(display_names())
    moment = datetime.now(UTC)
    with tour.app.app_context():
        me = db.session.scalar(select(User).where(User.email == tour.email))
        people = [add_user(f"{n}.{tour.email}", name) for n, name in enumerate(names)]
        team = teams.create_team(db.session, me, names[0], moment)
        for n, person in enumerate(people):
            role = "manager" if n < 3 else "member"  # named on the team page
            db.session.add(Membership(team_id=team.id, user_id=person.id, role=role))
        db.session.commit()
        teams.update_team(db.session, me, team.id, leaderboard_enabled=True)
        due = moment.date() + timedelta(days=7)
        spec = assignments.AssignmentSpec(pack=PACK_ID, due=due)
        assignments.create_assignment(db.session, me, team.id, spec, moment)
        for n, person in enumerate(people[:10]):  # the exam leaderboard shows ten
            exam(person, 50 + n, n % 2 == 0, moment, pack=PACK_ID)
        links = []
        for name in names:
            teams.create_team(db.session, me, name, moment)
            theirs = teams.create_team(db.session, people[0], name, moment)
            team_invites.invite_by_email(
                db.session, people[0], theirs.id, tour.email, moment
            )
            if len(links) < 2:
                _invite, token = team_invites.create_link_invite(
                    db.session, people[0], theirs.id, moment
                )
                links.append(f"{tour.base}/teams/join/{token}")
        crew = Crew(names, team.id, [person.id for person in people], links)
        db.session.remove()
    return crew


def _shows(page: Page, texts: list[str]) -> None:
    """Check that every text is on the page as plain, visible text."""
    shown = " ".join(page.evaluate("() => document.body.innerText").split())
    missing = [text for text in texts if " ".join(text.split()) not in shown]
    assert missing == [], missing


def test_team_pages_show_hostile_names_inert(tour):
    base, page, watch = tour.base, tour.page, tour.watch
    crew = _hostile_teams(tour)
    names, team = crew.names, crew.team
    watch.visit(f"{base}/teams")  # my teams, and invitations to others
    _shows(page, names)
    assert page.locator("[data-invitation]").count() == len(names)
    watch.visit(f"{base}/teams/{team}")  # managers, leaderboard, member table
    _shows(page, names)
    managers = " ".join(page.locator(".page-head p").inner_text().split())
    assert all(" ".join(name.split()) in managers for name in names[:3])
    assert page.locator("ol.board li").count() == min(10, len(names))
    assert page.input_value("#name") == " ".join(names[0].split())
    watch.visit(f"{base}/teams/{team}/progress")  # the manager's table
    _shows(page, names)
    for member, name in list(zip(crew.members, names, strict=True))[:2]:
        watch.visit(f"{base}/teams/{team}/members/{member}")
        _shows(page, [name, names[0]])
    watch.visit(f"{base}/teams/{team}/assignments/new")
    _shows(page, [names[0]])
    for link, name in zip(crew.links, names, strict=False):
        watch.visit(link)
        _shows(page, [f"Join {name}?"])
    page.click("#join-team")
    page.wait_for_load_state()
    watch.check("joined by link")
    _shows(page, [f"Welcome to “{names[1]}”!"])
    watch.visit(f"{base}/")  # my assignments name their team
    _shows(page, [names[0]])


def test_the_checks_notice_payloads_that_are_not_escaped(page):
    """The same checks, on the raw payloads, do see script run: they can fail."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
    ran = flagged = 0
    for payload in payloads():
        page.set_content(f"<!doctype html><main>{payload}</main>")
        page.mouse.move(300, 300)
        page.keyboard.press("Tab")
        page.wait_for_timeout(20)
        outcome, dangers = page.evaluate(
            f"() => [typeof window.__xss, ({DOM_DANGERS})()]"
        )
        ran += outcome != "undefined"
        flagged += bool(dangers)
        page.evaluate("() => { delete window.__xss; }")
    assert ran >= 25 and dialogs and flagged >= 50
