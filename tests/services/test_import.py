"""Importing packs: all or nothing, no-op when unchanged, progress kept across
edits, retirement and return of cards."""

import shutil

import pytest
from sqlalchemy import func, select

from study.extensions import db
from study.models import Card, CardState, Note, Pack, Question, ReviewLog, User
from study.packs import PackError
from study.packs.importer import dump_cards, import_packs
from study.services import queue, reviews
from tests.conftest import STARTER, at

NOW = at(2026, 3, 10, 12, 0)


@pytest.fixture
def pack_dir(tmp_path):
    target = tmp_path / "starter"
    shutil.copytree(STARTER, target)
    return target


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def rate_first_card(user_id):
    learner = db.session.get(User, user_id)
    scope = queue.study_scope(db.session, learner)
    day = queue.today(db.session, learner, NOW)
    card = queue.next_due(db.session, learner, scope, NOW, day)
    rid = queue.review_id_for(db.session, learner, card)
    reviews.record_review(db.session, learner, card.key, 4, rid, 1000, NOW)
    return card.key


def test_import_writes_cards_questions_and_rendered_notes(ctx, pack_dir):
    [report] = import_packs(db.session, pack_dir)
    assert (report.cards, report.questions, report.notes) == (13, 15, 2)
    assert count(Card) == 13 and count(Question) == 15
    note = db.session.scalar(select(Note).where(Note.slug == "shell"))
    assert '<h2 id="listing-files">' in note.html
    assert "Q[ls]" not in note.html
    card = db.session.scalar(select(Card).where(Card.key == "starter:note:shell:ls"))
    assert "<code>ls</code>" in card.back_html


def test_unchanged_import_writes_nothing(ctx, pack_dir):
    import_packs(db.session, pack_dir)
    before = db.session.get(Pack, "starter").imported_at
    [report] = import_packs(db.session, pack_dir)
    assert report.unchanged
    db.session.expire_all()
    assert db.session.get(Pack, "starter").imported_at == before


def test_a_broken_pack_changes_nothing(ctx, pack_dir):
    import_packs(db.session, pack_dir)
    note = pack_dir / "notes" / "shell.md"
    note.write_text(note.read_text().replace("Q[pwd]", "Q[pwd").replace("`ls`", "`LS`"))
    with pytest.raises(PackError) as error:
        import_packs(db.session, pack_dir)
    assert any("shell.md" in str(p) for p in error.value.problems)
    card = db.session.scalar(select(Card).where(Card.key == "starter:note:shell:ls"))
    assert "LS" not in card.back


def test_progress_survives_edit_removal_and_return(ctx, pack_dir, user):
    import_packs(db.session, pack_dir)
    key = rate_first_card(user)
    card_id = db.session.scalar(select(Card.id).where(Card.key == key))
    note = pack_dir / "notes" / "shell.md"
    original = note.read_text()

    note.write_text(
        original.replace("Which command lists the files", "What lists the files")
    )
    [edited] = import_packs(db.session, pack_dir)
    assert edited.updated == 1 and edited.added == 0
    card = db.session.get(Card, card_id)
    assert card.front.startswith("What lists") and "What lists" in card.front_html
    assert db.session.get(CardState, (user, card_id)) is not None

    block = "Q[ls]: Which command lists the files of a directory?\nA: `ls`\n"
    note.write_text(original.replace(block, ""))
    questions = pack_dir / "questions" / "basics.yaml"
    asked = questions.read_text()
    questions.write_text(asked.replace("  cards: [note:shell:ls]\n", ""))
    [removed] = import_packs(db.session, pack_dir)
    assert removed.retired == 1
    assert db.session.get(Card, card_id).retired
    assert key not in {row["id"] for row in dump_cards(db.session, "starter")}
    learner = db.session.get(User, user)
    scope = queue.study_scope(db.session, learner)
    day = queue.today(db.session, learner, NOW)
    assert queue.counts(db.session, learner, scope, NOW, day).new == 12
    assert count(ReviewLog) == 1  # history kept

    note.write_text(original)
    questions.write_text(asked)
    import_packs(db.session, pack_dir)
    card = db.session.get(Card, card_id)
    assert not card.retired and card.id == card_id
    assert db.session.get(CardState, (user, card_id)).reps == 1


def test_dump_lists_live_cards_as_json_ready_rows(ctx, pack_dir):
    import_packs(db.session, pack_dir)
    rows = dump_cards(db.session, "starter")
    assert len(rows) == 13
    cloze = next(r for r in rows if r["kind"] == "cloze")
    assert cloze["source"] == "notes/shell.md"
    assert dump_cards(db.session, "nope") is None


def test_the_bundled_docker_pack_imports(ctx):
    from study.config import PROJECT_ROOT

    [report] = import_packs(db.session, PROJECT_ROOT / "content" / "docker")
    assert report.cards > 800 and report.questions > 300
    assert set(report.per_topic) == {
        "containers",
        "dockerfile",
        "build-cache",
        "cli",
        "compose",
        "networking",
        "security",
        "volumes",
        "storage-drivers",
        "troubleshooting",
    }
    assert all(
        cards > 0 and questions > 0 for cards, questions in report.per_topic.values()
    )
