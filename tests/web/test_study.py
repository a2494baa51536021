"""The study page without JavaScript: show, reveal, rate, undo, all done."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from study.extensions import db
from study.models import ReviewLog
from tests.conftest import at


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


def test_all_done_page_counts_cards_not_ratings(app, logged_in, starter):
    from study.models import User

    with app.app_context():
        user = db.session.scalars(select(User)).one()
        user.new_cards_per_day = 2
        db.session.commit()
    logged_in.refresh_token("/study")
    for rating in ("1", "4", "4"):  # the first card is seen again, then known
        page = logged_in.get("/study").get_data(as_text=True)
        logged_in.form("/study/review", {**card_form(page), "rating": rating})
    done = logged_in.get("/study").get_data(as_text=True)
    assert "All done for today" in done
    assert re.search(
        r'id="done-today">You studied 2 cards today \(3 ratings, counting the '
        r"cards you saw again\)\.",
        done,
    )
    assert "Undo last rating <kbd>Z</kbd>" in done


LATER = at(2026, 5, 20, 12, 0)  # long after the cards below fell due


@pytest.fixture
def pinned(app):
    """Pin the clock the pages read to LATER."""
    app.config["FIXED_NOW"] = lambda: LATER
    yield LATER
    app.config.pop("FIXED_NOW")


def graduate_two_cards(app, review_limit: int) -> None:
    """Rate two new cards Easy on 10 March, then stop new cards."""
    from study.models import CardState, User
    from study.services import queue, reviews

    start = at(2026, 3, 10, 12, 0)
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        user.timezone = "Europe/Berlin"
        db.session.commit()
        scope = queue.study_scope(db.session, user)
        for _ in range(2):
            day = queue.today(db.session, user, start)
            card = queue.next_due(db.session, user, scope, start, day)
            rid = queue.review_id_for(db.session, user, card)
            reviews.record_review(db.session, user, card.key, 4, rid, 900, start)
        assert max(db.session.scalars(select(CardState.due))) < LATER
        user.max_reviews_per_day = review_limit
        user.new_cards_per_day = 0
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize(
    ("limit", "reviews", "message"),
    [
        (
            1,
            1,
            "You reached today's limit of 1 review; 1 more is due. It comes back "
            "tomorrow, when your next study day starts: <strong><time "
            'datetime="2026-05-21T02:00:00+00:00">Thu 21 May 2026, 04:00 CEST</time>',
        ),
        (0, 0, "Your daily review limit is 0, so 2 due cards wait."),
    ],
)
def test_all_done_page_explains_reviews_held_back_by_the_daily_limit(
    app, logged_in, starter, pinned, limit, reviews, message
):
    graduate_two_cards(app, review_limit=limit)
    for _ in range(reviews):
        page = logged_in.get("/study").get_data(as_text=True)
        logged_in.refresh_token("/study")
        logged_in.form("/study/review", {**card_form(page), "rating": "3"})
    done = logged_in.get("/study").get_data(as_text=True)
    assert "All done for today" in done
    assert message in done
    # The held-back card fell due weeks ago: no "next card is due" in the past.
    assert "Your next card is due" not in done
    assert message in logged_in.get("/").get_data(as_text=True)


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


def rate_first_card(logged_in, rating: str) -> dict:
    """Rate the first card shown through the form; return the form sent."""
    page = logged_in.get("/study").get_data(as_text=True)
    form = {**card_form(page), "rating": rating, "duration_ms": "900"}
    logged_in.refresh_token("/study")
    assert logged_in.form("/study/review", form).status_code == 302
    return form


def count_ratings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReviewLog))


def test_rating_a_card_that_is_not_due_is_refused_with_a_409_page(
    app, logged_in, starter, pinned
):
    from study.models import CardState

    form = rate_first_card(logged_in, "4")  # Easy: due again in days
    with app.app_context():
        due = db.session.scalars(select(CardState.due)).one()
    again = {**form, "review_id": "a-fresh-review-id", "rating": "3"}
    response = logged_in.form("/study/review", again)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "That rating was not recorded" in page
    expected = f"This card is not due yet (next due {due:%Y-%m-%d %H:%M} UTC)."
    assert expected in page
    assert due > LATER + timedelta(days=1)
    assert 'href="/study">Go to the next card' in page
    assert count_ratings(app) == 1


def test_a_learning_card_due_within_minutes_may_be_rated_again(
    app, logged_in, starter, pinned
):
    form = rate_first_card(logged_in, "3")  # Good: due again in 10 minutes
    again = {**form, "review_id": "a-fresh-review-id"}
    assert logged_in.form("/study/review", again).status_code == 302
    assert count_ratings(app) == 2


@pytest.mark.parametrize("retired", [False, True])
def test_rating_a_card_that_does_not_exist_is_a_404(app, logged_in, starter, retired):
    from study.models import Card

    key = "starter:note:shell:ls" if retired else "starter:note:shell:nothing"
    if retired:
        with app.app_context():
            db.session.scalars(select(Card).filter_by(key=key)).one().retired = True
            db.session.commit()
    logged_in.refresh_token("/study")
    response = logged_in.form(
        "/study/review", {"card": key, "review_id": "abcdefgh12", "rating": "3"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "We could not find that page" in page
    assert "There is no such card to rate." in page
    assert count_ratings(app) == 0
