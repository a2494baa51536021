"""Progress out and back in: the CSV review log, the JSON backup, and an import
that keeps everything and doubles nothing."""

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from study.errors import Invalid
from study.extensions import db
from study.models import CardState, QuizAttempt, ReviewLog
from study.services import accounts, backup, choices, progress, queue, reviews
from tests.conftest import at, make_user
from tests.progress_data import add_attempt, add_review, card, learner

NOW = at(2026, 3, 10, 12, 0)
KEYS = ["starter:note:shell:ls", "starter:note:shell:pwd", "starter:note:more:grep"]


@pytest.fixture
def me(ctx, starter, user):
    return learner(user)


@pytest.fixture
def other(app, me):
    return learner(make_user(app, "restored@example.com"))


def study(user, key, rating=3, now=NOW):
    rid = queue.review_id_for(db.session, user, card(key))
    reviews.record_review(db.session, user, key, rating, rid, 1200, now)


def studied_learner(me):
    """A learner with ratings over two days, one undone, a quiz and settings."""
    accounts.update_settings(
        db.session, me, {"timezone": "Europe/Berlin", "new_cards_per_day": 7}
    )
    for key in KEYS:
        study(me, key, 3, NOW - timedelta(days=1))
    study(me, KEYS[0], 3, NOW - timedelta(days=1) + timedelta(minutes=11))
    study(me, KEYS[1], 1, NOW)
    reviews.undo_last_review(db.session, me)
    add_attempt(me, "exam", NOW, {"basics": 75.0})
    db.session.commit()
    return me


def round_trip(data: dict) -> object:
    return backup.parse_backup(json.dumps(data).encode())


def log_rows(user):
    return db.session.execute(
        select(
            ReviewLog.review_id,
            ReviewLog.rating,
            ReviewLog.reviewed_at,
            ReviewLog.undone,
            ReviewLog.state_after,
        )
        .where(ReviewLog.user_id == user.id)
        .order_by(ReviewLog.review_id)
    ).all()


def state_rows(user):
    return db.session.execute(
        select(
            CardState.card_id,
            CardState.state,
            CardState.stability,
            CardState.due,
            CardState.reps,
        )
        .where(CardState.user_id == user.id)
        .order_by(CardState.card_id)
    ).all()


def test_a_backup_restores_progress_in_another_account(me, other):
    me = studied_learner(me)
    data = round_trip(backup.export_progress(db.session, me, NOW))
    assert data["format"] == "shipshape-progress" and len(data["reviews"]) == 5
    assert set(data["card_states"]) == set(KEYS)
    report = backup.import_progress(db.session, other, data)
    assert (report.reviews_added, report.states_written, report.attempts_added) == (
        5,
        3,
        1,
    )
    assert report.settings_applied and report.missing_cards == []
    me, other = learner(me.id), learner(other.id)
    assert log_rows(other) == log_rows(me)
    assert state_rows(other) == state_rows(me)
    assert (other.timezone, other.new_cards_per_day) == ("Europe/Berlin", 7)
    mine = progress.dashboard(db.session, me, NOW)
    theirs = progress.dashboard(db.session, other, NOW)
    assert theirs.daily == mine.daily and theirs.streak_days == mine.streak_days == 1
    assert theirs.cards_by_state == mine.cards_by_state
    assert theirs.topics[0].scores.exam == 75.0


def test_importing_twice_doubles_nothing(me, other):
    data = round_trip(backup.export_progress(db.session, studied_learner(me), NOW))
    backup.import_progress(db.session, other, data)
    again = backup.import_progress(db.session, other, data)
    assert (again.reviews_added, again.reviews_present) == (0, 5)
    assert (again.states_written, again.states_kept) == (0, 3)
    assert (again.attempts_added, again.attempts_present) == (0, 1)
    count = select(func.count()).select_from(ReviewLog)
    assert db.session.scalar(count.where(ReviewLog.user_id == other.id)) == 5
    attempts = select(func.count()).select_from(QuizAttempt)
    assert db.session.scalar(attempts.where(QuizAttempt.user_id == other.id)) == 1


def test_studying_on_after_an_import_counts_normally(me, other):
    data = round_trip(backup.export_progress(db.session, studied_learner(me), NOW))
    backup.import_progress(db.session, other, data)
    other = learner(other.id)
    study(other, KEYS[1], 3, NOW + timedelta(minutes=1))
    assert progress.dashboard(db.session, other, NOW + timedelta(minutes=2)).daily


def test_cards_this_instance_lacks_are_skipped_and_reported(me, other):
    data = backup.export_progress(db.session, studied_learner(me), NOW)
    lost = {**data["reviews"][0], "card": "gone:card:1", "review_id": "gone-review-1"}
    data["reviews"].append(lost)
    data["card_states"]["gone:card:2"] = data["card_states"][KEYS[0]]
    report = backup.import_progress(db.session, other, round_trip(data))
    assert report.missing_cards == ["gone:card:1", "gone:card:2"]
    assert report.reviews_added == 5 and report.states_written == 3


def test_a_newer_state_here_is_kept(me, other):
    data = round_trip(backup.export_progress(db.session, studied_learner(me), NOW))
    study(other, KEYS[2], 4, NOW + timedelta(hours=1))
    report = backup.import_progress(db.session, other, data)
    assert (report.states_written, report.states_kept) == (2, 1)
    state = db.session.get(CardState, (other.id, card(KEYS[2]).id))
    assert state.last_review == NOW + timedelta(hours=1)


def test_the_export_holds_only_the_learners_own_data(me, other):
    add_review(other, KEYS[0], NOW)
    db.session.commit()
    data = backup.export_progress(db.session, learner(me.id), NOW)
    assert data["reviews"] == [] and data["card_states"] == {}


def good_document() -> dict:
    return {
        "format": "shipshape-progress",
        "version": 1,
        "reviews": [
            {
                "card": KEYS[0],
                "review_id": "abcdefgh",
                "rating": 3,
                "reviewed_at": "2026-03-10T12:00:00+00:00",
                "state_after": {"state": 2, "due": "2026-03-12T12:00:00+00:00"},
            }
        ],
    }


def broken(**changes):
    document = good_document()
    review = document["reviews"][0]
    for name, value in changes.items():
        target = document if name in ("format", "version", "settings") else review
        target[name] = value
    return document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "not a Shipshape progress backup"),
        (broken(format="anki"), "not a Shipshape progress backup"),
        (broken(version=2), "version 2"),
        ({**good_document(), "reviews": {}}, "reviews must be a JSON list"),
        (broken(rating=7), "reviews[0].rating must be a whole number from 1 to 4"),
        (broken(rating=True), "reviews[0].rating"),
        (broken(review_id="short"), "reviews[0].review_id"),
        (broken(reviewed_at="2026-03-10T12:00:00"), "needs a time zone"),
        (broken(reviewed_at="yesterday"), "reviews[0].reviewed_at is not a time"),
        (broken(state_after={"state": 9}), "reviews[0].state_after.state"),
        (broken(state_after=None), "reviews[0].state_after must be a JSON object"),
        (broken(settings={"desired_retention": 5}), "desired_retention must be"),
        (broken(settings={"timezone": "Mars/Olympus"}), "timezone must be"),
    ],
)
def test_a_bad_backup_is_refused_and_nothing_written(me, document, message):
    with pytest.raises(Invalid, match=message.replace("[", r"\[").replace("]", r"\]")):
        backup.import_progress(db.session, me, document)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 0
    assert learner(me.id).desired_retention == 0.9


def test_a_good_minimal_backup_imports(me):
    report = backup.import_progress(db.session, me, good_document())
    assert report.reviews_added == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not valid JSON (line 1, column 2)"),
        (b'{"score": NaN}', "NaN"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[" * 100000 + b"]" * 100000, "nests too deeply"),
    ],
)
def test_unreadable_files_are_refused_clearly(raw, message):
    with pytest.raises(Invalid, match=message.replace("(", r"\(").replace(")", r"\)")):
        backup.parse_backup(raw)


def test_the_csv_lists_every_rating_not_taken_back(me):
    studied_learner(me)
    text = "".join(backup.review_log_csv(db.session, learner(me.id)))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    assert rows[0]["card"] == KEYS[0] and rows[0]["rating_name"] == "Good"
    assert rows[0]["study_day"] == "2026-03-09" and rows[0]["state_before"] == "new"
    assert {row["pack"] for row in rows} == {"starter"}


def test_csv_cells_that_look_like_formulas_are_defused():
    assert backup._safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert backup._safe_cell("plain") == "plain" and backup._safe_cell(3) == 3


def test_study_choices_come_back_for_packs_this_instance_has(me, other):
    data = backup.export_progress(db.session, studied_learner(me), NOW)
    data["study_choices"] = {"starter": ["extras", "gone-topic"], "gone-pack": None}
    backup.import_progress(db.session, other, round_trip(data))
    restored = choices.study_choices(db.session, learner(other.id))
    assert restored == {"starter": ["extras"]}
