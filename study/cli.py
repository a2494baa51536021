"""Command-line groups: `users`, `content` and `export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from study.backup import register_backup
from study.errors import DomainError
from study.extensions import db

users = AppGroup("users", help="Manage accounts.")
content = AppGroup("content", help="Validate, import and dump content packs.")
export = AppGroup("export", help="Export a pack to Anki or Moodle.")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(users)
    app.cli.add_command(content)
    app.cli.add_command(export)
    register_backup(app)


@users.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Make the user a site admin.")
def create_user_command(email: str, password: str, admin: bool) -> None:
    """Create an account."""
    from study.services.accounts import create_user

    try:
        user = create_user(db.session, email, password, is_admin=admin)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    role = "admin" if user.is_admin else "user"
    click.echo(f"Created {role} {user.email} (id {user.id}).")


@users.command("token")
@click.argument("email")
@click.option("--name", default="CLI token", help="A label for the token.")
def token_command(email: str, name: str) -> None:
    """Print a new API token for a user (only its hash is stored)."""
    from study.services.accounts import create_api_token, find_user

    try:
        user = find_user(db.session, email)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(create_api_token(db.session, user, name))


def _content_dir(directory: str | None) -> Path:
    return Path(directory or current_app.config["CONTENT_DIR"])


@content.command("validate")
@click.argument("directory", required=False)
def validate_command(directory: str | None) -> None:
    """Check packs and list every problem as path:line: message."""
    from study.packs import find_pack_dirs, validate

    root = _content_dir(directory)
    problems = validate(root)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    names = ", ".join(p.name for p in find_pack_dirs(root)) or "no packs"
    click.echo(f"OK: {names}")


@content.command("import")
@click.argument("directory", required=False)
def import_command(directory: str | None) -> None:
    """Validate and import packs in one transaction (nothing changes on error)."""
    from study.packs import PackError
    from study.packs.importer import import_packs

    try:
        reports = import_packs(db.session, _content_dir(directory))
    except PackError as error:
        for problem in error.problems:
            click.echo(str(problem))
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    for report in reports:
        click.echo(report.summary())


@content.command("dump")
@click.argument("pack_id")
def dump_command(pack_id: str) -> None:
    """Print one JSON object per card of a pack."""
    from study.packs.importer import dump_cards

    rows = dump_cards(db.session, pack_id)
    if rows is None:
        raise click.ClickException(f"No pack with id {pack_id!r} is imported.")
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


def _export_source(pack_id: str):
    from study.exports.source import load_pack

    try:
        return load_pack(db.session, pack_id)
    except DomainError as error:
        raise click.ClickException(error.message) from error


@export.command("anki")
@click.argument("pack_id")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--base-url", help="Link each card to its note on this site.")
def export_anki_command(pack_id: str, out: Path, base_url: str | None) -> None:
    """Write a pack's cards as an Anki package (.apkg); re-exports update notes."""
    from study.exports.anki import write_apkg

    pack = _export_source(pack_id)
    count = write_apkg(pack, out, base_url)
    click.echo(f"Wrote {count} notes in {len(pack.topics)} topic decks to {out}.")


@export.command("moodle")
@click.argument("pack_id")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_moodle_command(pack_id: str, out: Path) -> None:
    """Write a pack's quiz questions as Moodle XML, a category per topic."""
    from study.exports.moodle import count_questions, quiz_xml

    pack = _export_source(pack_id)
    out.write_bytes(quiz_xml(pack))
    click.echo(f"Wrote {count_questions(pack)} questions to {out}.")
