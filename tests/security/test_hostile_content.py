"""Hostile content is shown inert: Markdown is sanitized, plain text is escaped.

The browser suite (tests/browser/test_xss.py) runs the same content through
chromium; these tests check the HTML the server sends, for every payload.
(Team names will join the display names here once teams exist.)
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from markupsafe import escape
from sqlalchemy import select

from study.extensions import db
from study.markdown import render_markdown, render_note
from study.models import Card, Note, Question
from study.packs import validate
from study.packs.importer import import_packs
from tests.security.hostile import (
    PACK_ID,
    TYPED_ANSWER_MAX,
    build_pack,
    dangers,
    display_names,
    one_line,
    payloads,
)

PAYLOADS = payloads()
TOKEN = re.compile(r'(content|value)="[\w.-]{40,}"')
TAG = re.compile(r"<[a-zA-Z][^>]*>")
QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
HANDLER = re.compile(r"\son\w+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


@pytest.fixture
def hostile(app, tmp_path):
    """Build the hostile pack from the corpus and import it."""
    root = build_pack(tmp_path)
    with app.app_context():
        import_packs(db.session, root)
        db.session.remove()
    return root


def page(client, path: str, status: int = 200) -> str:
    """Fetch a page, check its status and that nothing in it can run script."""
    response = client.get(path)
    assert response.status_code == status, path
    body = response.get_data(as_text=True)
    assert dangers(body) == [], path
    return body


def test_the_corpus_is_large_and_covers_every_family():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    joined = "\n".join(PAYLOADS).lower()
    for family in ("<script", "onerror=", "javascript:", "<svg", "](", "&#", "<math"):
        assert family in joined, family
    assert len(display_names()) >= 50


def test_the_checker_notices_payloads_that_are_not_sanitized():
    flagged = [p for p in PAYLOADS if dangers(f"<main>{p}</main>")]
    assert len(flagged) >= 50


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_rendered_markdown_cannot_run_script(payload):
    for html in (render_markdown(payload), render_note(payload)[0]):
        assert "<script" not in html.lower()
        tags = [QUOTED.sub('""', tag) for tag in TAG.findall(html)]
        assert not any(HANDLER.search(tag) for tag in tags), html
        assert not any(JS_URL.search(tag) for tag in TAG.findall(html)), html
        assert dangers(html) == [], html


def test_the_hostile_pack_is_valid_and_stores_only_inert_html(app, hostile):
    assert validate(hostile) == []
    with app.app_context():
        stored = [n.html for n in db.session.scalars(select(Note))]
        for card in db.session.scalars(select(Card)):
            stored += [card.front_html, card.back_html]
        for question in db.session.scalars(select(Question)):
            data = question.data
            stored += [data["prompt_html"], data["explanation_html"]]
            stored += [option["text"] for option in data["options"]]
            stored += [side for pair in data["pairs"] for side in pair]
        db.session.remove()
    assert len(stored) > 500
    for html in stored:
        assert dangers(html) == [], html


def test_note_pages_and_search_are_inert(app, logged_in, hostile):
    body = page(logged_in, "/notes")
    assert str(escape(f"Hostile {one_line(PAYLOADS[0])}")) in body
    page(logged_in, f"/notes/{PACK_ID}")
    with app.app_context():
        notes = db.session.scalars(select(Note.slug)).all()
        db.session.remove()
    for slug in notes:
        body = page(logged_in, f"/notes/{PACK_ID}/{slug}")
        assert "<h1>" in body
    for payload in PAYLOADS:
        query = one_line(payload)[:200].strip()
        body = page(logged_in, f"/search?q={quote(query)}")
        assert f'value="{escape(query)}"' in TOKEN.sub("", body)


def test_study_pages_are_inert(app, logged_in, hostile):
    with app.app_context():
        keys = db.session.scalars(select(Card.key).where(Card.kind != "cloze")).all()
        db.session.remove()
    for key in keys:
        body = page(logged_in, f"/study?card={quote(key)}&reveal=1")
        assert "card-front" in body
    api = logged_in.get("/api/v1/review/next").get_json()["card"]
    assert dangers(api["front_html"] + api["back_html"]) == []


def test_display_names_are_shown_escaped(logged_in):
    for name in display_names():
        response = logged_in.api("PATCH", "/api/v1/settings", {"display_name": name})
        assert response.status_code == 200, name
        home = page(logged_in, "/")
        assert str(escape(name.strip())) in home
        settings = page(logged_in, "/settings")
        assert f'value="{escape(name.strip())}"' in settings


def _quiz_round(client, topic: str, answers: list[str], every_page: bool) -> None:
    start = client.api(
        "POST", "/api/v1/quizzes", {"pack": PACK_ID, "topics": [topic], "count": 50}
    )
    assert start.status_code == 201, start.get_json()
    attempt = start.get_json()
    number = attempt["attempt_id"]
    given = {}
    for question in attempt["questions"]:
        position = question["position"]
        if question["kind"] == "typed" and answers:
            given[position] = answers.pop()
            path = f"/api/v1/quizzes/{number}/answers/{position}"
            assert (
                client.api("PUT", path, {"answer": given[position]}).status_code == 200
            )
        if every_page or position in given:
            body = page(client, f"/quiz/{number}?n={position}")
            if position in given:
                assert f'value="{escape(given[position])}"' in body
    assert client.api("POST", f"/api/v1/quizzes/{number}/submit", {}).status_code == 200
    review = page(client, f"/quiz/{number}/review")
    for answer in given.values():
        assert f"<code>{escape(answer)}</code>" in review


def test_quiz_pages_and_typed_answers_are_inert(logged_in, hostile):
    answers = [one_line(p)[:TYPED_ANSWER_MAX] for p in PAYLOADS]
    _quiz_round(logged_in, "first", answers, every_page=True)
    _quiz_round(logged_in, "second", answers, every_page=True)
    while answers:
        _quiz_round(logged_in, "first", answers, every_page=False)
