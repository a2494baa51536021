"""Review endpoints: next card, submit a rating, undo."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user

from study.api import bp
from study.api.payloads import counts_json, due_card_json, json_body, whole
from study.errors import Invalid
from study.extensions import db
from study.services import queue, reviews
from study.web.clock import now
from study.web.study import session_state


@bp.get("/review/next")
def review_next():
    """Return the next due card and the day's counts, or 204 when nothing is due."""
    state = session_state(request.args.get("card"))
    if state["due"] is None:
        return "", 204
    return jsonify(
        card=due_card_json(state["due"]), counts=counts_json(state["counts"])
    )


@bp.post("/review")
def review_submit():
    """Record a rating; the same review_id again is acknowledged, not counted.
    With `"next": true` the reply also brings the next card to study (null
    when nothing is left), sparing the client a second request."""
    body = json_body("card_id", "rating", "review_id", "duration_ms", "next")
    wants_next = body.get("next", False)
    if not isinstance(wants_next, bool):
        raise Invalid("next must be true or false")
    user = current_user._get_current_object()
    moment = now()
    sent = reviews.Submission(
        card_key=str(body.get("card_id", ""))[:255],
        rating=whole(body.get("rating")),
        review_id=body.get("review_id"),
        duration_ms=whole(body.get("duration_ms", 0)),
    )
    scope = queue.asked_scope(db.session, user, **_scope())
    rated = reviews.rate_in_scope(
        db.session, user, sent, moment, scope, with_next=wants_next
    )
    outcome = rated.outcome
    reply = {
        "card_id": outcome.card_key,
        "rating": outcome.rating,
        "due": outcome.due.isoformat(),
        "duplicate": outcome.duplicate,
        "counts": counts_json(rated.counts),
    }
    if wants_next:
        shown = rated.next_card
        reply["next_card"] = due_card_json(shown) if shown else None
    return jsonify(reply)


@bp.post("/review/undo")
def review_undo():
    """Take back the latest rating and return the card to show again."""
    card = reviews.undo_last_review(db.session, current_user)
    if card is None:
        return jsonify(undone=False, card_id=None)
    return jsonify(
        undone=True,
        card_id=card.key,
        study_url=url_for("study.show", card=card.key),
    )


def _scope() -> dict:
    pack = request.args.get("pack")
    if not pack:
        return {}
    return {
        "pack": pack,
        "topic": request.args.get("topic"),
        "note": request.args.get("note"),
    }
