"""The OpenAPI description of the quiz endpoints (practice, drills and mock
exams), added to the API's document by `study.api.openapi`."""

from __future__ import annotations

from study.api.openapi_builders import (
    all_required,
    body,
    closed,
    errors,
    link,
    nullable,
    obj,
    ok,
    operation,
    path_id,
    ref,
    text,
)
from study.quiz.present import MAX_TYPED_ANSWER

SCHEMAS = {
    "QuizRequest": closed(
        obj(
            ["pack"],
            pack=text(),
            mode={"enum": ["practice", "exam", "drill"]},
            topics={"type": "array", "items": text()},
            count={"type": "integer", "minimum": 5, "maximum": 50},
            feedback={"enum": ["end", "each"]},
            domc={"type": "boolean"},
        )
    ),
    "Question": obj(
        ["position", "id", "kind", "topic", "prompt_html"],
        position={"type": "integer"},
        id=text(),
        kind={"enum": ["single", "multiple", "truefalse", "typed", "matching"]},
        topic=text(),
        prompt_html=text(),
        answer={},
        options={"type": "array", "items": all_required(id=text(), text=text())},
        domc=ref("DomcState"),
    ),
    "DomcState": all_required(
        option=nullable(all_required(id=text(), text=text())),
        decided={
            "type": "array",
            "items": all_required(
                id=text(),
                text=text(),
                said_yes={"type": "boolean"},
            ),
        },
        done={"type": "boolean"},
    ),
    "Attempt": obj(
        ["attempt_id", "pack", "mode", "status", "started_at", "deadline", "questions"],
        attempt_id={"type": "integer"},
        pack=text(),
        mode=text(),
        status={"const": "open"},
        feedback=text(),
        domc={"type": "boolean"},
        started_at=text(format="date-time"),
        deadline=nullable(text(format="date-time")),
        questions={"type": "array", "items": ref("Question")},
    ),
    "GradedQuestion": obj(
        ["position", "id", "correct", "explanation_html"],
        position={"type": "integer"},
        id=text(),
        correct={"type": "boolean"},
        given={},
        expected={},
        explanation_html=text(),
        note_url=nullable(text()),
    ),
    "Result": obj(
        ["attempt_id", "status", "score", "correct", "total", "per_topic", "questions"],
        attempt_id={"type": "integer"},
        status={"const": "submitted"},
        score={"type": "number"},
        correct={"type": "integer"},
        total={"type": "integer"},
        passed=nullable({"type": "boolean"}),
        pass_mark=nullable({"type": "integer"}),
        timed_out={"type": "boolean"},
        time_taken_seconds={"type": "number"},
        per_topic={
            "type": "object",
            "additionalProperties": obj(
                ["correct", "total", "score"],
                title=text(),
                correct={"type": "integer"},
                total={"type": "integer"},
                score={"type": "number"},
            ),
        },
        questions={"type": "array", "items": ref("GradedQuestion")},
    ),
}

# An option id, several, a typed answer, or matched pairs (left id -> right id);
# which of them fits depends on the question. Answers are kept as JSON, which
# holds any character, so unlike other text they may contain NUL.
STRING = {"type": "string"}
ANSWER = {
    "anyOf": [
        {"type": "null"},
        {**STRING, "maxLength": MAX_TYPED_ANSWER},
        {"type": "array", "items": STRING},
        {"type": "object", "additionalProperties": STRING},
    ]
}
ATTEMPT_ID = "$response.body#/attempt_id"

PATHS = {
    "/quizzes": {
        "post": operation(
            "quiz_start",
            "Start a practice quiz, a drill or a mock exam",
            {
                **ok(
                    "The attempt, without answers",
                    ref("Attempt"),
                    "201",
                    GetAttempt=link("quiz_get", attempt_id=ATTEMPT_ID),
                    SaveAnswer=link(
                        "quiz_save_answer",
                        attempt_id=ATTEMPT_ID,
                        position="$response.body#/questions/0/position",
                    ),
                    Submit=link("quiz_submit", attempt_id=ATTEMPT_ID, body={}),
                ),
                **errors("400", "404", "409"),
            },
            requestBody=body(ref("QuizRequest")),
        )
    },
    "/quizzes/{attempt_id}": {
        "get": operation(
            "quiz_get",
            "An attempt: its questions while open, its grading once submitted",
            {
                **ok("The attempt", {"anyOf": [ref("Attempt"), ref("Result")]}),
                **errors("404"),
            },
            parameters=[path_id("attempt_id")],
        )
    },
    "/quizzes/{attempt_id}/answers/{position}": {
        "put": operation(
            "quiz_save_answer",
            "Autosave one answer",
            {
                **ok(
                    "The answer was saved",
                    all_required(
                        position={"type": "integer"},
                        saved={"const": True},
                        answer={},
                    ),
                ),
                **errors("400", "404", "409"),
            },
            parameters=[path_id("attempt_id"), path_id("position")],
            requestBody=body(closed(obj([], answer=ANSWER))),
            description="A DOMC question is refused here (400): answer it with "
            "POST /quizzes/{attempt_id}/answers/{position}/domc.",
        )
    },
    "/quizzes/{attempt_id}/answers/{position}/domc": {
        "post": operation(
            "quiz_domc_answer",
            "Answer yes or no to the option a DOMC question shows now",
            {
                **ok("The question after this decision", ref("Question")),
                **errors("400", "404", "409"),
            },
            parameters=[path_id("attempt_id"), path_id("position")],
            requestBody=body(
                closed(
                    all_required(
                        option=text(description="domc.option.id of the question"),
                        says_yes={
                            "type": "boolean",
                            "description": "Whether this option is a right answer",
                        },
                    )
                )
            ),
            description=(
                "In a DOMC mock exam, single and multiple choice questions carry "
                "`domc` instead of `options`: the option to decide now and the "
                "ones decided so far. Answering another option than the one "
                "shown is a 409. The question ends at the first wrong call or "
                "once every right option is confirmed."
            ),
        )
    },
    "/quizzes/{attempt_id}/submit": {
        "post": operation(
            "quiz_submit",
            "Grade the attempt (final answers may come along)",
            {**ok("The graded attempt", ref("Result")), **errors("400", "404")},
            parameters=[path_id("attempt_id")],
            requestBody=body(
                closed(
                    obj(
                        [],
                        answers={
                            "type": "object",
                            "propertyNames": {"pattern": "^[0-9]{1,9}$"},
                            "additionalProperties": ANSWER,
                            "description": "Answers by question position. A "
                            "DOMC question cannot be answered here (400, and "
                            "nothing is graded): answer it option by option.",
                        },
                    )
                )
            ),
        )
    },
}
