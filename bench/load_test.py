"""Nothing lost under load: simulated learners against gunicorn, then an audit.

Usage:
  .venv/bin/python bench/load_test.py [--db sqlite|postgresql] [--database-url URL]
      [--clients 32] [--seconds 120] [--kill-workers] [--kill-every 4]
      [--restart-db] [--json OUT]

gunicorn (2 workers x 4 threads, `--no-control-socket`) serves the app on
127.0.0.1 over a fresh database: a SQLite file, a PostgreSQL cluster of its own
(`--db postgresql`), or a new database on an existing server (`--database-url`).
Each learner has its own account and API token and, for `--seconds`, asks for
the next card and rates it over the JSON API, now and then sending the same
review again or undoing the last one; every other learner studies as the study
page does, each rating asking for the next card (`"next": true`). Every
request that fails (connection dropped, 5xx) is retried with the same review
id. Each learner keeps its own record of the reviews the server acknowledged
and of the undos.

Faults: `--kill-workers` SIGKILLs a gunicorn worker every few seconds (the
master starts a new one); `--restart-db` stops the PostgreSQL cluster half-way
through for two seconds and measures how long /healthz takes to answer 200
once the database is back (it must be under 5 s).

Afterwards the audit checks, on the database itself: every acknowledged review
is stored exactly once, undone exactly when the learner undid it, no other
review exists, and every card's state (and every log row's state_after) equals
replaying its non-undone review log through `study.srs.rate`. Exit status 1 if
any of that fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load_audit import audit  # noqa: E402 - after the path is set up
from load_faults import Faults, inject_faults  # noqa: E402 - after the path is set up

from tests.servers import (  # noqa: E402 - after the path is set up
    free_port,
    postgres_cluster,
    scratch_database,
    wait_until_healthy,
)

PACK = ROOT / "content" / "docker"
RATINGS = [1, 2, 3, 3, 3, 4]  # learners mostly say Good
RETRY_FOR = 60  # seconds a request is retried after the run ends
TIMEOUT = 10


# --- setting up --------------------------------------------------------------


def study_zone() -> str:
    """Return a fixed-offset zone where it is around noon (no day rollover)."""
    offset = ((12 - datetime.now(UTC).hour + 12) % 24) - 12
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def prepare(url: str, clients: int) -> list[dict]:
    """Migrate, import the Docker pack, create learners; return their tokens."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from study import create_app
    from study.config import engine_options
    from study.extensions import db
    from study.models import User
    from study.packs.importer import import_packs
    from study.services.accounts import create_api_token

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        }
    )
    password = generate_password_hash("load test password")  # one hash for all
    learners = []
    with app.app_context():
        upgrade()
        import_packs(db.session, PACK)
        for number in range(clients):
            user = User(
                email=f"learner{number}@example.com",
                display_name=f"Learner {number}",
                password_hash=password,
                session_token=os.urandom(16).hex(),
                timezone=study_zone(),
                new_cards_per_day=9999,
                max_reviews_per_day=99999,
            )
            db.session.add(user)
            db.session.commit()
            token = create_api_token(db.session, user, "load test")
            learners.append({"user_id": user.id, "token": token})
        db.session.remove()
        db.engine.dispose()
    return learners


@dataclass
class Gunicorn:
    """A running gunicorn master on a loopback port."""

    process: subprocess.Popen
    base: str

    def workers(self) -> list[int]:
        """Return the pids of the master's worker processes."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []


@contextmanager
def gunicorn(url: str, workers: int, threads: int):
    """Serve the app with gunicorn on 127.0.0.1; stop it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test-secret",
        "ACCESS_LOG": "/dev/null",
        "RATELIMIT_STORAGE_URI": "memory://",
        "WEB_TIMEOUT": "30",
    }
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--no-control-socket"),
            *("-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}"),
            *("-w", str(workers), "--threads", str(threads), "app:app"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Gunicorn(process, f"http://127.0.0.1:{port}")
    try:
        wait_until_healthy(server.base, timeout=60, process=process)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        os.unlink(log.name)


# --- the learners --------------------------------------------------------------


@dataclass
class Stats:
    """Figures shared by all learners (guarded by a lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    events: Counter = field(default_factory=Counter)

    def count(self, what: str, name: str, latency: float | None = None) -> None:
        """Record one request outcome or event."""
        with self.lock:
            getattr(self, what)[name] += 1
            if latency is not None:
                self.latencies.append(latency)


class Learner(threading.Thread):
    """One learner: next card, rate, sometimes resend or undo; keeps a record."""

    def __init__(self, number, base, account, stats, stop_at, seed):
        super().__init__(name=f"learner-{number}", daemon=True)
        # As the study page: each rating's answer brings the next card.
        self.one_request = number % 2 == 1
        self.shown: dict | None = None
        self.base, self.user_id = base, account["user_id"]
        self.stats, self.stop_at = stats, stop_at
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {account['token']}"
        self.stack: list[tuple[str, str]] = []  # acknowledged, not undone: (id, card)
        self.undone: list[tuple[str, str]] = []
        self.due: dict[str, str] = {}  # review id -> the due date acknowledged
        self.problems: list[str] = []

    def run(self) -> None:
        """Study until the run's end."""
        while time.monotonic() < self.stop_at:
            card, self.shown = self.shown, None
            if card is None:
                response = self.call("GET", "/api/v1/review/next", endpoint="next")
                if response is None:
                    return
                if response.status_code != 204:
                    card = response.json()["card"]
            if card is None or self.rng.random() < 0.04:
                self.undo()
                continue
            rating = self.rng.choice(RATINGS)
            if not self.rate(card["id"], card["review_id"], rating):
                return
            if self.rng.random() < 0.05:  # a double click / a retry by the user
                self.rate(card["id"], card["review_id"], rating)

    def call(self, method, path, body=None, endpoint="", retry=True):
        """Send a request; retry dropped connections and 5xx answers."""
        give_up = self.stop_at + RETRY_FOR
        pause = 0.05
        while time.monotonic() < give_up:
            started = time.perf_counter()
            try:
                response = self.http.request(
                    method, self.base + path, json=body, timeout=TIMEOUT
                )
            except requests.RequestException as error:
                self.stats.count("errors", f"connection ({type(error).__name__})")
                if not retry:
                    return None
            else:
                took = time.perf_counter() - started
                self.stats.count("requests", endpoint, took)
                if response.status_code < 500:
                    return response
                self.stats.count("errors", f"HTTP {response.status_code}")
                if not retry:
                    return None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
        self.problems.append(f"gave up on {method} {path}")
        return None

    def rate(self, card: str, review_id: str, rating: int) -> bool:
        """Submit a rating until the server answers; record what it acknowledged."""
        body = {"card_id": card, "rating": rating, "review_id": review_id}
        body["duration_ms"] = self.rng.randint(500, 9000)
        if self.one_request:
            body["next"] = True
        response = self.call("POST", "/api/v1/review", body, endpoint="review")
        if response is None:
            return False
        if response.status_code != 200:
            self.problems.append(f"review {review_id}: HTTP {response.status_code}")
            self.stats.count("events", f"review refused ({response.status_code})")
            return True
        answer = response.json()
        if self.one_request:
            if "next_card" not in answer:
                self.problems.append(f"review {review_id}: no next_card in {answer}")
            self.shown = answer.get("next_card")
        if review_id in self.due:
            self.stats.count("events", "duplicates resent")
            if not answer["duplicate"] or answer["due"] != self.due[review_id]:
                self.problems.append(f"resent {review_id} was not a duplicate")
            return True
        if answer["duplicate"]:  # an earlier attempt committed; its answer was lost
            self.stats.count("events", "lost answers recovered")
        self.due[review_id] = answer["due"]
        self.stack.append((review_id, card))
        self.stats.count("events", "reviews acknowledged")
        return True

    def undo(self) -> None:
        """Undo the last rating; an unanswered undo is settled by asking /progress."""
        if not self.stack:
            time.sleep(0.1)
            return
        response = self.call(
            "POST", "/api/v1/review/undo", endpoint="undo", retry=False
        )
        if response is not None and response.status_code == 200:
            answer = response.json()
            if answer["undone"] and answer["card_id"] == self.stack[-1][1]:
                self.undone.append(self.stack.pop())
                self.stats.count("events", "undos acknowledged")
            else:
                self.problems.append(
                    f"undo answered {answer}, expected {self.stack[-1]}"
                )
            return
        self.stats.count("events", "undos unanswered")
        progress = self.call("GET", "/api/v1/progress", endpoint="progress")
        done = progress.json()["reviews_today"] if progress is not None else None
        if done == len(self.stack) - 1:
            self.undone.append(self.stack.pop())
        elif done != len(self.stack):
            self.problems.append(f"after an unanswered undo: {done} reviews today")


# --- the run -------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values lie."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)]


@contextmanager
def database(options, stack: ExitStack):
    """Yield (url, cluster): the database the run uses (cluster for restarts)."""
    if options.database_url:
        yield stack.enter_context(scratch_database(options.database_url)), None
    elif options.db == "postgresql":
        cluster = stack.enter_context(postgres_cluster())
        yield cluster.url, cluster
    else:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="load-"))
        yield f"sqlite:///{folder}/load.db", None


def run(options) -> dict:
    """Run the load test and return its figures."""
    with ExitStack() as stack, database(options, stack) as (url, cluster):
        if options.restart_db and cluster is None:
            raise SystemExit(
                "--restart-db needs --db postgresql (a cluster of its own)"
            )
        accounts = prepare(url, options.clients)
        with gunicorn(url, options.workers, options.threads) as server:
            stats, faults, halt = Stats(), Faults(), threading.Event()
            started = time.monotonic()
            stop_at = started + options.seconds
            learners = [
                Learner(n, server.base, account, stats, stop_at, options.seed + n)
                for n, account in enumerate(accounts)
            ]
            for learner in learners:
                learner.start()
            injector = threading.Thread(
                target=inject_faults,
                args=(options, server, cluster, stop_at, faults, halt),
                daemon=True,
            )
            injector.start()
            for learner in learners:
                learner.join(options.seconds + RETRY_FOR + 30)
            halt.set()
            injector.join(60)
            took = time.monotonic() - started
        checked = audit(url, learners)
    return report(options, stats, faults, learners, checked, took)


def report(options, stats, faults, learners, checked, took) -> dict:
    """Gather the figures of a run."""
    acknowledged = sum(len(each.stack) + len(each.undone) for each in learners)
    problems = list(checked["problems"]) + faults.notes
    if stats.errors.get("HTTP 500"):
        # Faults may drop connections or make the database unavailable (503);
        # a 500 means the app itself failed.
        problems.append(f"{stats.errors['HTTP 500']} answers were HTTP 500")
    if faults.healthz_recovery_seconds is not None and (
        faults.healthz_recovery_seconds >= 5
    ):
        problems.append("/healthz took 5 s or more to recover")
    total = sum(stats.requests.values())
    return {
        "database": "postgresql"
        if options.db == "postgresql" or options.database_url
        else "sqlite",
        "clients": options.clients,
        "seconds": round(took, 1),
        "requests": total,
        "requests_per_second": round(total / took, 1),
        "by_endpoint": dict(stats.requests),
        "errors_retried": dict(stats.errors),
        "events": dict(stats.events),
        "latency_p50_ms": round(percentile(stats.latencies, 0.50) * 1000, 1),
        "latency_p99_ms": round(percentile(stats.latencies, 0.99) * 1000, 1),
        "reviews_acknowledged": acknowledged,
        "undos_recorded": sum(len(each.undone) for each in learners),
        "rows_stored": checked["rows"],
        "stored_not_undone": checked["stored_not_undone"],
        "stored_undone": checked["stored_undone"],
        "cards_replayed": checked["cards_replayed"],
        "tallies_checked": checked["tallies_checked"],
        "worker_kills": faults.kills,
        "db_restarts": faults.restarts,
        "db_down_seconds": faults.db_down_seconds,
        "healthz_recovery_seconds": faults.healthz_recovery_seconds,
        "problems": problems[:50],
        "ok": not problems,
    }


def parse(argv: list[str] | None = None):
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", help="an existing PostgreSQL server")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--kill-workers", action="store_true")
    parser.add_argument("--kill-every", type=float, default=4)
    parser.add_argument("--restart-db", action="store_true")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


def main() -> None:
    """Run, print the figures, exit 1 if anything was lost or wrong."""
    options = parse()
    figures = run(options)
    text = json.dumps(figures, indent=2)
    print(text)
    if options.json:
        options.json.write_text(text + "\n")
    sys.exit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    main()
