"""Quizzes and mock exams through the service layer, on a real database."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from study.errors import Conflict, Invalid, NotFound
from study.extensions import db
from study.models import Card, CardState, QuizAttempt, ReviewLog, User
from study.services import queue, quiz_history, quizzes, reviews
from study.services.quizzes import QuizRequest
from tests.conftest import at, make_user
from tests.quiz_answers import right_answer_to, wrong_answer_to

NOW = at(2026, 3, 10, 12, 0)


@pytest.fixture
def learner(ctx, starter, user):
    return db.session.get(User, user)


def start(learner, now=NOW, **kwargs):
    request = QuizRequest(pack="starter", **{"count": 5, **kwargs})
    return quizzes.start_quiz(db.session, learner, request, now, rng=random.Random(7))


def test_practice_quiz_spreads_over_topics(learner):
    attempt = start(learner, count=6)
    assert attempt.question_count == 6
    topics = {item.question.topic.slug for item in attempt.items}
    assert topics == {"basics", "extras"}
    assert attempt.deadline is None


@pytest.mark.parametrize("count", [4, 51, "10", None, True])
def test_practice_count_must_be_5_to_50(learner, count):
    with pytest.raises(Invalid):
        start(learner, count=count)


def test_unknown_pack_and_topic(learner):
    with pytest.raises(NotFound):
        quizzes.start_quiz(db.session, learner, QuizRequest(pack="nope", count=5), NOW)
    with pytest.raises(Invalid):
        start(learner, topics=("nope",))


def test_topic_choice_limits_the_questions(learner):
    attempt = start(learner, topics=("basics",), count=5)
    assert {i.question.topic.slug for i in attempt.items} == {"basics"}
    assert attempt.question_count == 4  # all the basics questions there are


def test_one_attempt_at_a_time(learner):
    start(learner)
    with pytest.raises(Conflict):
        start(learner)


def test_all_right_scores_100_and_per_topic(learner):
    attempt = start(learner, count=10)
    for item in attempt.items:
        quizzes.save_answer(
            db.session, learner, attempt.id, item.position, right_answer_to(item), NOW
        )
    done = quizzes.submit_quiz(
        db.session, learner, attempt.id, NOW + timedelta(minutes=3)
    )
    assert done.score == 100.0 and done.correct_count == 10
    assert sum(t["total"] for t in done.per_topic.values()) == 10
    assert done.passed is None  # practice has no pass mark


def test_submitted_attempt_cannot_change(learner):
    attempt = start(learner)
    quizzes.submit_quiz(db.session, learner, attempt.id, NOW)
    with pytest.raises(Conflict):
        quizzes.save_answer(db.session, learner, attempt.id, 1, "a", NOW)
    again = quizzes.submit_quiz(db.session, learner, attempt.id, NOW, {"1": "a"})
    assert again.score == 0.0


def test_answers_of_the_wrong_shape_are_refused(learner):
    attempt = start(learner, count=10)
    for item in attempt.items:
        with pytest.raises(Invalid):
            bad = {"x": "y"} if item.question.kind != "matching" else ["x"]
            quizzes.save_answer(
                db.session, learner, attempt.id, item.position, bad, NOW
            )


def test_another_learners_attempt_is_not_found(app, learner):
    attempt = start(learner)
    other = db.session.get(User, make_user(app, "other@example.com"))
    with pytest.raises(NotFound):
        quizzes.save_answer(db.session, other, attempt.id, 1, "a", NOW)
    with pytest.raises(NotFound):
        quizzes.submit_quiz(db.session, other, attempt.id, NOW)


def test_mock_exam_uses_pack_settings_and_weights(learner):
    exam = start(learner, mode="exam")
    assert exam.question_count == 6
    assert exam.deadline == NOW + timedelta(minutes=10)
    assert exam.pass_mark == 60
    slugs = [i.question.topic.slug for i in exam.items]
    assert slugs.count("basics") == 4 and slugs.count("extras") == 2


def test_exam_time_limit_is_enforced_on_the_server(learner):
    exam = start(learner, mode="exam")
    first = exam.items[0]
    quizzes.save_answer(db.session, learner, exam.id, 1, right_answer_to(first), NOW)
    late = exam.deadline + timedelta(seconds=30)
    with pytest.raises(Conflict, match="Time ran out"):
        quizzes.save_answer(
            db.session, learner, exam.id, 2, right_answer_to(exam.items[1]), late
        )
    db.session.expire_all()
    graded = db.session.get(QuizAttempt, exam.id)
    assert graded.status == "submitted" and graded.timed_out
    assert graded.correct_count == 1
    assert graded.submitted_at == exam.deadline
    assert graded.passed is False


def test_an_expired_open_attempt_is_closed_when_the_next_quiz_starts(learner):
    exam = start(learner, mode="exam")
    start(learner, now=exam.deadline + timedelta(minutes=1))
    db.session.expire_all()
    assert db.session.get(QuizAttempt, exam.id).status == "submitted"


def test_immediate_feedback_locks_the_question(learner):
    attempt = start(learner, feedback="each")
    item = attempt.items[0]
    quizzes.save_answer(db.session, learner, attempt.id, 1, right_answer_to(item), NOW)
    checked = quizzes.check_now(db.session, learner, attempt.id, 1, NOW)
    assert checked.locked and checked.correct
    with pytest.raises(Conflict):
        quizzes.save_answer(db.session, learner, attempt.id, 1, None, NOW)


def test_missed_questions_make_their_studied_cards_due(learner):
    cards = {
        c.key: c.id
        for c in db.session.scalars(select(Card).where(Card.pack_id == "starter"))
    }
    shell = (
        "starter:note:shell:ls",
        "starter:note:shell:echo",
        "starter:note:shell:cat",
    )
    for key in shell:  # studied a week ago, rated Easy: not due at NOW
        card = db.session.get(Card, cards[key])
        review_id = queue.review_id_for(db.session, learner, card)
        reviews.record_review(
            db.session, learner, key, 4, review_id, 1500, NOW - timedelta(days=7)
        )
    attempt = start(learner, topics=("basics",), count=5)
    answers = {item.position: wrong_answer_to(item) for item in attempt.items}
    quizzes.submit_quiz(db.session, learner, attempt.id, NOW, answers)
    for key in shell:
        state = db.session.get(CardState, (learner.id, cards[key]))
        assert state is not None and state.due <= NOW + timedelta(minutes=10)
    lapses = db.session.scalars(
        select(ReviewLog).where(ReviewLog.from_quiz.is_(True))
    ).all()
    assert {log.card_id for log in lapses} == {cards[key] for key in shell}
    assert all(log.rating == 1 for log in lapses)


def test_domc_asks_one_option_at_a_time(learner):
    exam = start(learner, mode="exam", domc=True)
    item = next(i for i in exam.items if i.question.kind in ("single", "multiple"))
    correct = set(item.key["correct"])
    for option in item.shown["sequence"]:
        says_yes = option in correct
        item = quizzes.domc_answer(
            db.session, learner, exam.id, item.position, option, says_yes, NOW
        )
        if item.locked:
            break
    assert item.locked and item.correct
    with pytest.raises(Conflict):
        quizzes.domc_answer(db.session, learner, exam.id, item.position, "a", True, NOW)


def test_domc_wrong_yes_ends_the_question(learner):
    exam = start(learner, mode="exam", domc=True)
    item = next(i for i in exam.items if i.question.kind == "single")
    wrong = next(o for o in item.shown["sequence"] if o not in item.key["correct"])
    for option in item.shown["sequence"]:
        item = quizzes.domc_answer(
            db.session, learner, exam.id, item.position, option, option == wrong, NOW
        )
        if item.locked:
            break
    assert item.locked and item.correct is False


def test_history_and_weak_topic_drill(learner):
    attempt = start(learner, topics=("basics",), count=5)
    quizzes.submit_quiz(db.session, learner, attempt.id, NOW)  # 0% on basics
    attempt = start(learner, topics=("extras",), count=5)
    for item in attempt.items:
        quizzes.save_answer(
            db.session, learner, attempt.id, item.position, right_answer_to(item), NOW
        )
    quizzes.submit_quiz(db.session, learner, attempt.id, NOW)
    records = {
        (r.pack_id, r.topic): r for r in quiz_history.topic_records(db.session, learner)
    }
    assert records["starter", "basics"].best == 0
    assert records["starter", "extras"].last == 100
    drill = start(learner, mode="drill", count=5)
    assert drill.topics[0] == "basics"
