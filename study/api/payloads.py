"""Shaping API responses and reading JSON bodies."""

from __future__ import annotations

from flask import request, url_for

from study.api import bp
from study.errors import Invalid, NotFound
from study.services.queue import Counts, DueCard

# The largest id every supported database's integer columns hold.
MAX_ID = 2**31 - 1
NUL_REFUSED = "Text may not contain NUL characters."


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


@bp.before_request
def refuse_nul_characters():
    """Refuse NUL characters in the path and query (PostgreSQL cannot store them)."""
    if "\x00" in request.path or _has_nul(list(request.args.items(multi=True))):
        raise Invalid(NUL_REFUSED)


def json_body(*fields: str, free_form: tuple[str, ...] = ()) -> dict:
    """Return the request's JSON object or refuse it with a clear message.

    With `fields`, any other field is refused (a typo should not pass silently).
    Text may not hold NUL characters, except in `free_form` fields, which are
    stored as JSON (where PostgreSQL keeps them escaped).
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("Send a JSON object with Content-Type: application/json.")
    if fields and (unknown := sorted(set(body) - set(fields))):
        shown = ", ".join(repr(name)[:40] for name in unknown[:5])
        raise Invalid(f"Unknown field: {shown}. Expected: {', '.join(fields)}.")
    if any(_has_nul(v) for k, v in body.items() if k not in free_form):
        raise Invalid(NUL_REFUSED)
    return body


def whole(value: object) -> object:
    """Return a whole number sent as 3.0 as the int 3 (JSON does not tell them
    apart); leave anything else for the service to judge."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def stored_id(value: int, what: str) -> int:
    """Return an id from the URL, or NotFound when no row could have it."""
    if value > MAX_ID:
        raise NotFound(f"There is no such {what}.")
    return value


def int_arg(name: str, default: int) -> int:
    """Return a whole-number query parameter, refusing anything else."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise Invalid(f"{name} must be a whole number.")
    return int(raw)


def counts_json(counts: Counts) -> dict:
    """Return the day's counts as JSON."""
    return {"new": counts.new, "learning": counts.learning, "review": counts.review}


def due_card_json(due: DueCard) -> dict:
    """Return a card to study, with its review id and interval previews."""
    card = due.card
    return {
        "id": card.key,
        "kind": card.kind,
        "topic": card.topic_slug,
        "topic_title": card.topic_title,
        "pack": card.pack_id,
        "front_html": card.front_html,
        "back_html": card.back_html,
        "review_id": due.review_id,
        "intervals": {str(k): v for k, v in due.previews.items()},
        "is_new": due.memory is None,
        "note_url": url_for("notes.note", pack_id=card.pack_id, note_id=card.note_slug)
        if card.note_slug
        else None,
    }
