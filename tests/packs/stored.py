"""What an import can change, captured so tests can show a refusal changed nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from study.models import Card, Note, Pack, Question, Topic


def database_state(session: Session) -> dict[str, object]:
    """Return the row counts, pack fingerprints and texts an import writes."""
    state: dict[str, object] = {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Pack, Topic, Note, Card, Question)
    }
    rows = {
        "packs": select(Pack.id, Pack.fingerprint, Pack.imported_at),
        "cards": select(Card.key, Card.front, Card.back, Card.retired),
        "questions": select(Question.key, Question.prompt, Question.retired),
        "notes": select(Note.pack_id, Note.slug, Note.body, Note.retired),
    }
    for name, query in rows.items():
        state[name] = sorted(tuple(row) for row in session.execute(query))
    return state


def files_in(folder: Path) -> dict[str, bytes]:
    """Return every file under folder with its bytes (links as their target)."""
    return {
        path.relative_to(folder).as_posix(): (
            str(path.readlink()).encode() if path.is_symlink() else path.read_bytes()
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file() or path.is_symlink()
    }
