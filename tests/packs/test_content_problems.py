"""Mistakes in tables, notes and questions are reported as `path:line: message`."""

from __future__ import annotations

import pytest

from tests.packs.demo import (
    QUESTIONS,
    TABLE,
    choice,
    edit,
    note,
    question,
    reported,
)


def matching(fields: str, prompt: str = "M.") -> dict[str, str]:
    """Return the demo table with a matching template `m` having these fields."""
    template = (
        f"  - {{id: m, kind: matching, prompt: {prompt}, {fields}, explanation: E.}}\n"
    )
    return edit(TABLE, "questions:\n", "questions:\n" + template)


CASES = [
    # tables
    (
        "unknown-column-in-template",
        edit(TABLE, 'back: "{hex}"', 'back: "{nope}"'),
        "tables/colors.yaml:16: template 'hex' uses {nope}, which is not a column",
    ),
    (
        "unknown-answer-column",
        edit(TABLE, "answer: name", "answer: nope"),
        "tables/colors.yaml:21: template 'which': answer 'nope' is not a column",
    ),
    (
        "key-column-missing",
        edit(TABLE, "key: name", "key: title"),
        "tables/colors.yaml:5: key column 'title' is not a column",
    ),
    (
        "row-without-key",
        edit(TABLE, "{name: green, ", "{"),
        "tables/colors.yaml:12: row has no value in the key column 'name'",
    ),
    (
        "undeclared-column",
        edit(TABLE, "warm: false}", "warm: false, size: 3}"),
        "tables/colors.yaml:12: column 'size' is not declared in columns",
    ),
    (
        "bool-column-not-bool",
        edit(TABLE, "warm: true}", "warm: maybe}"),
        "tables/colors.yaml:11: column 'warm': write true or false",
    ),
    (
        "text-column-read-as-bool",
        edit(TABLE, 'hex: "#f00"', "hex: yes"),
        "tables/colors.yaml:11: column 'hex': YAML reads this as true/false",
    ),
    (
        "too-few-distractors",
        edit(TABLE, '  - {name: yellow, hex: "#ff0", warm: true}\n', ""),
        "tables/colors.yaml:11: question template 'which' has only 2 distractors for "
        "row 'red' (needs 3)",
    ),
    (
        "same-prompt-not-a-distractor",
        edit(TABLE, 'hex: "#ff0"', 'hex: "#f00"'),
        "tables/colors.yaml:11: question template 'which' has only 2 distractors for "
        "row 'red' (needs 3)",
    ),
    (
        "template-without-explanation",
        edit(TABLE, '    explanation: "{name} is {hex}."\n', ""),
        "tables/colors.yaml:18: question template 'which' has no explanation",
    ),
    (
        "truefalse-on-text-column",
        edit(TABLE, "kind: choice", "kind: truefalse"),
        "tables/colors.yaml:18: question template 'which' needs a bool column as its "
        "answer",
    ),
    (
        "unknown-when-column",
        edit(TABLE, 'back: "{hex}"}', 'back: "{hex}", when: nope}'),
        "tables/colors.yaml:16: template 'hex': when 'nope' is not a column",
    ),
    (
        "table-matching-too-few-rows",
        edit(
            TABLE,
            "questions:\n",
            "questions:\n  - {id: m, kind: matching, prompt: M., left: name, "
            "right: hex, when: warm, explanation: E.}\n",
        ),
        "tables/colors.yaml:18: question template 'm' has 2 pairs; a matching "
        "question needs at least 3",
    ),
    (
        "list-column-bad-value",
        edit(
            TABLE,
            "  warm: {title: Warm, type: bool}",
            "  warm: {title: Warm, type: list}",
        ),
        "tables/colors.yaml:11: column 'warm': write a list of texts",
    ),
    (
        "empty-template-prompt",
        edit(TABLE, 'prompt: "Which color is {hex}?"', 'prompt: ""'),
        "tables/colors.yaml:18: question template 'which' has an empty prompt",
    ),
    (
        "left-right-on-choice",
        edit(TABLE, "answer: name\n", "answer: name\n    left: name\n    right: hex\n"),
        "tables/colors.yaml:18: question template 'which' has left/right, which "
        "only matching questions use",
    ),
    (
        "matching-with-answer",
        matching("left: name, right: hex, answer: name"),
        "tables/colors.yaml:18: question template 'm' has `answer:`; a matching "
        "question uses left and right",
    ),
    (
        "matching-without-left",
        matching("right: hex"),
        "tables/colors.yaml:18: question template 'm' needs `left:` and `right:` "
        "columns",
    ),
    (
        "matching-on-bool-column",
        matching("left: name, right: warm"),
        "tables/colors.yaml:18: question template 'm' cannot match on the bool "
        "column 'warm'",
    ),
    (
        "matching-on-list-column",
        {
            TABLE: matching("left: tags, right: name")[TABLE].replace(
                "  warm: {", "  tags: {title: Tags, type: list}\n  warm: {", 1
            )
        },
        "tables/colors.yaml:19: question template 'm' cannot match on the list "
        "column 'tags'",
    ),
    (
        "matching-prompt-with-placeholder",
        matching("left: name, right: hex", prompt="'Match {name}.'"),
        "tables/colors.yaml:18: question template 'm' cannot use {column} in its "
        "prompt or explanation",
    ),
    (
        "empty-option",
        choice("single", "{text: A, correct: true}", "text: B", "text: ''"),
        "questions/extra.yaml:5: question 'q2' has an option without text",
    ),
    # notes
    (
        "unclosed-cloze",
        note("The {{c1::root user. ^root\n"),
        "notes/extra.md:7: unclosed cloze '{{c1::' (end it with }})",
    ),
    (
        "cloze-without-key",
        note("Intro.\n\nThe {{c1::root}} user\nhas ID 0.\n"),
        "notes/extra.md:10: a paragraph with clozes must end with a key marker",
    ),
    (
        "bad-cloze-number",
        note("The {{c0::root}} user. ^root\n"),
        "notes/extra.md:7: bad cloze number 'c0' (use c1, c2, ...)",
    ),
    (
        "cloze-bad-key",
        note("The {{c1::root}} user. ^Root_User\n"),
        "notes/extra.md:7: bad card key 'Root_User'",
    ),
    (
        "card-without-answer",
        note("Q[lonely]: Where is my answer?\n\nA: too late\n"),
        "notes/extra.md:7: card 'lonely' has no `A:` line",
    ),
    (
        "bad-card-key",
        note("Q[Bad Key]: Why?\nA: Because.\n"),
        "notes/extra.md:7: bad card key 'Bad Key' (use lower-case letters",
    ),
    (
        "malformed-card-line",
        note("Q[key] Why?\nA: Because.\n"),
        "notes/extra.md:7: a card line must look like `Q[key]: question`",
    ),
    # hand-written questions
    (
        "question-with-empty-prompt",
        edit(QUESTIONS, "prompt: Pick one.", "prompt: ' '"),
        "questions/q.yaml:4: question 'pick' has an empty prompt",
    ),
    (
        "question-without-explanation",
        edit(QUESTIONS, "  explanation: A is right.\n", ""),
        "questions/q.yaml:1: question 'pick' has no explanation",
    ),
    (
        "single-two-correct",
        choice(
            "single", "{text: A, correct: true}", "{text: B, correct: true}", "text: C"
        ),
        "questions/extra.yaml:5: question 'q2' has 2 correct options; a single choice "
        "needs exactly one",
    ),
    (
        "multiple-one-correct",
        choice("multiple", "{text: A, correct: true}", "text: B", "text: C"),
        "questions/extra.yaml:5: question 'q2' has 1 correct option; a multiple choice "
        "needs two or more",
    ),
    (
        "too-few-options",
        choice("single", "{text: A, correct: true}", "text: B"),
        "questions/extra.yaml:5: question 'q2' has 2 options; it needs at least 3",
    ),
    (
        "duplicate-options",
        choice("single", "{text: A, correct: true}", "text: B", "text: b"),
        "questions/extra.yaml:5: question 'q2' has two options with the same text",
    ),
    (
        "matching-too-few-pairs",
        question(
            "- id: q2\n  note: basics\n  kind: matching\n  prompt: Match.\n  pairs:\n"
            "    - {left: a, right: b}\n    - {left: c, right: d}\n"
            "  explanation: Because.\n"
        ),
        "questions/extra.yaml:5: question 'q2' has 2 pairs; a matching question needs "
        "at least 3",
    ),
    (
        "matching-duplicate-left",
        question(
            "- id: q2\n  note: basics\n  kind: matching\n  prompt: Match.\n  pairs:\n"
            "    - {left: a, right: b}\n    - {left: c, right: d}\n"
            "    - {left: a, right: e}\n  explanation: Because.\n"
        ),
        "questions/extra.yaml:5: question 'q2' has the left side 'a' twice",
    ),
    (
        "typed-without-answer",
        question(
            "- id: q2\n  note: basics\n  kind: typed\n  prompt: Type.\n"
            "  explanation: Because.\n"
        ),
        "questions/extra.yaml:3: question 'q2' needs `answer:` (a text or a list",
    ),
    (
        "truefalse-without-bool",
        question(
            "- id: q2\n  note: basics\n  kind: truefalse\n  prompt: True?\n"
            "  answer: 'true'\n  explanation: Because.\n"
        ),
        "questions/extra.yaml:5: question 'q2' needs `answer: true` or `false`",
    ),
    (
        "field-of-other-kind",
        question(
            "- id: q2\n  note: basics\n  kind: truefalse\n  prompt: True?\n"
            "  answer: true\n  pairs: []\n  explanation: Because.\n"
        ),
        "questions/extra.yaml:6: 'pairs' does not apply to a truefalse question",
    ),
    (
        "questions-not-a-list",
        question("id: q2\n"),
        "questions/extra.yaml:1: a questions file is a list of questions",
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"),
    [pytest.param(files, expected, id=name) for name, files, expected in CASES],
)
def test_problem_is_reported(demo, files, expected):
    """Each mistake gives a problem naming the file and line."""
    lines = reported(demo(files))
    assert any(expected in line for line in lines), lines
