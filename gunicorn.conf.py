"""gunicorn settings for `make serve`; every value can be overridden by env vars."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Defaults sized for a 2-core machine: 2 processes x 4 threads.
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
control_socket_disable = True
