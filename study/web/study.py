"""The study page: show a card, reveal it, rate it, undo."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from study import srs
from study.errors import Conflict, Invalid
from study.extensions import db
from study.models import Card, CardState, Pack
from study.services import choices, history, queue, reviews, tally
from study.services.next_study import next_study
from study.web.clock import now
from study.web.forms import ButtonForm, RatingForm

bp = Blueprint("study", __name__)


def _scope_args() -> dict:
    args = {"pack": request.args.get("pack") or None}
    if args["pack"]:
        args["topic"] = request.args.get("topic") or None
        args["note"] = request.args.get("note") or None
    return {k: v for k, v in args.items() if v}


def session_state(card_key: str | None = None) -> dict:
    """Gather what the study page or the API shows: a card, counts and the day."""
    scope_args = _scope_args()
    user = current_user._get_current_object()
    moment = now()
    scope, day, counts = tally.scope_day_and_counts(
        db.session, user, moment, **scope_args
    )
    card = _requested_card(card_key, user, moment, day)
    if card is None:
        card = queue.next_card(db.session, user, scope, moment, day, counts)
    return {
        "scope": scope,
        "scope_args": scope_args,
        "day": day,
        "counts": counts,
        "due": queue.due_card(db.session, user, card, moment) if card else None,
        "now": moment,
    }


def _requested_card(card_key, user, moment, day):
    """Return the card asked for by key (after undo) if it may be rated now."""
    if not card_key:
        return None
    card = db.session.scalar(select(Card).where(Card.key == card_key))
    if card is None or card.retired:
        return None
    state = db.session.get(CardState, (user.id, card.id))
    memory = queue.to_memory(state) if state else None
    if not srs.is_due(memory, moment, day.end):
        return None
    return queue.NextCard(queue.ShownCard.of(card), state)


@bp.get("/study")
@login_required
def show():
    """Show the next due card (or the one named by ?card=) and the day's counts."""
    state = session_state(request.args.get("card"))
    if state["due"] is None:
        later = next_study(
            db.session, current_user, state["scope"], state["day"], state["now"]
        )
        studied = history.cards_studied_since(
            db.session, current_user, state["day"].start
        )
        return render_template(
            "study/done.html",
            next_study=later,
            has_packs=bool(state["scope"].topic_ids),
            cards_studied=studied,
            **state,
        )
    form = RatingForm(card=state["due"].card.key, review_id=state["due"].review_id)
    return render_template(
        "study/card.html",
        form=form,
        undo_form=ButtonForm(),
        revealed=request.args.get("reveal") == "1",
        **state,
    )


@bp.route("/study/choose", methods=["GET", "POST"])
@login_required
def choose():
    """Let the learner pick the packs and topics their daily queue draws from."""
    packs = db.session.scalars(select(Pack).order_by(Pack.title)).all()
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            raise Invalid("The form expired; reload the page and try again.")
        chosen = {}
        for pack in packs:
            slugs = request.form.getlist(f"topics-{pack.id}")
            if slugs:
                chosen[pack.id] = slugs
        choices.save_study_choices(db.session, current_user, chosen)
        flash("Your study choice is saved.", "success")
        return redirect(url_for("study.choose"))
    current = choices.study_choices(db.session, current_user)
    return render_template("study/choose.html", packs=packs, current=current, form=form)


@bp.post("/study/review")
@login_required
def rate():
    """Record a rating sent by the no-JavaScript form, then show the next card."""
    form = RatingForm()
    if not form.validate_on_submit():
        raise Invalid("The rating form was incomplete or expired; please try again.")
    try:
        rating = int(request.form.get("rating", ""))
        duration = int(form.duration_ms.data or 0)
    except ValueError as error:
        raise Invalid("Choose Again, Hard, Good or Easy.") from error
    try:
        reviews.record_review(
            db.session,
            current_user,
            form.card.data,
            rating,
            form.review_id.data,
            duration,
            now(),
        )
    except Conflict as error:
        return render_template("study/refused.html", message=error.message), 409
    return redirect(url_for("study.show", **_scope_args()))


@bp.post("/study/undo")
@login_required
def undo():
    """Take back the last rating and show that card again."""
    form = ButtonForm()
    if not form.validate_on_submit():
        raise Invalid("The undo form expired; please try again.")
    card = reviews.undo_last_review(db.session, current_user)
    args = _scope_args()
    if card is not None:
        args["card"] = card.key
    return redirect(url_for("study.show", **args))
