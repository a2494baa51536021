"""The benchmarks' load generator reads responses whole and keeps each
client's requests in order (bench/loadgen.py)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.loadgen import ProtocolError, drive, parse_response, request


def test_a_response_is_read_only_once_whole():
    whole = b'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{"n": 1234}'
    for cut in (10, len(whole) - 1):
        assert parse_response(bytearray(whole[:cut])) is None
    assert parse_response(bytearray(whole)) == (200, b'{"n": 1234}', True)


def test_no_content_and_closing_responses():
    empty = b"HTTP/1.1 204 NO CONTENT\r\nConnection: close\r\n\r\n"
    assert parse_response(bytearray(empty)) == (204, b"", False)


def test_unreadable_responses_are_refused():
    with pytest.raises(ProtocolError):
        parse_response(bytearray(b"garbage\r\n\r\n"))
    with pytest.raises(ProtocolError):
        parse_response(
            bytearray(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        )


def test_request_bytes_carry_a_json_body():
    raw = request("POST", "/api/v1/review", {"Authorization": "Bearer t"}, {"a": 1})
    head, body = raw.split(b"\r\n\r\n")
    assert head.startswith(b"POST /api/v1/review HTTP/1.1\r\n")
    assert b"Authorization: Bearer t" in head
    assert f"Content-Length: {len(body)}".encode() in head
    assert json.loads(body) == {"a": 1}


class Counter(BaseHTTPRequestHandler):
    """Answers each POST with the running total of the numbers sent on the
    connection; every third response closes it."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 - the handler's API
        sent = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append(sent["n"])
        body = json.dumps({"n": sent["n"]}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        if len(self.server.seen) % 3 == 0:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def test_scripts_run_in_order_across_reconnections():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    answers: dict[str, list[int]] = {"a": [], "b": []}
    out = {"latency": [], "errors": []}

    def script(name, count):
        for n in range(count):
            status, body = yield request("POST", "/", {}, {"n": n})
            assert status == 200
            answers[name].append(json.loads(body)["n"])

    try:
        drive(
            server.server_port, [script("a", 5), script("b", 4)], out, time.time() + 30
        )
    finally:
        server.shutdown()
        server.server_close()
    assert answers == {"a": [0, 1, 2, 3, 4], "b": [0, 1, 2, 3]}
    assert len(out["latency"]) == len(out["finished"]) == 9 and out["errors"] == []
    assert out["finished"] == sorted(out["finished"])
    assert sorted(server.seen) == sorted([0, 1, 2, 3, 4, 0, 1, 2, 3])


def test_the_deadline_stops_new_requests_but_reads_the_one_in_flight():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    answered = []

    def endless():
        n = 0
        while True:
            _status, body = yield request("POST", "/", {}, {"n": n})
            answered.append(json.loads(body)["n"])
            n += 1

    try:
        drive(
            server.server_port,
            [endless()],
            {"latency": [], "errors": []},
            time.time() + 0.2,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert answered and answered == sorted(server.seen)
