"""Shaping API responses and reading JSON bodies."""

from __future__ import annotations

from flask import request, url_for

from study.errors import Invalid
from study.services.queue import Counts, DueCard


def json_body() -> dict:
    """Return the request's JSON object or refuse it with a clear message."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("Send a JSON object with Content-Type: application/json.")
    return body


def counts_json(counts: Counts) -> dict:
    """Return the day's counts as JSON."""
    return {"new": counts.new, "learning": counts.learning, "review": counts.review}


def due_card_json(due: DueCard) -> dict:
    """Return a card to study, with its review id and interval previews."""
    card = due.card
    note = card.note
    return {
        "id": card.key,
        "kind": card.kind,
        "topic": card.topic.slug,
        "topic_title": card.topic.title,
        "pack": card.pack_id,
        "front_html": card.front_html,
        "back_html": card.back_html,
        "review_id": due.review_id,
        "intervals": {str(k): v for k, v in due.previews.items()},
        "is_new": due.memory is None,
        "note_url": url_for("notes.note", pack_id=card.pack_id, note_id=note.slug)
        if note
        else None,
    }
