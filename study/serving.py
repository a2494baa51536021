"""A gunicorn worker that shares connections fairly with its siblings.

gunicorn's threaded workers all listen on one socket, and whichever wakes
first takes the next connection. Clients keep their connections open
(keep-alive), so one worker can end up holding every client while the other
sits idle: on two cores, half the machine unused (measured: 16 clients all on
one worker in about half the runs of `bench/http_review.py`). This worker
takes a new connection only while it holds no more than the fewest any live
worker holds, as a load balancer's "least connections" would.

The workers tell each other their counts through a small table in shared
memory, made by the master process before it forks them. Each worker writes
its count and a heartbeat on every turn of its loop (at least once a second);
the master clears a worker's slot when it exits (`child_exit` in
gunicorn.conf.py), a new worker may also take the slot of a process that is
gone, and a count whose heartbeat is older than `STALE_AFTER` (a worker stuck
in a long request, or killed) does not hold the others back.
A worker that has stopped accepting looks again every `RECHECK_WHILE_PAUSED`,
so a new connection never waits long for the least loaded worker to take it.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Future
from dataclasses import dataclass

from gunicorn.workers.gthread import _DEFER, ThreadWorker

SLOTS = 64
STALE_AFTER = 3.0  # seconds; a worker's loop turns at least once a second
RECHECK_WHILE_PAUSED = 0.01  # seconds


@dataclass
class ConnectionTable:
    """Per-worker connection counts, shared by the processes forked after it."""

    pids: object
    counts: object
    heartbeats: object
    lock: object

    @classmethod
    def create(cls, slots: int = SLOTS) -> ConnectionTable:
        context = multiprocessing.get_context("fork")
        return cls(
            pids=context.RawArray("q", slots),
            counts=context.RawArray("q", slots),
            heartbeats=context.RawArray("d", slots),
            lock=context.Lock(),
        )

    def claim(self, pid: int, now: float) -> int | None:
        """Take a slot no live worker holds; return its number (None when
        every slot is taken: that worker then accepts as gunicorn's own)."""
        with self.lock:
            for slot in range(len(self.pids)):
                # A worker busy for longer than STALE_AFTER keeps its slot.
                if self.pids[slot] == 0 or _gone(self.pids[slot]):
                    self.pids[slot] = pid
                    self.counts[slot] = 0
                    self.heartbeats[slot] = now
                    return slot
        return None

    def release(self, slot: int) -> None:
        """Leave the table: a stopping worker must not hold the others back."""
        self.pids[slot] = 0

    def forget(self, pid: int) -> None:
        """Clear a worker's slot once it has exited (the master calls this)."""
        for slot in range(len(self.pids)):
            if self.pids[slot] == pid:
                self.pids[slot] = 0

    def report(self, slot: int, connections: int, now: float) -> None:
        """Say how many connections this worker holds, and that it is alive."""
        self.counts[slot] = connections
        self.heartbeats[slot] = now

    def may_accept(self, slot: int, now: float) -> bool:
        """True when no live worker holds fewer connections than this one."""
        if self.pids[slot] == 0:  # left the table while stopping
            return True
        mine = self.counts[slot]
        for other in range(len(self.pids)):
            if (
                other != slot
                and self.pids[other] != 0
                and now - self.heartbeats[other] <= STALE_AFTER
                and self.counts[other] < mine
            ):
                return False
        return True


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # PermissionError: alive, someone else's
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return False


# Made when gunicorn imports this module in the master, before any fork.
TABLE = ConnectionTable.create()


class FairThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, taking new connections only while it is
    among the least loaded (see the module's docstring)."""

    _slot: int | None = None

    def init_process(self) -> None:
        self._slot = TABLE.claim(os.getpid(), time.monotonic())
        try:
            super().init_process()  # runs the worker's loop until it stops
        finally:
            if self._slot is not None:
                TABLE.release(self._slot)

    @property
    def worker_connections(self) -> int:
        """The loop compares its count to this on each turn before accepting."""
        limit = self.cfg.worker_connections
        if self._slot is None:
            return limit
        if not self.alive:  # stopping: the others take the new connections
            TABLE.release(self._slot)
            return limit
        now = time.monotonic()
        TABLE.report(self._slot, self.nr_conns, now)
        if self.nr_conns and not TABLE.may_accept(self._slot, now):
            return self.nr_conns  # stop accepting until the others catch up
        return limit

    @worker_connections.setter
    def worker_connections(self, _value: int) -> None:
        """ThreadWorker sets its limit once; the property reads the config."""

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        """While not accepting, look again soon: the others' counts move
        without waking this worker, and some worker must always accept."""
        if not self._accepting:
            timeout = min(timeout, RECHECK_WHILE_PAUSED)
        super().wait_for_and_dispatch_events(timeout)

    def enqueue_req(self, conn) -> None:
        """With one thread, serve the request on the loop's own thread: handing
        it to the pool and back costs two thread switches and a pipe write."""
        if self.cfg.threads > 1:
            super().enqueue_req(conn)
            return
        served: Future = Future()
        if not (conn.initialized or conn.data_ready or conn.wait_for_data(0)):
            served.set_result(_DEFER)  # nothing sent yet: wait on the poller
        else:
            try:
                served.set_result(self.handle(conn))
            except Exception as error:  # finish_request closes the connection
                served.set_exception(error)
        self.finish_request(conn, served)
