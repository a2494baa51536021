"""Shared set-up for the benchmarks: generated packs, databases, bulk history.

Imported by the bench scripts after they put the project root on sys.path.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKER_PACK = ROOT / "content" / "docker"
BATCH = 20_000
PASSWORD = "a long bench password"  # noqa: S105 - a throwaway bench account


def write_pack(directory: Path, cards: int, topics: int = 10, pack_id="bench") -> Path:
    """Write a pack of `cards` table cards spread over `topics` topics."""
    pack = directory / pack_id
    (pack / "notes").mkdir(parents=True, exist_ok=True)
    (pack / "tables").mkdir(exist_ok=True)
    weights = [100 // topics + (t < 100 % topics) for t in range(topics)]
    lines = [
        f"id: {pack_id}",
        "title: Generated bench pack",
        "version: 1",
        "topics:",
        *(
            f"  - {{id: t{t}, title: Topic {t}, order: {t}, weight: {weights[t]}}}"
            for t in range(topics)
        ),
        "exam: {questions: 10, minutes: 10, pass_mark: 60}",
    ]
    (pack / "pack.yaml").write_text("\n".join(lines) + "\n")
    per_topic = -(-cards // topics)
    for t in range(topics):
        (pack / "notes" / f"n{t}.md").write_text(
            f"---\nid: n{t}\ntopic: t{t}\ntitle: Notes {t}\norder: {t}\n---\n\n"
            f"Facts about topic {t}.\n"
        )
        rows = [
            f"  - {{name: item{t}x{i}, meaning: meaning {i} of topic {t}}}"
            for i in range(min(per_topic, cards - t * per_topic))
        ]
        (pack / "tables" / f"t{t}.yaml").write_text(
            f"id: t{t}\ntopic: t{t}\nnote: n{t}\ntitle: Table {t}\nkey: name\n"
            "columns:\n  name: {title: Name}\n  meaning: {title: Meaning}\n"
            "rows:\n" + "\n".join(rows) + "\n"
            "cards:\n  - id: meaning\n"
            '    front: "What is `{name}`?"\n    back: "It is {meaning}."\n'
        )
    return pack


def make_app(database_url: str):
    """Create the app on `database_url` and migrate the schema."""
    from flask_migrate import upgrade

    from study import create_app
    from study.config import engine_options

    os.environ["DATABASE_URL"] = database_url
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        }
    )
    with app.app_context():
        upgrade()
    return app


def memory_json(due: datetime, last: datetime, stability: float = 10.0) -> dict:
    """Return a stored FSRS memory state of a card in review."""
    from study import srs

    return srs.Memory(2, None, stability, 5.0, due, last).to_json()


def add_card_states(session, user_id: int, card_ids: list[int], due: int, now) -> None:
    """Put every card in review; the first `due` are due, the rest in 30 days."""
    from sqlalchemy import insert

    from study.models import CardState

    rows = [
        {
            "user_id": user_id,
            "card_id": card_id,
            "state": 2,
            "step": None,
            "stability": 10.0,
            "difficulty": 5.0,
            # Due cards spread over the past day, so their order is well defined.
            "due": now - timedelta(seconds=10 + n * 17 % 86000)
            if n < due
            else now + timedelta(days=30, seconds=n),
            "last_review": now - timedelta(days=10),
            "reps": 5,
            "lapses": 0,
        }
        for n, card_id in enumerate(card_ids)
    ]
    for start in range(0, len(rows), BATCH):
        session.execute(insert(CardState), rows[start : start + BATCH])
    session.commit()


def add_history(session, user_id: int, card_ids: list[int], rows: int, now, offset=0):
    """Append `rows` review-log rows for the learner over the past three years
    (none today), in bulk."""
    from sqlalchemy import insert

    from study.models import ReviewLog

    span = 3 * 365 * 86400
    yesterday = now - timedelta(days=1)
    for start in range(offset, offset + rows, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, offset + rows)):
            when = yesterday - timedelta(seconds=span * (1 - (n % 100_003) / 100_003))
            after = when + timedelta(days=10)
            batch.append(
                {
                    "user_id": user_id,
                    "card_id": card_ids[n % len(card_ids)],
                    "review_id": f"hist{n:010d}",
                    "rating": 3,
                    "reviewed_at": when,
                    "duration_ms": 4000,
                    "previous_state": 2,
                    "state_before": None,
                    "state_after": memory_json(after, when),
                    "undone": False,
                }
            )
        session.execute(insert(ReviewLog), batch)
        session.commit()


def new_learner(session, email: str = "bench@example.com"):
    """Create a learner whose daily limits never cap a benchmark."""
    from study.services.accounts import create_user

    user = create_user(session, email, PASSWORD)
    user.new_cards_per_day = 9999
    user.max_reviews_per_day = 99999
    session.commit()
    return user


def summary(seconds: list[float]) -> dict[str, float]:
    """Return median and p99 in milliseconds."""
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p99_ms": p99 * 1000}


def machine() -> str:
    """Describe the machine a figure came from."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = f", load {os.getloadavg()[0]:.1f}"
    return (
        f"{cpu} x{os.cpu_count()}{memory}{load}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


@contextmanager
def postgres(fsync: bool = True) -> Iterator[str]:
    """Start a throwaway PostgreSQL cluster; yield its database URL."""
    from tests.servers import postgres_cluster

    with postgres_cluster(fsync=fsync) as cluster:
        yield cluster.url


@contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    """Yield an empty database URL: `sqlite` (a file) or `postgresql`."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'bench.db'}"
    elif kind == "postgresql":
        if url := os.environ.get("BENCH_DATABASE_URL"):
            yield url
        else:
            with postgres() as url:
                yield url
    else:
        raise SystemExit(f"unknown database kind {kind!r}")


def postgres_version() -> str:
    """Return the PostgreSQL server version installed, if any."""
    from tests.servers import pg_bin

    folder = pg_bin()
    if folder is None:
        return "no PostgreSQL"
    try:
        out = subprocess.run(
            [str(folder / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip()
    except OSError:
        return "no PostgreSQL"


def now_utc() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)
