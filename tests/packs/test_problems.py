"""Every kind of authoring mistake is reported as `path:line: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.packs import Card, PackError, Problem, load_pack, validate
from study.packs.context import PackContext
from study.packs.loader import _check_unique
from study.packs.problems import Findings
from tests.packs.conftest import DEMO

TABLE = "tables/colors.yaml"
NOTE = "notes/basics.md"
QUESTIONS = "questions/q.yaml"


def edit(name: str, old: str, new: str) -> dict[str, str]:
    """Return the demo file `name` with `old` replaced by `new`."""
    assert old in DEMO[name], old
    return {name: DEMO[name].replace(old, new, 1)}


def note(body: str, front: str = "id: extra\ntopic: one\ntitle: Extra\norder: 2\n"):
    """Return an extra note file with this front matter and body."""
    return {"notes/extra.md": f"---\n{front}---\n{body}"}


def question(text: str) -> dict[str, str]:
    """Return an extra questions file holding this YAML."""
    return {"questions/extra.yaml": text}


SINGLE = """\
- id: q2
  note: basics
  kind: {kind}
  prompt: Pick.
  options:
{options}
  explanation: Because.
"""


def choice(kind: str, *options: str) -> dict[str, str]:
    """Return an extra questions file with one choice question."""
    lines = "\n".join(f"    - {option}" for option in options)
    return question(SINGLE.format(kind=kind, options=lines))


CASES = [
    # YAML itself
    (
        "yaml-syntax",
        edit("pack.yaml", "title: Demo", "title: [Demo"),
        "pack.yaml:3: YAML syntax error",
    ),
    (
        "yaml-duplicate-key",
        edit("pack.yaml", "version: 1", "version: 1\ntitle: Again"),
        "pack.yaml:4: duplicate key 'title' (first on line 2)",
    ),
    (
        "yaml-alias",
        edit("pack.yaml", "title: Demo", "title: &t Demo\ndescription: *t"),
        "pack.yaml:3: YAML syntax error: anchors and aliases (*name) are not allowed",
    ),
    (
        "front-matter-yaml-syntax",
        note("Text.\n", "id: extra\ntopic: [one\n"),
        "notes/extra.md:3: YAML syntax error",
    ),
    (
        "no-front-matter",
        {"notes/extra.md": "# Just text\n"},
        "notes/extra.md:1: a note starts with front matter",
    ),
    (
        "not-utf8",
        {"notes/extra.md": b"---\nid: x\n---\n\xff\xfe\n"},
        "notes/extra.md:4: file is not UTF-8 text",
    ),
    # fields
    (
        "unknown-field",
        edit("pack.yaml", "version: 1", "version: 1\ncolour: red"),
        "pack.yaml:4: unknown field 'colour'",
    ),
    (
        "unknown-field-in-note",
        note("Text.\n", "id: extra\ntopic: one\ntitle: E\norder: 2\nauthor: me\n"),
        "notes/extra.md:6: unknown field 'author'",
    ),
    (
        "missing-field",
        edit("pack.yaml", "title: Demo\n", ""),
        "pack.yaml:1: missing field 'title'",
    ),
    (
        "missing-field-in-topic",
        edit("pack.yaml", ", weight: 50}", "}"),
        "pack.yaml:5: missing field 'weight'",
    ),
    (
        "mistyped-field",
        edit("pack.yaml", "weight: 50}", "weight: fifty}"),
        "pack.yaml:5: 'weight': Input should be a valid integer",
    ),
    (
        "mistyped-table-field",
        edit(TABLE, "key: name", "key: [name]"),
        "tables/colors.yaml:5: 'key': Input should be a valid string",
    ),
    (
        "unquoted-comma",
        edit(QUESTIONS, "text: B", "{text: B, or C}"),
        "questions/q.yaml:7: unknown field 'or C' "
        "(a comma splits {...}: quote the text)",
    ),
    # pack.yaml
    (
        "pack-id-not-slug",
        edit("pack.yaml", "id: demo", "id: Demo_Pack"),
        "pack.yaml:1: pack id 'Demo_Pack' is not a slug",
    ),
    (
        "pack-id-not-folder",
        edit("pack.yaml", "id: demo", "id: other"),
        "pack.yaml:1: pack id 'other' must match its folder name 'demo'",
    ),
    (
        "duplicate-topic",
        edit("pack.yaml", "id: two", "id: one"),
        "pack.yaml:6: duplicate topic id 'one'",
    ),
    (
        "weights-not-100",
        edit("pack.yaml", "weight: 50}\n  - {id: two", "weight: 40}\n  - {id: two"),
        "pack.yaml:4: topic weights add up to 90, not 100",
    ),
    # references
    (
        "note-unknown-topic",
        edit(NOTE, "topic: one", "topic: nope"),
        "notes/basics.md:3: unknown topic 'nope' (not in pack.yaml)",
    ),
    (
        "table-unknown-topic",
        edit(TABLE, "topic: two", "topic: nope"),
        "tables/colors.yaml:2: unknown topic 'nope' (not in pack.yaml)",
    ),
    (
        "table-unknown-note",
        edit(TABLE, "note: basics", "note: nope"),
        "tables/colors.yaml:3: unknown note 'nope' (no note has this id)",
    ),
    (
        "question-unknown-note",
        edit(QUESTIONS, "note: basics", "note: nope"),
        "questions/q.yaml:2: unknown note 'nope' (no note has this id)",
    ),
    (
        "question-unknown-topic",
        edit(QUESTIONS, "note: basics", "note: basics\n  topic: nope"),
        "questions/q.yaml:3: unknown topic 'nope' (not in pack.yaml)",
    ),
    (
        "unknown-card",
        edit(QUESTIONS, "note:basics:first", "note:basics:second"),
        "questions/q.yaml:10: question 'pick' refers to card 'note:basics:second', "
        "which does not exist",
    ),
    (
        "badly-written-card-ref",
        edit(QUESTIONS, "note:basics:first", "first"),
        "which does not exist (write note:<note-id>:<key> or",
    ),
    # duplicates
    (
        "duplicate-note-id",
        note("Text.\n", "id: basics\ntopic: one\ntitle: B\norder: 2\n"),
        "notes/extra.md:2: duplicate note id 'basics' (also in notes/basics.md:2)",
    ),
    (
        "duplicate-table-id",
        {"tables/more.yaml": DEMO[TABLE]},
        "tables/more.yaml:1: duplicate table id 'colors' "
        "(also in tables/colors.yaml:1)",
    ),
    (
        "duplicate-card-key",
        edit(NOTE, "A: Yes.\n", "A: Yes.\n\nQ[first]: Again?\nA: No.\n"),
        "notes/basics.md:13: duplicate card key 'first' (first on line 10)",
    ),
    (
        "duplicate-cloze-and-card-key",
        edit(NOTE, "Some reading text.", "Some {{c1::reading}} text. ^first"),
        "notes/basics.md:10: duplicate card key 'first' (first on line 8)",
    ),
    (
        "duplicate-row-key",
        edit(TABLE, "{name: green,", "{name: Red,"),
        "tables/colors.yaml:12: duplicate row key 'red' (first on line 11)",
    ),
    (
        "duplicate-template-id",
        edit(TABLE, "- id: which", "- id: hex"),
        "tables/colors.yaml:18: duplicate template id 'hex' (first on line 16;",
    ),
    (
        "duplicate-question-id",
        question(DEMO[QUESTIONS]),
        "questions/q.yaml:1: duplicate question id 'pick' (also at "
        "questions/extra.yaml:1)",
    ),
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
    # files
    (
        "note-not-md",
        {"notes/readme.txt": "hello"},
        "notes/readme.txt:1: files in notes/ must end in .md",
    ),
    (
        "table-not-yaml",
        {"tables/colors.yml": "id: x"},
        "tables/colors.yml:1: files in tables/ must end in .yaml",
    ),
    (
        "questions-not-yaml",
        {"questions/q.json": "[]"},
        "questions/q.json:1: files in questions/ must end in .yaml",
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"),
    [pytest.param(files, expected, id=name) for name, files, expected in CASES],
)
def test_problem_is_reported(demo, files, expected):
    """Each mistake gives a problem naming the file and line."""
    folder = demo(files)
    lines = [str(p).removeprefix(f"{folder.as_posix()}/") for p in validate(folder)]
    assert any(expected in line for line in lines), lines


def test_demo_pack_is_good(demo):
    """The pack the problem cases start from has no problems of its own."""
    folder = demo()
    assert validate(folder) == []
    pack = load_pack(folder)
    assert [card.id for card in pack.cards][:2] == [
        "demo:note:basics:first",
        "demo:table:colors:red:hex",
    ]


def test_load_pack_raises_with_every_problem(demo):
    """load_pack lists all problems at once, not only the first."""
    files = {
        **edit("pack.yaml", "id: demo", "id: other"),
        **edit(TABLE, "warm: true}", "warm: maybe}"),
    }
    folder = demo(files)
    with pytest.raises(PackError) as raised:
        load_pack(folder)
    messages = [problem.message for problem in raised.value.problems]
    assert len(messages) == 2
    assert str(raised.value).count("\n") == 1


def test_problems_are_sorted_by_path_and_line(demo):
    """validate orders problems by file, then line."""
    files = {
        **edit(TABLE, "warm: true}", "warm: maybe}"),
        **edit("pack.yaml", "id: demo", "id: other"),
        **edit(NOTE, "Q[first]", "Q[First]"),
    }
    problems = validate(demo(files))
    assert [p.path.rsplit("/", 2)[-2:] for p in problems] == [
        ["notes", "basics.md"],
        ["demo", "pack.yaml"],
        ["questions", "q.yaml"],
        ["tables", "colors.yaml"],
    ]
    assert problems == sorted(problems, key=lambda p: (p.path, p.line))


def test_problem_paths_are_shown_from_the_given_folder(demo):
    """A problem's path starts with the folder the caller passed."""
    folder = demo(edit("pack.yaml", "id: demo", "id: other"))
    (problem,) = validate(folder)
    assert problem == Problem(
        f"{folder.as_posix()}/pack.yaml",
        1,
        "pack id 'other' must match its folder name 'demo'",
    )
    assert str(problem) == f"{folder.as_posix()}/pack.yaml:1: {problem.message}"


def test_folder_without_packs(tmp_path: Path):
    """A folder with no pack.yaml anywhere is a problem, not an error."""
    assert [str(p) for p in validate(tmp_path)] == [
        f"{tmp_path.as_posix()}:1: no pack.yaml here or in its subfolders"
    ]


def test_missing_pack_yaml(tmp_path: Path):
    """load_pack on a folder without pack.yaml raises PackError."""
    with pytest.raises(PackError, match="missing pack.yaml"):
        load_pack(tmp_path)


def test_generated_ids_must_be_unique():
    """The last safety net reports any id generated twice."""
    context = PackContext("demo", Findings(Path("demo")))
    card = Card("demo:note:a:b", "demo", "one", "a", "qa", "F", "B", "notes/a.md")
    _check_unique([card, card], [], context)
    assert [str(p) for p in context.findings.problems] == [
        "demo/notes/a.md:1: id 'demo:note:a:b' is generated twice"
    ]
