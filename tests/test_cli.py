"""The command line: users and content commands."""

import json
import shutil

from sqlalchemy import select

from study.extensions import db
from study.models import ApiToken, Pack, User
from tests.conftest import STARTER


def test_users_create_and_token(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ops@example.com",
            "--password",
            "a long admin pass",
            "--admin",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin ops@example.com" in result.output
    token = runner.invoke(args=["users", "token", "ops@example.com"])
    assert token.exit_code == 0 and token.output.strip().startswith("ss_")
    with app.app_context():
        assert db.session.scalars(select(User)).one().is_admin
        assert (
            db.session.scalars(select(ApiToken)).one().token_hash
            != token.output.strip()
        )


def test_users_create_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "ops@example.com", "--password", "short"]
    )
    assert result.exit_code != 0 and "at least 10" in result.output


def test_users_token_for_an_unknown_user(app):
    result = app.test_cli_runner().invoke(args=["users", "token", "ghost@example.com"])
    assert result.exit_code != 0 and "No user" in result.output


def test_content_import_then_unchanged_then_dump(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["content", "import", str(STARTER)])
    assert first.exit_code == 0, first.output
    assert "starter: 13 cards" in first.output
    second = runner.invoke(args=["content", "import", str(STARTER)])
    assert "unchanged, nothing written" in second.output
    dump = runner.invoke(args=["content", "dump", "starter"])
    rows = [json.loads(line) for line in dump.output.splitlines()]
    assert len(rows) == 13
    assert set(rows[0]) == {"id", "pack", "topic", "kind", "front", "back", "source"}
    assert rows[0]["id"] == "starter:note:shell:ls"


def test_content_validate_good_pack(app):
    result = app.test_cli_runner().invoke(args=["content", "validate", str(STARTER)])
    assert result.exit_code == 0, result.output


def test_content_dump_unknown_pack(app):
    result = app.test_cli_runner().invoke(args=["content", "dump", "nope"])
    assert result.exit_code != 0


def test_content_import_of_a_broken_pack_reports_and_writes_nothing(app, tmp_path):
    broken = tmp_path / "starter"
    shutil.copytree(STARTER, broken)
    pack_file = broken / "pack.yaml"
    pack_file.write_text(pack_file.read_text() + "surprise: field\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "import", str(broken)])
    assert result.exit_code == 1
    assert f"{pack_file.as_posix()}:" in result.output
    with app.app_context():
        assert db.session.scalars(select(Pack)).all() == []
    empty = runner.invoke(args=["content", "import", str(tmp_path / "nothing")])
    validated = runner.invoke(args=["content", "validate", str(tmp_path / "nothing")])
    assert empty.exit_code == validated.exit_code == 1
    assert "no pack.yaml here or in its subfolders" in empty.output
    assert "no pack.yaml here or in its subfolders" in validated.output


def test_users_create_refuses_what_is_not_an_email_address(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "bad", "--password", "a long admin pass"]
    )
    assert result.exit_code != 0
    assert "Enter an email address such as ana@example.com." in result.output
    with app.app_context():
        assert db.session.scalars(select(User)).first() is None
