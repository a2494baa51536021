"""`flask backup` / `flask restore`: a full copy, row for row, on either database."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import JSON, func, select

from study import create_app
from study.config import engine_options
from study.extensions import db
from study.models import Base, User
from study.packs.importer import import_packs
from study.services import accounts, choices, queue, quizzes, reviews, teams
from tests.conftest import STARTER, at, make_user
from tests.servers import pg_url_from_env, postgres_database

NOW = at(2026, 3, 10, 12, 0)


def fill(app) -> None:
    """Put some of everything in the database: people, a pack, progress."""
    first = make_user(app, "first@example.com", display_name="Fírst «one»")
    second = make_user(app, "second@example.com")
    with app.app_context():
        import_packs(db.session, STARTER)
        for user_id, ratings in ((first, [3, 1, 4, 3, 2]), (second, [4, 4])):
            user = db.session.get(User, user_id)
            accounts.create_api_token(db.session, user, "laptop")
            for number, rating in enumerate(ratings):
                moment = NOW + timedelta(minutes=number)
                scope = queue.study_scope(db.session, user)
                day = queue.today(db.session, user, moment)
                card = queue.next_due(db.session, user, scope, moment, day)
                review_id = queue.review_id_for(db.session, user, card)
                reviews.record_review(
                    db.session, user, card.key, rating, review_id, 1200, moment
                )
            reviews.undo_last_review(db.session, user)
            attempt = quizzes.start_quiz(
                db.session, user, quizzes.QuizRequest(pack="starter", count=5), NOW
            )
            quizzes.submit_quiz(db.session, user, attempt.id, NOW)
        user = db.session.get(User, first)
        choices.save_study_choices(db.session, user, {"starter": ["basics"]})
        teams.create_team(db.session, user, "Platform «team»", NOW)
        db.session.remove()


def contents(app) -> dict[str, list[tuple]]:
    """Return every row of every table, with SQL NULL told from JSON null."""
    found = {}
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            flags = [c.is_(None) for c in table.columns if isinstance(c.type, JSON)]
            query = select(table, *flags).order_by(*table.primary_key.columns)
            found[table.name] = [tuple(row) for row in db.session.execute(query)]
        db.session.remove()
    return found


@contextmanager
def fresh_app(url: str):
    """Yield an app on a newly migrated, empty database."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        }
    )
    with app.app_context():
        upgrade()
        db.session.remove()
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def targets() -> list[str]:
    """Where to restore: SQLite always, and PostgreSQL in the PostgreSQL pass
    (so that pass also restores a PostgreSQL backup into SQLite)."""
    return ["sqlite", "postgresql"] if pg_url_from_env() else ["sqlite"]


@contextmanager
def target_database(kind: str, tmp_path):
    """Yield the URL of an empty database of this kind."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    with postgres_database() as url:
        yield url


@pytest.mark.parametrize("kind", targets())
def test_backup_and_restore_give_an_identical_database(app, tmp_path, kind):
    fill(app)
    backup = tmp_path / "shipshape.jsonl"
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    lines = backup.read_text().splitlines()
    assert json.loads(lines[0])["format"] == "shipshape-backup"
    assert json.loads(lines[-1])["end"] is True
    before = contents(app)
    assert all(before[name] for name in ("users", "review_logs", "quiz_attempts"))
    with target_database(kind, tmp_path) as url, fresh_app(url) as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        assert "Restored" in result.output
        after = contents(restored)
        for name, rows in before.items():
            assert after[name] == rows, name
        # New rows get fresh ids after a restore (PostgreSQL sequences reset).
        newcomer = make_user(restored, "after-restore@example.com")
        assert newcomer == max(row[0] for row in before["users"]) + 1


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path):
    fill(app)
    backup = tmp_path / "b.jsonl"
    app.test_cli_runner().invoke(args=["backup", str(backup)])
    result = app.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code != 0
    assert "not empty" in result.output


def test_a_cut_off_backup_restores_nothing(app, tmp_path):
    fill(app)
    backup = tmp_path / "b.jsonl"
    app.test_cli_runner().invoke(args=["backup", str(backup)])
    lines = backup.read_text().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    with fresh_app(f"sqlite:///{tmp_path / 'r.db'}") as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(cut)])
        assert result.exit_code != 0 and "cut short" in result.output
        with restored.app_context():
            assert db.session.scalar(select(func.count()).select_from(User)) == 0
            db.session.remove()


def test_restore_refuses_another_schema_revision(app, tmp_path):
    backup = tmp_path / "b.jsonl"
    app.test_cli_runner().invoke(args=["backup", str(backup)])
    lines = backup.read_text().splitlines()
    header = json.loads(lines[0]) | {"revision": "0000000000"}
    backup.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    with fresh_app(f"sqlite:///{tmp_path / 'r.db'}") as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code != 0 and "schema revision" in result.output
