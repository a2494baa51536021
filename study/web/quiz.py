"""Quiz pages: choose, answer one question at a time, submit, review."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from study.errors import Conflict, Invalid
from study.extensions import db
from study.models import Pack
from study.quiz import present as presenting
from study.quiz import selection
from study.services import lapses, quiz_history, quizzes
from study.web.clock import now
from study.web.forms import ButtonForm

bp = Blueprint("quiz", __name__)


def _valid_button() -> None:
    if not ButtonForm().validate_on_submit():
        raise Invalid("The form expired; reload the page and try again.")


@bp.get("/quiz")
@login_required
def choose():
    """Offer practice quizzes, weak-topic drills and mock exams; list attempts."""
    return _choose_page(request.args.get("pack"), request.args.get("topic"))


def _choose_page(pack_id, topic, refused: str | None = None, sent=None):
    """The quiz choices; `refused` explains a practice form sent back (`sent`)."""
    packs = db.session.scalars(select(Pack).order_by(Pack.title)).all()
    return render_template(
        "quiz/choose.html",
        packs=packs,
        chosen_pack=pack_id,
        chosen_topic=topic,
        chosen_topics=sent.getlist("topics") if sent else [topic],
        count=(sent.get("count") if sent else None) or "10",
        refused=refused,
        in_progress=quizzes.open_attempt(db.session, current_user, now()),
        attempts=quiz_history.submitted_attempts(db.session, current_user, limit=20),
        records=quiz_history.topic_records(db.session, current_user),
        feedback=quizzes.preferred_feedback(db.session, current_user),
        form=ButtonForm(),
    )


COUNT_HINT = (
    f"Choose a number of questions from {selection.PRACTICE_MIN} "
    f"to {selection.PRACTICE_MAX}."
)


def quiz_request_from_form(form) -> quizzes.QuizRequest:
    """Read a start-quiz form into a request, refusing malformed numbers."""
    count = form.get("count") or "10"
    mode = form.get("mode", "practice")
    if not count.isdigit():
        raise Invalid(COUNT_HINT)
    in_range = selection.PRACTICE_MIN <= int(count[:3]) <= selection.PRACTICE_MAX
    if mode == "practice" and not in_range:
        raise Invalid(COUNT_HINT)
    return quizzes.QuizRequest(
        pack=form.get("pack", ""),
        mode=mode,
        topics=tuple(form.getlist("topics")),
        count=int(count[:3]),
        feedback=form.get("feedback", "end"),
        domc=form.get("domc") == "on",
    )


@bp.post("/quiz/start")
@login_required
def start():
    """Start the quiz described by the form."""
    _valid_button()
    try:
        wanted = quiz_request_from_form(request.form)
    except Invalid as error:
        # Back to the form as it was sent, with the reason beside the count.
        pack = request.form.get("pack")
        return _choose_page(pack, None, error.message, request.form), 400
    try:
        attempt = quizzes.start_quiz(
            db.session,
            current_user,
            wanted,
            now(),
            exam_seconds=current_app.config.get("EXAM_SECONDS"),
        )
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for("quiz.choose"))
    return redirect(url_for("quiz.question", attempt_id=attempt.id, n=1))


@bp.get("/quiz/<int:attempt_id>")
@login_required
def question(attempt_id: int):
    """Show one question of an attempt in progress (answers kept on reload)."""
    attempt = quizzes.attempt_now(db.session, current_user, attempt_id, now())
    if attempt.status != "open":
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    position = request.args.get("n", "1")
    position = int(position) if position.isdigit() else 1
    if not 1 <= position <= attempt.question_count:
        abort(404, "This quiz has no question at that position.")
    item = quizzes.item_at(attempt, position)
    return render_template(
        "quiz/question.html",
        attempt=attempt,
        item=item,
        form=ButtonForm(),
        answered={i.position for i in attempt.items if i.answer is not None},
        expected=presenting.expected_answer(item.question.kind, item.shown, item.key)
        if item.locked
        else None,
        # Only once graded: which options were right, to mark them.
        right_options=presenting.right_options(item.question.kind, item.key)
        if item.locked
        else [],
    )


def _answer_from_form(item, form):
    kind = item.question.kind
    if kind == "multiple":
        return form.getlist("answer")
    if kind == "matching":
        return {
            left["id"]: form.get(f"match-{left['id']}")
            for left in item.shown["left"]
            if form.get(f"match-{left['id']}")
        }
    value = form.get("answer")
    return value if value not in (None, "") else None


@bp.post("/quiz/<int:attempt_id>/answer")
@login_required
def answer(attempt_id: int):
    """Save the answer to one question, then go where the learner asked."""
    _valid_button()
    attempt = quizzes.attempt_now(db.session, current_user, attempt_id, now())
    position = request.form.get("n", "")
    item = quizzes.item_at(attempt, int(position) if position.isdigit() else position)
    # A DOMC question has no answer fields (its options are decided one by
    # one), so its page's buttons only move on.
    fields = not quizzes.asked_by_option(item)
    try:
        if attempt.status == "open" and not item.locked and fields:
            quizzes.save_answer(
                db.session,
                current_user,
                attempt.id,
                item.position,
                _answer_from_form(item, request.form),
                now(),
            )
        if request.form.get("go") == "check":
            quizzes.check_now(
                db.session, current_user, attempt.id, item.position, now()
            )
    except Conflict as error:
        flash(error.message, "error")
    return _go(attempt, item.position, request.form.get("go"))


def _go(attempt, position: int, where: str | None):
    if attempt.status != "open":
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    if where == "previous":
        position = max(position - 1, 1)
    elif where == "next":
        position = min(position + 1, attempt.question_count)
    elif where == "submit":
        return redirect(url_for("quiz.confirm", attempt_id=attempt.id))
    return redirect(url_for("quiz.question", attempt_id=attempt.id, n=position))


@bp.post("/quiz/<int:attempt_id>/domc")
@login_required
def domc(attempt_id: int):
    """Record yes or no for the option shown in a DOMC question."""
    _valid_button()
    position = request.form.get("n", "")
    try:
        quizzes.domc_answer(
            db.session,
            current_user,
            attempt_id,
            int(position) if position.isdigit() else position,
            request.form.get("option"),
            request.form.get("says") == "yes",
            now(),
        )
    except Conflict as error:
        flash(error.message, "error")
    attempt = quizzes.attempt_now(db.session, current_user, attempt_id, now())
    return _go(attempt, int(position) if position.isdigit() else 1, "stay")


@bp.get("/quiz/<int:attempt_id>/submit")
@login_required
def confirm(attempt_id: int):
    """Ask before submitting, listing unanswered questions."""
    attempt = quizzes.attempt_now(db.session, current_user, attempt_id, now())
    if attempt.status != "open":
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    missing = [i.position for i in attempt.items if i.answer is None and not i.locked]
    return render_template(
        "quiz/confirm.html", attempt=attempt, missing=missing, form=ButtonForm()
    )


@bp.post("/quiz/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    """Submit the attempt for grading (also what the countdown does at zero)."""
    _valid_button()
    quizzes.submit_quiz(db.session, current_user, attempt_id, now())
    return redirect(url_for("quiz.review", attempt_id=attempt_id))


@bp.get("/quiz/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    """Show the graded attempt: score, topics, every question explained."""
    attempt = quizzes.attempt_now(db.session, current_user, attempt_id, now())
    if attempt.status == "open":
        return redirect(url_for("quiz.question", attempt_id=attempt.id, n=1))
    only_wrong = request.args.get("show") == "wrong"
    rows = [
        {
            "item": item,
            "given": presenting.given_answer(
                item.question.kind, item.shown, item.answer
            ),
            "expected": presenting.expected_answer(
                item.question.kind, item.shown, item.key
            ),
        }
        for item in attempt.items
        if not (only_wrong and item.correct)
    ]
    follow = lapses.follow_up(db.session, current_user.id, attempt)
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        rows=rows,
        follow=follow,
        only_wrong=only_wrong,
    )
