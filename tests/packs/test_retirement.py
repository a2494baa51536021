"""A due card removed from its pack leaves the study queue and the day's counts,
keeps its history, and comes back due, with that history, when it returns."""

from __future__ import annotations

from datetime import timedelta

from fsrs import State
from sqlalchemy import func, select

from study.extensions import db
from study.models import Card, CardState, ReviewLog, User
from study.packs.importer import import_packs
from study.services import queue, reviews, tally
from tests.conftest import at
from tests.packs.demo import NOTE, edit, write_pack

STUDIED = "demo:note:basics:second"
FIRST = "demo:note:basics:first"
# The demo pack with one more card in its note: the one the learner studies.
WITH_SECOND = edit(NOTE, "A: Yes.\n", "A: Yes.\n\nQ[second]: Second?\nA: No.\n")
STUDIED_AT = at(2026, 3, 1, 12, 0)


def study_view(user_id: int, now):
    """Return what the study page would show now: the next card and the counts
    (through the day's cached tally, as the page does)."""
    learner = db.session.get(User, user_id)
    scope = queue.study_scope(db.session, learner, pack="demo")
    day, counts = tally.day_and_counts(db.session, learner, scope, now)
    found = queue.next_card(db.session, learner, scope, now, day, counts)
    direct = queue.counts(
        db.session, learner, scope, now, queue.today(db.session, learner, now)
    )
    assert direct == counts  # the cached tally agrees with a fresh count
    return found, counts


def test_a_due_card_retires_and_returns_with_its_history(ctx, user, tmp_path):
    """Studied, due, removed, re-added: hidden while gone, due again after."""
    folder = write_pack(tmp_path, WITH_SECOND)
    import_packs(db.session, folder)
    learner = db.session.get(User, user)
    reviews.record_review(db.session, learner, STUDIED, 4, "review-1", 1000, STUDIED_AT)
    card_id = db.session.scalar(select(Card.id).where(Card.key == STUDIED))
    state = db.session.get(CardState, (user, card_id))
    assert state.state == State.Review
    studied = (state.due, state.stability, state.reps)
    now = state.due + timedelta(hours=1)

    found, counts = study_view(user, now)
    assert found.card.key == STUDIED and found.state is not None
    assert (counts.review, counts.new) == (1, 5)

    write_pack(tmp_path, {})  # the note without the studied card
    [removed] = import_packs(db.session, folder)
    assert removed.retired == 1
    found, counts = study_view(user, now)
    assert found.card.key == FIRST and found.state is None
    assert (counts.learning, counts.review, counts.new) == (0, 0, 5)
    logged = select(func.count()).where(ReviewLog.card_id == card_id)
    assert db.session.scalar(logged) == 1
    assert db.session.get(CardState, (user, card_id)) is not None

    write_pack(tmp_path, WITH_SECOND)
    [returned] = import_packs(db.session, folder)
    assert returned.retired == 0 and returned.added == 0
    found, counts = study_view(user, now)
    assert found.card.key == STUDIED and found.card.id == card_id
    kept = db.session.get(CardState, (user, card_id))
    assert (found.state.due, found.state.stability, kept.reps) == studied
    assert (counts.review, counts.new) == (1, 5)
    assert db.session.scalar(logged) == 1
