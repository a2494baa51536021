"""Prepared statements (study.prepared) behave as SQLAlchemy's own execution
would: the same rows and types, SQLAlchemy's exceptions, the session's
transaction, the engine's listeners, and a lost connection invalidated."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import bindparam, event, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from study.extensions import db
from study.models import Card, CardState, ReviewLog, Topic, User
from study.prepared import Prepared, as_loaded
from study.services import queue, reviews, tally
from tests.conftest import make_user

STATES = CardState.__table__


def cards_of(starter_count: int) -> list[int]:
    ids = list(db.session.scalars(select(Card.id).order_by(Card.id)))
    assert len(ids) >= starter_count
    return ids


@pytest.fixture
def learner(app, ctx, starter):
    """A learner with states for the first three cards, due at set times."""
    user = db.session.get(User, make_user(app))
    ids = cards_of(3)
    for n, card_id in enumerate(ids[:3]):
        db.session.add(
            CardState(
                user_id=user.id,
                card_id=card_id,
                state=2,
                step=None,
                stability=4.5 + n,
                difficulty=5.0,
                due=datetime(2026, 3, 1 + n, 9, 30, 15, 123456, tzinfo=UTC),
                last_review=datetime(2026, 2, 20, 8, tzinfo=UTC),
                reps=1,
                lapses=0,
            )
        )
    db.session.commit()
    return user


def both_ways(statement, parameters):
    """Rows from SQLAlchemy's execution and from the prepared statement."""
    connection = db.session.connection()
    expected = [tuple(row) for row in connection.execute(statement, parameters)]
    found = Prepared(statement).all(connection, parameters)
    return expected, found


def test_rows_match_sqlalchemy_with_types_read_back(learner):
    # The due queue's own read: datetimes, floats, NULLs, labels, a subquery.
    query = queue._first_due_query(False, True).statement
    topic_ids = list(db.session.scalars(select(Topic.id)))
    parameters = {
        "user_id": learner.id,
        "states": [2],
        "until": datetime(2026, 4, 1, tzinfo=UTC),
        "topic_ids": topic_ids,
    }
    expected, found = both_ways(query, parameters)
    assert [tuple(row) for row in found] == expected
    row = found[0]
    assert row.due == datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    assert row.due.tzinfo is not None
    assert row.stability == 4.5
    assert row.step is None
    assert row.times_rated == 0
    assert row.topic_slug  # a label keeps its name


def test_a_datetime_parameter_compares_as_stored(learner):
    # Sent as SQLAlchemy sends it, the bound is exclusive to the microsecond.
    statement = select(func.count().label("due")).where(
        STATES.c.user_id == bindparam("user_id"), STATES.c.due < bindparam("until")
    )
    prepared = Prepared(statement)
    connection = db.session.connection()
    second = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
    assert prepared.first(connection, {"user_id": learner.id, "until": second}).due == 1
    later = second.replace(microsecond=123457)
    assert prepared.first(connection, {"user_id": learner.id, "until": later}).due == 2


def test_list_parameters_of_any_length(learner):
    ids = cards_of(3)
    statement = (
        select(STATES.c.card_id)
        .where(
            STATES.c.user_id == bindparam("user_id"),
            STATES.c.card_id.in_(bindparam("ids", expanding=True)),
        )
        .order_by(STATES.c.card_id)
        .limit(2)
    )
    prepared = Prepared(statement)
    connection = db.session.connection()
    for asked, rows in [(ids[:1], ids[:1]), (ids[:3], ids[:2]), (ids[1:3], ids[1:3])]:
        found = prepared.all(connection, {"user_id": learner.id, "ids": asked})
        assert [row.card_id for row in found] == rows


def test_writes_join_the_sessions_transaction(learner):
    card_id = cards_of(1)[0]
    move = Prepared(
        update(STATES)
        .where(STATES.c.card_id == bindparam("card"))
        .values(reps=STATES.c.reps + 1)
    )
    assert move.run(db.session.connection(), {"card": card_id}) == 1
    db.session.rollback()
    reps = db.session.scalar(select(CardState.reps).where(CardState.card_id == card_id))
    assert reps == 1  # rolled back with the session
    move.run(db.session.connection(), {"card": card_id})
    db.session.commit()
    reps = db.session.scalar(select(CardState.reps).where(CardState.card_id == card_id))
    assert reps == 2


def test_a_constraint_failure_is_sqlalchemys_integrity_error(learner):
    card_id = cards_of(1)[0]
    add = Prepared(insert(STATES).values({c: bindparam(c) for c in STATES.c.keys()}))
    row = {c: None for c in STATES.c.keys()}
    row |= {"user_id": learner.id, "card_id": card_id, "state": 2, "reps": 0}
    row |= {"lapses": 0, "due": datetime(2026, 3, 1, tzinfo=UTC)}
    with pytest.raises(IntegrityError) as raised:
        add.run(db.session.connection(), row)
    assert "card_states" in str(raised.value)
    db.session.rollback()


def test_the_engines_listeners_hear_each_statement(learner):
    heard = []

    def note(connection, cursor, statement, parameters, context, executemany):
        heard.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        tally.KEPT.first(db.session.connection(), {"user_id": learner.id})
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len(heard) == 1
    assert "day_tallies" in heard[0]


def test_a_rating_through_prepared_statements_reads_back_through_the_orm(learner):
    card = db.session.get(Card, cards_of(1)[0])
    now = datetime(2026, 3, 5, 12, tzinfo=UTC)
    outcome = reviews.record_review(
        db.session, learner, card.key, 3, "prepared-review-1", 1500, now
    )
    log = db.session.scalars(select(ReviewLog)).one()
    assert (log.rating, log.duration_ms, log.undone, log.from_quiz) == (
        3,
        1500,
        False,
        False,
    )
    assert log.reviewed_at == now
    assert log.state_after["due"] == outcome.due.isoformat()
    state = db.session.get(CardState, (learner.id, card.id))
    assert state.due == outcome.due
    assert state.reps == 2


needs_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="runs with TEST_DATABASE_URL"
)


@needs_postgres
def test_a_lost_connection_is_invalidated_and_replaced(learner):
    connection = db.session.connection()
    pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    url = db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as admin:
        admin.autocommit = True
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(DBAPIError) as raised:
        tally.KEPT.first(connection, {"user_id": learner.id})
    assert raised.value.connection_invalidated
    db.session.rollback()
    found = tally.KEPT.first(db.session.connection(), {"user_id": learner.id})
    assert found is None  # a fresh connection answers
    assert (
        db.session.connection().execute(text("SELECT pg_backend_pid()")).scalar() != pid
    )


def test_an_entity_from_a_row_is_as_if_loaded(app, ctx):
    user_id = make_user(app, display_name="Ana")
    users = User.__table__
    row = Prepared(select(*users.c).where(users.c.id == bindparam("id"))).first(
        db.session.connection(), {"id": user_id}
    )
    user = as_loaded(db.session, User, row)
    assert user in db.session
    assert not db.session.dirty and not db.session.new
    assert (user.id, user.display_name, user.timezone) == (user_id, "Ana", "UTC")
    assert as_loaded(db.session, User, row) is user  # the session's own copy
    user.display_name = "Ana Lima"  # tracked and saved like any loaded entity
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).display_name == "Ana Lima"


def test_an_entity_the_session_holds_is_returned_unchanged(app, ctx):
    user_id = make_user(app)
    held = db.session.get(User, user_id)
    held.display_name = "Changed in this request"
    users = User.__table__
    row = Prepared(select(*users.c).where(users.c.id == bindparam("id"))).first(
        db.session.connection(), {"id": user_id}
    )
    assert as_loaded(db.session, User, row) is held
    assert held.display_name == "Changed in this request"
    db.session.rollback()
