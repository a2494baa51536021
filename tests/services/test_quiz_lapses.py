"""A quiz question answered wrong lapses the cards behind it that the learner
had studied, but is no rating the learner gave: it reschedules the card and
shows in its history, and counts toward no daily limit, streak, retention or
leaderboard; Undo never takes it back. A card never studied stays new, and a
question left blank scores as wrong but leaves the schedule alone."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from study.extensions import db
from study.models import Card, CardState, ReviewLog, Topic, User
from study.services import (
    backup,
    history,
    lapses,
    progress,
    queue,
    quizzes,
    reviews,
    team_leaderboard,
    teams,
)
from tests.conftest import at, make_user
from tests.quiz_answers import wrong_answer

NOW = at(2026, 3, 10, 12, 0)
YESTERDAY = NOW - timedelta(days=1)


@pytest.fixture
def learner(ctx, starter, user):
    return db.session.get(User, user)


def take_the_basics_quiz(learner, now=NOW, answer=True):
    """Submit a quiz on the starter pack's first topic, every question
    answered wrong (or left blank); return the attempt."""
    request = quizzes.QuizRequest(pack="starter", topics=("basics",), count=5)
    attempt = quizzes.start_quiz(
        db.session, learner, request, now, rng=random.Random(7)
    )
    given = {
        item.position: wrong_answer(item.question.kind, item.shown, item.key)
        for item in attempt.items
    }
    return quizzes.submit_quiz(
        db.session, learner, attempt.id, now, given if answer else None
    )


def quiz_lapses() -> list[ReviewLog]:
    return db.session.scalars(
        select(ReviewLog).where(ReviewLog.from_quiz.is_(True)).order_by(ReviewLog.id)
    ).all()


def miss_a_quiz(learner, now=NOW) -> list[ReviewLog]:
    """Answer the basics quiz wrong; return the lapses it wrote."""
    take_the_basics_quiz(learner, now)
    lapses_written = quiz_lapses()
    assert lapses_written, "the quiz should have lapsed some cards"
    return lapses_written


def study_one(learner, now=NOW, key=None, rating=3) -> str:
    """Rate the next card (or the card `key`); return its key."""
    if key is None:
        scope = queue.study_scope(db.session, learner)
        day = queue.today(db.session, learner, now)
        key = queue.next_due(db.session, learner, scope, now, day).key
    card = db.session.scalar(select(Card).where(Card.key == key))
    review_id = queue.review_id_for(db.session, learner, card)
    reviews.record_review(db.session, learner, key, rating, review_id, 1500, now)
    return key


def basics_keys() -> list[str]:
    return db.session.scalars(
        select(Card.key)
        .join(Card.topic)
        .where(Topic.slug == "basics", Card.retired.is_(False))
        .order_by(Card.position)
    ).all()


def study_the_basics(learner, when=YESTERDAY) -> list[str]:
    """Rate every card of the first topic Easy, so none is due at NOW."""
    keys = basics_keys()
    for key in keys:
        study_one(learner, when, key=key, rating=4)
    return keys


def linked_keys(attempt) -> set[str]:
    """The cards behind an attempt's questions."""
    return {key for item in attempt.items for key in item.question.data["cards"]}


def an_extra_card() -> str:
    """A card of the starter pack's second topic, which the quiz leaves alone."""
    return db.session.scalar(
        select(Card.key)
        .join(Card.topic)
        .where(Topic.slug == "extras", Card.retired.is_(False))
        .order_by(Card.position)
        .limit(1)
    )


def figures(learner, now=NOW):
    """What the learner sees counted today and on the dashboard."""
    day = queue.today(db.session, learner, now)
    board = progress.dashboard(db.session, learner, now + timedelta(minutes=1))
    return (
        (day.new_done, day.reviews_done, day.ratings),
        (board.reviews_today, board.streak_days, board.retention_7d),
        dict(board.daily),
    )


def test_quiz_lapses_count_toward_no_daily_figure(learner):
    study_the_basics(learner)
    before = figures(learner)
    assert (
        queue.counts(
            db.session,
            learner,
            queue.study_scope(db.session, learner),
            NOW,
            queue.today(db.session, learner, NOW),
        ).learning
        == 0
    )
    lapsed = miss_a_quiz(learner)
    assert all(log.rating == 1 and log.duration_ms == 0 for log in lapsed)
    assert figures(learner) == before
    # ...but the cards did come due: the lapse went through the scheduler.
    board = progress.dashboard(db.session, learner, NOW + timedelta(minutes=1))
    assert board.learning_due == len(lapsed)


def test_a_lapse_is_a_forgotten_review(learner):
    studied = study_the_basics(learner)
    attempt = take_the_basics_quiz(learner)
    lapsed = quiz_lapses()
    assert {log.card.key for log in lapsed} == linked_keys(attempt)
    assert linked_keys(attempt) <= set(studied)
    for log in lapsed:
        state = db.session.get(CardState, (learner.id, log.card_id))
        assert state.lapses == 1 and state.due <= NOW + timedelta(minutes=10)
        assert log.previous_state == 2  # it was in review


def test_cards_never_studied_stay_new(learner):
    learner.new_cards_per_day = 3
    db.session.commit()
    attempt = take_the_basics_quiz(learner)
    assert attempt.correct_count == 0
    assert quiz_lapses() == []
    assert db.session.scalar(select(func.count()).select_from(CardState)) == 0
    scope = queue.study_scope(db.session, learner)
    day = queue.today(db.session, learner, NOW)
    counts = queue.counts(db.session, learner, scope, NOW, day)
    assert (counts.new, counts.learning) == (3, 0)
    follow = lapses.follow_up(db.session, learner.id, attempt)
    assert follow.lapsed == 0 and follow.new_cards == len(linked_keys(attempt))
    assert [slug for slug, _ in follow.new_topics] == ["basics"]


def test_questions_left_blank_leave_the_schedule_alone(learner):
    study_the_basics(learner)
    states_before = {
        s.card_id: (s.due, s.stability) for s in db.session.scalars(select(CardState))
    }
    attempt = take_the_basics_quiz(learner, answer=False)
    assert attempt.correct_count == 0 and attempt.score == 0
    assert quiz_lapses() == []
    db.session.expire_all()
    states_after = {
        s.card_id: (s.due, s.stability) for s in db.session.scalars(select(CardState))
    }
    assert states_after == states_before
    follow = lapses.follow_up(db.session, learner.id, attempt)
    assert (follow.lapsed, follow.new_cards, follow.blank) == (0, 0, 4)


def test_the_follow_up_counts_what_one_attempt_lapsed(learner):
    study_the_basics(learner)
    first = take_the_basics_quiz(learner, NOW)
    second = take_the_basics_quiz(learner, NOW + timedelta(hours=1))
    for attempt in (first, second):
        follow = lapses.follow_up(db.session, learner.id, attempt)
        expected = (len(linked_keys(attempt)), 0, 0)
        assert (follow.lapsed, follow.new_cards, follow.blank) == expected


def test_quiz_lapses_leave_the_new_card_limit_whole(learner):
    learner.new_cards_per_day = 3
    db.session.commit()
    study_the_basics(learner, NOW - timedelta(days=3))
    miss_a_quiz(learner)
    scope = queue.study_scope(db.session, learner)
    day = queue.today(db.session, learner, NOW)
    assert queue.counts(db.session, learner, scope, NOW, day).new == 3


def test_quiz_lapses_are_not_on_the_leaderboard(learner):
    team = teams.create_team(db.session, learner, "Platform crew", NOW)
    study_the_basics(learner, NOW - timedelta(days=10))

    def reviews_on_the_board():
        boards = team_leaderboard.leaderboards(db.session, team, [], NOW, "UTC")
        return [line.entry.value for line in boards.reviews]

    before = reviews_on_the_board()
    miss_a_quiz(learner)
    assert reviews_on_the_board() == before
    study_one(learner, NOW + timedelta(minutes=1))
    assert sum(reviews_on_the_board()) == sum(before) + 1


def test_undo_takes_back_the_study_rating_not_the_quiz_lapse(learner):
    study_the_basics(learner)
    studied = study_one(learner, NOW - timedelta(minutes=5), key=an_extra_card())
    lapsed = miss_a_quiz(learner)
    assert studied not in {log.card.key for log in lapsed}
    undone = reviews.undo_last_review(db.session, learner)
    assert undone is not None and undone.key == studied
    logs = db.session.scalars(select(ReviewLog)).all()
    assert [log.card.key for log in logs if log.undone] == [studied]
    # Undo may go on through ratings of cards the quiz left alone, but stops
    # at the first rating a lapse came after, and takes back no lapse.
    lapsed_cards = {log.card_id for log in lapsed}
    while (card := reviews.undo_last_review(db.session, learner)) is not None:
        assert card.id not in lapsed_cards
    assert quiz_lapses() == lapsed


def test_undo_leaves_a_rating_a_quiz_lapse_came_after(learner):
    study_the_basics(learner, NOW - timedelta(days=2))
    lapsed = miss_a_quiz(learner, NOW - timedelta(hours=1))
    key = lapsed[0].card.key
    study_one(learner, NOW - timedelta(minutes=30), key=key)
    miss_a_quiz(learner)
    card_id = lapsed[0].card_id
    state = db.session.get(CardState, (learner.id, card_id))
    due_before = state.due
    assert reviews.undo_last_review(db.session, learner) is None
    db.session.expire_all()
    assert db.session.get(CardState, (learner.id, card_id)).due == due_before


def test_the_card_history_names_the_quiz_lapse(learner):
    study_the_basics(learner)
    lapse = miss_a_quiz(learner)[0]
    info = history.card_info(db.session, learner, lapse.card.key, NOW)
    assert [row.rating_name for row in info.reviews] == ["Easy", "Missed in a quiz"]
    page = history.review_history(db.session, learner)
    assert {row.rating_name for row in page.rows} == {"Missed in a quiz", "Easy"}
    csv_lines = "".join(backup.review_log_csv(db.session, learner)).splitlines()
    assert csv_lines[0].endswith(",from_quiz")
    flags = [line.rsplit(",", 1)[1] for line in csv_lines[1:]]
    assert flags.count("yes") == len(quiz_lapses())
    assert flags.count("no") == len(basics_keys())


def test_a_progress_backup_keeps_which_lapses_came_from_a_quiz(app, learner):
    studied = study_the_basics(learner)
    study_one(learner, NOW - timedelta(minutes=5))
    lapsed = miss_a_quiz(learner)
    document = backup.export_progress(db.session, learner, NOW)
    other = db.session.get(User, make_user(app, "other@example.com"))
    backup.import_progress(db.session, other, document)
    restored = db.session.scalars(
        select(ReviewLog).where(ReviewLog.user_id == other.id)
    ).all()
    assert sum(log.from_quiz for log in restored) == len(lapsed)
    assert sum(not log.from_quiz for log in restored) == len(studied) + 1
    day = queue.today(db.session, other, NOW)
    assert day.ratings == 1
