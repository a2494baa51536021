"""`flask db upgrade` from the first release's schema keeps every row.

The database is built at the first Alembic revision and filled through the
services (accounts, tokens, an imported pack, a study choice, reviews with an
undo), then upgraded to head with the CLI. Every table that existed before is
compared row by row, and the upgraded app keeps working on the old data.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from study import create_app
from study.config import engine_options
from study.extensions import db
from study.models import Base, DayTally, User
from study.packs.importer import import_packs
from study.services import accounts, choices, queue, quizzes, reviews
from tests.conftest import PASSWORD, STARTER, at
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
    """Use the first release's features: accounts, a pack, reviews, an undo.

    Today's rating service also keeps the day's tally, a table the first
    release did not have: it gets a scratch one while the old data is written,
    dropped again before the upgrade."""
    with app.app_context():
        DayTally.__table__.create(db.engine)
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
        DayTally.__table__.drop(db.engine)


def rows_of(app, names: list[str]) -> dict[str, list[tuple]]:
    """Return every row of the named tables, in primary-key order."""
    found = {}
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            if table.name in names:
                query = select(table).order_by(*table.primary_key.columns)
                found[table.name] = [tuple(r) for r in db.session.execute(query)]
        db.session.remove()
    return found


def test_upgrading_from_the_first_release_keeps_all_data(tmp_path):
    with empty_database(tmp_path) as url:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
            }
        )
        with app.app_context():
            upgrade(revision=FIRST_REVISION)
            old_tables = sorted(inspect(db.engine).get_table_names())
            db.session.remove()
        assert "quiz_attempts" not in old_tables and "users" in old_tables
        old_release_data(app)
        before = rows_of(app, old_tables)
        assert all(before[name] for name in ("users", "cards", "review_logs"))

        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output

        assert rows_of(app, old_tables) == before
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
