"""Due-queue latency as the review log grows: 10^4, 10^5, 10^6 and 10^7 rows.

Usage: .venv/bin/python bench/scale.py [--max-rows 10000000] [--cards 10000]
           [--runs 200] [--database sqlite|postgresql]

One learner with `--cards` cards in review (half of them due) owns every
review-log row, spread over the past three years. At each size the script times
what showing the next card costs (tally.scope_day_and_counts, queue.next_card,
queue.due_card) twice: with the day's tally kept (every page after the first
of the day) and with it dropped before each run (the first page of a day, which
counts the cards again). It prints the median and p99 of both, and at the
end the ratio of the largest size's median to the smallest's (the target is
1.5 or less: flat).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = (10_000, 100_000, 1_000_000, 10_000_000)


def time_queue(app, runs: int, recount: bool = False) -> list[float]:
    """Time fetching the next card and the day's counts `runs` times (each time
    counting the day again when `recount`)."""
    from bench.benchdata import now_utc
    from study.extensions import db
    from study.models import User
    from study.services import queue, tally

    times = []
    with app.app_context():
        session = db.session
        user = session.scalars(db.select(User)).one()
        for _ in range(runs):
            if recount:
                tally.forget(session, user.id)
                session.commit()
            started = time.perf_counter()
            moment = now_utc()
            scope, day, left = tally.scope_day_and_counts(session, user, moment)
            card = queue.next_card(session, user, scope, moment, day, left)
            queue.due_card(session, user, card, moment)
            session.rollback()  # end the read transaction, as a request does
            times.append(time.perf_counter() - started)
        db.session.remove()
    return times


def main() -> None:
    """Grow the log size by size and time the queue at each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rows", type=int, default=SIZES[-1])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql"), default="sqlite"
    )
    args = parser.parse_args()

    from sqlalchemy import select, text

    from bench.benchdata import (
        add_card_states,
        add_history,
        database,
        machine,
        make_app,
        new_learner,
        now_utc,
        summary,
        write_pack,
    )
    from study.extensions import db
    from study.models import Card
    from study.packs.importer import import_packs

    print(f"machine: {machine()}")
    print(f"cards {args.cards:,} (half due), database {args.database}")
    results, recounts = {}, {}
    with tempfile.TemporaryDirectory(prefix="shipshape-bench.") as tmp:
        directory = Path(tmp)
        with database(args.database, directory) as url:
            app = make_app(url)
            with app.app_context():
                import_packs(db.session, write_pack(directory, args.cards))
                user = new_learner(db.session)
                card_ids = list(db.session.scalars(select(Card.id)))
                add_card_states(
                    db.session, user.id, card_ids, args.cards // 2, now_utc()
                )
                user_id = user.id
                db.session.remove()
            rows = 0
            for size in (s for s in SIZES if s <= args.max_rows):
                started = time.perf_counter()
                with app.app_context():
                    add_history(
                        db.session, user_id, card_ids, size - rows, now_utc(), rows
                    )
                    if args.database == "postgresql":
                        db.session.execute(text("ANALYZE"))
                        db.session.commit()
                    db.session.remove()
                rows = size
                filled = time.perf_counter() - started
                results[size] = summary(time_queue(app, args.runs))
                recounts[size] = summary(time_queue(app, args.runs, recount=True))
                print(
                    f"{size:>12,} review-log rows: median "
                    f"{results[size]['median_ms']:.2f} ms, p99 "
                    f"{results[size]['p99_ms']:.2f} ms; first page of the day: "
                    f"median {recounts[size]['median_ms']:.2f} ms, p99 "
                    f"{recounts[size]['p99_ms']:.2f} ms (rows added in {filled:.0f}s)",
                    flush=True,
                )
            with app.app_context():
                db.engine.dispose()
    if len(results) > 1:
        smallest, largest = min(results), max(results)
        for name, series in (("tally kept", results), ("first page", recounts)):
            ratio = series[largest]["median_ms"] / series[smallest]["median_ms"]
            print(
                f"ratio {largest:,} / {smallest:,} rows, {name}: {ratio:.2f} "
                "(target <= 1.5)"
            )


if __name__ == "__main__":
    main()
