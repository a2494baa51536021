"""The home page."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from study.extensions import db
from study.models import Card, Pack, ReviewLog
from study.services import progress, tally, team_progress
from study.services.next_study import next_study
from study.web.clock import now

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """Welcome a visitor, or show a learner what is due and what to do next."""
    packs = db.session.execute(
        select(Pack, func.count(Card.id))
        .outerjoin(Card, (Card.pack_id == Pack.id) & Card.retired.is_(False))
        .group_by(Pack.id)
        .order_by(Pack.title)
    ).all()
    if not current_user.is_authenticated:
        return render_template("main/welcome.html", packs=packs)
    moment = now()
    scope, day, counts = tally.scope_day_and_counts(db.session, current_user, moment)
    upcoming = None
    if counts.total == 0:
        upcoming = next_study(db.session, current_user, scope, day, moment)
    first_run = day.ratings == 0 and not _has_studied()
    streak = None
    if not first_run:
        streak = progress.study_streak(db.session, current_user, moment)
    return render_template(
        "main/home.html",
        packs=packs,
        counts=counts,
        day=day,
        next_study=upcoming,
        first_run=first_run,
        streak=streak,
        my_assignments=team_progress.my_assignments(db.session, current_user, moment),
    )


@bp.get("/csrf-token")
def csrf_token():
    """Hand a page a fresh CSRF token after the session changed (re-login)."""
    response = jsonify(token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


def _has_studied() -> bool:
    return (
        db.session.scalar(
            select(ReviewLog.id).where(ReviewLog.user_id == current_user.id).limit(1)
        )
        is not None
    )
