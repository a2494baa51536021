"""Real servers for the serving tests: gunicorn, PostgreSQL and Redis on loopback.

Each helper starts a process on a free port, waits until it answers and stops
it afterwards. `python -m tests.servers prepare URL` migrates a database,
imports the starter pack and creates users with API tokens, in a process of its
own so the test run's app keeps its state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
STARTER = ROOT / "tests" / "fixtures" / "content" / "starter"
PASSWORD = "correct horse battery"


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(base: str, timeout: float = 30, process=None) -> None:
    """Poll /healthz until it answers 200 (or fail after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{base} did not become healthy in {timeout}s")


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """Return the environment for a server process of the app."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="shared-test-secret",
        CONTENT_DIR=str(STARTER),
        RATELIMIT_STORAGE_URI="memory://",
        ACCESS_LOG="/dev/null",
    )
    env.update(extra)
    return env


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 1, threads: int = 4) -> Iterator[str]:
    """Serve the app with gunicorn (the `make serve` config) on a free port."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
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
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, process=process)
            yield base
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-4000:])
            raise
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def prepare(database_url: str, emails: list[str], token_id: int | None = None):
    """Migrate a database, import the starter pack, create users; return tokens."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.servers", "prepare", database_url, *emails],
        cwd=ROOT,
        env={**app_env(database_url), "TOKEN_ID": str(token_id or "")},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _prepare_main(database_url: str, emails: list[str]) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import update

    from study import create_app
    from study.extensions import db
    from study.models import ApiToken
    from study.packs.importer import import_packs
    from study.services.accounts import create_api_token, create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    tokens = {}
    with app.app_context():
        upgrade()
        import_packs(db.session, STARTER)
        for email in emails:
            user = create_user(db.session, email, PASSWORD)
            tokens[email] = create_api_token(db.session, user, "tests")
        if wanted := os.environ.get("TOKEN_ID"):
            db.session.execute(update(ApiToken).values(id=int(wanted)))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    print(json.dumps(tokens))


def pg_bin() -> Path | None:
    """Return the newest installed PostgreSQL server's program folder, if any
    (the rule of scripts/pg-bin.sh: /usr/lib/postgresql/N/bin with initdb)."""
    found = Path("/usr/lib/postgresql").glob("*/bin/initdb")
    folders = [initdb.parent for initdb in found if os.access(initdb, os.X_OK)]
    return max(folders, key=_major_version, default=None)


def _major_version(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))


def have_postgres() -> bool:
    """Say whether PostgreSQL's server binaries are installed."""
    return pg_bin() is not None and shutil.which("su") is not None


def have_redis() -> bool:
    """Say whether redis-server is installed."""
    return shutil.which("redis-server") is not None


def pg_url_from_env() -> str | None:
    """Return TEST_DATABASE_URL when it points at PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def _as_postgres(command: str) -> subprocess.CompletedProcess:
    if os.getuid() == 0:
        argv = ["su", "postgres", "-c", command]
    else:
        argv = ["bash", "-c", command]
    return subprocess.run(argv, capture_output=True, text=True, check=True)


@dataclass
class PostgresCluster:
    """A throwaway PostgreSQL cluster on a loopback port."""

    directory: Path
    port: int
    fsync: bool = False

    @property
    def url(self) -> str:
        """Return the SQLAlchemy URL of its test database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/shipshape"

    def pg_ctl(self, action: str) -> None:
        """Run pg_ctl start / stop / restart on the cluster."""
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            f"-c fsync={'on' if self.fsync else 'off'} -c max_connections=100"
        )
        _as_postgres(
            f"{pg_bin()}/pg_ctl -D {self.directory}/data -l {self.directory}/log "
            f"-m fast -w -o '{options}' {action}"
        )


@contextmanager
def postgres_cluster(fsync: bool = False) -> Iterator[PostgresCluster]:
    """Start a fresh PostgreSQL cluster (as scripts/with-postgres.sh does;
    benchmarks keep fsync on)."""
    if not have_postgres():
        pytest.skip("PostgreSQL server binaries are not installed")
    directory = Path(tempfile.mkdtemp(prefix="shipshape-pg."))
    if os.getuid() == 0:
        shutil.chown(directory, "postgres")
    cluster = PostgresCluster(directory, free_port(), fsync)
    bin_dir = pg_bin()
    try:
        _as_postgres(
            f"{bin_dir}/initdb -D {directory}/data -U postgres -A trust --no-sync "
            "-E UTF8 --locale=C.UTF-8"
        )
        cluster.pg_ctl("start")
        _as_postgres(
            f"{bin_dir}/createdb -h 127.0.0.1 -p {cluster.port} -U postgres shipshape"
        )
        yield cluster
    finally:
        try:
            cluster.pg_ctl("stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server of `server_url`; drop it after."""
    import psycopg

    base, _, _name = server_url.rpartition("/")
    name = f"shipshape_{uuid.uuid4().hex[:12]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def postgres_database() -> Iterator[str]:
    """Yield an empty PostgreSQL database: on TEST_DATABASE_URL's server if set,
    else on a cluster of its own."""
    if url := pg_url_from_env():
        with scratch_database(url) as database:
            yield database
        return
    with postgres_cluster() as cluster:
        yield cluster.url


@contextmanager
def fresh_database(directory: Path) -> Iterator[str]:
    """Yield an empty database of the kind the run tests: a scratch database on
    TEST_DATABASE_URL's PostgreSQL server, else a SQLite file in `directory`."""
    if url := pg_url_from_env():
        with scratch_database(url) as database:
            yield database
        return
    yield f"sqlite:///{directory / 'served.db'}"


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server on a free port; yield its URL."""
    if not have_redis():
        pytest.skip("redis-server is not installed")
    port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="shipshape-redis."))
    process = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(directory)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "prepare":
        _prepare_main(sys.argv[2], sys.argv[3:])
    else:
        sys.exit("usage: python -m tests.servers prepare DATABASE_URL [EMAIL...]")
