"""Notes reader, search, study choices and note-scoped study sessions."""

from sqlalchemy import select

from study.extensions import db
from study.models import StudyChoice


def test_pack_page_lists_topics_and_notes(client, starter):
    page = client.get("/notes/starter").get_data(as_text=True)
    assert "Basics" in page and "Shell basics" in page and "More commands" in page


def test_note_page_has_toc_cards_and_buttons(logged_in, starter):
    page = logged_in.get("/notes/starter/shell").get_data(as_text=True)
    assert 'href="#listing-files"' in page
    assert "Cards from this note (7)" in page
    assert "Study this note" in page and "Quiz me on this topic" in page


def test_unknown_note_and_pack_are_404(client, starter):
    assert client.get("/notes/starter/nope").status_code == 404
    assert client.get("/notes/nope").status_code == 404


def test_search_finds_notes_and_cards(client, starter):
    page = client.get("/search?q=grep").get_data(as_text=True)
    assert "More commands" in page
    assert "Which command finds lines matching a pattern?" in page
    assert '<h2>Cards <span class="muted">(1)</span></h2>' in page
    assert "cards-cut" not in page  # nothing was left out
    empty = client.get("/search?q=zzzz%25_").get_data(as_text=True)
    assert "Nothing matches" in empty


def test_study_this_note_only_shows_its_cards(logged_in, starter):
    page = logged_in.get("/study?pack=starter&note=more").get_data(as_text=True)
    assert "Which command finds lines matching a pattern?" in page


def test_study_choice_limits_the_daily_queue(app, logged_in, starter):
    logged_in.refresh_token("/study/choose")
    response = logged_in.form("/study/choose", {"topics-starter": "extras"})
    assert response.status_code == 302
    with app.app_context():
        choice = db.session.scalars(select(StudyChoice)).one()
        assert choice.topics == ["extras"]
    page = logged_in.get("/study").get_data(as_text=True)
    assert "Extras" in page and "Which command finds lines" in page
    api = logged_in.get("/api/v1/review/next").get_json()
    assert api["card"]["topic"] == "extras"


def test_choosing_nothing_is_explained(logged_in, starter):
    logged_in.refresh_token("/study/choose")
    response = logged_in.form("/study/choose", {})
    assert response.status_code == 400
