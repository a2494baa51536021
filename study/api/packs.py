"""Pack endpoints: the catalogue and a pack's cards, page by page."""

from __future__ import annotations

from flask import jsonify, request, url_for

from study.api import bp
from study.api.payloads import int_arg
from study.extensions import db
from study.services import catalog


def pack_json(summary: catalog.PackSummary) -> dict:
    """Return a pack with its topics and how much there is to study."""
    pack = summary.pack
    return {
        "id": pack.id,
        "title": pack.title,
        "version": pack.version,
        "description": pack.description,
        "cards": summary.cards,
        "questions": summary.questions,
        "exam": pack.exam or None,
        "topics": [
            {
                "id": topic.slug,
                "title": topic.title,
                "cards": topic.cards,
                "questions": topic.questions,
            }
            for topic in summary.topics
        ],
    }


def card_json(card) -> dict:
    """Return a card as a pack listing shows it."""
    note = card.note
    return {
        "id": card.key,
        "kind": card.kind,
        "topic": card.topic.slug,
        "front_html": card.front_html,
        "back_html": card.back_html,
        "source": card.source,
        "note_url": url_for("notes.note", pack_id=card.pack_id, note_id=note.slug)
        if note
        else None,
    }


@bp.get("/packs")
def packs_list():
    """List the imported packs and their topics."""
    return jsonify(packs=[pack_json(s) for s in catalog.list_packs(db.session)])


@bp.get("/packs/<pack_id>/cards")
def pack_cards(pack_id: str):
    """List one page of a pack's cards, optionally of one topic."""
    page = catalog.card_page(
        db.session,
        pack_id,
        topic=request.args.get("topic") or None,
        page=int_arg("page", 1),
        per_page=int_arg("per_page", 50),
    )
    return jsonify(
        pack=page.pack.id,
        topic=page.topic,
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        next_page=page.next_page,
        cards=[card_json(card) for card in page.cards],
    )
