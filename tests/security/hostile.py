"""Hostile content: the XSS corpus, a pack built from it, and a markup checker.

`build_pack(folder)` writes a valid pack whose every text field (pack and topic
titles, note titles, headings and bodies, Q/A and cloze cards, table cells,
question prompts, options, matching pairs and explanations) carries payloads.
`dangers(html)` lists what a page or fragment contains that could run script.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

CORPUS = Path(__file__).parents[1] / "fixtures" / "xss" / "payloads.txt"
NEWLINE = "⏎"
PACK_ID = "hostile"
GROUP = 8  # payloads per note and per question set
DISPLAY_NAME_MAX = 80
TYPED_ANSWER_MAX = 500


def payloads() -> list[str]:
    """Return the corpus, one payload per entry (⏎ turned into a line break)."""
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return [line.replace(NEWLINE, "\n") for line in lines if line.strip()]


def one_line(payload: str) -> str:
    """Return the payload on one line (for titles, headings and card lines)."""
    return " ".join(part for part in payload.split("\n") if part.strip())


def display_names() -> list[str]:
    """Return the payloads that fit as a display name."""
    names = [one_line(p).strip() for p in payloads()]
    return [name for name in names if 0 < len(name) <= DISPLAY_NAME_MAX]


def groups() -> list[list[str]]:
    """Return the corpus in groups of GROUP (the last one topped up)."""
    items = payloads()
    chunks = [items[i : i + GROUP] for i in range(0, len(items), GROUP)]
    while len(chunks[-1]) < GROUP:
        chunks[-1].append(f"filler {len(chunks[-1])} <b>bold</b>")
    return chunks


def _topic(index: int, total: int) -> str:
    return "first" if index < (total + 1) // 2 else "second"


def _note(index: int, group: list[str], total: int) -> str:
    front = yaml.safe_dump(
        {
            "id": f"note-{index:02d}",
            "topic": _topic(index, total),
            "title": f"Note {index} {one_line(group[index % GROUP])}",
            "order": index + 1,
        },
        allow_unicode=True,
        sort_keys=False,
    )
    parts = [f"Group {index} of hostile text."]
    for number, payload in enumerate(group):
        key = f"g{index:02d}-p{number}"
        parts.append(f"## {number}. {one_line(payload)}")
        parts.append(payload)
        card = "\n".join(line for line in payload.split("\n") if line.strip())
        parts.append(f"Q[{key}]: {card}\nA: {card}")
        if not set("{}^") & set(payload):
            parts.append(
                f"Hidden {{{{c1::here}}}} beside {one_line(payload)} ^{key}-cloze"
            )
    return f"---\n{front}---\n\n" + "\n\n".join(parts) + "\n"


def _questions(index: int, group: list[str]) -> list[dict]:
    note = f"note-{index:02d}"
    prompt = "\n\n".join(group)
    options = [{"text": one_line(p)} for p in group[:4]]
    options[0]["correct"] = True
    several = [{"text": one_line(p)} for p in group[4:]]
    several[0]["correct"] = several[1]["correct"] = True
    pairs = [
        {"left": one_line(left), "right": one_line(right)}
        for left, right in zip(group[:4], group[4:], strict=True)
    ]
    explanation = "\n\n".join(reversed(group))
    common = {"note": note, "explanation": explanation}
    return [
        {"id": f"single-{index}", "kind": "single", "prompt": prompt, **common}
        | {"options": options},
        {"id": f"multiple-{index}", "kind": "multiple", "prompt": prompt, **common}
        | {"options": several},
        {"id": f"match-{index}", "kind": "matching", "prompt": prompt, **common}
        | {"pairs": pairs},
        {"id": f"typed-{index}", "kind": "typed", "prompt": prompt, **common}
        | {"answer": "safe answer", "answer_type": "text"},
        {"id": f"truth-{index}", "kind": "truefalse", "prompt": prompt, **common}
        | {"answer": True},
    ]


def _table(chunks: list[list[str]]) -> dict:
    return {
        "id": "hostile-facts",
        "topic": "first",
        "note": "note-00",
        "title": "Hostile facts",
        "key": "id",
        "columns": {
            "id": {"title": "Key"},
            "text": {"title": one_line(chunks[0][1])},
            "other": {"title": "Other"},
        },
        "rows": [
            {"id": f"row-{i}", "text": group[0], "other": one_line(group[1])}
            for i, group in enumerate(chunks)
        ],
        "cards": [{"id": "fact", "front": "About {text}", "back": "{other}"}],
        "questions": [
            {
                "id": "match-facts",
                "kind": "matching",
                "prompt": one_line(chunks[1][0]),
                "left": "id",
                "right": "other",
                "explanation": chunks[1][1],
            }
        ],
    }


def build_pack(folder: Path) -> Path:
    """Write the hostile pack into folder/hostile and return that path."""
    chunks = groups()
    root = folder / PACK_ID
    (root / "notes").mkdir(parents=True)
    (root / "questions").mkdir()
    (root / "tables").mkdir()
    pack = {
        "id": PACK_ID,
        "title": f"Hostile {one_line(chunks[0][0])}",
        "version": 1,
        "description": "\n".join(chunks[0][:4]),
        "topics": [
            {"id": "first", "title": one_line(chunks[0][2]), "order": 1, "weight": 50},
            {"id": "second", "title": one_line(chunks[0][3]), "order": 2, "weight": 50},
        ],
        "exam": {"questions": 10, "minutes": 10, "pass_mark": 50},
    }
    _dump(root / "pack.yaml", pack)
    questions = []
    for index, group in enumerate(chunks):
        note = _note(index, group, len(chunks))
        (root / "notes" / f"note-{index:02d}.md").write_text(note, encoding="utf-8")
        questions.extend(
            {**q, "topic": _topic(index, len(chunks))} for q in _questions(index, group)
        )
    _dump(root / "questions" / "hostile.yaml", questions)
    _dump(root / "tables" / "hostile-facts.yaml", _table(chunks))
    return root


def _dump(path: Path, data) -> None:
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000),
        encoding="utf-8",
    )


# --- what counts as dangerous markup ---------------------------------------

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster",
    "background", "codebase", "cite", "ping", "dynsrc", "lowsrc",
}  # fmt: skip
NEVER = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "img",
    "image", "video", "audio", "source", "marquee", "math", "style", "noscript",
    "foreignobject", "animate", "set", "keygen", "bgsound", "portal",
}  # fmt: skip
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.IGNORECASE)
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
STYLE_SCRIPT = re.compile(r"javascript:|expression\(|url\(|@import", re.IGNORECASE)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_head = False
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]}")

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script":
            self.in_script = True
            if not (values.get("src") or "").startswith("/static/"):
                self.found.append(f"script {values}")
        if tag in NEVER:
            self.found.append(f"<{tag}>")
        if tag in ("meta", "link") and not self.in_head:
            self.found.append(f"<{tag}> outside head")
        if tag == "meta" and "http-equiv" in values:
            self.found.append("meta http-equiv")
        if tag == "form" and not (values.get("action") or "/").startswith("/"):
            self.found.append(f"form to {values.get('action')}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "srcdoc":
                self.found.append(f"<{tag} srcdoc>")
            if name == "style" and STYLE_SCRIPT.search(_plain(value)):
                self.found.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(_plain(value)):
                self.found.append(f"<{tag} {name}={value!r}>")


def _plain(value: str | None) -> str:
    return INVISIBLE.sub("", html.unescape(value or ""))


def dangers(markup: str) -> list[str]:
    """Return every construct in the markup that could run or load script."""
    scanner = _Scanner()
    scanner.feed(markup)
    scanner.close()
    return scanner.found
