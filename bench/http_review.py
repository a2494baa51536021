"""Load the JSON API under gunicorn: concurrent learners fetch and rate cards.

Usage: .venv/bin/python bench/http_review.py [--seconds 60] [--clients 16]
           [--databases sqlite,postgresql] [--workers 2] [--threads 1]

For each database: gunicorn (the `make serve` settings) on loopback, `--clients`
learners with their own API token and a studied collection (`--cards` cards,
`--due` of them due), each in a loop of GET /api/v1/review/next and
POST /api/v1/review (rating Good, so a card leaves the queue) for `--seconds`.
Prints requests/s, p50 and p99 latency, errors, then for half as long the
study page's loop (each POST /api/v1/review asks for the next card, one request
a card), then the same server's GET /healthz requests/s with the same clients,
and checks that every acknowledged review is in the database exactly once.
Targets: p99 <= 25 ms, zero errors. The clients run on the same machine as the
server.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import Script, cpu_seconds, drive, request  # noqa: E402 - needs ROOT on sys.path first


def good_rating(card: dict, **more) -> dict:
    """The POST /api/v1/review body that rates a shown card Good."""
    return {
        "card_id": card["id"],
        "rating": 3,
        "review_id": card["review_id"],
        "duration_ms": 3000,
        **more,
    }


def review_script(token: str, out: dict) -> Script:
    """Fetch and rate cards until none is left; record latencies and acks."""
    headers = {"Authorization": f"Bearer {token}"}
    fetch = request("GET", "/api/v1/review/next", headers)
    while True:
        status, body = yield fetch
        out["next_latency"].append(out["latency"][-1])
        if status == 204:
            out["empty"] += 1
            return
        if status != 200:
            out["errors"].append(status)
            continue
        card = json.loads(body)["card"]
        rating = good_rating(card)
        status, body = yield request("POST", "/api/v1/review", headers, rating)
        out["review_latency"].append(out["latency"][-1])
        if status != 200:
            out["errors"].append(status)
        else:
            json.loads(body)
            out["acks"].append((token, card["review_id"]))


def one_request_script(token: str, out: dict) -> Script:
    """Study as the study page does: each rating asks for the next card, so a
    card costs one request (after the first card's GET)."""
    headers = {"Authorization": f"Bearer {token}"}
    status, body = yield request("GET", "/api/v1/review/next", headers)
    card = json.loads(body)["card"] if status == 200 else None
    while card is not None:
        rating = good_rating(card, next=True)
        status, body = yield request("POST", "/api/v1/review", headers, rating)
        out["review_latency"].append(out["latency"][-1])
        if status != 200:
            out["errors"].append(status)
            return
        out["acks"].append((token, card["review_id"]))
        card = json.loads(body)["next_card"]
    out["empty"] += 1


def healthz_script(_token: str, out: dict) -> Script:
    """Call /healthz for as long as the load runs."""
    health = request("GET", "/healthz", {})
    while True:
        status, _body = yield health
        if status != 200:
            out["errors"].append(status)


SCRIPTS = {
    "review": review_script,
    "one request": one_request_script,
    "healthz": healthz_script,
}
LISTS = ("latency", "finished", "next_latency", "review_latency", "errors", "acks")


def run_load(kind: str, port: int, tokens: list[str], seconds: float) -> dict:
    """Run one client per token on the lean load generator (bench/loadgen.py)."""
    out = {key: [] for key in LISTS} | {"empty": 0}
    server = f"127.0.0.1:{port}"
    server_cpu, client_cpu = cpu_seconds(server), time.process_time()
    started = time.time()
    drive(port, [SCRIPTS[kind](token, out) for token in tokens], out, started + seconds)
    out["seconds"] = time.time() - started
    out["server_cpu"] = cpu_seconds(server) - server_cpu
    out["client_cpu"] = time.process_time() - client_cpu
    return out


def prepare(url: str, directory: Path, args) -> dict[str, str]:
    """Migrate, import a generated pack, and create one learner per client with
    every card studied, `--due` of them due, and an API token."""
    from sqlalchemy import select, text

    from bench.benchdata import (
        add_card_states,
        make_app,
        new_learner,
        now_utc,
        write_pack,
    )
    from study.extensions import db
    from study.models import Card
    from study.packs.importer import import_packs
    from study.services.accounts import create_api_token

    app = make_app(url)
    tokens = {}
    with app.app_context():
        import_packs(db.session, write_pack(directory, args.cards))
        card_ids = list(db.session.scalars(select(Card.id).order_by(Card.position)))
        for n in range(args.clients):
            user = new_learner(db.session, f"client{n}@example.com")
            user.new_cards_per_day = 20  # the default; no new cards are left anyway
            add_card_states(db.session, user.id, card_ids, args.due, now_utc())
            tokens[create_api_token(db.session, user, "bench")] = user.id
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))  # as autovacuum would by now
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens


def check_acks(url: str, tokens: dict[str, int], acks: list) -> str:
    """Say whether every acknowledged review is stored exactly once."""
    from sqlalchemy import create_engine, func, select

    from study.config import engine_options
    from study.models import ReviewLog

    engine = create_engine(url, **engine_options(url))
    with engine.connect() as connection:
        stored = dict(
            connection.execute(
                select(ReviewLog.user_id, func.count())
                .where(ReviewLog.undone.is_(False))
                .group_by(ReviewLog.user_id)
            ).all()
        )
        duplicates = connection.execute(
            select(func.count()).select_from(
                select(ReviewLog.user_id, ReviewLog.review_id)
                .group_by(ReviewLog.user_id, ReviewLog.review_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar()
    engine.dispose()
    expected: dict[int, int] = {}
    for token, _review_id in set(acks):
        expected[tokens[token]] = expected.get(tokens[token], 0) + 1
    ok = stored == expected and duplicates == 0
    return (
        f"acknowledged {len(set(acks)):,}, stored {sum(stored.values()):,}, "
        f"duplicates {duplicates}: {'OK' if ok else 'MISMATCH'}"
    )


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """Return the median and 99th percentile in milliseconds (nan when none)."""
    from bench.benchdata import summary

    if not seconds:
        return float("nan"), float("nan")
    figures = summary(seconds)
    return figures["median_ms"], figures["p99_ms"]


def report(name: str, result: dict) -> float:
    """Print one load's figures; return its requests/s."""
    requests = len(result["latency"])
    rate = requests / result["seconds"]
    p50, p99 = percentiles(result["latency"])
    errors = len(result["errors"])
    kinds = sorted({str(e) for e in result["errors"]})
    print(
        f"  {name}: {rate:,.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"errors {errors}{' ' + ', '.join(kinds) if kinds else ''}",
        flush=True,
    )
    print(
        f"    CPU per request: server {result['server_cpu'] / requests * 1e3:.2f} ms,"
        f" clients {result['client_cpu'] / requests * 1e3:.2f} ms"
    )
    windows = p99_by_window(result["finished"], result["latency"], WINDOW)
    print(f"    p99 by {WINDOW:.0f}-second window (ms): {windows}")
    return rate


WINDOW = 10.0  # seconds


def p99_by_window(finished: list[float], latency: list[float], window: float) -> str:
    """Return the p99 of each `window` seconds of the run, in order: a shared
    machine's slow spells show up as one window far above the others."""
    if not finished:
        return "-"
    start = min(finished)
    spans: dict[int, list[float]] = {}
    for moment, seconds in zip(finished, latency, strict=True):
        spans.setdefault(int((moment - start) // window), []).append(seconds)
    return ", ".join(f"{percentiles(spans[n])[1]:.1f}" for n in sorted(spans))


def bench_database(kind: str, args) -> None:
    """Serve one database and load it."""
    from bench.benchdata import database
    from tests.servers import app_env, gunicorn

    with tempfile.TemporaryDirectory(prefix="shipshape-bench.") as tmp:
        directory = Path(tmp)
        with database(kind, directory) as url:
            tokens = prepare(url, directory, args)
            env = app_env(url, ACCESS_LOG="/dev/null")
            with gunicorn(env, workers=args.workers, threads=args.threads) as base:
                port = int(base.rsplit(":", 1)[1])
                print(
                    f"{kind}: gunicorn {args.workers} workers x {args.threads} "
                    f"threads, {args.clients} clients, {args.seconds}s",
                    flush=True,
                )
                result = run_load("review", port, list(tokens), args.seconds)
                review_rate = report("next card + review", result)
                for kind in ("next", "review"):
                    p50, p99 = percentiles(result[f"{kind}_latency"])
                    print(f"    {kind}: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
                if result["empty"]:
                    print(f"  ({result['empty']} clients ran out of cards)")
                card = run_load("one request", port, list(tokens), args.seconds / 2)
                report("one request per card (the study page)", card)
                acks = result["acks"] + card["acks"]
                health = run_load("healthz", port, list(tokens), args.healthz_seconds)
                health_rate = report("/healthz", health)
                print(
                    f"  review loop throughput = {review_rate / health_rate:.0%} "
                    "of /healthz"
                )
            print(f"  {check_acks(url, tokens, acks)}", flush=True)


def main() -> None:
    """Load each database in turn."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--healthz-seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--cards", type=int, default=5_000)
    parser.add_argument("--due", type=int, default=4_500)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2)  # as gunicorn.conf.py
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    from bench.benchdata import machine

    print(f"machine: {machine()}")
    for kind in args.databases.split(","):
        bench_database(kind.strip(), args)


if __name__ == "__main__":
    main()
