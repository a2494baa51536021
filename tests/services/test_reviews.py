"""Recording ratings, the due queue, idempotency and undo, on a real database."""

from datetime import timedelta

import pytest
from fsrs import State
from sqlalchemy import event, func, insert, select

from study import srs
from study.errors import Conflict, Invalid, NotFound
from study.extensions import db
from study.models import Card, CardState, ReviewLog, Topic, User
from study.services import queue, reviews, tally
from tests.conftest import at
from tests.team_helpers import add_user

NOW = at(2026, 3, 10, 12, 0)


@pytest.fixture
def learner(ctx, starter, user):
    return db.session.get(User, user)


def next_card(learner, now=NOW, **scope):
    scope_ = queue.study_scope(db.session, learner, **scope)
    day = queue.today(db.session, learner, now)
    return queue.next_due(db.session, learner, scope_, now, day)


def review(learner, card, rating=3, now=NOW, review_id=None):
    rid = review_id or queue.review_id_for(db.session, learner, card)
    return reviews.record_review(db.session, learner, card.key, rating, rid, 1500, now)


def test_new_cards_come_in_pack_order(learner):
    first = next_card(learner)
    assert first.key == "starter:note:shell:ls"
    review(learner, first, 4)
    assert next_card(learner).key == "starter:note:shell:pwd"


def test_rating_writes_state_and_an_append_only_log(learner):
    card = next_card(learner)
    outcome = review(learner, card, 3)
    state = db.session.get(CardState, (learner.id, card.id))
    assert state.state == State.Learning and state.reps == 1
    assert outcome.due == NOW + timedelta(minutes=10)
    log = db.session.scalars(select(ReviewLog)).one()
    assert (log.rating, log.previous_state, log.duration_ms) == (3, 0, 1500)
    assert log.state_before is None and log.state_after["state"] == State.Learning


def test_the_same_review_id_twice_counts_once(learner):
    card = next_card(learner)
    rid = queue.review_id_for(db.session, learner, card)
    first = review(learner, card, 3, review_id=rid)
    again = review(learner, card, 3, review_id=rid)
    assert not first.duplicate and again.duplicate
    assert again.due == first.due
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1


def test_two_tabs_showing_one_card_share_a_review_id(learner):
    card = next_card(learner)
    tab_one = queue.review_id_for(db.session, learner, card)
    tab_two = queue.review_id_for(db.session, learner, card)
    assert tab_one == tab_two
    review(learner, card, 1, review_id=tab_one)
    assert review(learner, card, 1, review_id=tab_two).duplicate


def test_a_repeat_that_arrives_when_the_card_is_due_again_counts_once(learner):
    card = next_card(learner)
    rid = queue.review_id_for(db.session, learner, card)
    first = review(learner, card, 1, review_id=rid)  # Again: due in a minute
    later = NOW + timedelta(minutes=5)
    again = review(learner, card, 1, now=later, review_id=rid)
    assert again.duplicate and again.due == first.due
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1
    state = db.session.get(CardState, (learner.id, card.id))
    assert state.reps == 1 and state.due == first.due


def test_a_repeat_for_a_card_retired_since_is_acknowledged(learner):
    card = next_card(learner)
    rid = queue.review_id_for(db.session, learner, card)
    first = review(learner, card, 3, review_id=rid)
    db.session.get(Card, card.id).retired = True
    db.session.commit()
    again = review(learner, card, 3, review_id=rid)
    assert again.duplicate and again.due == first.due
    with pytest.raises(NotFound):
        review(learner, card, 3, review_id="a-fresh-review-id")


def test_a_review_id_reused_for_another_card_is_refused(learner):
    card = next_card(learner)
    rid = "abcdefgh12345678"
    review(learner, card, 4, review_id=rid)
    other = next_card(learner)
    with pytest.raises(Conflict):
        review(learner, other, 3, review_id=rid)


def test_a_card_not_due_is_refused_with_its_due_date(learner):
    card = next_card(learner)
    review(learner, card, 4)  # graduates: due in days
    with pytest.raises(Conflict, match="not due"):
        review(learner, card, 3, review_id="another-review-id")


def test_an_unknown_card_is_refused(learner):
    with pytest.raises(NotFound):
        reviews.record_review(
            db.session, learner, "starter:note:nope:x", 3, "abcdefgh", 0, NOW
        )


@pytest.mark.parametrize(
    ("rating", "review_id", "duration"),
    [
        (0, "abcdefgh", 0),
        (5, "abcdefgh", 0),
        ("3", "abcdefgh", 0),
        (True, "abcdefgh", 0),
        (3, "short", 0),
        (3, None, 0),
        (3, "x" * 65, 0),
        (3, "abcdefgh", -1),
        (3, "abcdefgh", "10"),
        (3, "abcdefgh", 1.5),
    ],
)
def test_malformed_ratings_are_refused(learner, rating, review_id, duration):
    card = next_card(learner)
    with pytest.raises(Invalid):
        reviews.record_review(
            db.session, learner, card.key, rating, review_id, duration, NOW
        )


def test_due_learning_cards_come_before_reviews_and_new_cards(learner):
    first = next_card(learner)
    review(learner, first, 1)  # learning again in a minute
    second = next_card(learner)
    assert second.key != first.key  # the learning card is not due yet
    later = NOW + timedelta(minutes=2)
    assert next_card(learner, later).key == first.key


def test_due_reviews_come_before_new_cards(learner):
    card = next_card(learner)
    review(learner, card, 4)
    state = db.session.get(CardState, (learner.id, card.id))
    assert next_card(learner, state.due).key == card.key


def test_new_cards_per_day_limit_and_rollover(learner):
    learner.new_cards_per_day = 2
    db.session.commit()
    for _ in range(2):
        review(learner, next_card(learner), 4)
    assert next_card(learner) is None
    tomorrow = NOW + timedelta(days=1)
    assert next_card(learner, tomorrow) is not None


@pytest.mark.parametrize(
    ("zone", "offset"),
    [("Pacific/Kiritimati", 14), ("Pacific/Pago_Pago", -11)],  # no DST in either
)
def test_the_study_day_rolls_over_at_4am_in_the_learners_zone(learner, zone, offset):
    learner.timezone = zone
    learner.new_cards_per_day = 2
    db.session.commit()

    def local(hour, minute):  # 11 March 2026 in the learner's zone, as UTC
        return at(2026, 3, 11, hour, minute) - timedelta(hours=offset)

    def new_left(now):
        scope = queue.study_scope(db.session, learner)
        return tally.day_and_counts(db.session, learner, scope, now)[1].new

    night = local(3, 30)
    assert new_left(night) == 2  # the first day, seen late at night
    for _ in range(2):
        review(learner, next_card(learner, night), 4, night)
    assert new_left(night) == 0 and next_card(learner, night) is None
    morning = local(4, 10)  # same local (and UTC) date, but after 4 a.m. there
    assert morning.date() == night.date()
    assert new_left(morning) == 2
    assert next_card(learner, morning).key == "starter:note:shell:cd"


def test_max_reviews_per_day_caps_reviews(learner):
    card = next_card(learner)
    review(learner, card, 4)
    learner.max_reviews_per_day = 0
    learner.new_cards_per_day = 0
    db.session.commit()
    state = db.session.get(CardState, (learner.id, card.id))
    assert next_card(learner, state.due) is None


def test_counts_show_new_learning_and_due(learner):
    scope = queue.study_scope(db.session, learner)
    day = queue.today(db.session, learner, NOW)
    before = queue.counts(db.session, learner, scope, NOW, day)
    assert before.new == 13 and before.learning == 0
    review(learner, next_card(learner), 1)
    day = queue.today(db.session, learner, NOW)
    after = queue.counts(db.session, learner, scope, NOW, day)
    assert (after.new, after.learning, day.ratings) == (12, 1, 1)


def test_the_next_card_comes_with_what_is_shown_of_it(learner):
    shown = next_card(learner)
    card = db.session.get(Card, shown.id)
    assert shown == queue.ShownCard.of(card)
    assert shown.topic_title == card.topic.title and shown.note_slug == "shell"
    due = queue.due_card(db.session, learner, card, NOW)
    assert due.card == shown  # a card loaded by the ORM is shown the same way


def test_scope_limits_the_queue_to_a_topic(learner):
    card = next_card(learner, pack="starter", topic="extras")
    assert card.topic_slug == "extras"


def test_undo_restores_the_previous_state_and_keeps_the_log(learner):
    card = next_card(learner)
    review(learner, card, 4)
    later = NOW + timedelta(days=30)
    second = next_card(learner, later)
    assert second.key == card.key
    before = db.session.get(CardState, (learner.id, card.id)).due
    review(learner, card, 3, later)
    undone = reviews.undo_last_review(db.session, learner)
    assert undone.key == card.key
    db.session.expire_all()
    state = db.session.get(CardState, (learner.id, card.id))
    assert state.due == before and state.reps == 1
    logs = db.session.scalars(select(ReviewLog).order_by(ReviewLog.id)).all()
    assert [log.undone for log in logs] == [False, True]


def test_undo_of_a_new_card_makes_it_new_again(learner):
    card = next_card(learner)
    review(learner, card, 3)
    reviews.undo_last_review(db.session, learner)
    assert db.session.get(CardState, (learner.id, card.id)) is None
    assert next_card(learner).key == card.key
    outcome = review(learner, card, 3)  # a fresh review id after undo
    assert not outcome.duplicate


def test_undo_with_nothing_to_undo(learner):
    assert reviews.undo_last_review(db.session, learner) is None


def count_statements(engine):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return statements, lambda: event.remove(engine, "before_cursor_execute", before)


def review_step(learner, card, review_id, now):
    """What the app does per rating: record it, then the counts and the next card."""
    reviews.record_review(db.session, learner, card.key, 4, review_id, 900, now)
    scope, day, left = tally.scope_day_and_counts(db.session, learner, now)
    following = queue.next_card(db.session, learner, scope, now, day, left)
    return queue.due_card(db.session, learner, following, now)


def one_call_step(learner, card, review_id, now):
    """What the study page does per rating: one call rates the card and finds
    the next one, from the counts the rating's tally update gave."""
    scope = queue.asked_scope(db.session, learner)
    sent = reviews.Submission(card.key, 4, review_id, 900)
    rated = reviews.rate_in_scope(db.session, learner, sent, now, scope, True)
    return rated.next_card


def statements_per_step(user_id, steps=4, now=NOW, step=review_step):
    """Rate the cards shown one after another, each step in a fresh session as
    a request has; return the statements each step ran."""
    learner = db.session.get(User, user_id)
    shown = queue.due_card(db.session, learner, next_card(learner, now), now)
    card_id, review_id = shown.card.id, shown.review_id
    ran = []
    for minutes in range(1, steps + 1):
        db.session.remove()
        learner, card = db.session.get(User, user_id), db.session.get(Card, card_id)
        statements, stop = count_statements(db.engine)
        moment = now + timedelta(minutes=minutes)
        shown = step(learner, card, review_id, moment)
        stop()
        ran.append(statements)
        card_id, review_id = shown.card.id, shown.review_id
    db.session.remove()
    return ran


def test_a_review_step_runs_a_small_constant_number_of_statements(learner):
    ran = statements_per_step(learner.id)
    sizes = [len(statements) for statements in ran]
    # The first step of the day counts the day's cards; later ones adjust that.
    assert sizes[0] > sizes[1] == sizes[2] == sizes[3]
    assert sizes[1] <= 7, "\n".join(ran[1])


def test_a_rating_that_brings_the_next_card_reads_no_count_again(learner):
    ran = statements_per_step(learner.id, step=one_call_step)
    sizes = [len(statements) for statements in ran]
    # The study scope, the lock, the card, the log, the state, the tally's
    # update (which gives the counts) and the next card.
    assert sizes[0] > sizes[1] == sizes[2] == sizes[3]
    assert sizes[1] <= 7, "\n".join(ran[1])


def test_a_rating_finds_the_next_card_inside_its_own_transaction(learner):
    """Read before the rating's commit, the next card needs no transaction of
    its own, and a failure while reading it saves nothing."""
    user_id = learner.id
    shown = queue.due_card(db.session, learner, next_card(learner), NOW)
    transactions = []

    def began(_connection):
        transactions.append(1)

    event.listen(db.engine, "begin", began)
    try:
        for minutes in range(1, 5):
            db.session.remove()
            transactions.clear()
            learner = db.session.get(User, user_id)
            scope = queue.asked_scope(db.session, learner)
            sent = reviews.Submission(shown.card.key, 3, shown.review_id, 900)
            moment = NOW + timedelta(minutes=minutes)
            rated = reviews.rate_in_scope(
                db.session, learner, sent, moment, scope, True
            )
            shown = rated.next_card
            if minutes > 1:  # the day's first rating counts the day
                assert len(transactions) == 1, minutes
    finally:
        event.remove(db.engine, "begin", began)


def test_the_next_card_a_rating_brings_is_the_one_a_fresh_read_shows(learner):
    scope = queue.asked_scope(db.session, learner)
    shown = queue.due_card(db.session, learner, next_card(learner), NOW)
    for minutes, rating in enumerate((1, 3, 2, 4, 1, 3), start=1):
        moment = NOW + timedelta(minutes=minutes)
        sent = reviews.Submission(shown.card.key, rating, shown.review_id, 900)
        rated = reviews.rate_in_scope(db.session, learner, sent, moment, scope, True)
        day, left = tally.day_and_counts(db.session, learner, scope, moment)
        fresh = queue.next_card(db.session, learner, scope, moment, day, left)
        assert rated.counts == left
        assert rated.next_card == queue.due_card(db.session, learner, fresh, moment)
        shown = rated.next_card
    sent = reviews.Submission(shown.card.key, 3, shown.review_id, 900)
    plain = reviews.rate_in_scope(db.session, learner, sent, NOW, scope)
    assert plain.next_card is None and not plain.outcome.duplicate


def add_long_history(user_id, cards=2000, ratings_each=2, now=NOW):
    """Give a learner a long past: thousands of cards studied before today and
    rated a few times each, none due today (bulk inserts, well under a second)."""
    topic_id = db.session.scalar(
        select(Topic.id).where(Topic.pack_id == "starter", Topic.slug == "extras")
    )
    connection = db.session.connection()
    connection.execute(
        insert(Card),
        [
            {
                "key": f"starter:history:{n}",
                "pack_id": "starter",
                "topic_id": topic_id,
                "kind": "qa",
                "front": f"Question {n}",
                "back": f"Answer {n}",
                "position": 10_000 + n,
            }
            for n in range(cards)
        ],
    )
    card_ids = db.session.scalars(
        select(Card.id).where(Card.key.like("starter:history:%")).order_by(Card.id)
    ).all()
    states, logs = [], []
    for n, card_id in enumerate(card_ids):
        last = now - timedelta(days=1 + n % 300, hours=n % 7)
        due = now + timedelta(days=2 + n % 60)
        memory = srs.Memory(int(State.Review), None, 30.0, 5.0, due, last)
        states.append(
            {
                "user_id": user_id,
                "card_id": card_id,
                "state": memory.state,
                "step": None,
                "stability": memory.stability,
                "difficulty": memory.difficulty,
                "due": memory.due,
                "last_review": last,
                "reps": ratings_each,
                "lapses": 0,
            }
        )
        for i in range(ratings_each):
            logs.append(
                {
                    "user_id": user_id,
                    "card_id": card_id,
                    "review_id": f"history-{n}-{i}",
                    "rating": 3,
                    "reviewed_at": last - timedelta(days=30 * i),
                    "duration_ms": 4000,
                    "previous_state": int(State.Review),
                    "state_before": memory.to_json(),
                    "state_after": memory.to_json(),
                }
            )
    connection.execute(insert(CardState), states)
    connection.execute(insert(ReviewLog), logs)
    db.session.commit()
    return len(states), len(logs)


def test_the_statements_of_a_review_step_do_not_grow_with_the_history(learner):
    beginner_sizes = [len(s) for s in statements_per_step(learner.id)]
    veteran = add_user("veteran@example.com", "Vera Veteran").id
    assert add_long_history(veteran) == (2000, 4000)
    veteran_steps = statements_per_step(veteran)
    assert [len(s) for s in veteran_steps] == beginner_sizes, "\n".join(
        veteran_steps[0]
    )
    rated = select(func.count()).where(ReviewLog.reviewed_at >= NOW)
    assert db.session.scalar(rated.where(ReviewLog.user_id == veteran)) == 4


def test_the_default_scope_follows_the_study_choices(learner):
    from study.models import StudyChoice, Topic

    def slugs():
        scope = queue.study_scope(db.session, learner)
        return sorted(db.session.get(Topic, i).slug for i in scope.topic_ids)

    assert slugs() == ["basics", "extras"]  # no choice yet: everything
    db.session.add(
        StudyChoice(user_id=learner.id, pack_id="starter", topics=["extras"])
    )
    db.session.commit()
    assert slugs() == ["extras"]
    db.session.get(StudyChoice, (learner.id, "starter")).topics = None
    db.session.commit()
    assert slugs() == ["basics", "extras"]
    for topic in db.session.scalars(select(Topic)):
        topic.retired = True
    db.session.commit()
    assert slugs() == []  # a choice whose topics are gone studies nothing
