"""Settings read once from the environment, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from study.sqlite_writers import QueuedWritesConnection

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance: Path) -> str:
    """Return DATABASE_URL, defaulting to a SQLite file under instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgres://", "postgresql+psycopg://", 1).replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    instance.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance / 'shipshape.db'}"


def engine_options(url: str) -> dict:
    """Pool settings: a busy timeout for SQLite (a file cannot drop the
    connection, so no pre-ping); a small pool for PostgreSQL, whose pre-ping
    (see study.pool_ping) the app adds to the engine."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "factory": QueuedWritesConnection}}
    return {
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "5")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "10")),
        "pool_recycle": 1800,
    }


def public_url(value: str | None) -> str | None:
    """Return the site's public address (`https://study.example.com`) without a
    trailing slash, None when unset; anything else is a configuration error."""
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if not _is_site_address(parts):
        raise ValueError(
            "PUBLIC_URL must be a scheme and host such as "
            f"https://study.example.com, not {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


def _is_site_address(parts: SplitResult) -> bool:
    try:
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and parts.username is None
        and parts.path in ("", "/")
        and not parts.query
        and not parts.fragment
    )


def trusted_proxies(value: str | None) -> int:
    """Return how many reverse proxies to believe X-Forwarded-* headers from."""
    try:
        hops = int(value or 0)
    except ValueError as error:
        raise ValueError(f"TRUSTED_PROXIES must be a number, not {value!r}") from error
    if hops < 0:
        raise ValueError(f"TRUSTED_PROXIES must not be negative, not {value!r}")
    return hops


def trusted_hosts(value: str | None) -> list[str] | None:
    """Return the host names requests may name (comma-separated), None for any."""
    hosts = [host.strip() for host in (value or "").split(",") if host.strip()]
    return hosts or None


def load_config(instance: Path) -> dict:
    """Collect the app's configuration from the environment."""
    url = _database_url(instance)
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "LOGIN_LIMIT": os.environ.get("LOGIN_LIMIT", "10 per minute"),
        # Links that leave the site (invites) are built on PUBLIC_URL; without
        # it, on whatever Host header the request came with.
        "PUBLIC_URL": public_url(os.environ.get("PUBLIC_URL")),
        "TRUSTED_HOSTS": trusted_hosts(os.environ.get("TRUSTED_HOSTS")),
        "TRUSTED_PROXIES": trusted_proxies(os.environ.get("TRUSTED_PROXIES")),
    }
