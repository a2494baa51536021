"""A lean HTTP/1.1 load generator: many kept-alive clients on one event loop.

The clients share the machine with the server under test, so the load they
add is part of what gets measured: a thread or a process per client spends
CPU time, and wakes at moments, that the server's workers then lack. Here
every client is a generator on one `selectors` loop in one process (as wrk
or ab drive their connections), so the load costs a few tens of
microseconds of one core per request.

A client script is a generator that yields the bytes of a request and is sent
back `(status, body)` for each; it ends by returning. Latency is taken from
just before a request is sent to the moment its whole response has been read.
"""

from __future__ import annotations

import json
import os
import selectors
import socket
import time
from collections.abc import Generator

Script = Generator[bytes, tuple[int, bytes], None]


def request(method: str, path: str, headers: dict[str, str], body: object = None):
    """Return the bytes of one HTTP/1.1 request (a JSON body when given)."""
    data = b"" if body is None else json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


class ProtocolError(Exception):
    """The server sent something this client cannot read as a response."""


def parse_response(buffer: bytearray) -> tuple[int, bytes, bool] | None:
    """Return (status, body, keep_alive) once the buffer holds a whole
    response, None while more bytes are needed."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    try:
        status = int(head[0].split(" ", 2)[1])
    except (IndexError, ValueError) as error:
        raise ProtocolError(f"bad status line {head[0]!r}") from error
    fields = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    if "chunked" in fields.get("transfer-encoding", ""):
        raise ProtocolError("chunked responses are not supported")
    length = int(fields.get("content-length", "0"))
    if len(buffer) < end + 4 + length:
        return None
    body = bytes(buffer[end + 4 : end + 4 + length])
    keep_alive = fields.get("connection", "").lower() != "close"
    return status, body, keep_alive


class Connection:
    """One client: its socket, its script and the request in flight."""

    def __init__(self, port: int, script: Script, out: dict, deadline: float):
        self.port, self.script, self.out = port, script, out
        self.deadline = deadline
        self.buffer = bytearray()
        self.sent_at = 0.0
        self.pending = next(script, None)
        self.sock = self._connect()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def send(self) -> None:
        self.buffer.clear()
        self.sent_at = time.perf_counter()
        self.sock.sendall(self.pending)

    def receive(self) -> bool:
        """Read what arrived; when a response is whole, hand it to the script
        and send its next request. Return False once the script has ended
        or, after the deadline, once the request in flight is answered."""
        data = self.sock.recv(65536)
        if not data:
            return self.failed("ConnectionClosed")
        self.buffer += data
        try:
            parsed = parse_response(self.buffer)
        except (ProtocolError, ValueError) as error:
            return self.failed(type(error).__name__)
        if parsed is None:
            return True
        status, body, keep_alive = parsed
        finished = time.perf_counter()
        self.out["latency"].append(finished - self.sent_at)
        self.out["finished"].append(finished)
        try:
            self.pending = self.script.send((status, body))
        except StopIteration:
            return False
        if time.time() >= self.deadline:
            self.script.close()
            return False
        if not keep_alive:
            self._reconnect()
        self.send()
        return True

    def failed(self, kind: str) -> bool:
        """Count an error and send the request again on a new connection."""
        self.out["errors"].append(kind)
        self._reconnect()
        self.send()
        return True

    def _reconnect(self) -> None:
        self.sock.close()
        self.sock = self._connect()


def drive(port: int, scripts: list[Script], out: dict, deadline: float) -> None:
    """Run every script on its own kept-alive connection until each ends or
    the deadline passes (requests in flight then are still answered and
    handed to their scripts). Each response's latency goes to out["latency"]
    and the moment it was read (time.perf_counter()) to out["finished"];
    failures go to out["errors"]."""
    for key in ("latency", "finished", "errors"):
        out.setdefault(key, [])
    selector = selectors.DefaultSelector()
    live: dict[int, Connection] = {}
    for script in scripts:
        connection = Connection(port, script, out, deadline)
        if connection.pending is None:
            continue
        connection.send()
        live[id(connection)] = connection
        selector.register(connection.sock, selectors.EVENT_READ, connection)
    while live:
        for key, _events in selector.select(timeout=1.0):
            connection: Connection = key.data
            old = connection.sock
            try:
                going = connection.receive()
            except OSError as error:
                going = connection.failed(type(error).__name__)
            if not going:
                selector.unregister(old)
                connection.sock.close()
                del live[id(connection)]
            elif connection.sock is not old:  # it had to connect again
                selector.unregister(old)
                selector.register(connection.sock, selectors.EVENT_READ, connection)
    selector.close()


def cpu_seconds(marker: str) -> float:
    """Return the CPU time (user + system) so far of every process whose
    command line contains `marker` (a server's bind address, say)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                if marker.encode() not in file.read():
                    continue
            with open(f"/proc/{pid}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")
