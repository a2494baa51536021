"""The access log writes gunicorn's own lines, at less cost (study/access_log.py)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from study.access_log import AccessLogger

ENVIRON = {
    "REMOTE_ADDR": "127.0.0.1",
    "REQUEST_METHOD": "POST",
    "RAW_URI": "/api/v1/review?pack=docker",
    "PATH_INFO": "/api/v1/review",
    "QUERY_STRING": "pack=docker",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "HTTP_REFERER": "http://127.0.0.1:8000/study",
    "HTTP_USER_AGENT": "curl/8.5",
    "HTTP_AUTHORIZATION": "Basic a2ltOnNlY3JldA==",
    "HTTP_X_REQUEST_ID": "r-42",
    "wsgi.url_scheme": "http",
}
REQUEST = SimpleNamespace(
    headers=[("USER-AGENT", "curl/8.5"), ("X-REQUEST-ID", "r-42")]
)
RESPONSE = SimpleNamespace(
    status="200 OK", sent=321, headers=[("Content-Type", "application/json")]
)


def line(logger_class, log_format: str | None) -> str:
    config = Config()
    config.set("accesslog", "-")
    if log_format:
        config.set("access_log_format", log_format)
    logger = logger_class(config)
    logger.now = lambda: "[07/Dec/2026:10:00:00 +0000]"
    atoms = logger.atoms(RESPONSE, REQUEST, ENVIRON, timedelta(microseconds=1500))
    return config.access_log_format % logger.atoms_wrapper_class(atoms)


@pytest.mark.parametrize(
    "log_format",
    [
        None,  # gunicorn's default, the one `make serve` uses
        '%(h)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(m)s %(U)s %(q)s %(H)s %(D)s %(p)s',
        '%(h)s "%(r)s" %({x-request-id}i)s %({content-type}o)s %({wsgi.url_scheme}e)s',
    ],
)
def test_lines_are_gunicorns_own(log_format):
    ours, theirs = line(AccessLogger, log_format), line(Logger, log_format)
    assert ours == theirs
    assert "127.0.0.1" in ours and "POST /api/v1/review?pack=docker HTTP/1.1" in ours


def test_a_format_naming_headers_still_gets_them():
    printed = line(AccessLogger, "%({x-request-id}i)s %({content-type}o)s")
    assert printed == "r-42 application/json"


def test_a_response_that_sent_nothing_logs_a_dash():
    config = Config()
    config.set("accesslog", "-")
    unsent = SimpleNamespace(status="500 INTERNAL SERVER ERROR", headers=[])
    for logger_class in (AccessLogger, Logger):
        atoms = logger_class(config).atoms(unsent, REQUEST, ENVIRON, timedelta(0))
        assert atoms["b"] == "-" and atoms["s"] == "500"
