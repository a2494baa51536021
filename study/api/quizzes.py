"""Quiz endpoints: start, read, autosave, decide DOMC options, submit; graded on
the server."""

from __future__ import annotations

from flask import current_app, jsonify, url_for
from flask_login import current_user

from study.api import bp
from study.api.payloads import json_body, stored_id, whole
from study.errors import Invalid
from study.extensions import db
from study.quiz import present as presenting
from study.services import quizzes
from study.web.clock import now


def question_json(item) -> dict:
    """Return a question as the learner sees it: never its answer key."""
    question = item.question
    if quizzes.asked_by_option(item):
        shown = {"domc": domc_json(item)}
    else:
        shown = {k: v for k, v in item.shown.items() if k != "sequence"}
    return {
        "position": item.position,
        "id": question.key,
        "kind": question.kind,
        "topic": question.topic.slug,
        "prompt_html": question.data.get("prompt_html", ""),
        **shown,
        "answer": item.answer,
    }


def domc_json(item) -> dict:
    """Return a DOMC question's state: the options decided so far and the one to
    decide now; options not yet shown (and how many are right) stay hidden."""
    texts = {o["id"]: o["text"] for o in item.shown["options"]}
    decisions = (item.answer or {}).get("decisions", [])
    sequence = item.shown["sequence"]
    current = None
    if not item.locked and len(decisions) < len(sequence):
        option_id = sequence[len(decisions)]
        current = {"id": option_id, "text": texts[option_id]}
    return {
        "option": current,
        "decided": [
            {"id": option_id, "text": texts[option_id], "said_yes": says_yes}
            for option_id, says_yes in decisions
        ],
        "done": current is None,
    }


def attempt_json(attempt) -> dict:
    """Return an attempt in progress, with its questions but no answers."""
    return {
        "attempt_id": attempt.id,
        "pack": attempt.pack_id,
        "mode": attempt.mode,
        "status": attempt.status,
        "feedback": attempt.feedback,
        "domc": attempt.domc,
        "started_at": attempt.started_at.isoformat(),
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "questions": [question_json(item) for item in attempt.items],
    }


def result_json(attempt) -> dict:
    """Return a graded attempt: score, topics, and every question explained."""
    taken = (attempt.submitted_at - attempt.started_at).total_seconds()
    return {
        "attempt_id": attempt.id,
        "status": attempt.status,
        "score": attempt.score,
        "correct": attempt.correct_count,
        "total": attempt.question_count,
        "passed": attempt.passed,
        "pass_mark": attempt.pass_mark,
        "timed_out": attempt.timed_out,
        "time_taken_seconds": round(taken, 1),
        "per_topic": attempt.per_topic,
        "questions": [_graded_json(item) for item in attempt.items],
    }


def _graded_json(item) -> dict:
    question = item.question
    note = question.note
    return {
        "position": item.position,
        "id": question.key,
        "correct": bool(item.correct),
        "given": presenting.given_answer(question.kind, item.shown, item.answer),
        "expected": presenting.expected_answer(question.kind, item.shown, item.key),
        "explanation_html": question.data.get("explanation_html", ""),
        "note_url": url_for("notes.note", pack_id=question.pack_id, note_id=note.slug)
        if note
        else None,
    }


def _answer_shaped(answer: object) -> bool:
    """The shapes the API's schema allows an answer (quizzes_openapi.ANSWER)."""
    if answer is None:
        return True
    if isinstance(answer, str):
        return len(answer) <= presenting.MAX_TYPED_ANSWER
    if isinstance(answer, list):
        return all(isinstance(part, str) for part in answer)
    if isinstance(answer, dict):
        return all(isinstance(part, str) for part in answer.values())
    return False


def _request_from(body: dict) -> quizzes.QuizRequest:
    if not isinstance(body.get("pack"), str) or not body["pack"]:
        raise Invalid("pack is required: the id of the pack to be quizzed on.")
    topics = body.get("topics", [])  # null is not "no topics": the schema says so
    if not isinstance(topics, list):
        raise Invalid("topics must be a list of topic ids.")
    if not isinstance(body.get("domc", False), bool):
        raise Invalid("domc must be true or false.")
    feedback = body.get("feedback", "end")
    return quizzes.QuizRequest(
        pack=body.get("pack"),
        mode=body.get("mode", "practice"),
        topics=tuple(topics),
        count=whole(body.get("count", 10)),
        feedback=feedback,
        domc=body.get("domc") is True,
    )


@bp.post("/quizzes")
def quiz_start():
    """Start a quiz; return its questions without answers."""
    attempt = quizzes.start_quiz(
        db.session,
        current_user,
        _request_from(json_body("pack", "mode", "topics", "count", "feedback", "domc")),
        now(),
        exam_seconds=current_app.config.get("EXAM_SECONDS"),
    )
    return jsonify(attempt_json(attempt)), 201


@bp.get("/quizzes/<int:attempt_id>")
def quiz_get(attempt_id: int):
    """Return an attempt: its questions while open, its grading once submitted."""
    attempt_id = stored_id(attempt_id, "quiz attempt")
    attempt = quizzes.attempt_now(db.session, current_user, attempt_id, now())
    if attempt.status == "open":
        return jsonify(attempt_json(attempt))
    return jsonify(result_json(attempt))


@bp.put("/quizzes/<int:attempt_id>/answers/<int:position>")
def quiz_save_answer(attempt_id: int, position: int):
    """Autosave one answer (refused once submitted or after the time limit)."""
    body = json_body("answer", free_form=("answer",))
    attempt_id = stored_id(attempt_id, "quiz attempt")
    item = quizzes.save_answer(
        db.session, current_user, attempt_id, position, body.get("answer"), now()
    )
    return jsonify(position=item.position, saved=True, answer=item.answer)


@bp.post("/quizzes/<int:attempt_id>/answers/<int:position>/domc")
def quiz_domc_answer(attempt_id: int, position: int):
    """Answer yes or no to the option a DOMC question shows now."""
    body = json_body("option", "says_yes")
    option, says_yes = body.get("option"), body.get("says_yes")
    if not isinstance(option, str) or not isinstance(says_yes, bool):
        raise Invalid(
            'Send "option" (the id of the option shown) and "says_yes" (true or false).'
        )
    attempt_id = stored_id(attempt_id, "quiz attempt")
    item = quizzes.domc_answer(
        db.session, current_user, attempt_id, position, option, says_yes, now()
    )
    return jsonify(question_json(item))


@bp.post("/quizzes/<int:attempt_id>/submit")
def quiz_submit(attempt_id: int):
    """Save any final answers sent along, grade, and return the results.

    DOMC questions are answered option by option: an answer to one in `answers`
    is refused (400) and nothing is graded, rather than quietly dropped.
    """
    body = json_body("answers", free_form=("answers",))
    answers = body.get("answers", {})
    if not isinstance(answers, dict) or not all(
        key.isascii() and key.isdigit() and len(key) <= 9 for key in answers
    ):
        raise Invalid("answers must map question positions (1, 2, ...) to answers.")
    # Checked even when the attempt is already graded and they change nothing.
    if not all(_answer_shaped(answer) for answer in answers.values()):
        raise Invalid(
            "Each answer must be text (at most 500 characters), a list of texts, "
            "a map of texts or null."
        )
    attempt_id = stored_id(attempt_id, "quiz attempt")
    attempt = quizzes.submit_quiz(db.session, current_user, attempt_id, now(), answers)
    return jsonify(result_json(attempt))
