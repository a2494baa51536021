"""Problems found in a pack, reported to authors as `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing an author must fix, with the file and line it is on."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Return problems without repeats, ordered by file and line."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: (problem.path, problem.line))


class PackError(Exception):
    """A pack that cannot be loaded, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sort_problems(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class Findings:
    """The problems found so far in one pack, with paths shown from its root."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def add(self, source: str, line: int, message: str) -> None:
        """Record a problem in `source` (a path relative to the pack root)."""
        path = (self.root / source).as_posix() if source else self.root.as_posix()
        self.problems.append(Problem(path, max(line, 1), message))
