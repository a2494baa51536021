"""What the database cannot store is a problem with its line, not a database error:
NUL characters anywhere, values longer than their columns, orders out of range.
The sizes come from the models, so these tests read them there too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from study.extensions import db
from study.models import Card, Note, Pack, Question, Topic
from study.packs import PackError
from study.packs.importer import import_packs
from tests.packs.demo import (
    DEMO,
    NOTE,
    QUESTIONS,
    TABLE,
    edit,
    note,
    reported,
    write_pack,
)


def size(model, column: str) -> int:
    """Return how many characters a String column holds."""
    return model.__table__.c[column].type.length


TITLE = size(Pack, "title")
TOPIC_ID = size(Topic, "slug")
NOTE_ID = size(Note, "slug")
CARD_ID = size(Card, "key")
QUESTION_ID = size(Question, "key")
SOURCE = size(Card, "source")
LARGEST = 2**31 - 1  # PostgreSQL's integer, which `order` is stored in
NUL = "holds a NUL character (\\0), which the database cannot store"


def long(length: int, letter: str = "x") -> str:
    """Return a slug of `length` characters."""
    return letter * length


def fitting(what: str, length: int, limit: int) -> str:
    """Return the message for a value one character too long."""
    return f"{what} is {length} characters; at most {limit} fit"


# "demo:note:extra:" and "demo:table:colors:" start the ids below.
CARD_KEY = long(CARD_ID - len("demo:note:extra:") + 1, "k")
CLOZE_KEY = long(CARD_ID - len("demo:note:extra::c1") + 1, "k")
ROW = long(CARD_ID - len("demo:table:colors::hex") + 1, "r")
TEMPLATE = long(QUESTION_ID - len("demo:table:colors:red:") + 1, "w")
MATCHING = long(QUESTION_ID - len("demo:table:colors:") + 1, "m")
QUESTION = long(QUESTION_ID - len("demo:question:") + 1, "q")
FILE = "questions/" + long(SOURCE - len("questions/.yaml") + 1, "f") + ".yaml"

CASES = [
    # NUL characters: `\0` escapes in YAML, the character itself in Markdown
    (
        "nul-in-pack-title",
        edit("pack.yaml", "title: Demo", 'title: "De\\0mo"'),
        f"pack.yaml:2: 'title' {NUL}",
    ),
    (
        "nul-in-description",
        edit("pack.yaml", "version: 1", 'version: 1\ndescription: "a\\0b"'),
        f"pack.yaml:4: 'description' {NUL}",
    ),
    (
        "nul-in-topic-title",
        edit("pack.yaml", "title: Two", 'title: "Tw\\x00o"'),
        f"pack.yaml:6: 'title' {NUL}",
    ),
    (
        "nul-in-field-name",
        edit("pack.yaml", "version: 1", 'version: 1\n"ver\\0": 2'),
        f"pack.yaml:4: a field name {NUL}",
    ),
    (
        "nul-in-front-matter",
        note("Text.\n", 'id: extra\ntopic: one\ntitle: "E\\0"\norder: 2\n'),
        f"notes/extra.md:4: 'title' {NUL}",
    ),
    (
        "nul-in-note-body",
        note("Some\x00text.\n"),
        f"notes/extra.md:7: this line {NUL}",
    ),
    (
        "nul-in-card-answer",
        note("Q[why]: Why?\nA: Be\x00cause.\n"),
        f"notes/extra.md:8: this line {NUL}",
    ),
    (
        "nul-in-table-cell",
        edit(TABLE, 'hex: "#f00"', 'hex: "#f\\00"'),
        f"tables/colors.yaml:11: 'hex' {NUL}",
    ),
    (
        "nul-in-column-title",
        edit(TABLE, "{title: Hex}", '{title: "H\\0ex"}'),
        f"tables/colors.yaml:8: 'title' {NUL}",
    ),
    (
        "nul-in-card-template",
        edit(TABLE, 'front: "Hex of {name}?"', 'front: "Hex\\0 of {name}?"'),
        f"tables/colors.yaml:16: 'front' {NUL}",
    ),
    (
        "nul-in-question-prompt",
        edit(QUESTIONS, "prompt: Pick one.", 'prompt: "Pick\\0 one."'),
        f"questions/q.yaml:4: 'prompt' {NUL}",
    ),
    (
        "nul-in-option",
        edit(QUESTIONS, "text: B", 'text: "B\\0"'),
        f"questions/q.yaml:7: 'text' {NUL}",
    ),
    (
        "nul-in-explanation",
        edit(QUESTIONS, "explanation: A is right.", 'explanation: "A\\0"'),
        f"questions/q.yaml:9: 'explanation' {NUL}",
    ),
    (
        "nul-in-card-reference",
        edit(QUESTIONS, "[note:basics:first]", '["note:basics:first\\0"]'),
        f"questions/q.yaml:10: 'cards' {NUL}",
    ),
    (
        "raw-nul-in-yaml",
        {TABLE: DEMO[TABLE].replace("title: Colors", "title: Col\x00ors")},
        "tables/colors.yaml:4: YAML error: control characters are not allowed",
    ),
    # values longer than their columns
    (
        "pack-title-too-long",
        edit("pack.yaml", "title: Demo", f"title: {'T' * (TITLE + 50)}"),
        f"pack.yaml:2: {fitting('title', TITLE + 50, TITLE)}",
    ),
    (
        "pack-id-too-long",
        edit("pack.yaml", "id: demo", f"id: {long(size(Pack, 'id') + 1)}"),
        f"pack.yaml:1: {fitting('pack id', size(Pack, 'id') + 1, size(Pack, 'id'))}",
    ),
    (
        "version-too-long",
        edit("pack.yaml", "version: 1", f"version: v{'1' * size(Pack, 'version')}"),
        f"pack.yaml:3: version is {size(Pack, 'version') + 1} characters",
    ),
    (
        "version-number-too-long",
        edit(
            "pack.yaml", "version: 1", f"version: {'1' * (size(Pack, 'version') + 1)}"
        ),
        f"pack.yaml:3: version is {size(Pack, 'version') + 1} characters",
    ),
    (
        "topic-id-too-long",
        edit("pack.yaml", "id: two", f"id: {long(TOPIC_ID + 1)}"),
        f"pack.yaml:6: {fitting('topic id', TOPIC_ID + 1, TOPIC_ID)}",
    ),
    (
        "topic-title-too-long",
        edit("pack.yaml", "title: Two", f"title: {'T' * (size(Topic, 'title') + 1)}"),
        f"pack.yaml:6: topic title is {size(Topic, 'title') + 1} characters",
    ),
    (
        "note-id-too-long",
        note("Text.\n", f"id: {long(NOTE_ID + 1)}\ntopic: one\ntitle: E\norder: 2\n"),
        f"notes/extra.md:2: {fitting('note id', NOTE_ID + 1, NOTE_ID)}",
    ),
    (
        "note-title-too-long",
        note("Text.\n", f"id: extra\ntopic: one\ntitle: {'E' * 300}\norder: 2\n"),
        f"notes/extra.md:4: {fitting('title', 300, size(Note, 'title'))}",
    ),
    (
        "card-key-too-long",
        note(f"Q[{CARD_KEY}]: Why?\nA: Because.\n"),
        "notes/extra.md:7: card id 'demo:note:extra:kkk",
    ),
    (
        "cloze-key-too-long",
        note(f"The {{{{c1::root}}}}\nuser. ^{CLOZE_KEY}\n"),
        "notes/extra.md:8: card id 'demo:note:extra:kkk",
    ),
    (
        "row-key-too-long",
        edit(TABLE, "{name: red,", f"{{name: {ROW},"),
        "tables/colors.yaml:11: card id 'demo:table:colors:rrr",
    ),
    (
        "template-id-too-long",
        edit(TABLE, "- id: which", f"- id: {TEMPLATE}"),
        "tables/colors.yaml:18: question id 'demo:table:colors:red:www",
    ),
    (
        "matching-id-too-long",
        edit(
            TABLE,
            "questions:\n",
            f"questions:\n  - {{id: {MATCHING}, kind: matching, prompt: M., "
            "left: name, right: hex, explanation: E.}\n",
        ),
        "tables/colors.yaml:18: question id 'demo:table:colors:mmm",
    ),
    (
        "question-id-too-long",
        edit(QUESTIONS, "- id: pick", f"- id: {QUESTION}"),
        "questions/q.yaml:1: question id 'demo:question:qqq",
    ),
    (
        "file-name-too-long",
        {FILE: "[]\n"},
        f"{FILE}:1: {fitting('path', SOURCE + 1, SOURCE)} (shorten the file name)",
    ),
    # whole numbers out of the database's range
    (
        "topic-order-too-large",
        edit("pack.yaml", "order: 2,", f"order: {LARGEST + 1},"),
        f"pack.yaml:6: order {LARGEST + 1} is out of range",
    ),
    (
        "note-order-too-small",
        note("Text.\n", f"id: extra\ntopic: one\ntitle: E\norder: {-LARGEST - 2}\n"),
        f"notes/extra.md:5: order {-LARGEST - 2} is out of range",
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"),
    [pytest.param(files, expected, id=name) for name, files, expected in CASES],
)
def test_problem_is_reported(demo, files, expected):
    """Each value the database cannot store gives a problem naming file and line."""
    lines = reported(demo(files))
    assert any(expected in line for line in lines), lines


def test_a_long_id_says_what_to_shorten(demo):
    """The message names the whole id, its length and the part to shorten."""
    lines = reported(demo(note(f"Q[{CARD_KEY}]: Why?\nA: Because.\n")))
    full = f"demo:note:extra:{CARD_KEY}"
    assert lines == [
        f"notes/extra.md:7: card id '{full[:57]}...' is {CARD_ID + 1} characters; "
        f"at most {CARD_ID} fit (shorten the card key)"
    ]


def test_a_long_table_id_is_reported_once(demo):
    """Every card and question of a table with a long id is too long: one problem."""
    table = long(CARD_ID - len("demo:table:") + 1, "t")
    lines = reported(demo({"tables/more.yaml": DEMO[TABLE].replace("colors", table)}))
    assert len(lines) == 1, lines
    assert lines[0].startswith("tables/more.yaml:1: card id 'demo:table:ttt")
    assert lines[0].endswith("(shorten the table id)")


def test_every_problem_at_once_and_exit_1(app, demo):
    """`content validate` lists them all together and exits 1."""
    files = {
        **edit("pack.yaml", "title: Demo", f'title: "{"T" * (TITLE + 1)}\\0"'),
        **edit(NOTE, "Some reading text.", "Some\x00reading text."),
        **edit(TABLE, "{name: red,", f"{{name: {ROW},"),
        **edit(QUESTIONS, "- id: pick", f"- id: {QUESTION}"),
    }
    folder = demo(files)
    result = app.test_cli_runner().invoke(args=["content", "validate", str(folder)])
    assert result.exit_code == 1
    lines = [
        line.removeprefix(f"{folder.as_posix()}/")
        for line in result.output.splitlines()
    ]
    assert lines[:3] == [
        f"notes/basics.md:8: this line {NUL}",
        f"pack.yaml:2: 'title' {NUL}",
        f"pack.yaml:2: {fitting('title', TITLE + 2, TITLE)}",
    ]
    question_id, card_id = lines[3:5]
    assert question_id.startswith("questions/q.yaml:1: question id 'demo:question:")
    assert question_id.endswith(
        f"{QUESTION_ID + 1} characters; at most {QUESTION_ID} fit "
        "(shorten the question id)"
    )
    assert card_id.startswith("tables/colors.yaml:11: card id 'demo:table:colors:")
    assert card_id.endswith(
        f"{CARD_ID + 1} characters; at most {CARD_ID} fit (shorten the row key)"
    )
    assert lines[5] == "5 problem(s) found."


def snapshot() -> dict[str, list[tuple]]:
    """Return every row of the pack tables."""
    tables = [model.__table__ for model in (Pack, Topic, Note, Card, Question)]
    return {
        table.name: sorted(
            tuple(map(repr, row)) for row in db.session.execute(select(table))
        )
        for table in tables
    }


def test_importing_a_refused_pack_changes_nothing(ctx, tmp_path: Path):
    """Import reports the problems and writes nothing, on PostgreSQL too."""
    import_packs(db.session, write_pack(tmp_path / "good", {}))
    before = snapshot()
    for number, (name, files, expected) in enumerate(CASES):
        folder = write_pack(tmp_path / str(number), files)
        with pytest.raises(PackError) as raised:
            import_packs(db.session, folder)
        problems = [
            str(p).removeprefix(f"{folder.as_posix()}/") for p in raised.value.problems
        ]
        assert any(expected in line for line in problems), (name, problems)
        assert snapshot() == before, name


def at_the_limits() -> tuple[str, dict[str, str]]:
    """Return a pack id and files whose every id, title and order is as large as
    the database holds."""
    pack = long(size(Pack, "id"), "p")
    topic, note_id = long(TOPIC_ID, "o"), long(NOTE_ID, "n")
    card = long(CARD_ID - len(f"{pack}:note:{note_id}:"), "k")
    table = long(QUESTION_ID - len(f"{pack}:table::yellow:which"), "t")
    written = long(QUESTION_ID - len(f"{pack}:question:"), "q")
    pack_yaml = (
        DEMO["pack.yaml"]
        .replace("id: demo", f"id: {pack}")
        .replace("title: Demo", f"title: {'D' * TITLE}")
        .replace("version: 1", f"version: {'v' * size(Pack, 'version')}")
        .replace(
            "id: one, title: One, order: 1",
            f"id: {topic}, title: {'O' * size(Topic, 'title')}, order: {LARGEST}",
        )
        .replace("order: 2,", f"order: {-LARGEST - 1},")
    )
    note_md = (
        DEMO[NOTE]
        .replace("id: basics", f"id: {note_id}")
        .replace("topic: one", f"topic: {topic}")
        .replace("title: Basics", f"title: {'B' * size(Note, 'title')}")
        .replace("Q[first]", f"Q[{card}]")
    )
    files = {
        "pack.yaml": pack_yaml,
        NOTE: None,
        f"notes/{long(SOURCE - len('notes/.md'), 'n')}.md": note_md,
        TABLE: DEMO[TABLE].replace("colors", table).replace("basics", note_id),
        QUESTIONS: DEMO[QUESTIONS]
        .replace("id: pick", f"id: {written}")
        .replace("basics:first", f"{note_id}:{card}")
        .replace("basics", note_id),
    }
    return pack, files


def test_values_at_the_limits_import(ctx, tmp_path: Path):
    """The limits are the columns' own: a pack at every limit imports as it is."""
    pack_id, files = at_the_limits()
    folder = write_pack(tmp_path, files).rename(tmp_path / pack_id)
    [report] = import_packs(db.session, folder)
    assert (report.cards, report.questions) == (5, 5)
    db.session.expire_all()
    pack = db.session.get(Pack, pack_id)
    assert len(pack.title) == TITLE and len(pack.version) == size(Pack, "version")
    keys = db.session.scalars(select(Card.key)).all()
    keys += db.session.scalars(select(Question.key)).all()
    assert max(map(len, keys)) == CARD_ID == QUESTION_ID
    orders = db.session.scalars(select(Topic.position)).all()
    assert sorted(orders) == [-LARGEST - 1, LARGEST]
    sources = db.session.scalars(select(Note.source)).all()
    assert [len(source) for source in sources] == [SOURCE]
