"""Two requests on one quiz at the same moment (two tabs, the countdown's
submit racing the button): the attempt is graded once and never changes after."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from study.extensions import db
from study.models import Card, QuizAttempt, ReviewLog, User
from study.services import queue, reviews
from study.services.accounts import create_api_token
from tests.quiz_answers import wrong_answer_to

ROUNDS = 4


@pytest.fixture
def bearer(app, user):
    with app.app_context():
        token = create_api_token(db.session, db.session.get(User, user), "two tabs")
        db.session.remove()
    return {"Authorization": f"Bearer {token}"}


def _at_once(app, calls):
    """Run each (method, path, json) call in its own thread and client, all
    released together; return the responses' status codes and bodies."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, method, path, body, headers):
        client = app.test_client()
        barrier.wait()
        response = client.open(path, method=method, json=body, headers=headers)
        results[index] = (response.status_code, response.get_json())

    threads = [
        threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _start(app, bearer):
    client = app.test_client()
    body = client.post(
        "/api/v1/quizzes",
        json={"pack": "starter", "mode": "practice", "count": 5},
        headers=bearer,
    ).get_json()
    return body["attempt_id"]


def _linked_cards(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        keys = {
            k for item in attempt.items for k in item.question.data.get("cards", [])
        }
        count = db.session.scalar(
            select(func.count()).where(Card.key.in_(keys), Card.retired.is_(False))
        )
        db.session.remove()
    return count


def _quiz_lapses(app, user):
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(
                ReviewLog.user_id == user, ReviewLog.from_quiz.is_(True)
            )
        )
        db.session.remove()
    return count


def _study_every_card(app, user):
    """Rate every card of the starter pack Easy, a week before now."""
    with app.app_context():
        learner = db.session.get(User, user)
        moment = datetime.now(UTC) - timedelta(days=7)
        for card in db.session.scalars(select(Card).where(Card.retired.is_(False))):
            review_id = queue.review_id_for(db.session, learner, card)
            reviews.record_review(
                db.session, learner, card.key, 4, review_id, 1000, moment
            )
        db.session.remove()


def _wrong_answers(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        answers = {str(item.position): wrong_answer_to(item) for item in attempt.items}
        db.session.remove()
    return answers


def test_two_submits_at_once_grade_the_attempt_once(app, user, starter, bearer):
    _study_every_card(app, user)
    for _ in range(ROUNDS):
        attempt = _start(app, bearer)
        path = f"/api/v1/quizzes/{attempt}/submit"
        body = {"answers": _wrong_answers(app, attempt)}
        before = _quiz_lapses(app, user)
        first, second = _at_once(app, [("POST", path, body, bearer)] * 2)
        assert first[0] == second[0] == 200, (first, second)
        assert first[1] == second[1]  # one grading, the same time taken
        assert first[1]["correct"] == 0
        # Every question was answered wrong: each linked card lapsed exactly once.
        assert _quiz_lapses(app, user) - before == _linked_cards(app, attempt)


def test_an_autosave_racing_the_submit_is_refused_or_graded(app, user, starter, bearer):
    for _ in range(ROUNDS):
        attempt = _start(app, bearer)
        question = (
            app.test_client()
            .get(f"/api/v1/quizzes/{attempt}", headers=bearer)
            .get_json()["questions"][0]
        )
        answer = (
            {"answer": "docker ps"} if question["kind"] == "typed" else {"answer": None}
        )
        saved, submitted = _at_once(
            app,
            [
                ("PUT", f"/api/v1/quizzes/{attempt}/answers/1", answer, bearer),
                ("POST", f"/api/v1/quizzes/{attempt}/submit", {"answers": {}}, bearer),
            ],
        )
        assert submitted[0] == 200 and saved[0] in (200, 409), (saved, submitted)
        graded = (
            app.test_client()
            .get(f"/api/v1/quizzes/{attempt}", headers=bearer)
            .get_json()
        )
        # What the review shows is what was graded: a refused save left no trace.
        assert graded["questions"][0]["given"] == submitted[1]["questions"][0]["given"]


def test_two_starts_at_once_open_one_attempt(app, user, starter, bearer):
    start = {"pack": "starter", "mode": "practice", "count": 5}
    results = _at_once(app, [("POST", "/api/v1/quizzes", start, bearer)] * 2)
    codes = sorted(code for code, _ in results)
    assert codes == [201, 409], results
