"""Whatever is in a pack's files, validation returns problems and never raises,
and an import of a refused pack writes nothing.

Set SHIPSHAPE_FUZZ_EXAMPLES (e.g. 10000) for a longer run than the default 300,
and SHIPSHAPE_FUZZ_IMPORTS for more imports than the default 30.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from study.extensions import db
from study.models import Pack as StoredPack
from study.packs import Pack, PackError, Problem, load_pack, validate
from study.packs.importer import import_packs
from tests.packs.demo import GOOD
from tests.packs.stored import database_state, files_in

EXAMPLES = int(os.environ.get("SHIPSHAPE_FUZZ_EXAMPLES", "300"))
IMPORTS = int(os.environ.get("SHIPSHAPE_FUZZ_IMPORTS", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
GOOD_FILES = {
    path.relative_to(GOOD).as_posix(): path.read_text(encoding="utf-8")
    for path in sorted(GOOD.rglob("*"))
    if path.is_file()
}
YAML_FILES = sorted(name for name in GOOD_FILES if name.endswith(".yaml"))
FIELDS = [
    "id", "title", "topic", "topics", "note", "order", "weight", "kind", "prompt",
    "answer", "answer_type", "options", "text", "correct", "pairs", "left", "right",
    "explanation", "cards", "key", "columns", "rows", "type", "front", "back", "when",
    "questions", "exam", "name", "version", "bool", "command", "list",
]  # fmt: skip
NAMES = st.from_regex(
    r"(notes|tables|questions)/[a-z.]{1,8}\.(md|yaml|yml|txt)", fullmatch=True
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-5, 200)
    | st.floats(allow_nan=False)
    | st.sampled_from(FIELDS)
    | st.text(max_size=20)
)
yaml_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(FIELDS) | st.text(max_size=6), inner, max_size=5
        )
    ),
    max_leaves=25,
)
line_edits = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 300)),
    st.tuples(st.just("duplicate"), st.integers(0, 300)),
    st.tuples(st.just("swap"), st.integers(0, 300), st.integers(0, 300)),
    st.tuples(st.just("insert"), st.integers(0, 300), st.text(max_size=30)),
    st.tuples(st.just("replace"), st.integers(0, 300), st.text(max_size=30)),
    st.tuples(st.just("splice"), st.integers(0, 300), st.integers(0, 80), st.text()),
)


def edit_lines(text: str, change: tuple) -> str:
    """Apply one line edit (indexes wrap around the file's lines)."""
    lines = text.split("\n")
    kind, at = change[0], change[1] % len(lines)
    if kind == "delete":
        del lines[at]
    elif kind == "duplicate":
        lines.insert(at, lines[at])
    elif kind == "swap":
        other = change[2] % len(lines)
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == "insert":
        lines.insert(at, change[2])
    elif kind == "replace":
        lines[at] = change[2]
    else:
        column = min(change[2], len(lines[at]))
        lines[at] = lines[at][:column] + change[3] + lines[at][column:]
    return "\n".join(lines)


def tweak(data: Any, choice: int, value: Any) -> Any:
    """Replace one value somewhere inside parsed YAML (choice picks where)."""
    places = list(_places(data))
    if not places:
        return value
    container, key = places[choice % len(places)]
    container[key] = value
    return data


def _places(data: Any):
    if not isinstance(data, dict | list):
        return
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, child in list(items):
        yield data, key
        yield from _places(child)


def write_files(folder: Path, files: dict[str, str]) -> None:
    """Write a pack's files (lone surrogates kept, so the bytes are not UTF-8)."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")


def check(files: dict[str, str], load: bool = False) -> None:
    """Write files as pack `good`; validate (and load_pack) must only report."""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "good"
        write_files(folder, files)
        problems = validate(folder)
        assert all(isinstance(problem, Problem) for problem in problems)
        assert not [p for p in problems if "internal error" in p.message], problems
        if not load:
            return
        try:
            assert isinstance(load_pack(folder), Pack)
            assert problems == []
        except PackError as error:
            assert error.problems == problems


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(sorted(GOOD_FILES)), line_edits), max_size=6
    ),
    added=st.dictionaries(NAMES, st.text(max_size=60), max_size=2),
)
def test_mutated_lines_never_crash(edits, added):
    """Deleting, duplicating, swapping and inserting lines gives only problems."""
    files = dict(GOOD_FILES)
    for name, change in edits:
        files[name] = edit_lines(files[name], change)
    check({**files, **added})


@FUZZ
@given(
    tweaks=st.lists(
        st.tuples(st.sampled_from(YAML_FILES), st.integers(0, 500), yaml_values),
        min_size=1,
        max_size=4,
    )
)
def test_random_yaml_values_never_crash(tweaks):
    """Any value in any place of the YAML files gives only problems."""
    data = {name: yaml.safe_load(GOOD_FILES[name]) for name in YAML_FILES}
    for name, choice, value in tweaks:
        data[name] = tweak(data[name], choice, value)
    files = dict(GOOD_FILES)
    files.update({name: yaml.safe_dump(value) for name, value in data.items()})
    check(files)


@FUZZ
@given(
    name=st.sampled_from([*sorted(GOOD_FILES), "notes/new.md", "tables/new.yaml"]),
    text=st.one_of(st.text(), yaml_values.map(yaml.safe_dump)),
)
def test_random_files_never_crash(name, text):
    """A file replaced by random text or random YAML gives only problems."""
    check({**GOOD_FILES, name: text}, load=True)


@st.composite
def mutated_packs(draw) -> dict[str, str]:
    """Draw the good pack's files changed by line edits, new files or new values."""
    files = dict(GOOD_FILES)
    if draw(st.booleans()):
        edits = draw(
            st.lists(st.tuples(st.sampled_from(sorted(files)), line_edits), max_size=4)
        )
        for name, change in edits:
            files[name] = edit_lines(files[name], change)
        files.update(draw(st.dictionaries(NAMES, st.text(max_size=60), max_size=1)))
    else:
        name = draw(st.sampled_from(YAML_FILES))
        data = yaml.safe_load(files[name])
        files[name] = yaml.safe_dump(
            tweak(data, draw(st.integers(0, 500)), draw(yaml_values))
        )
    return files


@settings(FUZZ, max_examples=IMPORTS)
@given(files=mutated_packs())
def test_refused_imports_write_nothing(app, files):
    """A mutated pack either imports or is refused with exactly validate's
    problems; a refusal leaves the database as it was; the files never change."""
    with tempfile.TemporaryDirectory() as temp, app.app_context():
        if db.session.get(StoredPack, "good") is None:
            import_packs(db.session, GOOD)  # something a bad import could spoil
        folder = Path(temp) / "good"
        write_files(folder, files)
        on_disk = files_in(folder)
        before = database_state(db.session)
        try:
            import_packs(db.session, folder)
        except PackError as refused:
            event("refused")
            assert refused.problems == validate(folder)
            assert not [p for p in refused.problems if "internal error" in p.message]
            assert database_state(db.session) == before
        else:
            event("imported")
            assert validate(folder) == []
        assert files_in(folder) == on_disk
        db.session.remove()


def test_unchanged_fixture_passes_the_check():
    """The checker itself accepts the untouched good pack."""
    check(dict(GOOD_FILES))
