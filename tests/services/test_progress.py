"""The dashboard's figures on a real database: today's numbers, streaks and study
days in the learner's zone, retention, states, mastery, quiz scores, and a
fixed number of queries whatever the number of reviews."""

from collections import Counter
from datetime import date, timedelta

import pytest
from fsrs import State
from sqlalchemy import event

from study import srs
from study.extensions import db
from study.services import progress, queue, reviews
from tests.conftest import at, make_user
from tests.progress_data import add_attempt, add_review, card, learner, set_state

NOW = at(2026, 3, 10, 12, 0)
TODAY = date(2026, 3, 10)
BASICS = [
    "starter:note:shell:ls",
    "starter:note:shell:pwd",
    "starter:note:shell:cd",
    "starter:note:shell:root-uid:c1",
    "starter:note:shell:root-uid:c2",
    "starter:note:shell:echo",
    "starter:note:shell:cat",
]
EXTRAS = ["starter:note:more:grep", "starter:note:more:wc"]


@pytest.fixture
def me(ctx, starter, user):
    return learner(user)


def rate(user, key, rating=3, now=NOW):
    rid = queue.review_id_for(db.session, user, card(key))
    return reviews.record_review(db.session, user, key, rating, rid, 1000, now)


def test_a_new_learner_sees_everything_new(me):
    board = progress.dashboard(db.session, me, NOW)
    assert (board.reviews_today, board.due_now, board.new_left_today) == (0, 0, 13)
    assert board.streak_days == 0
    assert board.retention_7d is None and board.retention_30d is None
    assert board.cards_by_state.as_dict() == {
        "new": 13,
        "learning": 0,
        "young": 0,
        "mature": 0,
    }
    assert [(t.slug, t.mastery.cards) for t in board.topics] == [
        ("basics", 7),
        ("extras", 6),
    ]
    assert board.daily == {} and sum(n for _d, n in board.forecast) == 0


def test_studying_moves_the_numbers_like_the_study_page(me):
    for key in BASICS[:3]:
        rate(me, key)
    board = progress.dashboard(db.session, me, NOW)
    scope = queue.study_scope(db.session, me)
    counts = queue.counts(db.session, me, scope, NOW, queue.today(db.session, me, NOW))
    assert board.reviews_today == 3
    assert board.learning_due == counts.learning == 3
    assert board.new_left_today == counts.new == 10
    assert board.due_now == 3
    assert board.streak_days == 1
    assert board.daily == {TODAY: 3}
    assert board.cards_by_state.new == 10 and board.cards_by_state.learning == 3
    basics = board.topics[0]
    assert basics.mastery.studied == 3 and basics.mastery.recall == pytest.approx(1.0)
    assert dict(board.forecast)[TODAY] == 3


def test_undone_ratings_do_not_count(me):
    rate(me, BASICS[0])
    rate(me, BASICS[1])
    reviews.undo_last_review(db.session, me)
    board = progress.dashboard(db.session, me, NOW)
    assert board.reviews_today == 1 and board.daily == {TODAY: 1}


def test_streak_counts_study_days_in_the_learners_zone(me):
    me.timezone = "America/New_York"
    # 03:30 New York time on the 10th still belongs to the 9th's study day.
    add_review(me, BASICS[0], at(2026, 3, 10, 7, 30))
    add_review(me, BASICS[1], at(2026, 3, 8, 15, 0))
    add_review(me, BASICS[2], at(2026, 3, 7, 15, 0))
    add_review(me, BASICS[3], at(2026, 3, 5, 15, 0), undone=True)
    db.session.commit()
    board = progress.dashboard(db.session, me, NOW)
    assert board.today == TODAY
    assert board.streak_days == 3  # 7th, 8th, 9th; today not yet studied
    assert set(board.daily) == {date(2026, 3, 9), date(2026, 3, 8), date(2026, 3, 7)}


@pytest.mark.parametrize(
    "zone", ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]
)
def test_the_database_groups_reviews_by_study_day_like_python(me, zone):
    me.timezone = zone
    moments = []
    for day in (at(2026, 3, 8), at(2026, 3, 29), at(2025, 10, 26), at(2025, 11, 2)):
        for hour in range(0, 24, 1):
            for minute in (0, 29, 59):
                moments.append(day + timedelta(hours=hour, minutes=minute))
    for index, moment in enumerate(moments):
        add_review(me, BASICS[index % 7], moment)
    db.session.commit()
    expected = Counter(srs.study_date(m, zone) for m in moments)
    found = progress.daily_reviews(db.session, me, at(2026, 4, 1), date(2025, 10, 1))
    assert {day: counts.reviews for day, counts in found.items()} == expected


def test_a_streak_longer_than_the_calendar_looks_further_back(me):
    for days in range(400):
        add_review(me, BASICS[days % 7], NOW - timedelta(days=days))
    db.session.commit()
    board = progress.dashboard(db.session, me, NOW)
    assert board.streak_days == 400
    assert len(board.daily) == progress.HISTORY_DAYS + 1


def test_retention_counts_review_cards_not_rated_again(me):
    for rating in (3, 3, 4, 1):
        add_review(me, BASICS[0], NOW - timedelta(days=2), rating=rating)
    add_review(me, BASICS[1], NOW - timedelta(days=2), rating=1, undone=True)
    add_review(me, BASICS[2], NOW - timedelta(days=3), rating=1, previous_state=0)
    add_review(me, BASICS[3], NOW - timedelta(days=3), rating=1, previous_state=1)
    add_review(me, BASICS[4], NOW - timedelta(days=20), rating=1)
    add_review(me, BASICS[5], NOW - timedelta(days=45), rating=1)
    db.session.commit()
    board = progress.dashboard(db.session, me, NOW)
    assert board.retention_7d == pytest.approx(3 / 4)
    assert board.retention_30d == pytest.approx(3 / 5)


def test_cards_by_state_and_mastery_per_topic(me):
    set_state(me, BASICS[0], State.Learning, interval_days=0.01, stability=1)
    set_state(me, BASICS[1], interval_days=5, stability=6)
    set_state(me, BASICS[2], interval_days=21, stability=25)
    set_state(me, BASICS[3], interval_days=60, stability=70)
    set_state(me, EXTRAS[0], interval_days=30, stability=30)
    db.session.commit()
    board = progress.dashboard(db.session, me, NOW)
    assert board.cards_by_state.as_dict() == {
        "new": 8,
        "learning": 1,
        "young": 1,
        "mature": 3,
    }
    basics, extras = board.topics
    assert (basics.mastery.mastered, basics.mastery.cards) == (2, 7)
    assert basics.mastery.mastery == pytest.approx(2 / 7)
    assert extras.mastery.mastery == pytest.approx(1 / 6)
    assert 0 < basics.mastery.recall < 1


def test_latest_quiz_and_exam_scores_per_topic(me):
    add_attempt(me, "practice", NOW - timedelta(days=3), {"basics": 50.0})
    add_attempt(me, "practice", NOW - timedelta(days=1), {"basics": 80.0})
    add_attempt(me, "exam", NOW - timedelta(days=2), {"basics": 70, "extras": 40})
    db.session.commit()
    board = progress.dashboard(db.session, me, NOW)
    basics, extras = board.topics
    assert (basics.scores.quiz, basics.scores.exam) == (80.0, 70.0)
    assert (extras.scores.quiz, extras.scores.exam) == (None, 40.0)
    assert [a.mode for a in board.attempts] == ["practice", "exam", "practice"]


def test_another_learners_progress_never_counts(app, me):
    other = learner(make_user(app, "other@example.com"))
    for days in range(5):
        add_review(other, BASICS[days], NOW - timedelta(days=days))
    set_state(other, BASICS[0], interval_days=60, stability=90)
    add_attempt(other, "exam", NOW, {"basics": 100.0})
    db.session.commit()
    board = progress.dashboard(db.session, learner(me.id), NOW)
    assert board.daily == {} and board.streak_days == 0
    assert board.cards_by_state.mature == 0 and board.attempts == []
    assert board.topics[0].scores.exam is None


def test_a_pack_filter_limits_the_topics(me):
    assert progress.dashboard(db.session, me, NOW, pack="starter").topics
    assert progress.dashboard(db.session, me, NOW, pack="nothing").topics == []


def count_statements(function):
    statements = []

    def record(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        function()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def test_the_number_of_queries_does_not_grow_with_reviews(me):
    add_review(me, BASICS[0], NOW - timedelta(days=1))
    db.session.commit()
    few = count_statements(lambda: progress.dashboard(db.session, me, NOW))
    for n in range(600):
        add_review(me, BASICS[n % 7], NOW - timedelta(hours=n * 7))
    set_state(me, BASICS[1])
    add_attempt(me, "exam", NOW, {"basics": 90.0})
    db.session.commit()
    many = count_statements(lambda: progress.dashboard(db.session, me, NOW))
    assert len(many) == len(few) <= 10
    reads = [sql for sql in many if "FROM review_logs" in sql]
    assert reads and all("count(" in sql or "GROUP BY" in sql for sql in reads)
