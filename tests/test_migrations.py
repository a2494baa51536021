"""`flask db upgrade` from the first release's schema keeps every row.

The database is built at the first Alembic revision and filled through the
services (accounts, tokens, an imported pack, a study choice, reviews with an
undo), then upgraded to head with the CLI. Every table that existed before is
compared row by row, and the upgraded app keeps working on the old data.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from study import create_app
from study.config import engine_options
from study.extensions import db
from study.models import Base, Card, CardState, DayTally, ReviewLog, User
from study.packs.importer import import_packs
from study.services import (
    accounts,
    assignments,
    choices,
    queue,
    quizzes,
    reviews,
    tally,
    team_invites,
    teams,
)
from tests.conftest import PASSWORD, STARTER, at
from tests.quiz_answers import wrong_answer_to
from tests.servers import pg_url_from_env, scratch_database

FIRST_REVISION = "c4de9d8ae6f7"
NOW = at(2026, 2, 1, 9, 0)


@contextmanager
def empty_database(tmp_path):
    """Yield an empty database of the kind the suite runs on."""
    if url := pg_url_from_env():
        with scratch_database(url) as database:
            yield database
        return
    yield f"sqlite:///{tmp_path / 'old.db'}"


def old_release_data(app) -> None:
    """Use the first release's features: accounts, a pack, reviews, an undo."""
    with app.app_context(), scratch_day_tallies():
        import_packs(db.session, STARTER)
        for number in range(3):
            user = accounts.create_user(
                db.session, f"old{number}@example.com", PASSWORD, timezone="Asia/Tokyo"
            )
            accounts.create_api_token(db.session, user, "old token")
            for step in range(4 + number):
                moment = NOW + timedelta(minutes=step)
                scope = queue.study_scope(db.session, user)
                day = queue.today(db.session, user, moment)
                card = queue.next_due(db.session, user, scope, moment, day)
                review_id = queue.review_id_for(db.session, user, card)
                reviews.record_review(
                    db.session, user, card.key, 1 + step % 4, review_id, 900, moment
                )
            reviews.undo_last_review(db.session, user)
        first = db.session.scalar(select(User).order_by(User.id))
        choices.save_study_choices(db.session, first, {"starter": ["basics"]})
        db.session.remove()


@contextmanager
def scratch_day_tallies():
    """Today's services keep the day's tally and mark a quiz's lapses, which
    older releases did not: give them a scratch table and column while old
    data is written, dropped again before the upgrade."""
    DayTally.__table__.create(db.engine)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "ALTER TABLE review_logs"
                " ADD COLUMN from_quiz BOOLEAN NOT NULL DEFAULT false"
            )
        )
    try:
        yield
    finally:
        db.session.remove()
        DayTally.__table__.drop(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE review_logs DROP COLUMN from_quiz"))


def rows_of(app, names: list[str], columns=None) -> dict[str, list[tuple]]:
    """Return every row of the named tables, in primary-key order: only the
    given columns of each (by default, the columns the database has now)."""
    found = {}
    with app.app_context():
        columns = columns or columns_of(names)
        for table in Base.metadata.sorted_tables:
            if table.name in names:
                chosen = [table.c[name] for name in columns[table.name]]
                query = select(*chosen).order_by(*table.primary_key.columns)
                found[table.name] = [tuple(r) for r in db.session.execute(query)]
        db.session.remove()
    return found


def columns_of(names: list[str]) -> dict[str, list[str]]:
    """Return the column names the database has for each named table."""
    inspector = inspect(db.engine)
    return {name: [c["name"] for c in inspector.get_columns(name)] for name in names}


def app_at_revision(url: str, revision: str):
    """Return an app on a database migrated up to `revision`, and its tables."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        }
    )
    with app.app_context():
        upgrade(revision=revision)
        tables = sorted(inspect(db.engine).get_table_names())
        db.session.remove()
    return app, tables


def test_upgrading_from_the_first_release_keeps_all_data(tmp_path):
    with empty_database(tmp_path) as url:
        app, old_tables = app_at_revision(url, FIRST_REVISION)
        assert "quiz_attempts" not in old_tables and "users" in old_tables
        old_release_data(app)
        with app.app_context():
            old_columns = columns_of(old_tables)
        before = rows_of(app, old_tables, old_columns)
        assert all(before[name] for name in ("users", "cards", "review_logs"))

        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output

        assert rows_of(app, old_tables, old_columns) == before
        with app.app_context():
            head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
            assert head != FIRST_REVISION
            assert set(inspect(db.engine).get_table_names()) >= {
                table.name for table in Base.metadata.sorted_tables
            }
            user = db.session.scalar(select(User).order_by(User.id))
            attempt = quizzes.start_quiz(
                db.session, user, quizzes.QuizRequest(pack="starter", count=5), NOW
            )
            assert attempt.question_count >= 5
            assert accounts.authenticate(db.session, user.email, PASSWORD) == user
            db.session.remove()
            db.engine.dispose()


PREVIOUS_RELEASE = "feb32588318b"  # the schema before the day tallies


def previous_release_data(app) -> None:
    """Everything the previous release stored: the first release's data plus
    quiz attempts, a team with a member, an invite and an assignment."""
    old_release_data(app)
    with app.app_context(), scratch_day_tallies():
        owner, member = db.session.scalars(select(User).order_by(User.id)).all()[:2]
        attempt = quizzes.start_quiz(
            db.session, owner, quizzes.QuizRequest(pack="starter", count=5), NOW
        )
        study_linked_cards(owner, attempt, NOW + timedelta(minutes=1))
        wrong = {item.position: wrong_answer_to(item) for item in attempt.items}
        quizzes.submit_quiz(
            db.session, owner, attempt.id, NOW + timedelta(minutes=3), wrong
        )
        team = teams.create_team(db.session, owner, "Platform crew", NOW)
        team_invites.create_link_invite(db.session, owner, team.id, NOW)
        team_invites.invite_by_email(db.session, owner, team.id, member.email, NOW)
        spec = assignments.AssignmentSpec(
            pack="starter", due="2026-03-01", all_cards_studied=True, exam_passed=True
        )
        assignments.create_assignment(db.session, owner, team.id, spec, NOW)


def study_linked_cards(user, attempt, moment) -> None:
    """Rate the cards behind a quiz's questions that the user never studied, so
    that its wrong answers lapse them."""
    keys = {key for item in attempt.items for key in item.question.data["cards"]}
    studied = set(
        db.session.scalars(
            select(Card.key)
            .join(CardState, CardState.card_id == Card.id)
            .where(CardState.user_id == user.id)
        )
    )
    for card in db.session.scalars(select(Card).where(Card.key.in_(keys - studied))):
        review_id = queue.review_id_for(db.session, user, card)
        reviews.record_review(db.session, user, card.key, 3, review_id, 900, moment)


def test_upgrading_from_the_previous_release_keeps_all_data(tmp_path):
    with empty_database(tmp_path) as url:
        app, old_tables = app_at_revision(url, PREVIOUS_RELEASE)
        assert "day_tallies" not in old_tables and "teams" in old_tables
        previous_release_data(app)
        with app.app_context():
            old_columns = columns_of(old_tables)
        before = rows_of(app, old_tables, old_columns)
        for table in ("quiz_attempts", "teams", "team_invites", "team_assignments"):
            assert before[table], table

        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output

        assert rows_of(app, old_tables, old_columns) == before
        with app.app_context():
            # The quiz's lapses are found and marked; study ratings are not.
            marked = db.session.execute(
                select(ReviewLog.duration_ms, ReviewLog.from_quiz)
            ).all()
            assert {d for d, quiz in marked if quiz} == {0}
            assert {d for d, quiz in marked if not quiz} == {900}
            user = db.session.scalar(select(User).order_by(User.id))
            scope = queue.study_scope(db.session, user)
            moment = NOW + timedelta(hours=1)
            day, left = tally.day_and_counts(db.session, user, scope, moment)
            assert left == queue.counts(db.session, user, scope, moment, day)
            db.session.remove()
            db.engine.dispose()


def test_the_migrations_build_the_schema_the_models_describe(ctx):
    """The test database is built by the migrations; autogenerate finds
    nothing the models have that it lacks (a forgotten migration)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []
