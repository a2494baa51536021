"""The quiz endpoints of the JSON API: questions without answers, server grading."""

import json


def test_start_returns_questions_without_answers(logged_in, starter):
    response = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "practice", "count": 10}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["questions"]) == 10
    text = json.dumps(body)
    assert '"correct"' not in text and '"truth"' not in text and '"answers"' not in text
    assert '"pairs"' not in text and "key" not in body["questions"][0]


def test_submit_grades_and_explains(logged_in, starter):
    body = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "practice", "count": 5}
    ).get_json()
    attempt = body["attempt_id"]
    first = body["questions"][0]
    answer = _an_answer_for(first)
    saved = logged_in.api(
        "PUT", f"/api/v1/quizzes/{attempt}/answers/1", {"answer": answer}
    )
    assert saved.status_code == 200
    result = logged_in.api("POST", f"/api/v1/quizzes/{attempt}/submit", {"answers": {}})
    graded = result.get_json()
    assert result.status_code == 200
    assert {"score", "per_topic", "questions", "passed", "time_taken_seconds"} <= set(
        graded
    )
    assert all("explanation_html" in q and "expected" in q for q in graded["questions"])
    again = logged_in.api(
        "PUT", f"/api/v1/quizzes/{attempt}/answers/1", {"answer": answer}
    )
    assert again.status_code == 409


def _an_answer_for(question: dict):
    """Return a well-formed (not necessarily right) answer for any question kind."""
    kind = question["kind"]
    if kind == "multiple":
        return [question["options"][0]["id"]]
    if kind in ("single", "truefalse"):
        return question["options"][0]["id"]
    if kind == "matching":
        return {question["left"][0]["id"]: question["right"][0]["id"]}
    return "x"


def test_every_kind_accepts_a_well_formed_answer(logged_in, starter):
    body = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "practice", "count": 50}
    ).get_json()
    kinds = set()
    for position, question in enumerate(body["questions"], start=1):
        kinds.add(question["kind"])
        saved = logged_in.api(
            "PUT",
            f"/api/v1/quizzes/{body['attempt_id']}/answers/{position}",
            {"answer": _an_answer_for(question)},
        )
        assert saved.status_code == 200, (question["kind"], saved.get_json())
    assert {"single", "multiple", "truefalse", "typed", "matching"} <= kinds


def test_bad_requests_get_4xx_json(logged_in, starter):
    cases = [
        {"pack": "nope", "mode": "practice", "count": 5},
        {"pack": "starter", "mode": "sprint", "count": 5},
        {"pack": "starter", "mode": "practice", "count": 500},
        {"pack": "starter", "mode": "practice", "count": 5, "topics": "basics"},
        {"pack": 7},
        [],
    ]
    for payload in cases:
        response = logged_in.api("POST", "/api/v1/quizzes", payload)
        assert 400 <= response.status_code < 500, payload
        assert response.get_json()["error"]["message"]


def test_exam_has_a_deadline(logged_in, starter):
    body = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "exam"}
    ).get_json()
    assert body["deadline"] and len(body["questions"]) == 6
