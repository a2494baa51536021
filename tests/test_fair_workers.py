"""gunicorn's workers share kept-alive connections fairly: none holds every
client while another sits idle."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from study.serving import STALE_AFTER, ConnectionTable
from tests.servers import app_env, gunicorn, prepare

ROOT = Path(__file__).resolve().parent.parent
# Live processes stand in for workers: a slot whose process is gone is free.
ONE, TWO, THREE = os.getpid(), os.getppid(), 1


def test_a_worker_accepts_only_while_no_live_worker_holds_fewer():
    table = ConnectionTable.create(slots=4)
    first, second = table.claim(ONE, now=0.0), table.claim(TWO, now=0.0)
    assert first != second
    table.report(first, 3, now=1.0)
    table.report(second, 2, now=1.0)
    assert not table.may_accept(first, now=1.0)
    assert table.may_accept(second, now=1.0)
    table.report(second, 3, now=1.5)
    assert table.may_accept(first, now=1.5) and table.may_accept(second, now=1.5)


def busy_and_idler(busy_holds: int, idler_holds: int):
    """A full table where worker ONE holds more connections than worker TWO."""
    table = ConnectionTable.create(slots=2)
    busy, idler = table.claim(ONE, now=0.0), table.claim(TWO, now=0.0)
    table.report(busy, busy_holds, now=0.0)
    table.report(idler, idler_holds, now=0.0)
    assert not table.may_accept(busy, now=0.5)
    return table, busy, idler


def test_a_gone_or_stopping_worker_never_holds_the_others_back():
    table, busy, stuck = busy_and_idler(5, 0)
    # No heartbeat for longer than STALE_AFTER (one long request): its count
    # no longer holds the others back, but its process lives, so it keeps
    # its slot.
    table.report(busy, 5, now=STALE_AFTER + 1)
    assert table.may_accept(busy, now=STALE_AFTER + 1)
    assert table.claim(THREE, now=STALE_AFTER + 1) is None
    table.report(stuck, 0, now=STALE_AFTER + 1)
    assert not table.may_accept(busy, now=STALE_AFTER + 1)
    table.release(stuck)  # a stopping worker leaves at once
    assert table.may_accept(busy, now=STALE_AFTER + 1)
    assert table.claim(THREE, now=STALE_AFTER + 1) == stuck


def established_by_process(port: int) -> Counter:
    """Count the server side of established loopback connections per process."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # ESTABLISHED
            inodes.add(fields[9])
    holders: Counter = Counter()
    for process in Path("/proc").iterdir():
        if not process.name.isdigit() or int(process.name) == os.getpid():
            continue
        try:
            links = [os.readlink(fd) for fd in (process / "fd").iterdir()]
        except OSError:
            continue
        held = sum(link[8:-1] in inodes for link in links if link.startswith("sock"))
        if held:
            holders[int(process.name)] = held
    return holders


def test_two_workers_share_sixteen_kept_alive_clients(tmp_path):
    url = f"sqlite:///{tmp_path / 'fair.db'}"
    prepare(url, [])
    with gunicorn(app_env(url), workers=2, threads=4) as base:
        port = int(base.rsplit(":", 1)[1])
        clients = []
        for _ in range(16):
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            client.request("GET", "/healthz")  # keep-alive: the connection stays
            response = client.getresponse()
            response.read()
            assert response.status == 200
            clients.append(client)
        held = established_by_process(port)
        for client in clients:
            client.close()
    assert sum(held.values()) == 16
    assert len(held) == 2, held
    assert max(held.values()) - min(held.values()) <= 2, held


def test_a_one_thread_worker_serves_on_its_loop_and_a_silent_client_waits_aside(
    tmp_path,
):
    url = f"sqlite:///{tmp_path / 'inline.db'}"
    token = prepare(url, ["inline@example.com"])["inline@example.com"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with gunicorn(app_env(url), workers=1, threads=1) as base:
        port = int(base.rsplit(":", 1)[1])
        silent = socket.create_connection(("127.0.0.1", port), timeout=10)
        # A client that connected and sent nothing must not hold up the only
        # thread: the next client is answered at once, many times over one
        # kept-alive connection, bodies included.
        started = time.monotonic()
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(3):
            client.request("GET", "/api/v1/settings", headers=headers)
            response = client.getresponse()
            assert response.status == 200 and "timezone" in json.loads(response.read())
        body = json.dumps({"new_cards_per_day": 7})
        client.request("PATCH", "/api/v1/settings", body=body, headers=headers)
        response = client.getresponse()
        assert response.status == 200, response.read()
        assert json.loads(response.read())["new_cards_per_day"] == 7
        assert time.monotonic() - started < 3  # the silent client waits 5 s
        silent.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert b"200 OK" in silent.recv(4096).split(b"\r\n", 1)[0]
        silent.close()
        client.close()


def test_a_worker_beyond_the_table_accepts_as_gunicorn_would():
    table = ConnectionTable.create(slots=1)
    assert table.claim(ONE, now=0.0) == 0
    assert table.claim(TWO, now=0.0) is None


def test_the_master_clears_an_exited_workers_slot():
    table, busy, killed = busy_and_idler(4, 1)
    table.forget(TWO)  # gunicorn.conf.py's child_exit hook
    assert table.may_accept(busy, now=0.5)
    assert table.claim(THREE, now=0.5) == killed


def test_a_slot_whose_process_is_gone_is_taken_again():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    table = ConnectionTable.create(slots=1)
    assert table.claim(gone.pid, now=0.0) == 0
    assert table.claim(ONE, now=0.0) == 0


def test_gunicorn_config_hands_exited_workers_to_the_table():
    import runpy
    from types import SimpleNamespace

    from study.serving import TABLE

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["worker_class"] == "study.serving.FairThreadWorker"
    slot = TABLE.claim(4_000_000, now=time.monotonic())
    config["child_exit"](None, SimpleNamespace(pid=4_000_000))
    assert TABLE.pids[slot] == 0
