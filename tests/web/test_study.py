"""The study page without JavaScript: show, reveal, rate, undo, all done."""

import re

from sqlalchemy import func, select

from study.extensions import db
from study.models import ReviewLog


def card_form(page: str) -> dict:
    card = re.search(r'name="card" type="hidden" value="([^"]+)"', page).group(1)
    rid = re.search(r'name="review_id" type="hidden" value="([^"]+)"', page).group(1)
    return {"card": card, "review_id": rid}


def test_study_needs_login(client):
    response = client.get("/study")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_front_is_shown_first_and_the_back_on_reveal(logged_in, starter):
    page = logged_in.get("/study").get_data(as_text=True)
    assert "Which command lists the files of a directory?" in page
    assert 'id="answer" hidden' in page
    assert "Show answer" in page
    revealed = logged_in.get("/study?reveal=1&card=starter:note:shell:ls")
    text = revealed.get_data(as_text=True)
    assert 'id="answer" hidden' not in text
    for label in ("Again", "Hard", "Good", "Easy"):
        assert label in text
    assert ">10m<" in text  # Good on a new card: the 10-minute learning step


def test_rating_moves_to_the_next_card(app, logged_in, starter):
    page = logged_in.get("/study").get_data(as_text=True)
    form = {**card_form(page), "rating": "4", "duration_ms": "1200"}
    logged_in.token = None
    logged_in.refresh_token("/study")
    response = logged_in.form("/study/review", form)
    assert response.status_code == 302
    page = logged_in.get("/study").get_data(as_text=True)
    assert "Which command prints the current directory?" in page
    # the same form again (double click) is counted once
    logged_in.form("/study/review", form)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1


def test_undo_brings_the_card_back(logged_in, starter):
    page = logged_in.get("/study").get_data(as_text=True)
    logged_in.refresh_token("/study")
    logged_in.form("/study/review", {**card_form(page), "rating": "4"})
    response = logged_in.form("/study/undo")
    assert "card=starter" in response.headers["Location"]
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Which command lists the files of a directory?" in page


def test_all_done_page_says_when_the_next_card_is_due(app, logged_in, starter):
    from study.models import User

    with app.app_context():
        user = db.session.scalars(select(User)).one()
        user.new_cards_per_day = 1
        db.session.commit()
    page = logged_in.get("/study").get_data(as_text=True)
    logged_in.refresh_token("/study")
    logged_in.form("/study/review", {**card_form(page), "rating": "4"})
    done = logged_in.get("/study").get_data(as_text=True)
    assert "All done for today" in done
    assert "Your next card is due" in done


def test_no_packs_gives_a_helpful_empty_state(logged_in):
    page = logged_in.get("/study").get_data(as_text=True)
    assert "No cards to study yet" in page


def test_unknown_pack_is_a_404(logged_in, starter):
    assert logged_in.get("/study?pack=nope").status_code == 404


def test_a_bad_rating_form_is_a_400_not_a_500(logged_in, starter):
    logged_in.refresh_token("/study")
    response = logged_in.form(
        "/study/review", {"card": "x", "review_id": "abcdefgh", "rating": "9"}
    )
    assert response.status_code == 400


def test_card_links_to_its_note(logged_in, starter):
    page = logged_in.get("/study").get_data(as_text=True)
    assert 'href="/notes/starter/shell"' in page


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
