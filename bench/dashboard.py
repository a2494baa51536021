"""Time the progress dashboard for a learner with 100,000 reviews, in-process.

Usage: .venv/bin/python bench/dashboard.py [--reviews 100000] [--runs 20]
Builds a fresh SQLite database with the Docker pack and one learner whose
reviews (bulk-inserted) span the last year, then requests /progress and
/api/v1/progress through Flask's test client and prints the median time and
the SQL statements each request runs (SHOW_SQL=1 lists them).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "a long bench password"  # noqa: S105 - a throwaway bench account
BATCH = 10_000


def build_learner(db, reviews: int, now: datetime) -> str:
    """Create the learner, a state for every card and `reviews` review-log rows."""
    from sqlalchemy import insert, select

    from study import srs
    from study.models import Card, CardState, ReviewLog
    from study.services.accounts import create_user

    user = create_user(db.session, "bench@example.com", PASSWORD)
    user.timezone = "Europe/Berlin"
    card_ids = list(db.session.scalars(select(Card.id).where(Card.retired.is_(False))))
    rng = random.Random(5)
    rows = []
    for number in range(reviews):
        when = now - timedelta(seconds=rng.randrange(365 * 86400))
        interval = timedelta(days=rng.choice((1, 3, 8, 20, 45, 90)))
        after = srs.Memory(2, None, interval.days, 5.0, when + interval, when)
        rows.append(
            {
                "user_id": user.id,
                "card_id": card_ids[number % len(card_ids)],
                "review_id": f"bench-{number:08d}",
                "rating": rng.choices((1, 2, 3, 4), (10, 10, 70, 10))[0],
                "reviewed_at": when,
                "duration_ms": rng.randrange(1000, 20000),
                "previous_state": 2 if number >= len(card_ids) else 0,
                "state_before": None,
                "state_after": after.to_json(),
            }
        )
        if len(rows) == BATCH:
            db.session.execute(insert(ReviewLog), rows)
            rows = []
    if rows:
        db.session.execute(insert(ReviewLog), rows)
    states = []
    for card_id in card_ids:
        last = now - timedelta(days=rng.randrange(60))
        stability = rng.choice((2.0, 10.0, 30.0, 80.0))
        states.append(
            {
                "user_id": user.id,
                "card_id": card_id,
                "state": 2,
                "step": None,
                "stability": stability,
                "difficulty": 5.0,
                "due": last + timedelta(days=stability),
                "last_review": last,
                "reps": 5,
                "lapses": 0,
            }
        )
    db.session.execute(insert(CardState), states)
    db.session.commit()
    return user.email


def measure(app, db, path: str, runs: int) -> tuple[list[float], list[str]]:
    """Request a page `runs` times; return the times and one request's SQL."""
    from sqlalchemy import event

    client = app.test_client()
    response = client.post(
        "/login", data={"email": "bench@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(
        engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql)
    )
    assert client.get(path).status_code == 200  # warm up
    times = []
    for _ in range(runs):
        statements.clear()
        began = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200
    return times, list(statements)


def main() -> None:
    """Build the data, run the requests and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="shipshape-bench-")
    try:
        run(folder, args.reviews, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(folder: str, reviews: int, runs: int) -> None:
    """Build the database in `folder`, then measure both requests."""
    url = f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from study import create_app
    from study.extensions import db
    from study.packs.importer import import_packs

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_LIMIT": "1000 per minute",
        }
    )
    now = datetime.now(UTC)
    with app.app_context():
        upgrade()
        import_packs(db.session, ROOT / "content" / "docker")
        began = time.perf_counter()
        build_learner(db, reviews, now)
        built = time.perf_counter() - began
    print(f"{reviews:,} reviews of one learner over a year, SQLite")
    print(f"(built in {built:.1f} s)")
    for path in ("/progress", "/api/v1/progress"):
        times, statements = measure(app, db, path, runs)
        print(
            f"GET {path}: median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms over {runs} requests; "
            f"{len(statements)} SQL statements per request"
        )
        if os.environ.get("SHOW_SQL"):
            for sql in statements:
                print("   ", " ".join(sql.split())[:150])
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
