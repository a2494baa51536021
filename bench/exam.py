"""Time generating and grading a 55-question Docker mock exam, in-process.

Usage: .venv/bin/python bench/exam.py [--runs 20]
Prints the median and the slowest of each, on a fresh SQLite database.
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


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    folder = tempfile.mkdtemp(prefix="shipshape-bench-")
    url = f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from study import create_app
    from study.extensions import db
    from study.packs.importer import import_packs
    from study.services import quizzes
    from study.services.accounts import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        import_packs(db.session, ROOT / "content" / "docker")
        user = create_user(db.session, "bench@example.com", "a long bench password")
        start_times, grade_times, statements = [], [], []
        from sqlalchemy import event

        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda conn, cursor, sql, *a: statements.append(sql.split("(")[0][:60]),
        )
        counts = {"generate": [], "grade": []}
        now = datetime.now(UTC)
        rng = random.Random(1)
        for run in range(runs):
            moment = now + timedelta(hours=run)
            request = quizzes.QuizRequest(pack="docker", mode="exam")
            began, before = time.perf_counter(), len(statements)
            attempt = quizzes.start_quiz(db.session, user, request, moment, rng=rng)
            start_times.append(time.perf_counter() - began)
            counts["generate"].append(len(statements) - before)
            answers = {str(item.position): None for item in attempt.items}
            began, before = time.perf_counter(), len(statements)
            quizzes.submit_quiz(db.session, user, attempt.id, moment, answers)
            grade_times.append(time.perf_counter() - began)
            counts["grade"].append(len(statements) - before)
            db.session.expire_all()
        count = attempt.question_count
    print(f"mock exam of {count} questions, {runs} runs, SQLite")
    if os.environ.get("SHOW_SQL"):
        from collections import Counter

        print(Counter(statements[-counts["grade"][-1] :]).most_common(8))
    for name, times in (("generate", start_times), ("grade", grade_times)):
        print(
            f"{name:>8}: median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms, "
            f"SQL statements median {statistics.median(counts[name]):.0f}"
        )


if __name__ == "__main__":
    main()
