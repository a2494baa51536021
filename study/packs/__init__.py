"""Content packs: read a pack folder, check it, and build its cards and questions.

Domain code only (no Flask): `load_pack` returns plain frozen dataclasses and
`validate` lists every problem as `path:line: message`.
"""

from study.packs.loader import find_pack_dirs, load_pack, read_pack, validate
from study.packs.model import (
    Card,
    ExamSettings,
    Note,
    Option,
    Pack,
    Question,
    Topic,
)
from study.packs.problems import PackError, Problem

__all__ = [
    "Card",
    "ExamSettings",
    "Note",
    "Option",
    "Pack",
    "PackError",
    "Problem",
    "Question",
    "Topic",
    "find_pack_dirs",
    "load_pack",
    "read_pack",
    "validate",
]
