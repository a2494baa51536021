"""A learner's own progress out and back in: a CSV of the review log, and a JSON
backup (settings, card states by card key, the review log by review id, quiz
results) that another Shipshape instance imports without doubling anything."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from study import srs
from study.errors import DomainError, Invalid
from study.models import (
    Card,
    CardState,
    Pack,
    QuizAttempt,
    ReviewLog,
    StudyChoice,
    Topic,
    User,
)
from study.services import accounts, tally
from study.services.backup_format import FORMAT, VERSION, Document, check_document
from study.services.learner_lock import lock_learner

SETTINGS = ("desired_retention", "new_cards_per_day", "max_reviews_per_day", "timezone")
CSV_COLUMNS = (
    "reviewed_at",
    "study_day",
    "pack",
    "topic",
    "card",
    "front",
    "rating",
    "rating_name",
    "state_before",
    "interval_days",
    "duration_ms",
    "review_id",
    "from_quiz",
)
CHUNK = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ImportReport:
    """What an import did, and the cards this instance does not have."""

    reviews_added: int = 0
    reviews_present: int = 0
    states_written: int = 0
    states_kept: int = 0
    attempts_added: int = 0
    attempts_present: int = 0
    settings_applied: bool = False
    missing_cards: list[str] = field(default_factory=list)


def _iso(moment: datetime | None) -> str | None:
    return srs.utc(moment).isoformat() if moment else None


def export_progress(session: Session, user: User, now: datetime) -> dict:
    """Return everything needed to restore the learner's progress elsewhere."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(now),
        "settings": {name: getattr(user, name) for name in SETTINGS},
        "study_choices": {
            c.pack_id: c.topics
            for c in session.scalars(
                select(StudyChoice).where(StudyChoice.user_id == user.id)
            )
        },
        "card_states": _exported_states(session, user),
        "reviews": _exported_reviews(session, user),
        "quiz_attempts": _exported_attempts(session, user),
    }


def _exported_states(session: Session, user: User) -> dict[str, dict]:
    rows = session.execute(
        select(Card.key, CardState)
        .join(Card, Card.id == CardState.card_id)
        .where(CardState.user_id == user.id)
        .order_by(Card.key)
    ).all()
    return {
        key: {
            "state": s.state,
            "step": s.step,
            "stability": s.stability,
            "difficulty": s.difficulty,
            "due": _iso(s.due),
            "last_review": _iso(s.last_review),
            "reps": s.reps,
            "lapses": s.lapses,
        }
        for key, s in rows
    }


def _exported_reviews(session: Session, user: User) -> list[dict]:
    rows = session.execute(
        select(
            Card.key,
            ReviewLog.review_id,
            ReviewLog.rating,
            ReviewLog.reviewed_at,
            ReviewLog.duration_ms,
            ReviewLog.previous_state,
            ReviewLog.state_before,
            ReviewLog.state_after,
            ReviewLog.undone,
            ReviewLog.from_quiz,
        )
        .join(Card, Card.id == ReviewLog.card_id)
        .where(ReviewLog.user_id == user.id)
        .order_by(ReviewLog.id)
        .execution_options(yield_per=2000)
    )
    names = ("card", "review_id", "rating", "reviewed_at", "duration_ms")
    names += ("previous_state", "state_before", "state_after", "undone", "from_quiz")
    reviews = []
    for row in rows:
        review = dict(zip(names, row, strict=True))
        review["reviewed_at"] = _iso(review["reviewed_at"])
        reviews.append(review)
    return reviews


def _exported_attempts(session: Session, user: User) -> list[dict]:
    attempts = session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.status == "submitted")
        .order_by(QuizAttempt.started_at, QuizAttempt.id)
    )
    return [
        {
            "pack": a.pack_id,
            "mode": a.mode,
            "started_at": _iso(a.started_at),
            "submitted_at": _iso(a.submitted_at),
            "question_count": a.question_count,
            "correct_count": a.correct_count,
            "score": a.score,
            "pass_mark": a.pass_mark,
            "passed": a.passed,
            "timed_out": a.timed_out,
            "per_topic": a.per_topic or {},
        }
        for a in attempts
    ]


def _safe_cell(value: object) -> object:
    """Keep spreadsheet programs from running text that looks like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def review_log_csv(session: Session, user: User) -> Iterator[str]:
    """Yield the learner's review log as CSV text, a header line first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows = session.execute(
        select(ReviewLog, Card.key, Card.front, Card.pack_id, Topic.slug)
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Topic, Topic.id == Card.topic_id)
        .where(ReviewLog.user_id == user.id, ReviewLog.undone.is_(False))
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
        .execution_options(yield_per=2000)
    )
    for count, (log, key, front, pack_id, topic) in enumerate(rows, start=1):
        due = datetime.fromisoformat(log.state_after["due"])
        interval = (due - log.reviewed_at).total_seconds() / 86400
        writer.writerow(
            _safe_cell(value)
            for value in (
                _iso(log.reviewed_at),
                srs.study_date(log.reviewed_at, user.timezone).isoformat(),
                pack_id,
                topic,
                key,
                front,
                log.rating,
                srs.RATINGS.get(log.rating, ""),
                srs.STATE_NAMES.get(log.previous_state, "new"),
                f"{interval:.4f}",
                log.duration_ms,
                log.review_id,
                "yes" if log.from_quiz else "no",
            )
        )
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def parse_backup(raw: bytes) -> object:
    """Decode a backup file's JSON, refusing bad encodings, NaN and infinities."""

    def refuse(constant: str):
        raise Invalid(f"The file holds {constant}, which is not a number JSON allows.")

    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=refuse)
    except UnicodeDecodeError as error:
        raise Invalid(
            "The file is not UTF-8 text; choose a Shipshape backup."
        ) from error
    except json.JSONDecodeError as error:
        raise Invalid(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno})."
        ) from error
    except RecursionError as error:
        raise Invalid("The file nests too deeply to be a Shipshape backup.") from error


def import_progress(session: Session, user: User, data: object) -> ImportReport:
    """Restore a backup into the learner's account; importing it twice adds nothing.

    Reviews are matched by review id, card states by card key (the newer last
    review wins), quiz results by pack, mode and start time. Cards this
    instance does not have are skipped and reported.
    """
    document = check_document(data)
    report = ImportReport()
    lock_learner(session, user.id)
    cards = _card_ids(session, document.card_keys())
    report.missing_cards = sorted(document.card_keys() - cards.keys())
    _import_reviews(session, user, document, cards, report)
    _import_states(session, user, document, cards, report)
    _import_attempts(session, user, document, report)
    _import_choices(session, user, document)
    tally.forget(session, user.id)
    try:
        if document.settings:
            accounts.update_settings(session, user, document.settings)  # commits
            report.settings_applied = True
        else:
            session.commit()
    except DomainError:
        session.rollback()
        raise
    return report


def _card_ids(session: Session, keys: set[str]) -> dict[str, int]:
    ordered, found = sorted(keys), {}
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        query = select(Card.key, Card.id).where(Card.key.in_(chunk))
        found.update({key: card_id for key, card_id in session.execute(query)})
    return found


def _import_reviews(session, user, document: Document, cards, report) -> None:
    present = set(
        session.scalars(select(ReviewLog.review_id).where(ReviewLog.user_id == user.id))
    )
    rows = []
    for review in document.reviews:
        if review["card"] not in cards:
            continue
        if review["review_id"] in present:
            report.reviews_present += 1
            continue
        present.add(review["review_id"])
        rows.append(
            {
                **{k: v for k, v in review.items() if k != "card"},
                "user_id": user.id,
                "card_id": cards[review["card"]],
            }
        )
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(ReviewLog), rows[start : start + CHUNK])
    report.reviews_added = len(rows)


def _import_states(session, user, document: Document, cards, report) -> None:
    wanted = {
        cards[key]: values
        for key, values in document.card_states.items()
        if key in cards
    }
    existing = {
        s.card_id: s
        for s in session.scalars(select(CardState).where(CardState.user_id == user.id))
    }
    for card_id, values in wanted.items():
        state = existing.get(card_id)
        if state is not None and not _newer(values["last_review"], state.last_review):
            report.states_kept += 1
            continue
        if state is None:
            state = CardState(user_id=user.id, card_id=card_id)
            session.add(state)
        for name, value in values.items():
            setattr(state, name, value)
        report.states_written += 1


def _newer(imported: datetime | None, current: datetime | None) -> bool:
    if imported is None:
        return False
    return current is None or imported > current


def _import_attempts(session, user, document: Document, report) -> None:
    packs = set(session.scalars(select(Pack.id)))
    present = {
        (a.pack_id, a.mode, srs.utc(a.started_at))
        for a in session.scalars(
            select(QuizAttempt).where(QuizAttempt.user_id == user.id)
        )
    }
    for attempt in document.attempts:
        key = (attempt["pack_id"], attempt["mode"], attempt["started_at"])
        if attempt["pack_id"] not in packs:
            continue
        if key in present:
            report.attempts_present += 1
            continue
        present.add(key)
        session.add(QuizAttempt(user_id=user.id, status="submitted", **attempt))
        report.attempts_added += 1


def _import_choices(session, user, document: Document) -> None:
    if not document.study_choices:
        return
    topics: dict[str, set[str]] = {}
    for pack_id, slug in session.execute(
        select(Topic.pack_id, Topic.slug).where(Topic.retired.is_(False))
    ):
        topics.setdefault(pack_id, set()).add(slug)
    chosen = {
        pack: None if slugs is None else sorted(set(slugs) & topics[pack])
        for pack, slugs in document.study_choices.items()
        if pack in topics
    }
    chosen = {pack: slugs for pack, slugs in chosen.items() if slugs != []}
    if not chosen:
        return
    session.execute(delete(StudyChoice).where(StudyChoice.user_id == user.id))
    session.add_all(
        StudyChoice(user_id=user.id, pack_id=pack, topics=slugs)
        for pack, slugs in chosen.items()
    )
