"""Fingerprinted static URLs (`?v=<hash>`) so browsers may cache files for a year."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=128)
def _fingerprint(path: str, modified: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def register_assets(app: Flask) -> None:
    """Add a content hash to static URLs and long cache headers to their answers."""
    folder = Path(app.static_folder or "static")

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values:
            return
        file = folder / values.get("filename", "")
        if file.is_file():
            values["v"] = _fingerprint(str(file), file.stat().st_mtime)

    @app.after_request
    def cache_fingerprinted(response):
        if request.endpoint == "static" and request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
