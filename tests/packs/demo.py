"""Test packs: the good example on disk, and a demo pack tests break one way."""

from __future__ import annotations

from pathlib import Path

from study.packs import validate

GOOD = Path(__file__).parents[1] / "fixtures" / "packs" / "good"

# A small valid pack; tests replace or add files to break it in one way.
DEMO = {
    "pack.yaml": """\
id: demo
title: Demo
version: 1
topics:
  - {id: one, title: One, order: 1, weight: 50}
  - {id: two, title: Two, order: 2, weight: 50}
exam: {questions: 5, minutes: 10, pass_mark: 60}
""",
    "notes/basics.md": """\
---
id: basics
topic: one
title: Basics
order: 1
---

Some reading text.

Q[first]: First?
A: Yes.
""",
    "tables/colors.yaml": """\
id: colors
topic: two
note: basics
title: Colors
key: name
columns:
  name: {title: Name}
  hex: {title: Hex}
  warm: {title: Warm, type: bool}
rows:
  - {name: red, hex: "#f00", warm: true}
  - {name: green, hex: "#0f0", warm: false}
  - {name: blue, hex: "#00f", warm: false}
  - {name: yellow, hex: "#ff0", warm: true}
cards:
  - {id: hex, front: "Hex of {name}?", back: "{hex}"}
questions:
  - id: which
    kind: choice
    prompt: "Which color is {hex}?"
    answer: name
    explanation: "{name} is {hex}."
""",
    "questions/q.yaml": """\
- id: pick
  note: basics
  kind: single
  prompt: Pick one.
  options:
    - {text: A, correct: true}
    - text: B
    - text: C
  explanation: A is right.
  cards: [note:basics:first]
""",
}


def write_pack(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write the demo pack under root/demo with files replaced (None removes)."""
    folder = root / "demo"
    for name, content in {**DEMO, **files}.items():
        if content is None:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


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


def reported(folder: Path) -> list[str]:
    """Return validate's problems as text, paths relative to the pack folder."""
    prefix = f"{folder.as_posix()}/"
    return [str(problem).removeprefix(prefix) for problem in validate(folder)]
