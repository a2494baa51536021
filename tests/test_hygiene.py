"""Code hygiene: lint suppressions say why, and the security lint rules stay on."""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", ".git", "node_modules", ".ruff_cache", ".hypothesis", "__pycache__"}
SKIP |= {".pytest_cache", ".schemathesis", "instance", "artifacts"}
# `noqa: CODE[, CODE] <separator> reason`, the reason at least two words long.
EXPLAINED = re.compile(
    r"noqa:\s*[A-Z]+[0-9]+(\s*,\s*[A-Z]+[0-9]+)*\s*(-|--|—|:|because)\s*\w+\W+\w+",
    re.IGNORECASE,
)
SUPPRESSION = re.compile(r"#\s*(noqa|nosec)\b", re.IGNORECASE)


def python_files() -> list[Path]:
    """Return every Python file of the project (not the virtualenv or caches)."""
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not SKIP & set(path.relative_to(ROOT).parts)
    ]


def comments(path: Path) -> list[tuple[int, str]]:
    """Return the comments of a Python file with their line numbers."""
    source = path.read_text(encoding="utf-8")
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [(t.start[0], t.string) for t in tokens if t.type == tokenize.COMMENT]


def test_every_lint_suppression_names_its_rule_and_says_why():
    unexplained = []
    files = python_files()
    assert len(files) > 50
    for path in files:
        for line, comment in comments(path):
            found = SUPPRESSION.search(comment)
            if found and not EXPLAINED.search(comment[found.start() :]):
                unexplained.append(f"{path.relative_to(ROOT)}:{line}: {comment}")
    assert unexplained == [], "\n".join(unexplained)


def test_the_checker_tells_a_reason_from_none():
    assert EXPLAINED.search("noqa: S311 - shuffling, not secrets")
    assert EXPLAINED.search("noqa: E402,F401 - routes attach to bp")
    for bare in ("noqa", "noqa: S311", "noqa: S311 -", "noqa: S311 - ok"):
        assert not EXPLAINED.search(bare), bare


def test_the_security_rules_stay_switched_on():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    lint = config["lint"]
    assert {"S", "B"} <= set(lint["select"])
    for pattern, ignored in lint.get("per-file-ignores", {}).items():
        assert "S" not in ignored, f"{pattern} turns off every bandit rule"
        if not pattern.startswith(("tests", "bench")):
            assert not any(rule.startswith("S") for rule in ignored), pattern
