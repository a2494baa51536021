"""Import validated packs into the database in one transaction, keeping progress.

Cards and questions are matched by their stable IDs: changed text is updated in
place, a missing card is retired (hidden, history kept) and a returning one is
revived with its history.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from study.markdown import render_markdown, render_note
from study.models import Card, Note, Pack, Question, Topic, utcnow
from study.packs import Pack as PackSpec
from study.packs import PackError, find_pack_dirs, load_pack


@dataclass
class ImportReport:
    """What one pack's import changed."""

    pack_id: str
    unchanged: bool = False
    cards: int = 0
    questions: int = 0
    notes: int = 0
    added: int = 0
    updated: int = 0
    retired: int = 0
    seconds: float = 0.0
    per_topic: dict[str, tuple[int, int]] = field(default_factory=dict)

    def summary(self) -> str:
        """Return one line for the CLI."""
        if self.unchanged:
            return f"{self.pack_id}: unchanged, nothing written ({self.seconds:.2f}s)."
        return (
            f"{self.pack_id}: {self.cards} cards, {self.questions} questions, "
            f"{self.notes} notes; {self.added} added, {self.updated} updated, "
            f"{self.retired} retired ({self.seconds:.2f}s)."
        )


def load_packs(root: Path) -> list[PackSpec]:
    """Load every pack under root, raising PackError with all problems found."""
    dirs = find_pack_dirs(root)
    if not dirs:
        from study.packs import Problem

        raise PackError(
            [Problem(root.as_posix(), 1, "no pack.yaml here or in its subfolders")]
        )
    packs, problems = [], []
    for directory in dirs:
        try:
            packs.append(load_pack(directory))
        except PackError as error:
            problems.extend(error.problems)
    if problems:
        raise PackError(problems)
    return packs


def import_packs(session: Session, root: Path) -> list[ImportReport]:
    """Validate then import every pack under root; all or nothing."""
    packs = load_packs(root)
    reports = []
    try:
        for spec in packs:
            started = time.perf_counter()
            report = _import_pack(session, spec)
            report.seconds = time.perf_counter() - started
            reports.append(report)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return reports


def fingerprint(spec: PackSpec) -> str:
    """Return a hash of everything an import writes, to detect no-op imports."""
    parts = {
        "pack": [spec.id, spec.title, str(spec.version), spec.description],
        "exam": asdict(spec.exam) if spec.exam else None,
        "topics": [asdict(t) for t in spec.topics],
        "notes": [asdict(n) for n in spec.notes],
        "cards": [asdict(c) for c in spec.cards],
        "questions": [asdict(q) for q in spec.questions],
    }
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def _import_pack(session: Session, spec: PackSpec) -> ImportReport:
    report = ImportReport(spec.id)
    digest = fingerprint(spec)
    pack = session.get(Pack, spec.id)
    _count(report, spec)
    if pack is not None and pack.fingerprint == digest:
        report.unchanged = True
        return report
    if pack is None:
        pack = Pack(id=spec.id)
        session.add(pack)
    pack.title = spec.title
    pack.version = str(spec.version)
    pack.description = spec.description or ""
    pack.exam = asdict(spec.exam) if spec.exam else {}
    pack.fingerprint = digest
    pack.imported_at = utcnow()
    session.flush()
    topics = _sync_topics(session, spec)
    notes = _sync_notes(session, spec, topics)
    _sync_cards(session, spec, topics, notes, report)
    _sync_questions(session, spec, topics, notes, report)
    return report


def _count(report: ImportReport, spec: PackSpec) -> None:
    report.cards = len(spec.cards)
    report.questions = len(spec.questions)
    report.notes = len(spec.notes)
    for topic in spec.topics:
        cards = sum(1 for c in spec.cards if c.topic == topic.id)
        questions = sum(1 for q in spec.questions if q.topic == topic.id)
        report.per_topic[topic.id] = (cards, questions)


def _sync_topics(session: Session, spec: PackSpec) -> dict[str, Topic]:
    existing = {
        t.slug: t
        for t in session.scalars(select(Topic).where(Topic.pack_id == spec.id))
    }
    for topic in existing.values():
        topic.retired = True
    for item in spec.topics:
        row = existing.get(item.id) or Topic(pack_id=spec.id, slug=item.id)
        row.title, row.position = item.title, item.order
        row.weight, row.retired = item.weight, False
        session.add(row)
        existing[item.id] = row
    session.flush()
    return existing


def _sync_notes(session, spec: PackSpec, topics: dict[str, Topic]) -> dict[str, Note]:
    existing = {
        n.slug: n for n in session.scalars(select(Note).where(Note.pack_id == spec.id))
    }
    for note in existing.values():
        note.retired = True
    for item in spec.notes:
        row = existing.get(item.id) or Note(pack_id=spec.id, slug=item.id)
        html, toc = render_note(item.body)
        row.topic_id = topics[item.topic].id
        row.title, row.position, row.body = item.title, item.order, item.body
        row.html, row.toc = html, [list(entry) for entry in toc]
        row.source, row.retired = item.source, False
        session.add(row)
        existing[item.id] = row
    session.flush()
    return existing


def _sync_cards(session, spec, topics, notes, report: ImportReport) -> None:
    existing = {
        c.key: c for c in session.scalars(select(Card).where(Card.pack_id == spec.id))
    }
    seen = set()
    for item in spec.cards:
        seen.add(item.id)
        row = existing.get(item.id)
        values = {
            "topic_id": topics[item.topic].id,
            "note_id": notes[item.note].id if item.note in notes else None,
            "kind": item.kind,
            "front": item.front,
            "back": item.back,
            "source": item.source,
            "position": item.position,
            "retired": False,
        }
        if row is None:
            row = Card(key=item.id, pack_id=spec.id, **_rendered(item), **values)
            session.add(row)
            report.added += 1
        elif _changed(row, values):
            _assign(row, values, item)
            report.updated += 1
    for key, row in existing.items():
        if key not in seen and not row.retired:
            row.retired = True
            report.retired += 1


def _rendered(item) -> dict:
    return {
        "front_html": render_markdown(item.front),
        "back_html": render_markdown(item.back),
    }


def _changed(row, values: dict) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


def _assign(row, values: dict, item) -> None:
    text_changed = row.front != item.front or row.back != item.back
    for name, value in values.items():
        setattr(row, name, value)
    if text_changed:
        for name, value in _rendered(item).items():
            setattr(row, name, value)


def render_inline(text: str) -> str:
    """Render a short Markdown text (an option) without its paragraph wrapper."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def _question_values(item, topics, notes) -> dict:
    data = {
        "prompt_html": render_markdown(item.prompt),
        "explanation_html": render_markdown(item.explanation),
        "options": [
            {"text": render_inline(o.text), "correct": o.correct} for o in item.options
        ],
        "answers": list(item.answers),
        "answer_type": item.answer_type,
        "truth": item.truth,
        "pairs": [
            [render_inline(left), render_inline(right)] for left, right in item.pairs
        ],
        "pick": item.pick,
        "cards": list(item.cards),
    }
    return {
        "topic_id": topics[item.topic].id,
        "note_id": notes[item.note].id if item.note in notes else None,
        "kind": item.kind,
        "prompt": item.prompt,
        "data": data,
        "explanation": item.explanation,
        "source": item.source,
        "position": item.position,
        "retired": False,
    }


def _sync_questions(session, spec, topics, notes, report: ImportReport) -> None:
    existing = {
        q.key: q
        for q in session.scalars(select(Question).where(Question.pack_id == spec.id))
    }
    seen = set()
    for item in spec.questions:
        seen.add(item.id)
        values = _question_values(item, topics, notes)
        row = existing.get(item.id)
        if row is None:
            session.add(Question(key=item.id, pack_id=spec.id, **values))
        elif _changed(row, values):
            for name, value in values.items():
                setattr(row, name, value)
    for key, row in existing.items():
        if key not in seen:
            row.retired = True


def dump_cards(session: Session, pack_id: str) -> list[dict] | None:
    """Return a pack's live cards as dicts (id, pack, topic, kind, front, back,
    source), or None when the pack is not imported."""
    if session.get(Pack, pack_id) is None:
        return None
    rows = session.scalars(
        select(Card)
        .where(Card.pack_id == pack_id, Card.retired.is_(False))
        .order_by(Card.position)
    ).all()
    return [
        {
            "id": c.key,
            "pack": c.pack_id,
            "topic": c.topic.slug,
            "kind": c.kind,
            "front": c.front,
            "back": c.back,
            "source": c.source,
        }
        for c in rows
    ]
