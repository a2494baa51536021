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
    if "options" in first:
        answer = first["options"][0]["id"]
    else:
        answer = {} if first["kind"] == "matching" else "x"
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
