"""Progress pages: the dashboard, review history, card info, export and import."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select

from study import charts, progress, srs
from study.errors import Invalid
from study.extensions import csrf, db
from study.models import Pack
from study.services import backup, history
from study.services import progress as progress_service
from study.web.clock import now
from study.web.forms import Form

bp = Blueprint("progress", __name__)

MAX_IMPORT_BYTES = 64 * 1024 * 1024  # a backup of some 100,000 reviews fits
FORM_OVERHEAD = 64 * 1024


class ImportForm(Form):
    """Upload a progress backup (JSON) made by this or another Shipshape."""

    backup = FileField("Progress backup (.json)", validators=[FileRequired()])


def _pack_arg() -> str | None:
    pack = request.args.get("pack") or None
    if pack and db.session.get(Pack, pack) is None:
        abort(404, "There is no such pack.")
    return pack


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def dashboard_charts(
    board: progress_service.Dashboard, pack_titles: dict[str, str]
) -> dict[str, charts.Chart]:
    """Draw the dashboard's pictures from its figures; the scores name each
    attempt's pack only when they come from more than one."""
    last_month = progress.daily_series(board.daily, board.today, 30)
    packs = {a.pack_id for a in board.attempts}
    points = [
        charts.ScorePoint(
            when=a.submitted_at,
            score=a.score,
            mode=a.mode,
            pack=pack_titles.get(a.pack_id, a.pack_id) if len(packs) > 1 else "",
            passed=a.passed,
        )
        for a in board.attempts
    ]
    return {
        "calendar": charts.calendar_heatmap(board.daily, board.today),
        "per_day": charts.bar_chart(
            last_month,
            chart_id="per-day",
            title="Reviews per day over the last 30 days",
            unit="review",
            today=board.today,
        ),
        "forecast": charts.bar_chart(
            board.forecast,
            chart_id="forecast",
            title="Cards falling due on each of the next 30 days",
            unit="card",
            today=board.today,
        ),
        "scores": charts.score_history(points),
    }


@bp.get("/progress")
@login_required
def dashboard():
    """Show today's numbers, the streak, retention, charts and topic mastery."""
    pack = _pack_arg()
    board = progress_service.dashboard(db.session, current_user, now(), pack)
    packs = db.session.scalars(select(Pack).order_by(Pack.title)).all()
    return render_template(
        "progress/dashboard.html",
        board=board,
        charts=dashboard_charts(board, {p.id: p.title for p in packs}),
        packs=packs,
        chosen_pack=pack,
        form=ImportForm(formdata=None),
        max_import_mb=_import_limit() // (1024 * 1024),
    )


@bp.get("/progress/history")
@login_required
def review_history():
    """List the learner's ratings, newest first, filtered by pack and topic."""
    pack = _pack_arg()
    topic = request.args.get("topic") or None
    page = history.review_history(db.session, current_user, pack, topic, _page_arg())
    return render_template(
        "progress/history.html",
        result=page,
        choices=history.filter_choices(db.session),
        chosen_pack=pack,
        chosen_topic=topic,
    )


@bp.get("/progress/cards/<path:key>")
@login_required
def card(key: str):
    """Show one card: the learner's memory of it and every rating they gave it."""
    moment = now()
    info = history.card_info(db.session, current_user, key, moment)
    return render_template(
        "progress/card.html",
        info=info,
        now=moment,
        state_names=srs.STATE_NAMES,
    )


def _download_name(kind: str) -> str:
    day = srs.study_date(now(), current_user.timezone).isoformat()
    return f'attachment; filename="shipshape-{kind}-{day}"'


@bp.get("/progress/export.csv")
@login_required
def export_csv():
    """Download the review log as CSV."""
    rows = backup.review_log_csv(db.session, current_user._get_current_object())
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": _download_name("reviews") + ".csv"},
    )


@bp.get("/progress/export.json")
@login_required
def export_json():
    """Download everything needed to restore this progress on another instance."""
    data = backup.export_progress(db.session, current_user, now())
    return Response(
        json.dumps(data, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": _download_name("progress") + ".json"},
    )


def _import_limit() -> int:
    return int(current_app.config.get("PROGRESS_IMPORT_MAX_BYTES", MAX_IMPORT_BYTES))


@bp.post("/progress/import")
@login_required
@csrf.exempt  # the form below checks the token, after the size limit is set
def import_backup():
    """Restore a progress backup into this account (nothing is doubled)."""
    limit = _import_limit()
    request.max_content_length = limit + FORM_OVERHEAD
    form = ImportForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            raise Invalid("The form expired; reload the page and try again.")
        raise Invalid("Choose a progress backup file (.json) to import.")
    raw = form.backup.data.read(limit + 1)
    if len(raw) > limit:
        abort(413, f"The file is larger than {limit // (1024 * 1024)} MB.")
    data = backup.parse_backup(raw)
    report = backup.import_progress(db.session, current_user, data)
    return render_template("progress/imported.html", report=report)


@bp.app_template_filter("percent")
def percent(value: float | None) -> str:
    """Format a share (0 to 1) as a whole percentage, or a dash when unknown;
    a start is never shown as 0% nor an unfinished whole as 100%."""
    if value is None:
        return "—"
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 <= value < 1:
        return ">99%"
    return f"{value * 100:.0f}%"
