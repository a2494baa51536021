"""Progress endpoint: the dashboard's figures as JSON."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from study import progress
from study.api import bp
from study.errors import NotFound
from study.extensions import db
from study.models import Pack
from study.services import progress as progress_service
from study.web.clock import now


def _topic_json(topic: progress_service.TopicProgress) -> dict:
    mastery = topic.mastery
    return {
        "id": topic.slug,
        "pack": topic.pack_id,
        "title": topic.title,
        "cards": mastery.cards,
        "studied": mastery.studied,
        "mastered": mastery.mastered,
        "mastery": round(mastery.mastery, 4),
        "recall": None if mastery.recall is None else round(mastery.recall, 4),
        "latest_quiz": topic.scores.quiz,
        "latest_exam": topic.scores.exam,
    }


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def progress_json(board: progress_service.Dashboard) -> dict:
    """Return the dashboard's figures in JSON-friendly form."""
    last_month = progress.daily_series(board.daily, board.today, 30)
    return {
        "today": board.today.isoformat(),
        "reviews_today": board.reviews_today,
        "due_now": board.due_now,
        "learning_due": board.learning_due,
        "reviews_due": board.reviews_due,
        "new_left_today": board.new_left_today,
        "streak_days": board.streak_days,
        "retention_7d": _share(board.retention_7d),
        "retention_30d": _share(board.retention_30d),
        "cards_by_state": board.cards_by_state.as_dict(),
        "topics": [_topic_json(topic) for topic in board.topics],
        "quiz_scores": [
            {
                "attempt_id": a.id,
                "pack": a.pack_id,
                "mode": a.mode,
                "submitted_at": a.submitted_at.isoformat(),
                "score": a.score,
                "passed": a.passed,
            }
            for a in board.attempts
        ],
        "reviews_per_day": [
            {"day": day.isoformat(), "reviews": count} for day, count in last_month
        ],
        "calendar": [
            {"day": day.isoformat(), "reviews": count}
            for day, count in sorted(board.daily.items())
            if count
        ],
        "forecast": [{"day": day.isoformat(), "due": n} for day, n in board.forecast],
    }


@bp.get("/progress")
def progress_show():
    """Return the learner's progress (optionally for one pack: ?pack=ID)."""
    pack = request.args.get("pack") or None
    if pack and (len(pack) > 64 or db.session.get(Pack, pack) is None):
        raise NotFound("There is no such pack.")
    board = progress_service.dashboard(db.session, current_user, now(), pack)
    return jsonify(progress_json(board))
