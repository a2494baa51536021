"""The notes reader: a pack's topics and notes, one note page, and search."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from study.extensions import db
from study.models import Card, Note, Pack, Topic
from study.services import search

bp = Blueprint("notes", __name__)


@bp.get("/notes")
def packs():
    """List the packs."""
    rows = db.session.scalars(select(Pack).order_by(Pack.title)).all()
    return render_template("notes/packs.html", packs=rows)


@bp.get("/notes/<pack_id>")
def pack(pack_id: str):
    """Show a pack's topics with their notes."""
    found = db.get_or_404(Pack, pack_id, description="There is no such pack.")
    notes = db.session.scalars(
        select(Note)
        .join(Topic, Topic.id == Note.topic_id)
        .where(Note.pack_id == pack_id, Note.retired.is_(False))
        .order_by(Topic.position, Note.position)
    ).all()
    by_topic: dict[int, list[Note]] = {}
    for note in notes:
        by_topic.setdefault(note.topic_id, []).append(note)
    topics = [t for t in found.topics if not t.retired]
    return render_template(
        "notes/pack.html", pack=found, topics=topics, by_topic=by_topic
    )


@bp.get("/notes/<pack_id>/<note_id>")
def note(pack_id: str, note_id: str):
    """Show one note with its table of contents and its cards."""
    found = db.session.scalar(
        select(Note).where(
            Note.pack_id == pack_id, Note.slug == note_id, Note.retired.is_(False)
        )
    )
    if found is None:
        abort(404, "There is no such note.")
    cards = db.session.scalars(
        select(Card)
        .where(Card.note_id == found.id, Card.retired.is_(False))
        .order_by(Card.position)
    ).all()
    siblings = db.session.scalars(
        select(Note)
        .where(Note.topic_id == found.topic_id, Note.retired.is_(False))
        .order_by(Note.position)
    ).all()
    return render_template(
        "notes/note.html",
        note=found,
        cards=cards,
        siblings=siblings,
        pack=db.session.get(Pack, pack_id),
    )


@bp.get("/search")
def search_page():
    """Search notes and cards."""
    query = (request.args.get("q") or "").strip()[:200]
    results = search.find(db.session, query) if query else None
    return render_template("notes/search.html", query=query, results=results)
