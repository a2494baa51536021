"""Time "record a rating + fetch the next card" in Shipshape and in Anki.

Usage: .venv/bin/python bench/review_vs_anki.py [--cards 10000] [--due 5000]
           [--history 1000000] [--steps 2000] [--database sqlite|postgresql]

One learner with `--cards` cards in review, `--due` of them due, and `--history`
review-log rows. Each step is what the study page does for a rating, called
in-process: study.services.reviews.rate_in_scope, which records the rating and
finds the next card (one request to the JSON API, POST /review with "next").
Then the same again as a client making two requests does it: record_review,
then tally.scope_day_and_counts, queue.next_card and queue.due_card. The run
builds the same collection in Anki's own backend (the `anki` package, FSRS on:
a note per card, the same due cards and the same number of revlog rows) and
times answer_card + get_queued_cards. Prints median and p99 of both and the ratio
ours/Anki (the target is 1.0 or less).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_ours(app, directory: Path, args) -> dict:
    """Import a generated pack and give one learner its states and history."""
    from sqlalchemy import select

    from bench.benchdata import add_card_states, add_history, new_learner, write_pack
    from study.extensions import db
    from study.models import Card
    from study.packs.importer import import_packs

    timings = {}
    with app.app_context():
        started = time.perf_counter()
        import_packs(db.session, write_pack(directory, args.cards))
        timings["import"] = time.perf_counter() - started
        user = new_learner(db.session)
        card_ids = list(db.session.scalars(select(Card.id).order_by(Card.position)))
        now = _now()
        started = time.perf_counter()
        add_card_states(db.session, user.id, card_ids, args.due, now)
        add_history(db.session, user.id, card_ids, args.history, now)
        timings["history"] = time.perf_counter() - started
        db.session.remove()
    return timings


def _now():
    from bench.benchdata import now_utc

    return now_utc()


def time_ours(app, steps: int, one_call: bool = True) -> list[float]:
    """Rate the due card Good and fetch the next one, `steps` times: as the
    study page does (one call, the rating bringing the next card), or as a
    client making two API requests (`one_call=False`)."""
    from study.extensions import db
    from study.models import User
    from study.services import queue, reviews, tally

    session_times = []
    with app.app_context():
        session = db.session
        user = session.scalars(db.select(User)).one()

        def next_card(moment):
            scope, day, left = tally.scope_day_and_counts(session, user, moment)
            card = queue.next_card(session, user, scope, moment, day, left)
            return queue.due_card(session, user, card, moment)

        def rate_and_fetch(shown, moment):
            if not one_call:
                reviews.record_review(
                    session, user, shown.card.key, 3, shown.review_id, 4000, moment
                )
                return next_card(moment)
            scope = queue.asked_scope(session, user)
            sent = reviews.Submission(shown.card.key, 3, shown.review_id, 4000)
            rated = reviews.rate_in_scope(session, user, sent, moment, scope, True)
            return rated.next_card

        shown = next_card(_now())
        for _ in range(steps):
            started = time.perf_counter()
            shown = rate_and_fetch(shown, _now())
            session_times.append(time.perf_counter() - started)
            if shown is None or shown.memory is None or shown.memory.state != 2:
                raise SystemExit("ran out of due review cards: raise --due")
        db.session.remove()
    return session_times


def build_anki(path: Path, args) -> float:
    """Build the same collection in Anki: notes, due cards, revlog rows."""
    import anki.collection  # noqa: F401 - loads anki.cards without an import cycle
    from anki.cards import FSRSMemoryState
    from anki.collection import AddNoteRequest, Collection
    from anki.consts import CARD_TYPE_REV, QUEUE_TYPE_REV

    started = time.perf_counter()
    col = Collection(str(path))
    col.set_config("fsrs", True)
    deck_id = col.decks.id("Bench")
    col.decks.select(deck_id)  # the queue is the current deck's
    config = col.decks.config_dict_for_deck_id(deck_id)
    config["new"]["perDay"] = 0
    config["rev"]["perDay"] = 9999  # Anki resets anything higher
    col.decks.update_config(config)
    basic = col.models.by_name("Basic")
    requests = []
    for n in range(args.cards):
        note = col.new_note(basic)
        note["Front"] = f"What is <code>item{n}</code>?"
        note["Back"] = f"It is meaning {n}."
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)
    today = col.sched.today
    now = int(time.time())
    cards = []
    for n, card_id in enumerate(sorted(col.find_cards(f"did:{deck_id}"))):
        card = col.get_card(card_id)
        card.type, card.queue = CARD_TYPE_REV, QUEUE_TYPE_REV
        card.ivl = 10
        card.due = today - 1 - n % 10 if n < args.due else today + 30
        card.reps = 5
        card.memory_state = FSRSMemoryState(stability=10.0, difficulty=5.0)
        card.last_review_time = now - 10 * 86400
        cards.append(card)
    col.update_cards(cards)
    _anki_history(col, [c.id for c in cards], args.history, now)
    col.close()
    return time.perf_counter() - started


def _anki_history(col, card_ids: list[int], rows: int, now: int) -> None:
    span_ms = 3 * 365 * 86400 * 1000
    first = (now - 86400) * 1000 - span_ms
    step = max(span_ms // max(rows, 1), 1)
    sql = (
        "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
        "values (?, ?, -1, 3, 10, 5, 2500, 4000, 1)"
    )
    for start in range(0, rows, 50_000):
        batch = [
            (first + n * step, card_ids[n % len(card_ids)])
            for n in range(start, min(start + 50_000, rows))
        ]
        col.db.executemany(sql, batch)


def time_anki(path: Path, steps: int) -> list[float]:
    """Answer the queued card Good and fetch the next one, `steps` times."""
    import anki.collection  # noqa: F401 - loads anki.cards without an import cycle
    from anki.cards import Card
    from anki.collection import Collection
    from anki.scheduler.v3 import CardAnswer

    col = Collection(str(path))
    times = []
    queued = col.sched.get_queued_cards()
    for _ in range(steps):
        started = time.perf_counter()
        top = queued.cards[0]
        card = Card(col, backend_card=top.card)
        card.start_timer()
        answer = col.sched.build_answer(
            card=card, states=top.states, rating=CardAnswer.GOOD
        )
        col.sched.answer_card(answer)
        queued = col.sched.get_queued_cards()
        times.append(time.perf_counter() - started)
        if not queued.cards or queued.review_count == 0:
            raise SystemExit("Anki ran out of due cards: raise --due")
    col.close()
    return times


def main() -> None:
    """Build both, time both, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=2_000)
    parser.add_argument(
        "--database", choices=("sqlite", "postgresql"), default="sqlite"
    )
    args = parser.parse_args()
    if 2 * args.steps >= args.due:
        parser.error("--steps must be below half of --due (each step rates a due card)")

    from bench.benchdata import database, machine, make_app, summary

    print(f"machine: {machine()}")
    print(
        f"cards {args.cards:,}, due {args.due:,}, review-log rows {args.history:,}, "
        f"steps {args.steps:,}, database {args.database}"
    )
    with tempfile.TemporaryDirectory(prefix="shipshape-bench.") as tmp:
        directory = Path(tmp)
        with database(args.database, directory) as url:
            app = make_app(url)
            built = build_ours(app, directory, args)
            print(
                f"shipshape set-up: import {built['import']:.1f}s, "
                f"states + history {built['history']:.1f}s"
            )
            ours = summary(time_ours(app, args.steps))
            two = summary(time_ours(app, args.steps, one_call=False))
            with app.app_context():
                from study.extensions import db

                db.engine.dispose()
        anki_path = directory / "anki" / "collection.anki2"
        anki_path.parent.mkdir()
        print(f"anki set-up: {build_anki(anki_path, args):.1f}s")
        anki = summary(time_anki(anki_path, args.steps))
    print(
        "shipshape  rate_in_scope with the next card (the study page): "
        f"median {ours['median_ms']:.2f} ms, p99 {ours['p99_ms']:.2f} ms"
    )
    print(
        "shipshape  record_review, then the next card (two API requests): "
        f"median {two['median_ms']:.2f} ms, p99 {two['p99_ms']:.2f} ms"
    )
    print(
        "anki       answer_card + get_queued_cards: "
        f"median {anki['median_ms']:.2f} ms, "
        f"p99 {anki['p99_ms']:.2f} ms"
    )
    print(
        f"ratio ours/anki: median {ours['median_ms'] / anki['median_ms']:.2f}, "
        f"p99 {ours['p99_ms'] / anki['p99_ms']:.2f} (target <= 1.0); "
        f"two requests: median {two['median_ms'] / anki['median_ms']:.2f}, "
        f"p99 {two['p99_ms'] / anki['p99_ms']:.2f}"
    )


if __name__ == "__main__":
    main()
