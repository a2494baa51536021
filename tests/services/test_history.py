"""Review history and card info: paginated, filtered, and only the learner's own."""

from datetime import timedelta

import pytest

from study.errors import NotFound
from study.extensions import db
from study.services import history
from tests.conftest import at, make_user
from tests.progress_data import add_review, learner, set_state

NOW = at(2026, 3, 10, 12, 0)
LS = "starter:note:shell:ls"
GREP = "starter:note:more:grep"


@pytest.fixture
def me(ctx, starter, user):
    return learner(user)


def test_history_lists_ratings_newest_first_in_pages(me):
    for n in range(7):
        add_review(me, LS, NOW - timedelta(hours=n), rating=1 + n % 4)
    db.session.commit()
    first = history.review_history(db.session, me, per_page=3)
    assert (first.total, first.pages, first.page) == (7, 3, 1)
    assert [r.reviewed_at for r in first.rows] == [
        NOW,
        NOW - timedelta(hours=1),
        NOW - timedelta(hours=2),
    ]
    last = history.review_history(db.session, me, page=3, per_page=3)
    assert len(last.rows) == 1 and last.rows[0].rating_name == "Good"
    assert history.review_history(db.session, me, page=99, per_page=3).page == 3


def test_history_filters_by_pack_and_topic(me):
    add_review(me, LS, NOW)
    add_review(me, GREP, NOW - timedelta(hours=1))
    add_review(me, GREP, NOW - timedelta(hours=2), undone=True)
    db.session.commit()
    assert history.review_history(db.session, me).total == 2
    extras = history.review_history(db.session, me, topic="extras")
    assert [r.card_key for r in extras.rows] == [GREP]
    assert extras.rows[0].topic_title == "Extras"
    assert history.review_history(db.session, me, pack="starter").total == 2
    assert history.review_history(db.session, me, pack="other").total == 0


def test_history_shows_the_interval_each_rating_set(me):
    add_review(me, LS, NOW, interval_days=4)
    db.session.commit()
    row = history.review_history(db.session, me).rows[0]
    assert row.interval == timedelta(days=4) and row.interval_text == "4d"


def test_card_info_has_every_rating_and_the_memory_state(me):
    add_review(me, LS, NOW - timedelta(days=10), previous_state=0, interval_days=3)
    add_review(me, LS, NOW - timedelta(days=7), rating=4, interval_days=12)
    add_review(me, LS, NOW - timedelta(days=6), rating=1, undone=True)
    set_state(me, LS, stability=12, interval_days=12, last_review=NOW - timedelta(7))
    db.session.commit()
    info = history.card_info(db.session, me, LS, NOW)
    assert info.card.key == LS
    assert [r.rating for r in info.reviews] == [3, 4]
    assert [r.interval_text for r in info.reviews] == ["3d", "12d"]
    assert info.memory.stability == 12 and info.memory.difficulty == 5.0
    assert 0.9 < info.recall < 1


def test_card_info_for_a_card_never_studied(me):
    info = history.card_info(db.session, me, GREP, NOW)
    assert info.memory is None and info.recall is None and info.reviews == []
    with pytest.raises(NotFound):
        history.card_info(db.session, me, "starter:no-such-card", NOW)


def test_nobody_sees_another_learners_history(app, me):
    other = learner(make_user(app, "other@example.com"))
    add_review(other, LS, NOW)
    set_state(other, LS)
    db.session.commit()
    me = learner(me.id)
    assert history.review_history(db.session, me).total == 0
    info = history.card_info(db.session, me, LS, NOW)
    assert info.reviews == [] and info.memory is None
