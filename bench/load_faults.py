"""Faults for the load test: SIGKILL gunicorn workers, restart PostgreSQL once."""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import dataclass, field

import requests


@dataclass
class Faults:
    """What the fault injector did."""

    kills: int = 0
    restarts: int = 0
    db_down_seconds: float | None = None
    healthz_recovery_seconds: float | None = None
    notes: list[str] = field(default_factory=list)


def inject_faults(options, server, cluster, stop_at, faults: Faults, halt) -> None:
    """Kill workers every few seconds; restart PostgreSQL once, half-way."""
    restart_at = time.monotonic() + options.seconds / 2 if options.restart_db else None
    next_kill = time.monotonic() + options.kill_every
    while time.monotonic() < stop_at and not halt.is_set():
        now = time.monotonic()
        if options.kill_workers and now >= next_kill:
            workers = server.workers()
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
                faults.kills += 1
            next_kill = now + options.kill_every
        if restart_at and now >= restart_at:
            restart_at = None
            restart_database(server, cluster, faults)
        halt.wait(0.05)


def restart_database(server, cluster, faults: Faults) -> None:
    """Stop PostgreSQL, wait two seconds, start it, time /healthz's recovery."""
    down = time.monotonic()
    cluster.pg_ctl("stop")
    time.sleep(2)
    cluster.pg_ctl("start")
    back = time.monotonic()
    faults.db_down_seconds = round(back - down, 2)
    faults.restarts += 1
    while time.monotonic() - back < 30:
        try:
            if requests.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                faults.healthz_recovery_seconds = round(time.monotonic() - back, 3)
                return
        except requests.RequestException:
            pass
        time.sleep(0.02)
    faults.notes.append("/healthz did not recover within 30 s")
