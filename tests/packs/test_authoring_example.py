"""The authoring guide's complete example pack validates and imports cleanly, and
its smaller YAML fragments are at least consistent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from study.extensions import db
from study.packs import load_pack, validate
from study.packs.importer import dump_cards, import_packs

GUIDE = Path(__file__).parents[2] / "docs" / "authoring.md"
# A block of the example pack: a marker comment naming the file, then a fence.
EXAMPLE_FILE = re.compile(
    r"^<!-- example-pack: (?P<path>\S+) -->\n"
    r"(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<body>.*?)^(?P=fence)$",
    re.MULTILINE | re.DOTALL,
)
YAML_BLOCK = re.compile(r"^```yaml\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def example_files() -> dict[str, str]:
    """Return the example pack's files as marked in the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    found = {m["path"]: m["body"] for m in EXAMPLE_FILE.finditer(text)}
    assert len(found) == len(EXAMPLE_FILE.findall(text)), "a file is given twice"
    return found


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """Write the guide's example pack into tmp_path/example."""
    folder = tmp_path / "example"
    for name, body in example_files().items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return folder


def test_the_example_has_every_kind_of_file():
    """pack.yaml, one note, one table and one questions file are marked."""
    assert sorted(example_files()) == [
        "notes/dockerfile-basics.md",
        "pack.yaml",
        "questions/scenarios.yaml",
        "tables/instructions.yaml",
    ]


def test_the_example_validates_with_the_counts_it_states(example):
    """No problems, and the nine cards and six questions the guide promises."""
    assert validate(example) == []
    pack = load_pack(example)
    assert sum(topic.weight for topic in pack.topics) == 100
    kinds = [card.kind for card in pack.cards]
    assert (kinds.count("qa"), kinds.count("cloze"), kinds.count("table")) == (1, 3, 5)
    table_questions = [q for q in pack.questions if ":table:" in q.id]
    assert len(table_questions) == 5
    # one right option, and the other four rows' answers to draw 3 distractors from
    assert all((len(q.options), q.pick) == (5, 3) for q in table_questions)
    [scenario] = [q for q in pack.questions if ":question:" in q.id]
    assert (scenario.kind, scenario.topic) == ("single", "running")
    assert scenario.explanation and scenario.cards == (
        "example:note:dockerfile-basics:expose-publishes",
    )


def test_the_example_imports(ctx, example):
    """The example imports in one go and its cards can be dumped."""
    [report] = import_packs(db.session, example)
    assert (report.cards, report.questions, report.notes) == (9, 6, 1)
    assert report.per_topic == {"images": (9, 5), "running": (0, 1)}
    rows = dump_cards(db.session, "example")
    assert rows[0]["id"] == "example:note:dockerfile-basics:layer-makers:c1"


def test_yaml_fragments_are_consistent():
    """Every YAML block parses; topic weights add to 100; a table with a choice
    question has the four rows that three distractors need."""
    blocks = [m["body"] for m in YAML_BLOCK.finditer(GUIDE.read_text("utf-8"))]
    assert len(blocks) >= 6
    for data in map(yaml.safe_load, blocks):
        if isinstance(data, dict) and "topics" in data:
            assert sum(topic["weight"] for topic in data["topics"]) == 100
        if isinstance(data, dict) and "rows" in data:
            kinds = {question["kind"] for question in data.get("questions", [])}
            assert "choice" not in kinds or len(data["rows"]) >= 4
