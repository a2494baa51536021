"""Review logs mark the lapses a missed quiz question gave

Revision ID: 5b7e2c91d4a0
Revises: 3de14582665b
Create Date: 2026-11-28 00:50:00

"""

import hashlib
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "5b7e2c91d4a0"
down_revision = "3de14582665b"
branch_labels = None
depends_on = None

OUTCOME = "ix_review_logs_user_time_outcome"
BEFORE = ["user_id", "reviewed_at", "undone", "previous_state", "rating"]
AFTER = ["user_id", "reviewed_at", "undone", "from_quiz", "previous_state", "rating"]


def upgrade():
    with op.batch_alter_table("review_logs") as batch:
        batch.add_column(
            sa.Column(
                "from_quiz", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    _mark_earlier_quiz_lapses()
    op.drop_index(OUTCOME, table_name="review_logs")
    op.create_index(OUTCOME, "review_logs", AFTER)


def _mark_earlier_quiz_lapses():
    """Lapses written before this revision are known by their review id: the
    first 32 hex digits of sha256("quiz:<attempt id>:<card id>") for one of
    the learner's attempts, an Again rating with no time spent on it."""
    connection = op.get_bind()
    attempts = defaultdict(list)
    for attempt_id, user_id in connection.execute(
        sa.text("SELECT id, user_id FROM quiz_attempts WHERE status = 'submitted'")
    ):
        attempts[user_id].append(attempt_id)
    candidates = connection.execute(
        sa.text(
            "SELECT id, user_id, card_id, review_id FROM review_logs"
            " WHERE rating = 1 AND duration_ms = 0"
        )
    ).all()
    lapses = [
        {"log_id": log_id}
        for log_id, user_id, card_id, review_id in candidates
        if review_id in {_lapse_id(a, card_id) for a in attempts[user_id]}
    ]
    if lapses:
        connection.execute(
            sa.text("UPDATE review_logs SET from_quiz = true WHERE id = :log_id"),
            lapses,
        )


def _lapse_id(attempt_id: int, card_id: int) -> str:
    return hashlib.sha256(f"quiz:{attempt_id}:{card_id}".encode()).hexdigest()[:32]


def downgrade():
    op.drop_index(OUTCOME, table_name="review_logs")
    op.create_index(OUTCOME, "review_logs", BEFORE)
    with op.batch_alter_table("review_logs") as batch:
        batch.drop_column("from_quiz")
