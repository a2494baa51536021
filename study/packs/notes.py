"""Read a note: YAML front matter, the reading text, and the cards written in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from study.packs.text import SLUG_HINT, is_slug

FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
CARD_LINE = re.compile(r"Q\[([^\]\n]*)\]:[ \t]?(.*)")
ANSWER_LINE = re.compile(r"A:[ \t]?(.*)")
KEY_MARKER = re.compile(r"[ \t]\^(\S+)[ \t]*\Z")
CLOZE_START = re.compile(r"\{\{c([^:{}\s]*)::")
CLOZE_NUMBER = re.compile(r"[1-9][0-9]{0,2}")
CLOZE = re.compile(
    r"\{\{c([1-9][0-9]{0,2})::((?:(?!\}\}|\{\{c).)*?)(?:::((?:(?!\}\}).)*?))?\}\}",
    re.DOTALL,
)

Trouble = tuple[int, str]


@dataclass(frozen=True)
class NoteCard:
    """A card written in a note; `key` is `my-key` or `my-key:c1` for clozes."""

    key: str
    kind: str
    front: str
    back: str
    line: int


@dataclass
class NoteText:
    """A note's reading text with its cards taken out."""

    body: str = ""
    cards: list[NoteCard] = field(default_factory=list)
    problems: list[Trouble] = field(default_factory=list)


@dataclass
class _Block:
    line: int
    lines: list[str] = field(default_factory=list)
    code: bool = False

    @property
    def text(self) -> str:
        """Return the block's lines as one text."""
        return "\n".join(self.lines)


def split_front_matter(text: str) -> tuple[str, list[str], int] | None:
    """Return front matter YAML (from line 2), body lines and the body's line."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), lines[index + 1 :], index + 2
    return None


def read_body(lines: list[str], first_line: int) -> NoteText:
    """Take the cards out of a note's Markdown body (which starts at first_line)."""
    note = NoteText()
    kept: list[str] = []
    seen: dict[str, int] = {}
    for block in _blocks(lines, first_line):
        if block.code:
            kept.append(block.text)
        elif block.lines[0].startswith("Q["):
            _add(note, seen, _read_card(block, note.problems))
        else:
            text, cards = _read_paragraph(block, note.problems)
            kept.append(text)
            for card in cards:
                _add(note, seen, card)
    note.body = "\n\n".join(part for part in kept if part.strip())
    return note


def _add(note: NoteText, seen: dict[str, int], card: NoteCard | None) -> None:
    if card is None:
        return
    base = card.key.split(":")[0]
    if seen.setdefault(base, card.line) != card.line:
        first = seen[base]
        note.problems.append(
            (card.line, f"duplicate card key '{base}' (first on line {first})")
        )
        return
    note.cards.append(card)


def _blocks(lines: list[str], first_line: int) -> list[_Block]:
    """Split lines at blank lines (not inside fences) and before `Q[` lines."""
    blocks: list[_Block] = []
    current: _Block | None = None
    fence = ""
    for offset, text in enumerate(lines):
        if not fence and (not text.strip() or text.startswith("Q[")):
            current = None
            if not text.strip():
                continue
        if current is None:
            current = _Block(first_line + offset)
            blocks.append(current)
        current.lines.append(text)
        fence = _fence_after(fence, text)
        if fence and len(current.lines) == 1:
            current.code = True
    return blocks


def _fence_after(fence: str, text: str) -> str:
    """Return the open fence after this line ('' when outside code)."""
    match = FENCE.match(text)
    if not fence:
        return match.group(1) if match else ""
    closing = match and text.strip() == match.group(1)
    if closing and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
        return ""
    return fence


def _read_card(block: _Block, problems: list[Trouble]) -> NoteCard | None:
    match = CARD_LINE.fullmatch(block.lines[0])
    if match is None:
        problems.append((block.line, "a card line must look like `Q[key]: question`"))
        return None
    key, first = match.groups()
    if not is_slug(key):
        problems.append((block.line, f"bad card key '{key}' (use {SLUG_HINT})"))
        return None
    rest = block.lines[1:]
    answer_at = next((i for i, line in enumerate(rest) if line.startswith("A:")), None)
    if answer_at is None:
        problems.append((block.line, f"card '{key}' has no `A:` line"))
        return None
    answer_match = ANSWER_LINE.match(rest[answer_at])
    answer_first = answer_match.group(1) if answer_match else ""
    front = "\n".join([first, *rest[:answer_at]]).strip()
    back = "\n".join([answer_first, *rest[answer_at + 1 :]]).strip()
    if not front or not back:
        part = "question" if not front else "answer"
        problems.append((block.line, f"card '{key}' has an empty {part}"))
        return None
    return NoteCard(key, "qa", front, back, block.line)


def _read_paragraph(
    block: _Block, problems: list[Trouble]
) -> tuple[str, list[NoteCard]]:
    """Return a paragraph's reading text and the cloze cards it makes."""
    text = block.text
    marker = KEY_MARKER.search(text)
    if not CLOZE_START.search(text):
        if marker and is_slug(marker.group(1)):
            message = f"key marker '^{marker.group(1)}' on a paragraph without clozes"
            problems.append((block.line + len(block.lines) - 1, message))
        return text, []
    found = _cloze_problems(block, marker)
    problems.extend(found)
    if found or marker is None:
        return CLOZE.sub(lambda m: m.group(2), text), []
    paragraph = text[: marker.start()].rstrip()
    key_line = block.line + len(block.lines) - 1  # the marker ends the paragraph
    cards = _cloze_cards(paragraph, marker.group(1), key_line)
    return CLOZE.sub(lambda m: m.group(2), paragraph), cards


def _cloze_problems(block: _Block, marker: re.Match[str] | None) -> list[Trouble]:
    text = block.text
    found: list[Trouble] = []
    closed = {match.start(): match for match in CLOZE.finditer(text)}
    for opener in CLOZE_START.finditer(text):
        line = block.line + text.count("\n", 0, opener.start())
        number = opener.group(1)
        if not CLOZE_NUMBER.fullmatch(number):
            found.append((line, f"bad cloze number 'c{number}' (use c1, c2, ...)"))
        elif opener.start() not in closed:
            found.append((line, f"unclosed cloze '{{{{c{number}::' (end it with }}}})"))
        elif not closed[opener.start()].group(2).strip():
            found.append((line, f"empty cloze '{{{{c{number}::}}}}'"))
    last = block.line + len(block.lines) - 1
    if marker is None:
        message = "a paragraph with clozes must end with a key marker like ` ^my-key`"
        found.append((last, message))
    elif not is_slug(marker.group(1)):
        found.append((last, f"bad card key '{marker.group(1)}' (use {SLUG_HINT})"))
    return found


def _cloze_cards(paragraph: str, key: str, line: int) -> list[NoteCard]:
    numbers = sorted({int(match.group(1)) for match in CLOZE.finditer(paragraph)})
    cards = []
    for number in numbers:

        def hide(match: re.Match[str], number: int = number) -> str:
            """Hide this number's clozes, showing hints; show the others."""
            if int(match.group(1)) != number:
                return match.group(2)
            return f"[{match.group(3)}]" if match.group(3) else "[...]"

        def bold(match: re.Match[str], number: int = number) -> str:
            """Show this number's clozes in bold and the others as text."""
            if int(match.group(1)) != number:
                return match.group(2)
            return f"**{match.group(2).strip()}**"

        front, back = CLOZE.sub(hide, paragraph), CLOZE.sub(bold, paragraph)
        cards.append(NoteCard(f"{key}:c{number}", "cloze", front, back, line))
    return cards
