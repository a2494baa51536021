"""Mistakes in YAML, pack.yaml, references and files are reported with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.packs import Card, PackError, Problem, load_pack, validate
from study.packs.context import PackContext
from study.packs.loader import _check_unique
from study.packs.problems import Findings
from tests.packs.demo import (
    DEMO,
    NOTE,
    QUESTIONS,
    TABLE,
    edit,
    note,
    question,
    reported,
)

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
        "exam-longer-than-a-day",
        edit("pack.yaml", "minutes: 10", "minutes: 1000000000000"),
        "pack.yaml:7: 'minutes': Input should be less than or equal to 1440",
    ),
    (
        "exam-with-too-many-questions",
        edit("pack.yaml", "questions: 5", "questions: 100000"),
        "pack.yaml:7: 'questions': Input should be less than or equal to 500",
    ),
    (
        "questions-not-yaml",
        {"questions/q.json": "[]"},
        "questions/q.json:1: files in questions/ must end in .yaml",
    ),
    (
        "unexpected-subfolder",
        {"notes/old/basics.md": DEMO[NOTE]},
        "notes/old:1: unexpected folder in notes/",
    ),
    (
        "tables-not-a-folder",
        {TABLE: None, "tables": "id: colors\n"},
        "tables:1: tables must be a folder",
    ),
    (
        "pack-yaml-missing",
        {"pack.yaml": None},
        "demo:1: no pack.yaml",
    ),
    (
        "pack-yaml-not-utf8",
        {"pack.yaml": DEMO["pack.yaml"].encode() + b"# caf\xe9\n"},
        "pack.yaml:8: file is not UTF-8 text",
    ),
    (
        "table-not-utf8",
        {TABLE: DEMO[TABLE].encode().replace(b"Colors", b"Col\xffrs")},
        "tables/colors.yaml:4: file is not UTF-8 text",
    ),
    (
        "questions-in-utf16",
        {QUESTIONS: DEMO[QUESTIONS].encode("utf-16")},
        "questions/q.yaml:1: file is not UTF-8 text",
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


def test_pack_path_that_is_a_file(tmp_path: Path):
    """Pointing validate at a file, not a folder, is reported at that path."""
    path = tmp_path / "pack.yaml"
    path.write_text("id: demo\n", encoding="utf-8")
    assert [str(p) for p in validate(path)] == [
        f"{path.as_posix()}:1: no pack.yaml here or in its subfolders"
    ]
    with pytest.raises(PackError, match="missing pack.yaml"):
        load_pack(path)


def test_file_that_cannot_be_read(demo):
    """A note that is a dangling or looping link is reported, not raised."""
    folder = demo()
    (folder / "notes" / "gone.md").symlink_to(folder / "notes" / "nowhere.md")
    (folder / "notes" / "loop.md").symlink_to(folder / "notes" / "loop.md")
    prefix = f"{folder.as_posix()}/"
    assert [str(p).removeprefix(prefix) for p in validate(folder)] == [
        "notes/gone.md:1: file is missing",
        "notes/loop.md:1: cannot read this file: Too many levels of symbolic links",
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
