"""Time the manager's view of a big team and count the SQL it runs, in-process.

Usage: .venv/bin/python bench/team_view.py [--runs 20] [--cards 300]
Builds a fresh SQLite database with the Docker pack, a team of 20 and a team of
200 members who each studied `--cards` cards (with their review log and a mock
exam), then asks for GET /teams/<id>/progress through the test client `--runs`
times per team. Prints the median and slowest response and the SQL statements
per request: the count must be the same for both teams (no query per member).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = (20, 200)


def build_team(session, size: int, cards: list[int], now: datetime, rng):
    """Insert a team of `size` members who studied these cards; return ids."""
    from sqlalchemy import insert

    from study.models import Assignment, CardState, QuizAttempt, ReviewLog, Team

    team = Team(name=f"Team of {size}", created_at=now - timedelta(days=10))
    session.add(team)
    session.flush()
    manager, members = add_people(session, team.id, size, now)
    states, logs = studied_rows(members, cards, now, rng)
    session.execute(insert(CardState), states)
    session.execute(insert(ReviewLog), logs)
    session.execute(insert(QuizAttempt), exam_rows(members[::3], now, rng))
    assignment = Assignment(
        team_id=team.id,
        pack_id="docker",
        topics=None,
        due_on=(now + timedelta(days=20)).date(),
        goal_all_cards_studied=True,
        goal_exam_passed=True,
        created_by=manager,
        created_at=now - timedelta(days=10),
    )
    session.add(assignment)
    session.commit()
    return team.id, assignment.id, manager


def add_people(session, team_id: int, size: int, now: datetime):
    """Insert a manager and `size` members; return the manager's and members' ids."""
    from sqlalchemy import insert

    from study.models import Membership, User

    users = [
        {
            "email": f"m{size}-{n}@example.com",
            "display_name": f"Member {n:03d} of {size}",
            "password_hash": "x",
            "session_token": f"t{size}-{n}",
            "is_admin": False,
            "timezone": "UTC",
        }
        for n in range(size + 1)
    ]
    ids = list(session.scalars(insert(User).returning(User.id), users))
    session.execute(
        insert(Membership),
        [
            {
                "team_id": team_id,
                "user_id": uid,
                "role": "manager" if uid == ids[0] else "member",
                "joined_at": now,
            }
            for uid in ids
        ],
    )
    return ids[0], ids[1:]


def studied_rows(members: list[int], cards: list[int], now: datetime, rng):
    """Return card-state and review-log rows: every member rated every card once."""
    states, logs = [], []
    for uid in members:
        for n, card_id in enumerate(cards):
            when = now - timedelta(minutes=rng.randint(1, 60 * 24 * 14))
            stability = rng.uniform(0.5, 60.0)
            states.append(
                {
                    "user_id": uid,
                    "card_id": card_id,
                    "state": 2,
                    "step": None,
                    "stability": stability,
                    "difficulty": 5.0,
                    "due": when + timedelta(days=stability),
                    "last_review": when,
                    "reps": 1,
                    "lapses": 0,
                }
            )
            logs.append(
                {
                    "user_id": uid,
                    "card_id": card_id,
                    "review_id": f"bench-{uid}-{n}",
                    "rating": 3,
                    "reviewed_at": when,
                    "duration_ms": 4000,
                    "previous_state": 0,
                    "state_before": None,
                    "state_after": {},
                    "undone": False,
                }
            )
    return states, logs


def exam_rows(users: list[int], now: datetime, rng) -> list[dict]:
    """Return one submitted Docker mock exam per user."""
    scores = [round(rng.uniform(40, 95), 1) for _ in users]
    return [
        {
            "user_id": uid,
            "pack_id": "docker",
            "mode": "exam",
            "status": "submitted",
            "topics": [],
            "feedback": "end",
            "domc": False,
            "started_at": now - timedelta(days=1, hours=2),
            "submitted_at": now - timedelta(days=1),
            "timed_out": False,
            "question_count": 55,
            "correct_count": 40,
            "score": score,
            "pass_mark": 65,
            "passed": score >= 65,
            "per_topic": {},
        }
        for uid, score in zip(users, scores, strict=True)
    ]


def measure(app, db, team_id, assignment_id, manager, runs):
    """Request the manager's view `runs` times; return times and SQL counts."""
    from sqlalchemy import event

    from study.models import User

    client = app.test_client()
    with app.app_context():
        token = db.session.get(User, manager).session_token
    with client.session_transaction() as session:
        session["_user_id"] = f"{manager}:{token}"
    path = f"/teams/{team_id}/progress?assignment={assignment_id}"
    statements: list[str] = []

    def count(_conn, _cursor, sql, *_args):
        statements.append(sql)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        times, counts, rows = [], [], 0
        try:
            for _ in range(runs):
                before = len(statements)
                began = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - began)
                counts.append(len(statements) - before)
                assert response.status_code == 200, response.status_code
                rows = response.get_data(as_text=True).count('<tr data-member="')
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    return times, counts, rows, statements[-counts[-1] :]


def main() -> None:
    """Build the data, run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cards", type=int, default=300)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="shipshape-bench-")
    url = f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade
    from sqlalchemy import select

    from study import create_app
    from study.extensions import db
    from study.models import Card
    from study.packs.importer import import_packs

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    now = datetime.now(UTC)
    rng = random.Random(6)
    with app.app_context():
        upgrade()
        import_packs(db.session, ROOT / "content" / "docker")
        cards = list(
            db.session.scalars(
                select(Card.id)
                .where(Card.pack_id == "docker", Card.retired.is_(False))
                .order_by(Card.position)
            )
        )
        studied = cards[: args.cards]
        began = time.perf_counter()
        teams = {
            size: build_team(db.session, size, studied, now, rng) for size in SIZES
        }
        built = time.perf_counter() - began
        db.session.remove()
    print(
        f"Docker pack: {len(cards)} live cards; each member studied {len(studied)} "
        f"(data built in {built:.1f} s); {args.runs} requests per team, SQLite"
    )
    counts_by_size = {}
    for size, (team_id, assignment_id, manager) in teams.items():
        times, counts, rows, last = measure(
            app, db, team_id, assignment_id, manager, args.runs
        )
        counts_by_size[size] = statistics.median(counts)
        print(
            f"team of {size:>3} ({rows} rows incl. the manager): "
            f"median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms, "
            f"SQL statements per request {statistics.median(counts):.0f}"
        )
        if os.environ.get("SHOW_SQL"):
            for sql in last:
                print("   ", " ".join(sql.split())[:110])
    small, big = (counts_by_size[size] for size in SIZES)
    verdict = "same" if small == big else "DIFFERENT"
    print(f"statements for {SIZES[0]} vs {SIZES[1]} members: {verdict}")
    if small != big:
        sys.exit(1)


if __name__ == "__main__":
    main()
