"""The Anki export, imported with the real `anki` package (no GUI)."""

import time

import pytest
from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from sqlalchemy import select

from study.exports import anki
from study.exports.source import load_pack
from study.extensions import db
from study.models import Card

DECK = "Starter deck"


def export(app, path, *extra):
    result = app.test_cli_runner().invoke(
        args=["export", "anki", "starter", str(path), *extra]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 13 notes in 2 topic decks" in result.output
    return path


def import_into(collection: Collection, path) -> object:
    request = ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions()
    )
    return collection.import_anki_package(request).log


@pytest.fixture
def collection(tmp_path):
    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def test_anki_imports_every_card_in_topic_decks(app, starter, tmp_path, collection):
    log = import_into(collection, export(app, tmp_path / "starter.apkg"))
    assert len(log.new) == 13
    assert collection.note_count() == 13
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert {DECK, f"{DECK}::Basics", f"{DECK}::Extras"} <= names
    assert len(collection.find_cards(f'"deck:{DECK}::Basics"')) == 7
    assert len(collection.find_cards(f'"deck:{DECK}::Extras"')) == 6
    assert len(collection.find_notes("tag:starter::extras")) == 6
    with app.app_context():
        card = db.session.scalar(
            select(Card).where(Card.key == "starter:note:shell:ls")
        )
        front, back = card.front_html, card.back_html
    note = collection.get_note(collection.find_notes('"Key:starter:note:shell:ls"')[0])
    assert note.note_type()["name"] == f"Shipshape: {DECK}"
    assert list(note.keys()) == list(anki.FIELDS)
    assert note["Front"] == front and note["Back"] == back
    assert "<p>" in note["Front"]  # Markdown arrives rendered as HTML
    assert note["Topic"] == "Basics" and note["Note"].startswith("Note: ")
    assert set(note.tags) == {"starter", "starter::basics"}


def test_a_second_export_updates_notes_instead_of_adding_copies(
    app, starter, tmp_path, collection
):
    import_into(collection, export(app, tmp_path / "first.apkg"))
    with app.app_context():
        card = db.session.scalar(
            select(Card).where(Card.key == "starter:note:shell:ls")
        )
        card.front_html = "<p>Which command lists a folder?</p>"
        db.session.commit()
        pack = load_pack(db.session, "starter")
        db.session.remove()
    later = tmp_path / "second.apkg"
    anki.write_apkg(pack, later, timestamp=time.time() + 60)
    log = import_into(collection, later)
    assert len(log.new) == 0 and len(log.updated) == 13  # newer copies replace them
    assert collection.note_count() == 13
    note = collection.get_note(collection.find_notes('"Key:starter:note:shell:ls"')[0])
    assert note["Front"] == "<p>Which command lists a folder?</p>"


def test_ids_are_stable_across_exports(app, starter):
    with app.app_context():
        pack = load_pack(db.session, "starter")
    first, second = anki.build_package(pack), anki.build_package(pack)
    assert [d.deck_id for d in first.decks] == [d.deck_id for d in second.decks]
    assert first.decks[1].notes[0].guid == second.decks[1].notes[0].guid
    assert first.decks[1].notes[0].model.model_id == anki.stable_id("model", "starter")
    assert len({d.deck_id for d in first.decks}) == 3


def test_note_links_point_at_the_site_when_asked(app, starter, tmp_path, collection):
    path = export(app, tmp_path / "linked.apkg", "--base-url", "https://study.test/")
    import_into(collection, path)
    note = collection.get_note(collection.find_notes('"Key:starter:note:shell:ls"')[0])
    assert 'href="https://study.test/notes/starter/shell"' in note["Note"]


def test_exporting_an_unknown_pack_fails_clearly(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["export", "anki", "nothing", str(tmp_path / "x.apkg")]
    )
    assert result.exit_code != 0 and "No pack with id 'nothing'" in result.output
    assert not (tmp_path / "x.apkg").exists()
