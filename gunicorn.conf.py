"""gunicorn settings for `make serve`; every value can be overridden by env vars."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Defaults sized for a 2-core machine: one process per core, one thread each.
# Python runs one thread of a process at a time, so processes use the cores
# and threads mostly wait on each other (on SQLite a writer holding the lock
# while it waits for its turn holds everyone up); a one-thread worker serves
# on its own loop, with no hand-off to a pool (study/serving.py).
# bench/http_review.py measured 2 x 1 against 2 x 4, 2 x 2, 3 x 1, 3 x 2,
# 4 x 1, 4 x 2, 5 x 1 and 8 x 1 (docs/performance.md).
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
# gunicorn's threaded worker, but one that leaves new connections to a less
# loaded sibling (study/serving.py): kept-alive clients otherwise pile onto
# whichever worker woke first.
worker_class = "study.serving.FairThreadWorker"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG", "-")
# The same lines, without building an atom per header (study/access_log.py).
logger_class = "study.access_log.AccessLogger"
errorlog = "-"
control_socket_disable = True


def child_exit(_server, worker):
    """A worker that exited (even killed) leaves the connection table at once."""
    from study.serving import TABLE

    TABLE.forget(worker.pid)
