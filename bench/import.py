"""Time importing the Docker pack and a generated 10,000-card pack.

Usage: .venv/bin/python bench/import.py [--cards 10000] [--runs 3]
           [--database sqlite|postgresql]

For each pack: the first import into an empty database, then an import of the
unchanged pack (a no-op that still reads and validates every file). Prints the
median of `--runs` fresh databases.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def time_imports(pack: Path, kind: str, directory: Path) -> tuple[float, float, int]:
    """Import `pack` into a fresh database twice; return both times and cards."""
    from bench.benchdata import database, make_app
    from study.extensions import db
    from study.packs.importer import import_packs

    with database(kind, directory) as url:
        app = make_app(url)
        with app.app_context():
            started = time.perf_counter()
            (report,) = import_packs(db.session, pack)
            empty = time.perf_counter() - started
            db.session.remove()
            started = time.perf_counter()
            (again,) = import_packs(db.session, pack)
            unchanged = time.perf_counter() - started
            assert again.unchanged, "the second import should change nothing"
            db.session.remove()
            if kind == "postgresql":
                db.drop_all()
                db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
                db.session.commit()
            db.engine.dispose()
    return empty, unchanged, report.cards


def main() -> None:
    """Time both packs and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql"), default="sqlite"
    )
    args = parser.parse_args()

    from bench.benchdata import DOCKER_PACK, machine, write_pack

    print(f"machine: {machine()}")
    print(f"database {args.database}, median of {args.runs} runs")
    with tempfile.TemporaryDirectory(prefix="shipshape-bench.") as tmp:
        directory = Path(tmp)
        generated = write_pack(directory / "packs", args.cards)
        for name, pack in (("docker", DOCKER_PACK), ("generated", generated)):
            runs = []
            for run in range(args.runs):
                scratch = directory / f"{name}-{run}"
                scratch.mkdir()
                runs.append(time_imports(pack, args.database, scratch))
            empty = statistics.median(r[0] for r in runs)
            unchanged = statistics.median(r[1] for r in runs)
            print(
                f"{name:>9} pack ({runs[0][2]:,} cards): from empty {empty:.2f}s, "
                f"unchanged {unchanged:.2f}s",
                flush=True,
            )


if __name__ == "__main__":
    main()
