"""Command-line groups: `users`, `content` (and `export` as it grows)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from study.errors import DomainError
from study.extensions import db

users = AppGroup("users", help="Manage accounts.")
content = AppGroup("content", help="Validate, import and dump content packs.")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(users)
    app.cli.add_command(content)


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
