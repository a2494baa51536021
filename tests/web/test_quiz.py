"""Quiz pages over real HTTP: choose, answer, submit, review; no answer leaks."""

import re

from study.extensions import db
from study.models import AttemptItem, QuizAttempt


def start(client, **fields):
    client.refresh_token("/quiz")
    data = {
        "pack": "starter",
        "mode": "practice",
        "count": "5",
        "feedback": "end",
        **fields,
    }
    return client.form("/quiz/start", data)


def attempt_items(app):
    with app.app_context():
        attempt = db.session.query(QuizAttempt).one()
        return attempt.id, [
            (i.position, i.question.kind, dict(i.shown), dict(i.key))
            for i in db.session.query(AttemptItem).order_by(AttemptItem.position)
        ]


def test_choose_page_offers_practice_exam_and_drill(logged_in, starter):
    page = logged_in.get("/quiz").get_data(as_text=True)
    for text in (
        "Start practice quiz",
        "Start mock exam",
        "Drill my weak topics",
        "DOMC",
    ):
        assert text in page


def test_question_pages_never_show_the_answer_key(app, logged_in, starter):
    response = start(logged_in, count="10")
    assert response.status_code == 302
    attempt_id, items = attempt_items(app)
    for position, kind, _shown, key in items:
        page = logged_in.get(f"/quiz/{attempt_id}?n={position}").get_data(as_text=True)
        assert "correct" not in page.lower().replace("correct answer?", "")
        if kind == "typed":
            assert key["answers"][0] not in page


def test_answering_and_submitting_shows_the_review(app, logged_in, starter):
    start(logged_in)
    attempt_id, items = attempt_items(app)
    position, kind, shown, key = items[0]
    answer = {
        "single": key.get("correct", [""])[0],
        "truefalse": "true",
        "typed": "pwd",
        "multiple": key.get("correct", [""])[0],
    }.get(kind, "")
    logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {"n": str(position), "answer": answer, "go": "next"},
    )
    page = logged_in.get(f"/quiz/{attempt_id}?n=1").get_data(as_text=True)
    assert "Answer saved" in page or kind == "matching"
    confirm = logged_in.get(f"/quiz/{attempt_id}/submit").get_data(as_text=True)
    assert "unanswered" in confirm
    response = logged_in.form(f"/quiz/{attempt_id}/submit")
    assert response.headers["Location"].endswith(f"/quiz/{attempt_id}/review")
    review = logged_in.get(f"/quiz/{attempt_id}/review").get_data(as_text=True)
    assert "Correct answer" in review and "Your answer" in review
    assert "Read the note" in review
    assert re.search(r'id="score">\d+%', review)


def test_another_users_attempt_is_a_404(app, client, logged_in, starter):
    start(logged_in)
    attempt_id, _ = attempt_items(app)
    from tests.conftest import BrowserLikeClient, make_user
    from tests.web.test_auth import login

    make_user(app, "other@example.com")
    other = BrowserLikeClient(app.test_client())
    login(other, email="other@example.com")
    assert other.get(f"/quiz/{attempt_id}?n=1").status_code == 404
    assert other.get(f"/quiz/{attempt_id}/review").status_code == 404


def test_bad_count_is_a_400(logged_in, starter):
    assert start(logged_in, count="abc").status_code == 400
    assert start(logged_in, count="4").status_code == 400


def test_history_lists_attempts(app, logged_in, starter):
    start(logged_in)
    attempt_id, _ = attempt_items(app)
    logged_in.form(f"/quiz/{attempt_id}/submit")
    page = logged_in.get("/quiz").get_data(as_text=True)
    assert "Your attempts" in page and f"/quiz/{attempt_id}/review" in page
    assert "Your scores by topic" in page
