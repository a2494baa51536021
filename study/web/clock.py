"""The one place the web layer reads the clock (tests may pin it)."""

from datetime import UTC, datetime

from flask import current_app


def now() -> datetime:
    """Return the current UTC time, or the time pinned by the app's config."""
    pinned = current_app.config.get("FIXED_NOW")
    return pinned() if callable(pinned) else datetime.now(UTC)
