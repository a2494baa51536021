"""An Anki package (.apkg) of a pack's cards, made with genanki.

One deck per pack and a subdeck per topic (`Pack::Topic`), the cards' stored
HTML as fields, a tag per topic. Note GUIDs come from the card keys and deck
and model ids from a hash of the pack id, so importing a newer export updates
the notes already in Anki instead of adding copies.
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from pathlib import Path

import genanki

from study.exports.source import ExportCard, ExportPack
from study.exports.text import ANKI_NAME, anki_field

FIELDS = ("Front", "Back", "Topic", "Note", "Source", "Key")
FRONT = "{{Front}}"
BACK = (
    '{{FrontSide}}<hr id=answer>{{Back}}{{#Note}}<p class="note">{{Note}}</p>{{/Note}}'
)
CSS = """.card { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.5;
  text-align: left; color: #1b1f24; background: #fff; }
.nightMode.card, .night_mode .card { color: #e6edf3; background: #171c22; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }
pre { padding: 10px 12px; border-radius: 6px; background: rgba(127, 127, 127, 0.15);
  overflow-x: auto; }
.note { font-size: 0.8em; opacity: 0.75; }
"""
COLONS = re.compile(r"::+")
EDGES = re.compile(r"^[\s:]+|[\s:]+$")


def stable_id(*parts: str) -> int:
    """Return an Anki id (2**30 to 2**31) that is the same on every export."""
    digest = hashlib.sha256(":".join(("shipshape", *parts)).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def deck_name(*titles: str) -> str:
    """Join titles into an Anki deck path; '::' inside a title is not a level."""
    return "::".join(deck_level(title) for title in titles)


def deck_level(title: str) -> str:
    """Return a title as one level of a deck name, the way Anki keeps it.

    Anki drops control characters from deck names and trims spaces and colons
    from each level; doing it here first keeps a run of colons, or a colon at
    the end of the pack's title, from moving text into another level."""
    level = COLONS.sub(":", ANKI_NAME.sub("", title))
    return EDGES.sub("", level) or "Untitled"


def note_model(pack: ExportPack) -> genanki.Model:
    """Return the pack's note type: Front and Back, plus topic, note and source."""
    return genanki.Model(
        stable_id("model", pack.id),
        f"Shipshape: {pack.title}",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )


def _note_link(card: ExportCard, pack: ExportPack, base_url: str | None) -> str:
    if not card.note_slug:
        return ""
    title = escape(card.note_title or card.note_slug)
    if not base_url:
        return f"Note: {title}"
    href = f"{base_url.rstrip('/')}/notes/{pack.id}/{card.note_slug}"
    return f'Note: <a href="{escape(href)}">{title}</a>'


def tags_for(pack: ExportPack, topic: str) -> list[str]:
    """Return a card's tags: the pack, and the pack's topic as a child tag."""
    return [pack.id, f"{pack.id}::{topic}"]


def build_package(pack: ExportPack, base_url: str | None = None) -> genanki.Package:
    """Return the Anki package of a pack: a deck per topic under the pack's deck."""
    model = note_model(pack)
    parent = genanki.Deck(stable_id("deck", pack.id), deck_name(pack.title))
    parent.description = anki_field(escape(pack.description))
    decks = {
        topic.slug: genanki.Deck(
            stable_id("deck", pack.id, topic.slug), deck_name(pack.title, topic.title)
        )
        for topic in pack.topics
    }
    for card in pack.cards:
        deck = decks.get(card.topic, parent)
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[
                    anki_field(field)
                    for field in (
                        card.front_html,
                        card.back_html,
                        escape(pack.topic_title(card.topic)),
                        _note_link(card, pack, base_url),
                        escape(card.source),
                        escape(card.key),
                    )
                ],
                tags=tags_for(pack, card.topic),
                guid=genanki.guid_for(card.key),
            )
        )
    return genanki.Package([parent, *decks.values()])


def write_apkg(
    pack: ExportPack,
    path: Path,
    base_url: str | None = None,
    timestamp: float | None = None,
) -> int:
    """Write the pack's .apkg file and return how many notes it holds.

    Anki updates a note on import when the file's copy is newer, so the notes
    carry the export time (`timestamp`, seconds; now by default).
    """
    build_package(pack, base_url).write_to_file(str(path), timestamp=timestamp)
    return len(pack.cards)
