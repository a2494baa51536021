"""The one place the web layer builds absolute links (invite links)."""

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """Return an absolute URL on PUBLIC_URL, or, when that is unset, on the host
    the request named (which a forged Host header can change)."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, **values)
