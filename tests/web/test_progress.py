"""The progress pages: dashboard, charts, history, card info, export and import."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from study.extensions import db
from study.models import CardState, User
from tests.conftest import PASSWORD, at, make_user
from tests.progress_data import add_attempt, add_review, set_state

LS = "starter:note:shell:ls"
GREP = "starter:note:more:grep"


def rate_cards(client, count: int, rating: int = 3) -> None:
    for _ in range(count):
        card = client.get("/api/v1/review/next").get_json()["card"]
        payload = {"card_id": card["id"], "rating": rating}
        payload |= {"review_id": card["review_id"], "duration_ms": 1500}
        assert client.api("POST", "/api/v1/review", payload).status_code == 200


def stat(page: str, name: str) -> str:
    found = re.search(rf'data-stat="{name}">([^<]*)<', page)
    assert found, name
    return found.group(1)


def with_user(app, function):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="learner@example.com"))
        function(user)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize(
    "path",
    [
        "/progress",
        "/progress/history",
        f"/progress/cards/{LS}",
        "/progress/export.csv",
        "/progress/export.json",
    ],
)
def test_progress_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_dashboard_shows_todays_numbers_and_they_move(logged_in, starter, midday):
    page = logged_in.get("/progress").get_data(as_text=True)
    assert 'href="/progress"' in page  # the navigation link
    assert stat(page, "reviews-today") == "0" and stat(page, "new-left") == "13"
    assert stat(page, "streak") == "0" and stat(page, "retention-7d") == "—"
    rate_cards(logged_in, 3)
    page = logged_in.get("/progress").get_data(as_text=True)
    assert stat(page, "reviews-today") == "3"
    assert stat(page, "due-now") == "3" and stat(page, "new-left") == "10"
    assert stat(page, "streak") == "1"
    assert 'data-state="learning">3<' in page and 'data-state="new">10<' in page


def test_the_dashboard_draws_accessible_charts_without_inline_styles(
    logged_in, starter
):
    rate_cards(logged_in, 2)
    response = logged_in.get("/progress")
    page = response.get_data(as_text=True)
    for chart_id in ("calendar", "per-day", "forecast"):
        assert f'role="img" focusable="false" id="{chart_id}"' in page
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in page
        assert f'id="{chart_id}-figure"' in page
    assert "2 reviews on 1 day in the last year" in page
    assert "Show the numbers" in page and '<th scope="row">' in page
    assert "style=" not in page and "<script>" not in page
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_mastery_recall_and_quiz_scores_per_topic(app, logged_in, starter):
    now = at(2026, 3, 10, 12, 0)
    app.config["FIXED_NOW"] = lambda: now

    def seed(user):
        set_state(user, LS, stability=30, interval_days=30, last_review=now)
        add_attempt(user, "practice", now - timedelta(days=1), {"basics": 80.0})
        add_attempt(user, "exam", now, {"basics": 60.0, "extras": 50.0})

    try:
        with_user(app, seed)
        page = logged_in.get("/progress").get_data(as_text=True)
    finally:
        app.config.pop("FIXED_NOW")
    row = re.search(r'data-topic="starter:basics">(.*?)</tr>', page, re.S).group(1)
    assert "1 of 7" in row and "14%" in row and "100%" in row
    assert "80%" in row and "60%" in row
    assert "Quiz and exam scores over time" in page and 'class="point exam"' in page


def test_the_history_page_filters_and_pages(app, logged_in, starter):
    now = at(2026, 3, 10, 12, 0)

    def seed(user):
        for n in range(55):
            add_review(user, LS, now - timedelta(hours=n))
        add_review(user, GREP, now - timedelta(days=5), rating=1)

    with_user(app, seed)
    page = logged_in.get("/progress/history").get_data(as_text=True)
    assert "56 ratings, page 1 of 2." in page
    assert page.count("<tr>") == 51  # the header and 50 ratings
    older = logged_in.get("/progress/history?page=2").get_data(as_text=True)
    assert "page 2 of 2" in older and "Again" in older
    extras = logged_in.get("/progress/history?topic=extras").get_data(as_text=True)
    assert "1 rating." in extras and "grep" in extras
    assert logged_in.get("/progress/history?page=abc").status_code == 200
    assert logged_in.get("/progress/history?pack=nothing").status_code == 404


def test_the_card_page_shows_every_rating_and_the_memory(app, logged_in, starter):
    rate_cards(logged_in, 1, rating=4)
    page = logged_in.get(f"/progress/cards/{LS}").get_data(as_text=True)
    assert "Which command lists the files of a directory?" in page
    assert 'id="card-reviews"' in page and "Easy" in page
    assert 'data-fact="stability"' in page and 'data-fact="difficulty"' in page
    assert re.search(r'data-fact="recall">\d+%<', page)
    assert logged_in.get("/progress/cards/starter:nothing").status_code == 404


def test_no_page_shows_another_learners_progress(app, client, starter):
    make_user(app, "learner@example.com")
    other = make_user(app, "other@example.com")
    with app.app_context():
        user = db.session.get(User, other)
        for n in range(3):
            add_review(user, LS, at(2026, 3, 10, 12) - timedelta(days=n))
        set_state(user, LS, stability=50, interval_days=50)
        add_attempt(user, "exam", at(2026, 3, 10, 12), {"basics": 99.0})
        db.session.commit()
        db.session.remove()
    client.refresh_token("/login")
    client.form("/login", {"email": "learner@example.com", "password": PASSWORD})
    client.token = None
    dashboard = client.get("/progress").get_data(as_text=True)
    assert stat(dashboard, "streak") == "0" and "99%" not in dashboard
    assert 'data-state="mature">0<' in dashboard
    assert "0 ratings." in client.get("/progress/history").get_data(as_text=True)
    card = client.get(f"/progress/cards/{LS}").get_data(as_text=True)
    assert "You have not studied this card yet." in card
    csv_text = client.get("/progress/export.csv").get_data(as_text=True)
    assert len(csv_text.splitlines()) == 1
    assert client.get("/progress/export.json").get_json()["reviews"] == []


def test_export_csv_and_json(logged_in, starter):
    rate_cards(logged_in, 2)
    response = logged_in.get("/progress/export.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["card"] for row in rows] == [LS, "starter:note:shell:pwd"]
    backup = logged_in.get("/progress/export.json")
    assert backup.mimetype == "application/json"
    assert ".json" in backup.headers["Content-Disposition"]
    data = backup.get_json()
    assert len(data["reviews"]) == 2 and LS in data["card_states"]


def upload(client, content: bytes, name: str = "backup.json", token=True):
    data = {"backup": (io.BytesIO(content), name)}
    if token:
        data["csrf_token"] = client.refresh_token("/progress")
    return client.client.post(
        "/progress/import", data=data, content_type="multipart/form-data"
    )


def test_import_restores_a_backup_and_a_second_import_adds_nothing(
    app, logged_in, starter
):
    rate_cards(logged_in, 3)
    backup = logged_in.get("/progress/export.json").get_data()
    restored = make_user(app, "restored@example.com")
    logged_in.form("/logout")
    logged_in.token = None
    logged_in.refresh_token("/login")
    logged_in.form("/login", {"email": "restored@example.com", "password": PASSWORD})
    first = upload(logged_in, backup)
    assert first.status_code == 200
    assert 'data-report="reviews-added">3<' in first.get_data(as_text=True)
    second = upload(logged_in, backup).get_data(as_text=True)
    assert 'data-report="reviews-added">0<' in second
    assert 'data-report="reviews-present">3<' in second
    page = logged_in.get("/progress").get_data(as_text=True)
    assert stat(page, "reviews-today") == "3" and restored


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"{oops", 400, "not valid JSON"),
        (b"[1, 2]", 400, "not a Shipshape progress backup"),
        (json.dumps({"format": "shipshape-progress", "version": 9}).encode(), 400, ""),
    ],
)
def test_import_refuses_bad_files_with_a_clear_4xx(
    logged_in, starter, content, status, message
):
    response = upload(logged_in, content)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_import_needs_a_file_and_the_csrf_token(logged_in, starter):
    token = logged_in.refresh_token("/progress")
    no_file = logged_in.client.post("/progress/import", data={"csrf_token": token})
    assert no_file.status_code == 400
    assert "Choose a progress backup file" in no_file.get_data(as_text=True)
    assert upload(logged_in, b"{}", token=False).status_code == 400


def test_import_refuses_a_file_over_the_limit(app, logged_in, starter):
    app.config["PROGRESS_IMPORT_MAX_BYTES"] = 1000
    try:
        small_enough = upload(logged_in, b" " * 900 + b"[]")
        too_big = upload(logged_in, b" " * 1001)
        huge = upload(logged_in, b" " * 200_000)
    finally:
        app.config.pop("PROGRESS_IMPORT_MAX_BYTES")
    assert small_enough.status_code == 400  # read, then refused as not a backup
    assert too_big.status_code == 413 and huge.status_code == 413


def test_the_card_page_shows_the_due_time_in_the_learners_zone_and_the_recall(
    app, logged_in, starter
):
    from study import srs
    from study.services.queue import to_memory

    now = at(2026, 3, 6, 12, 0)  # New York is on EST now, on EDT from 8 March

    def seed(user):
        user.timezone = "America/New_York"
        last = at(2026, 3, 1, 12, 0)
        set_state(user, LS, stability=10, interval_days=10, last_review=last)

    with_user(app, seed)
    app.config["FIXED_NOW"] = lambda: now
    try:
        page = logged_in.get(f"/progress/cards/{LS}").get_data(as_text=True)
    finally:
        app.config.pop("FIXED_NOW")
    with app.app_context():
        state = db.session.scalars(db.select(CardState)).one()
        recall = srs.retrievability(to_memory(state), now)
    assert state.due == at(2026, 3, 11, 12, 0)
    facts = re.search(r'id="card-facts">(.*?)</dl>', page, re.S).group(1)
    assert (
        '<dt>Due</dt><dd><time datetime="2026-03-11T12:00:00+00:00">'
        "Wed 11 Mar 2026, 08:00 EDT</time></dd>"
    ) in facts
    assert "<dt>Last review</dt><dd>Sun 01 Mar 2026, 07:00 EST</dd>" in facts
    assert 0.5 < recall < 1  # five of its ten days of stability have passed
    assert f'data-fact="recall">{recall * 100:.0f}%<' in facts


def scores_table(page: str) -> str:
    figure = re.search(r'id="scores-figure">(.*?)</figure>', page, re.S).group(1)
    return re.search(r"<table.*?</table>", figure, re.S).group(0)


def test_score_numbers_leave_out_the_pack_when_there_is_one(app, logged_in, starter):
    now = at(2026, 3, 10, 12, 0)
    with_user(app, lambda user: add_attempt(user, "practice", now, {"basics": 80.0}))
    table = scores_table(logged_in.get("/progress").get_data(as_text=True))
    assert "Pack" not in table and "<td></td>" not in table
    assert "Practice quiz" in table and "80%" in table


def test_score_numbers_name_each_attempts_pack(app, logged_in, starter):
    from study.models import Pack

    now = at(2026, 3, 10, 12, 0)

    def seed(user):
        db.session.add(Pack(id="k8s", title="Kubernetes basics"))
        db.session.flush()
        add_attempt(user, "practice", now - timedelta(days=1), {"basics": 80.0})
        add_attempt(user, "exam", now, {"pods": 70.0}, pack="k8s")

    with_user(app, seed)
    table = scores_table(logged_in.get("/progress").get_data(as_text=True))
    assert '<th scope="col">Pack</th>' in table and "<td></td>" not in table
    assert "<td>Starter deck</td>" in table and "<td>Kubernetes basics</td>" in table


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (None, "—"),
        (0, "0%"),
        (3 / 1169, "<1%"),
        (0.25, "25%"),
        (1168 / 1169, ">99%"),
        (1, "100%"),
    ],
)
def test_a_share_reads_as_a_percentage_that_never_rounds_to_none_or_all(share, shown):
    from study.web.progress import percent

    assert percent(share) == shown
