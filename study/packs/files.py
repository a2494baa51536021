"""Find and read a pack's files, turning any trouble into problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from study.packs.context import PackContext
from study.packs.limits import SOURCE, nul_problems, too_long
from study.packs.yamlfile import YamlTrouble, load_yaml

Result = TypeVar("Result")


class Unreadable:
    """Marks a file that could not be read (its problems are already reported)."""


UNREADABLE = Unreadable()


def pack_files(root: Path, folder: str, suffix: str, context: PackContext) -> list[str]:
    """Return the sources (`notes/x.md`) in a folder, reporting misplaced files."""
    directory = root / folder
    try:
        if not directory.exists():
            return []
        if not directory.is_dir():
            context.findings.add(folder, 1, f"{folder} must be a folder")
            return []
        entries = sorted(directory.iterdir(), key=lambda entry: entry.name)
    except OSError as error:
        context.findings.add(folder, 1, f"cannot list this folder: {error.strerror}")
        return []
    sources = []
    for entry in entries:
        source = f"{folder}/{entry.name}"
        if entry.name.startswith("."):
            continue  # editors' swap and backup files
        if entry.is_dir():
            context.findings.add(source, 1, f"unexpected folder in {folder}/")
        elif entry.suffix != suffix:
            message = f"files in {folder}/ must end in {suffix}"
            context.findings.add(source, 1, message)
        else:
            if message := too_long("path", source, SOURCE):
                context.findings.add(source, 1, f"{message} (shorten the file name)")
            sources.append(source)
    return sources


def read_text(root: Path, source: str, context: PackContext) -> str | None:
    """Return a file's text with newlines made plain, or None after reporting."""
    try:
        raw = (root / source).read_bytes()
    except FileNotFoundError:
        context.findings.add(source, 1, "file is missing")
        return None
    except OSError as error:
        context.findings.add(source, 1, f"cannot read this file: {error.strerror}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        context.findings.add(source, line, "file is not UTF-8 text")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(
    text: str, source: str, context: PackContext, first_line: int = 1
) -> Any:
    """Return the YAML in text, or UNREADABLE after reporting why."""
    try:
        data, warnings = load_yaml(text, first_line)
    except YamlTrouble as trouble:
        context.findings.add(source, trouble.line, trouble.message)
        return UNREADABLE
    for line, message in [*warnings, *nul_problems(data, first_line)]:
        context.findings.add(source, line, message)
    return data


def read_yaml(root: Path, source: str, context: PackContext) -> Any:
    """Return the YAML in a pack file, or UNREADABLE after reporting why."""
    text = read_text(root, source, context)
    if text is None:
        return UNREADABLE
    return parse_yaml(text, source, context)


def guarded(
    context: PackContext, source: str, read: Callable[..., Result], *args: Any
) -> Result | None:
    """Run read(*args); a bug becomes a problem so the other files still count."""
    try:
        return read(*args)
    except Exception as error:  # one file's surprise must not hide the others
        message = f"internal error reading this file: {type(error).__name__}: {error}"
        context.findings.add(source, 1, message)
        return None
