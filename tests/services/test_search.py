"""Search: every term must match, "quoted phrases" stay whole, titles rank
first, and a long list says how many matched in all."""

import pytest

from study.config import PROJECT_ROOT
from study.extensions import db
from study.packs.importer import import_packs
from study.services import search


@pytest.fixture
def session(ctx):
    """The Docker pack, imported (the test database is emptied after each test)."""
    import_packs(db.session, PROJECT_ROOT / "content" / "docker")
    return db.session


def test_terms_keep_quoted_phrases_whole():
    assert search.terms_of('docker "run --rm"  -it') == ["docker", "run --rm", "-it"]
    assert search.terms_of('"" "unclosed') == ["unclosed"]
    assert len(search.terms_of("a " * 20)) == search.MAX_TERMS


def test_titles_and_questions_naming_the_terms_come_first(session):
    found = search.find(session, "volume")
    assert "volume" in found.notes[0].title.lower()
    titled = [n for n in found.notes if "volume" in n.title.lower()]
    assert found.notes[: len(titled)] == titled
    found = search.find(session, "healthcheck")
    asking = [c for c in found.cards if "healthcheck" in c.front.lower()]
    assert asking and found.cards[: len(asking)] == asking


def test_phrases_stay_whole_and_long_lists_say_how_many_matched(session):
    phrase = search.find(session, '"docker run --rm"')
    words = search.find(session, "docker run --rm")
    assert 0 < phrase.cards_found < words.cards_found
    for card in phrase.cards:
        assert "docker run --rm" in (card.front + card.back).lower()
    found = search.find(session, "docker")
    assert len(found.cards) == search.LIMIT
    assert found.cards_found > search.LIMIT
    few = search.find(session, "SIGKILL")
    assert 0 < few.cards_found == len(few.cards) < search.LIMIT
