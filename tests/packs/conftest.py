"""Helpers for pack tests: the good example pack and small packs in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.fixture
def demo(tmp_path: Path):
    """Return a function writing the demo pack with some files replaced."""
    return lambda files=None: write_pack(tmp_path, files or {})
