"""The quiz endpoints of the JSON API: questions without answers, server grading."""

import json
import math
from collections import Counter
from datetime import datetime, timedelta

import pytest
import yaml

from study.config import PROJECT_ROOT
from study.extensions import db
from study.models import QuizAttempt
from tests.quiz_answers import right_answer, wrong_answer


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
        {"pack": "starter", "mode": "practice", "count": 5, "topics": None},
        {"pack": "starter", "mode": "practice", "count": 5, "domc": "yes"},
        {"pack": 7},
        [],
    ]
    for payload in cases:
        response = logged_in.api("POST", "/api/v1/quizzes", payload)
        assert 400 <= response.status_code < 500, payload
        assert response.get_json()["error"]["message"]


@pytest.mark.parametrize("payload", [{}, {"mode": "practice"}, {"pack": ""}])
def test_a_missing_pack_is_a_400_that_says_so(logged_in, starter, payload):
    response = logged_in.api("POST", "/api/v1/quizzes", payload)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith("pack is required")


def test_exam_has_a_deadline(logged_in, starter):
    body = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "exam"}
    ).get_json()
    assert body["deadline"] and len(body["questions"]) == 6


def _items(app, attempt_id: int) -> dict:
    """Return each question's kind, shown part and hidden key, by position."""
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        found = {
            item.position: (item.question.kind, dict(item.shown), dict(item.key))
            for item in attempt.items
        }
        db.session.remove()
    return found


def test_answers_sent_with_submit_are_graded(app, logged_in, starter):
    attempt = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "practice", "count": 5}
    ).get_json()["attempt_id"]
    items = _items(app, attempt)
    answers = {"1": right_answer(*items[1]), "2": wrong_answer(*items[2])}
    result = logged_in.api(
        "POST", f"/api/v1/quizzes/{attempt}/submit", {"answers": answers}
    ).get_json()
    correct = {q["position"]: q["correct"] for q in result["questions"]}
    assert correct == {1: True, 2: False, 3: False, 4: False, 5: False}
    assert (result["correct"], result["score"]) == (1, 20.0)
    given = {q["position"]: q["given"] for q in result["questions"]}
    assert given[1] is not None and given[2] is not None and given[3] is None


def test_result_links_each_question_to_its_note(logged_in, starter):
    attempt = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "practice", "count": 10}
    ).get_json()["attempt_id"]
    result = logged_in.api("POST", f"/api/v1/quizzes/{attempt}/submit", {}).get_json()
    urls = {q["note_url"] for q in result["questions"]} - {None}
    assert urls
    titles = {"/notes/starter/shell": "Shell basics", "/notes/starter/more": "More"}
    for url in urls:
        page = logged_in.get(url)
        assert page.status_code == 200, url
        assert titles[url] in page.get_data(as_text=True)


def test_the_docker_mock_exam_follows_its_pack(app, logged_in):
    from study.packs.importer import import_packs

    pack_dir = PROJECT_ROOT / "content" / "docker"
    with app.app_context():
        import_packs(db.session, pack_dir)
        db.session.remove()
    settings = yaml.safe_load((pack_dir / "pack.yaml").read_text())
    weights = {t["id"]: t["weight"] for t in settings["topics"]}
    assert settings["exam"] == {"questions": 55, "minutes": 90, "pass_mark": 65}

    body = logged_in.api("POST", "/api/v1/quizzes", {"pack": "docker", "mode": "exam"})
    exam = body.get_json()
    assert body.status_code == 201 and len(exam["questions"]) == 55
    started = datetime.fromisoformat(exam["started_at"])
    assert datetime.fromisoformat(exam["deadline"]) - started == timedelta(minutes=90)
    asked = Counter(q["topic"] for q in exam["questions"])
    assert set(asked) == set(weights)
    for topic, weight in weights.items():
        share = 55 * weight / sum(weights.values())
        assert math.floor(share) <= asked[topic] <= math.ceil(share), topic
    result = logged_in.api("POST", f"/api/v1/quizzes/{exam['attempt_id']}/submit", {})
    graded = result.get_json()
    assert (graded["total"], graded["pass_mark"], graded["passed"]) == (55, 65, False)


def _start_domc(logged_in) -> dict:
    response = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "exam", "domc": True}
    )
    assert response.status_code == 201
    return response.get_json()


def test_domc_questions_show_one_option_at_a_time(app, logged_in, starter):
    exam = _start_domc(logged_in)
    attempt = exam["attempt_id"]
    items = _items(app, attempt)
    asked = [q for q in exam["questions"] if "domc" in q]
    # The starter exam always draws every basics question: a single and a multiple.
    assert {q["kind"] for q in asked} == {"single", "multiple"}
    for question in asked:
        position = question["position"]
        _kind, shown, key = items[position]
        texts = {o["id"]: o["text"] for o in shown["options"]}
        while not question["domc"]["done"]:
            decided = [d["id"] for d in question["domc"]["decided"]]
            current = question["domc"]["option"]["id"]
            assert current == shown["sequence"][len(decided)]
            _assert_only_shown(question, texts, {*decided, current})
            response = logged_in.api(
                "POST",
                f"/api/v1/quizzes/{attempt}/answers/{position}/domc",
                {"option": current, "says_yes": current in key["correct"]},
            )
            assert response.status_code == 200, response.get_json()
            question = response.get_json()
        assert question["domc"]["option"] is None
        again = logged_in.api(
            "POST",
            f"/api/v1/quizzes/{attempt}/answers/{position}/domc",
            {"option": shown["sequence"][0], "says_yes": True},
        )
        assert again.status_code == 409
    reread = logged_in.get(f"/api/v1/quizzes/{attempt}").get_json()
    assert all(q["domc"]["done"] for q in reread["questions"] if "domc" in q)
    result = logged_in.api("POST", f"/api/v1/quizzes/{attempt}/submit", {}).get_json()
    correct = {q["position"]: q["correct"] for q in result["questions"]}
    assert all(correct[q["position"]] for q in asked)


def _assert_only_shown(question: dict, texts: dict, shown_ids: set) -> None:
    """The question names the shown options and nothing of the rest or the key."""
    text = json.dumps(question)
    assert "options" not in question and "choose" not in question
    assert '"correct"' not in text and "sequence" not in text
    for option_id, option_text in texts.items():
        assert (json.dumps(option_text) in text) == (option_id in shown_ids)


def test_domc_refuses_whole_answers_and_other_options(app, logged_in, starter):
    exam = _start_domc(logged_in)
    attempt = exam["attempt_id"]
    items = _items(app, attempt)
    question = next(q for q in exam["questions"] if q["kind"] == "single")
    position = question["position"]
    _kind, shown, key = items[position]
    url = f"/api/v1/quizzes/{attempt}/answers/{position}"
    current, later = shown["sequence"][0], shown["sequence"][1]

    put = logged_in.api("PUT", url, {"answer": key["correct"][0]})
    assert put.status_code == 400
    for payload in (
        {"option": later, "says_yes": True},  # not the option shown
        {"option": "zz", "says_yes": False},
    ):
        response = logged_in.api("POST", f"{url}/domc", payload)
        assert response.status_code == 409, payload
        assert response.get_json()["error"]["message"]
    for payload in ({"option": current}, {"option": current, "says_yes": "yes"}, {}):
        assert logged_in.api("POST", f"{url}/domc", payload).status_code == 400
    plain = next(q["position"] for q in exam["questions"] if "domc" not in q)
    not_domc = logged_in.api(
        "POST",
        f"/api/v1/quizzes/{attempt}/answers/{plain}/domc",
        {"option": "a", "says_yes": True},
    )
    assert not_domc.status_code == 409

    submit = logged_in.api(
        "POST",
        f"/api/v1/quizzes/{attempt}/submit",
        {"answers": {str(position): key["correct"][0]}},
    )
    assert submit.status_code == 400
    assert "one option at a time" in submit.get_json()["error"]["message"]
    still_open = logged_in.get(f"/api/v1/quizzes/{attempt}").get_json()
    assert still_open["status"] == "open" and still_open["domc"] is True
    by_position = {q["position"]: q for q in still_open["questions"]}
    assert by_position[position]["domc"] == {
        "option": {"id": current, "text": _text(shown, current)},
        "decided": [],
        "done": False,
    }


def _text(shown: dict, option_id: str) -> str:
    return next(o["text"] for o in shown["options"] if o["id"] == option_id)


WORDS_TABLE = """\
id: words
topic: two
note: basics
title: Network words
key: name
columns:
  name: {title: Word}
  meaning: {title: Meaning}
rows:
  - {name: ingress, meaning: traffic that comes in}
  - {name: egress, meaning: traffic that goes out}
  - {name: overlay, meaning: a network over several hosts}
  - {name: gateway, meaning: the router for outside traffic}
  - {name: bridge, meaning: the default network on one host}
cards:
  - {id: meaning, front: "What is {name}?", back: "{meaning}"}
questions:
  - id: type-name
    kind: typed
    prompt: "Type the word for {meaning}."
    answer: name
    explanation: "{name} is {meaning}."
"""


def test_a_typo_that_spells_another_rows_answer_is_wrong(app, logged_in, tmp_path):
    from study.packs.importer import import_packs
    from tests.packs.demo import TABLE, write_pack

    with app.app_context():
        import_packs(db.session, write_pack(tmp_path, {TABLE: WORDS_TABLE}))
        db.session.remove()
    body = logged_in.api(
        "POST",
        "/api/v1/quizzes",
        {"pack": "demo", "mode": "practice", "topics": ["two"], "count": 5},
    ).get_json()
    position = {
        word: q["position"]
        for q in body["questions"]
        for word, meaning in [("ingress", "comes in"), ("gateway", "outside")]
        if meaning in q["prompt_html"]
    }
    assert "others" not in json.dumps(body)
    answers = {str(position["ingress"]): "igress", str(position["gateway"]): "gatewya"}
    result = logged_in.api(
        "POST", f"/api/v1/quizzes/{body['attempt_id']}/submit", {"answers": answers}
    ).get_json()
    correct = {q["position"]: q["correct"] for q in result["questions"]}
    assert correct[position["ingress"]] is False  # one slip from "egress" too
    assert correct[position["gateway"]] is True  # a harmless slip


def test_answers_of_nested_shapes_get_400_not_500(logged_in, starter):
    body = logged_in.api(
        "POST", "/api/v1/quizzes", {"pack": "starter", "mode": "practice", "count": 50}
    ).get_json()
    attempt = body["attempt_id"]
    for question in body["questions"]:
        url = f"/api/v1/quizzes/{attempt}/answers/{question['position']}"
        for answer in ([["a"]], {"l0": ["r0"]}, [{"a": 1}]):
            response = logged_in.api("PUT", url, {"answer": answer})
            assert response.status_code == 400, (question["kind"], answer)
            assert response.get_json()["error"]["message"]
    submit = logged_in.api(
        "POST", f"/api/v1/quizzes/{attempt}/submit", {"answers": {"1": [["a"]]}}
    )
    assert submit.status_code == 400
    assert logged_in.get(f"/api/v1/quizzes/{attempt}").get_json()["status"] == "open"


def test_submit_refuses_answers_that_are_not_a_map_and_grades_nothing(
    logged_in, starter
):
    # null, a list or a string is not "no answers" (schemathesis found null
    # graded as if the key were absent, against the schema).
    payload = {"pack": "starter", "mode": "practice", "count": 5}
    attempt = logged_in.api("POST", "/api/v1/quizzes", payload).get_json()
    for answers in (None, [], "1", 0):
        url = f"/api/v1/quizzes/{attempt['attempt_id']}/submit"
        response = logged_in.api("POST", url, {"answers": answers})
        assert response.status_code == 400, answers
        assert "answers must map" in response.get_json()["error"]["message"]
    result = logged_in.get(f"/api/v1/quizzes/{attempt['attempt_id']}").get_json()
    assert result.get("submitted_at") is None and "correct" not in result


def test_submit_checks_answer_shapes_even_on_a_graded_attempt(logged_in, starter):
    payload = {"pack": "starter", "mode": "practice", "count": 5}
    attempt = logged_in.api("POST", "/api/v1/quizzes", payload).get_json()
    url = f"/api/v1/quizzes/{attempt['attempt_id']}/submit"
    graded = logged_in.api("POST", url, {})
    assert graded.status_code == 200
    for answer in ({"a": {}}, [1], 7, True, "x" * 501):
        response = logged_in.api("POST", url, {"answers": {"1": answer}})
        assert response.status_code == 400, answer
        assert "Each answer must be" in response.get_json()["error"]["message"]
    again = logged_in.api("POST", url, {"answers": {"1": ["a"], "2": None}})
    assert again.status_code == 200
    assert again.get_json() == graded.get_json()  # a second submit changes nothing


def test_answers_are_kept_as_json_so_a_nul_in_one_is_graded_not_refused(
    logged_in, starter
):
    payload = {"pack": "starter", "mode": "drill", "count": 13}
    attempt = logged_in.api("POST", "/api/v1/quizzes", payload).get_json()
    typed = next(q["position"] for q in attempt["questions"] if q["kind"] == "typed")
    url = f"/api/v1/quizzes/{attempt['attempt_id']}/submit"
    graded = logged_in.api("POST", url, {"answers": {str(typed): "pwd\x00"}})
    assert graded.status_code == 200, graded.get_json()
    (question,) = [q for q in graded.get_json()["questions"] if q["position"] == typed]
    assert question["given"] == "pwd\x00" and question["correct"] is False
