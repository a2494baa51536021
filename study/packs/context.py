"""What every reader of a pack's files needs: the pack's IDs and its findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from study.packs.limits import PACK_ID, shortened
from study.packs.model import Note, Topic
from study.packs.problems import Findings
from study.packs.text import SLUG_HINT, is_slug

IdParts = list[tuple[str, str, int]]  # (what it is, its text, its line)


@dataclass
class PackContext:
    """The pack being read, what is known of it so far, and its problems."""

    pack_id: str
    findings: Findings
    topics: dict[str, Topic] | None = None  # None: pack.yaml could not be read
    notes: dict[str, Note] = field(default_factory=dict)
    note_lines: dict[str, str] = field(default_factory=dict)  # id: "source:line"
    table_lines: dict[str, str] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # "note:x"/"table:x" unreadable
    long_ids: set[tuple[str, int]] = field(default_factory=set)  # reported places

    def check_slug(self, source: str, line: int, what: str, value: str) -> bool:
        """Report value unless it is a slug; tell whether it is one."""
        if is_slug(value):
            return True
        self.findings.add(source, line, f"{what} '{value}' is not a slug ({SLUG_HINT})")
        return False

    def check_topic(self, source: str, line: int, topic: str) -> bool:
        """Report a topic id that pack.yaml does not list."""
        if self.topics is None or topic in self.topics:
            return True
        self.findings.add(source, line, f"unknown topic '{topic}' (not in pack.yaml)")
        return False

    def check_note(self, source: str, line: int, note: str) -> bool:
        """Report a note id that no note in notes/ has."""
        if note in self.notes or f"note:{note}" in self.broken:
            return True
        self.findings.add(source, line, f"unknown note '{note}' (no note has this id)")
        return False

    def check_id_size(
        self, source: str, what: str, full: str, parts: IdParts, limit: int
    ) -> None:
        """Report a generated id longer than its column, once per line: on the
        line of its longest part (name, text, line), the one to shorten."""
        if len(full) <= limit or len(self.pack_id) > PACK_ID:
            return  # a pack id too long is reported in pack.yaml, once
        name, _, line = max(reversed(parts), key=lambda part: len(part[1]))
        if (source, line) in self.long_ids:
            return
        self.long_ids.add((source, line))
        message = (
            f"{what} '{shortened(full)}' is {len(full)} characters; "
            f"at most {limit} fit (shorten the {name})"
        )
        self.findings.add(source, line, message)
