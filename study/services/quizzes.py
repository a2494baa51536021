"""Quizzes and mock exams: start, autosave, check, submit, grade on the server."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from study.errors import Conflict, Invalid, NotFound
from study.models import AttemptItem, Pack, Question, QuizAttempt, Topic, User
from study.quiz import present as presenting
from study.quiz import selection
from study.services.lapses import answered_wrong, lapse_missed_cards
from study.services.learner_lock import lock_learner

MODES = ("practice", "exam", "drill")
FEEDBACK = ("end", "each")
# Answers that arrive this long after the deadline still count (network delay).
GRACE = timedelta(seconds=2)
DRILL_TOPICS = 3


@dataclass(frozen=True)
class QuizRequest:
    """What a learner asked for when starting a quiz."""

    pack: str
    mode: str = "practice"
    topics: tuple[str, ...] = ()
    count: int | None = None
    feedback: str = "end"
    domc: bool = False


def open_attempt(session: Session, user: User, now: datetime) -> QuizAttempt | None:
    """Return the learner's attempt in progress, closing it first if time ran out."""
    attempt = _open_attempt(session, user)
    if attempt is not None and _expired(attempt, now):
        _lock_quizzes(session, user)
        attempt = _open_attempt(session, user)
        if attempt is not None and _expired(attempt, now):
            finalize(session, attempt, now)
            return None
    return attempt


def preferred_feedback(session: Session, user: User) -> str:
    """Return the feedback timing of the learner's latest practice quiz, so the
    start form offers it again ('end' before the first one)."""
    latest = session.scalar(
        select(QuizAttempt.feedback)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.mode == "practice")
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
        .limit(1)
    )
    return latest if latest in FEEDBACK else "end"


def _open_attempt(session: Session, user: User) -> QuizAttempt | None:
    return session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id, QuizAttempt.status == "open"
        )
    )


def _lock_quizzes(session: Session, user: User) -> None:
    """Serialize the learner's quiz writes, then read afresh what another
    request (a second tab, the countdown's submit) may have saved meanwhile:
    two submits must not both grade, nor an autosave land after grading."""
    lock_learner(session, user.id)
    session.expire_all()


def start_quiz(
    session: Session,
    user: User,
    request: QuizRequest,
    now: datetime,
    *,
    rng: random.Random | None = None,
    exam_seconds: int | None = None,
) -> QuizAttempt:
    """Start a practice quiz, a weak-topic drill or a mock exam (one at a time)."""
    rng = rng or random.Random()  # noqa: S311 - shuffling, not secrets
    pack = session.get(Pack, request.pack) if isinstance(request.pack, str) else None
    if pack is None:
        raise NotFound("There is no such pack.")
    _check_request(request)
    _lock_quizzes(session, user)
    if open_attempt(session, user, now) is not None:
        raise Conflict("You have a quiz in progress; finish or submit it first.")
    topics = _chosen_topics(session, pack, request)
    pool = _question_pool(session, pack.id, topics)
    if request.mode == "drill":
        topics = _weakest(session, user, pack, pool)
        pool = {t: pool[t] for t in topics}
    ids = _draw(request, pack, pool, rng)
    if not ids:
        raise Conflict("These topics have no quiz questions yet.")
    attempt = _new_attempt(user, pack, request, topics, now, exam_seconds)
    session.add(attempt)
    session.flush()
    _add_items(session, attempt, ids, rng)
    session.commit()
    return attempt


def _check_request(request: QuizRequest) -> None:
    if request.mode not in MODES:
        raise Invalid("mode must be practice, exam or drill.")
    if request.feedback not in FEEDBACK:
        raise Invalid("feedback must be 'end' or 'each'.")
    if request.mode == "practice":
        count = request.count
        if isinstance(count, bool) or not isinstance(count, int):
            raise Invalid("count must be a whole number from 5 to 50.")
        if not selection.PRACTICE_MIN <= count <= selection.PRACTICE_MAX:
            raise Invalid("count must be from 5 to 50.")
    if not isinstance(request.topics, tuple | list) or not all(
        isinstance(t, str) for t in request.topics
    ):
        raise Invalid("topics must be a list of topic ids.")


def _chosen_topics(session: Session, pack: Pack, request: QuizRequest) -> list[str]:
    live = [t.slug for t in pack.topics if not t.retired]
    if not request.topics or request.mode == "exam":
        return live
    unknown = set(request.topics) - set(live)
    if unknown:
        raise Invalid(f"Unknown topic: {', '.join(sorted(unknown))}.")
    return [t for t in live if t in request.topics]


def _question_pool(session: Session, pack_id: str, topics: list[str]) -> dict:
    rows = session.execute(
        select(Question.id, Topic.slug)
        .join(Topic, Topic.id == Question.topic_id)
        .where(
            Question.pack_id == pack_id,
            Question.retired.is_(False),
            Topic.slug.in_(topics),
        )
        .order_by(Question.position)
    ).all()
    pool: dict[str, list[int]] = {t: [] for t in topics}
    for question_id, slug in rows:
        pool[slug].append(question_id)
    return pool


def _weakest(session: Session, user: User, pack: Pack, pool: dict) -> list[str]:
    from study.services.quiz_history import recent_topic_scores

    scores = recent_topic_scores(session, user, pack.id)
    candidates = [t for t, ids in pool.items() if ids]
    return selection.weakest_topics(scores, candidates, DRILL_TOPICS)


def _draw(request: QuizRequest, pack: Pack, pool: dict, rng) -> list[int]:
    if request.mode == "exam":
        weights = {t.slug: t.weight for t in pack.topics if not t.retired}
        available = {t: len(ids) for t, ids in pool.items()}
        count = int(pack.exam.get("questions") or 0)
        allocation = selection.exam_allocation(weights, available, count)
        return selection.pick_by_allocation(pool, allocation, rng)
    count = request.count if request.mode == "practice" else request.count or 10
    count = max(selection.PRACTICE_MIN, min(int(count), selection.PRACTICE_MAX))
    return selection.pick_spread(pool, count, rng)


def _new_attempt(user, pack, request, topics, now, exam_seconds) -> QuizAttempt:
    exam = request.mode == "exam"
    deadline = None
    if exam:
        seconds = exam_seconds or int(pack.exam.get("minutes") or 90) * 60
        deadline = now + timedelta(seconds=seconds)
    return QuizAttempt(
        user_id=user.id,
        pack_id=pack.id,
        mode=request.mode,
        topics=topics,
        feedback="end" if exam else request.feedback,
        domc=bool(request.domc) and exam,
        status="open",
        started_at=now,
        deadline=deadline,
        pass_mark=int(pack.exam.get("pass_mark") or 0) if exam else None,
    )


def _add_items(session: Session, attempt: QuizAttempt, ids: list[int], rng) -> None:
    questions = {
        q.id: q for q in session.scalars(select(Question).where(Question.id.in_(ids)))
    }
    others = _other_rows_answers(session, attempt.pack_id, questions.values())
    rows = []
    for position, question_id in enumerate(ids, start=1):
        question = questions[question_id]
        shown = presenting.present(
            question.kind, question.data, rng, others.get(question_id, ())
        )
        extra = {}
        if attempt.domc and question.kind in ("single", "multiple"):
            order = [o["id"] for o in shown.shown["options"]]
            extra = {"sequence": rng.sample(order, len(order))}
        rows.append(
            {
                "attempt_id": attempt.id,
                "position": position,
                "question_id": question_id,
                "shown": {**shown.shown, **extra},
                "key": shown.key,
                "locked": False,
            }
        )
    session.execute(insert(AttemptItem), rows)
    attempt.question_count = len(ids)


def _other_rows_answers(session: Session, pack_id: str, questions) -> dict:
    """Map each typed text question made from a table row to the answers of the
    column's other rows (kept in the attempt's key, so they stay on the server)."""
    wanted = {
        q.id: column
        for q in questions
        if q.kind == "typed"
        and (q.data or {}).get("answer_type", "text") == "text"
        and (column := presenting.table_column(q.key))
    }
    if not wanted:
        return {}
    columns = set(wanted.values())
    by_column: dict[tuple, list[str]] = {}
    rows = session.execute(
        select(Question.key, Question.data).where(
            Question.pack_id == pack_id,
            Question.kind == "typed",
            Question.retired.is_(False),
            Question.key.startswith(f"{pack_id}:table:", autoescape=True),
        )
    )
    for key, data in rows:
        column = presenting.table_column(key)
        if column in columns:
            answers = (data or {}).get("answers") or []
            by_column.setdefault(column, []).extend(answers)
    return {
        question_id: by_column.get(column, []) for question_id, column in wanted.items()
    }


def owned_attempt(session: Session, user: User, attempt_id: object) -> QuizAttempt:
    """Return the learner's own attempt, or NotFound (never another's)."""
    if isinstance(attempt_id, bool) or not isinstance(attempt_id, int):
        raise NotFound("There is no such quiz attempt.")
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound("There is no such quiz attempt.")
    return attempt


def _expired(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def attempt_now(session: Session, user: User, attempt_id: int, now) -> QuizAttempt:
    """Load an attempt, submitting it on the server if its time has run out."""
    attempt = owned_attempt(session, user, attempt_id)
    if attempt.status == "open" and _expired(attempt, now):
        _lock_quizzes(session, user)
        attempt = owned_attempt(session, user, attempt_id)
        if attempt.status == "open":
            finalize(session, attempt, now)
    return attempt


def item_at(attempt: QuizAttempt, position: object) -> AttemptItem:
    """Return the attempt's question at a position (1-based)."""
    if isinstance(position, bool) or not isinstance(position, int):
        raise Invalid("position must be a whole number.")
    for item in attempt.items:
        if item.position == position:
            return item
    raise NotFound("This quiz has no question at that position.")


def _writable_item(session, user, attempt_id, position, now) -> AttemptItem:
    _lock_quizzes(session, user)
    attempt = attempt_now(session, user, attempt_id, now)
    if attempt.status != "open":
        late = " Time ran out;" if attempt.timed_out else ""
        raise Conflict(
            f"{late} This attempt was submitted and can no longer change.".strip()
        )
    item = item_at(attempt, position)
    if item.locked:
        raise Conflict("This question is already answered and checked.")
    return item


def asked_by_option(item: AttemptItem) -> bool:
    """Tell whether a question is asked one option at a time (DOMC)."""
    return bool(item.attempt.domc and item.shown.get("sequence"))


def save_answer(session, user, attempt_id, position, answer, now) -> AttemptItem:
    """Autosave one answer while the attempt is open and within its time."""
    item = _writable_item(session, user, attempt_id, position, now)
    if asked_by_option(item):
        raise Invalid("Answer this question one option at a time.")
    item.answer = presenting.check_answer_shape(item.question.kind, item.shown, answer)
    item.answered_at = now
    session.commit()
    return item


def check_now(session, user, attempt_id, position, now) -> AttemptItem:
    """Grade one answer at once (practice with feedback after each question)."""
    item = _writable_item(session, user, attempt_id, position, now)
    if item.attempt.feedback != "each":
        raise Conflict("This quiz shows feedback at the end.")
    item.correct = presenting.grade(
        item.question.kind, item.shown, item.key, item.answer
    )
    item.locked = True
    session.commit()
    return item


def domc_answer(session, user, attempt_id, position, option_id, says_yes, now):
    """Record a yes/no on the option shown (DOMC); return the item."""
    if not isinstance(says_yes, bool):
        raise Invalid("Answer yes or no (true or false).")
    item = _writable_item(session, user, attempt_id, position, now)
    if not asked_by_option(item):
        raise Conflict("This question is not asked one option at a time.")
    sequence = item.shown["sequence"]
    decisions = list((item.answer or {}).get("decisions", []))
    # A stale page (a second tab, a double click) may answer an earlier option.
    if option_id != sequence[len(decisions)]:
        raise Conflict("That option is not the one shown now; reload the question.")
    decisions.append([option_id, says_yes])
    correct = set(item.key["correct"])
    wrong_call = (option_id in correct) != says_yes
    confirmed = {o for o, yes in decisions if yes} == correct
    chosen = [o for o, yes in decisions if yes]
    item.answer = {"decisions": decisions, "chosen": chosen}
    if wrong_call or confirmed or len(decisions) == len(sequence):
        item.locked = True
        item.correct = not wrong_call and confirmed
    item.answered_at = now
    session.commit()
    return item


def submit_quiz(session, user, attempt_id, now, answers: dict | None = None):
    """Save any final answers in time, then grade; a second submit changes nothing."""
    _lock_quizzes(session, user)
    attempt = attempt_now(session, user, attempt_id, now)
    if attempt.status != "open":
        return attempt
    final = []
    for position, answer in (answers or {}).items():
        item = item_at(attempt, int(position) if str(position).isdigit() else position)
        # Refused, not skipped: a whole answer would bypass the one-option-at-a-
        # time rule, and silently dropping it would mislead the client.
        if asked_by_option(item):
            raise Invalid(
                f"Question {item.position} is asked one option at a time; "
                "answer it option by option, not in answers."
            )
        if not item.locked:
            shaped = presenting.check_answer_shape(
                item.question.kind, item.shown, answer
            )
            final.append((item, shaped))
    for item, answer in final:
        item.answer = answer
        item.answered_at = now
    finalize(session, attempt, now)
    return attempt


def finalize(session: Session, attempt: QuizAttempt, now: datetime) -> None:
    """Grade every question, score the attempt and feed misses to the scheduler."""
    timed_out = attempt.deadline is not None and now >= attempt.deadline
    per_topic: dict[str, dict] = {}
    for item in attempt.items:
        if not (item.locked and item.correct is not None):
            item.correct = presenting.grade(
                item.question.kind, item.shown, item.key, item.answer
            )
        topic = per_topic.setdefault(
            item.question.topic.slug,
            {"title": item.question.topic.title, "correct": 0, "total": 0},
        )
        topic["total"] += 1
        topic["correct"] += int(bool(item.correct))
    for topic in per_topic.values():
        topic["score"] = round(100 * topic["correct"] / topic["total"], 1)
    attempt.correct_count = sum(1 for item in attempt.items if item.correct)
    attempt.score = round(100 * attempt.correct_count / max(len(attempt.items), 1), 1)
    attempt.per_topic = per_topic
    attempt.passed = (
        None if attempt.pass_mark is None else (attempt.score >= attempt.pass_mark)
    )
    attempt.timed_out = timed_out
    attempt.submitted_at = min(now, attempt.deadline) if timed_out else now
    attempt.status = "submitted"
    missed = answered_wrong(attempt.items)
    lapse_missed_cards(session, attempt.user_id, attempt.id, missed, now)
    session.commit()
