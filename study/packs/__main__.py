"""Check content packs from the shell: `python -m study.packs content/docker`."""

from __future__ import annotations

import sys
from pathlib import Path

from study.packs.loader import find_pack_dirs, read_pack


def main(argv: list[str] | None = None) -> int:
    """Print every problem of the packs named (default `content`); 1 if any."""
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(arg) for arg in args] or [Path("content")]
    failed = False
    for path in paths:
        folders = find_pack_dirs(path)
        if not folders:
            print(f"{path.as_posix()}:1: no pack.yaml here or in its subfolders")
            failed = True
        for folder in folders:
            pack, problems = read_pack(folder)
            for problem in problems:
                print(problem)
            if pack is None:
                failed = True
                sys.stdout.flush()
                count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
                print(f"{count} in {folder.as_posix()}", file=sys.stderr)
            else:
                cards, questions = len(pack.cards), len(pack.questions)
                print(f"ok: {cards} cards, {questions} questions in pack {pack.id}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
