"""Quiz pages over real HTTP: choose, answer, submit, review; no answer leaks."""

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from study.extensions import db
from study.models import AttemptItem, Card, QuizAttempt, User
from study.quiz import present as presenting
from study.services import queue, reviews
from tests.quiz_answers import right_answer, wrong_answer
from tests.services.test_quiz_history import import_starter_copy


def start(client, **fields):
    client.refresh_token("/quiz")
    data = {
        "pack": "starter",
        "mode": "practice",
        "count": "5",
        "feedback": "end",
        **fields,
    }
    return client.form("/quiz/start", data)


def attempt_items(app):
    with app.app_context():
        attempt = db.session.query(QuizAttempt).one()
        return attempt.id, [
            (i.position, i.question.kind, dict(i.shown), dict(i.key))
            for i in db.session.query(AttemptItem).order_by(AttemptItem.position)
        ]


def test_choose_page_offers_practice_exam_and_drill(logged_in, starter):
    page = logged_in.get("/quiz").get_data(as_text=True)
    for text in (
        "Start practice quiz",
        "Start mock exam",
        "Drill my weak topics",
        "DOMC",
    ):
        assert text in page


def test_question_pages_never_show_the_answer_key(app, logged_in, starter):
    response = start(logged_in, count="10")
    assert response.status_code == 302
    attempt_id, items = attempt_items(app)
    for position, kind, _shown, key in items:
        page = logged_in.get(f"/quiz/{attempt_id}?n={position}").get_data(as_text=True)
        assert "correct" not in page.lower().replace("correct answer?", "")
        if kind == "typed":
            assert key["answers"][0] not in page


def test_answering_and_submitting_shows_the_review(app, logged_in, starter):
    start(logged_in)
    attempt_id, items = attempt_items(app)
    position, kind, shown, key = items[0]
    answer = {
        "single": key.get("correct", [""])[0],
        "truefalse": "true",
        "typed": "pwd",
        "multiple": key.get("correct", [""])[0],
    }.get(kind, "")
    logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {"n": str(position), "answer": answer, "go": "next"},
    )
    page = logged_in.get(f"/quiz/{attempt_id}?n=1").get_data(as_text=True)
    assert "Answer saved" in page or kind == "matching"
    confirm = logged_in.get(f"/quiz/{attempt_id}/submit").get_data(as_text=True)
    assert "unanswered" in confirm
    response = logged_in.form(f"/quiz/{attempt_id}/submit")
    assert response.headers["Location"].endswith(f"/quiz/{attempt_id}/review")
    review = logged_in.get(f"/quiz/{attempt_id}/review").get_data(as_text=True)
    assert "Correct answer" in review and "Your answer" in review
    assert "Read the note" in review
    assert re.search(r'id="score">\d+%', review)


def test_the_review_shows_only_typed_answers_as_code(app, logged_in, starter):
    start(logged_in, count="20")
    attempt_id, items = attempt_items(app)
    logged_in.form(f"/quiz/{attempt_id}/submit")
    review = logged_in.get(f"/quiz/{attempt_id}/review").get_data(as_text=True)
    kinds = {kind for _, kind, _, _ in items}
    assert {"truefalse", "typed"} <= kinds
    for _, kind, _, key in items:
        if kind == "truefalse":
            truth = "True" if key["truth"] else "False"
            assert f"<dt>Correct answer</dt>\n      <dd>{truth}</dd>" in review
        if kind == "typed":
            assert f"<dd><code>{html.escape(key['answers'][0])}</code></dd>" in review
    assert "<code>True</code>" not in review and "<code>False</code>" not in review


def test_another_users_attempt_is_a_404(app, client, logged_in, starter):
    start(logged_in)
    attempt_id, _ = attempt_items(app)
    from tests.conftest import BrowserLikeClient, make_user
    from tests.web.test_auth import login

    make_user(app, "other@example.com")
    other = BrowserLikeClient(app.test_client())
    login(other, email="other@example.com")
    assert other.get(f"/quiz/{attempt_id}?n=1").status_code == 404
    assert other.get(f"/quiz/{attempt_id}/review").status_code == 404


def test_a_drill_is_called_a_drill_on_its_pages(app, logged_in, starter):
    start(logged_in, mode="drill")
    attempt_id, items = attempt_items(app)
    page = logged_in.get(f"/quiz/{attempt_id}?n=1").get_data(as_text=True)
    assert "<strong>Weak-topic drill</strong> · Question" in page
    review = answer_all(logged_in, attempt_id, items, answered=0)
    assert "<h1>Weak-topic drill: results</h1>" in review
    listed = logged_in.get("/quiz").get_data(as_text=True)
    assert "<td>Weak-topic drill</td>" in listed


def test_the_review_can_show_only_the_wrong_answers(app, logged_in, starter):
    start(logged_in)
    attempt_id, items = attempt_items(app)
    (first, kind, shown, key), *rest = items
    logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {
            "n": str(first),
            "go": "next",
            **form_fields(kind, right_answer(kind, shown, key)),
        },
    )
    logged_in.form(f"/quiz/{attempt_id}/submit")
    every = logged_in.get(f"/quiz/{attempt_id}/review").get_data(as_text=True)
    assert every.count('<li class="panel') == len(items)
    assert f"only the {len(rest)} you got wrong" in every
    wrong = logged_in.get(f"/quiz/{attempt_id}/review?show=wrong").get_data(
        as_text=True
    )
    assert wrong.count('<li class="panel wrong"') == len(rest)
    assert f'id="q{first}"' not in wrong
    for position, *_ in rest:  # numbered as in the quiz
        assert f'id="q{position}" value="{position}"' in wrong


def test_bad_count_is_a_400(logged_in, starter):
    assert start(logged_in, count="abc").status_code == 400
    assert start(logged_in, count="4").status_code == 400


def test_a_refused_count_is_explained_on_the_form_as_sent(logged_in, starter):
    response = start(logged_in, count="51", topics="extras", feedback="each")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<h1>Quizzes and mock exams</h1>" in page  # the form, not a dead end
    assert re.search(
        r'<p class="error" role="alert" id="count-error-starter">'
        r"Choose a number of questions from 5 to 50.</p>",
        page,
    )
    count = re.search(r'<input id="count-starter"[^>]*>', page).group(0)
    assert 'value="51"' in count and 'aria-invalid="true"' in count
    assert 'aria-describedby="count-error-starter"' in count
    assert re.search(r'value="extras" checked', page)


def test_history_lists_attempts(app, logged_in, starter):
    start(logged_in)
    attempt_id, _ = attempt_items(app)
    logged_in.form(f"/quiz/{attempt_id}/submit")
    page = logged_in.get("/quiz").get_data(as_text=True)
    assert "Your attempts" in page and f"/quiz/{attempt_id}/review" in page
    assert "Your scores by topic" in page


def form_fields(kind, answer) -> dict:
    """Return the answer as the question page's form sends it."""
    if kind == "matching":
        return {f"match-{left}": right for left, right in answer.items()}
    return {"answer": answer}


def answer_block(page: str, position: int, label: str) -> str:
    """Return the review page's "Your answer" or "Correct answer" of a question."""
    item = re.search(rf'id="q{position}"[^>]*>(.*?)</li>', page, re.S).group(1)
    return re.search(rf"<dt>{label}</dt>\s*<dd>(.*?)</dd>", item, re.S).group(1)


def shown_pieces(kind, value) -> list[str]:
    """Return what the review page must show of an answer in readable form:
    a typed answer as code, a true/false one as a word."""
    if isinstance(value, str):
        return [f"<code>{value}</code>"] if kind == "typed" else [value]
    if kind == "matching":
        return [f"{left} → {right}" for left, right in value]
    return list(value)


def test_review_shows_the_answers_given_and_expected(app, logged_in, starter):
    start(logged_in, count="10")
    attempt_id, items = attempt_items(app)
    first, first_kind, first_shown, first_key = items[0]
    given = wrong_answer(first_kind, first_shown, first_key)
    logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {"n": str(first), "go": "next", **form_fields(first_kind, given)},
    )
    logged_in.form(f"/quiz/{attempt_id}/submit")
    page = logged_in.get(f"/quiz/{attempt_id}/review").get_data(as_text=True)
    for position, kind, shown, key in items:
        block = answer_block(page, position, "Correct answer")
        expected = presenting.expected_answer(kind, shown, key)
        for piece in shown_pieces(kind, expected):
            assert piece in block, (kind, piece, block)
    readable = presenting.given_answer(first_kind, first_shown, given)
    block = answer_block(page, first, "Your answer")
    for piece in shown_pieces(first_kind, readable):
        assert piece in block, (first_kind, piece, block)
    assert "no answer" in answer_block(page, items[1][0], "Your answer")


def test_feedback_after_each_question(app, logged_in, starter):
    start(logged_in, feedback="each")
    attempt_id, items = attempt_items(app)
    (one, kind1, shown1, key1), (two, kind2, shown2, key2) = items[:2]
    page = logged_in.get(f"/quiz/{attempt_id}?n={one}").get_data(as_text=True)
    assert 'value="check"' in page

    checked = logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {
            "n": str(one),
            "go": "check",
            **form_fields(kind1, right_answer(kind1, shown1, key1)),
        },
    )
    assert checked.headers["Location"].endswith(f"/quiz/{attempt_id}?n={one}")
    page = logged_in.get(f"/quiz/{attempt_id}?n={one}").get_data(as_text=True)
    assert "Right." in page and 'value="check"' not in page
    assert "Read the note" in page
    assert re.search(
        r'(fieldset class="\w+" disabled|id="typed-answer"[^>]*disabled)', page
    )

    logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {
            "n": str(two),
            "go": "check",
            **form_fields(kind2, wrong_answer(kind2, shown2, key2)),
        },
    )
    page = logged_in.get(f"/quiz/{attempt_id}?n={two}").get_data(as_text=True)
    assert "Not quite." in page and "The answer:" in page
    expected = presenting.expected_answer(kind2, shown2, key2)
    for piece in shown_pieces(kind2, expected):
        assert piece in page

    again = logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {
            "n": str(one),
            "go": "check",
            **form_fields(kind1, wrong_answer(kind1, shown1, key1)),
        },
        follow_redirects=True,
    )
    assert "already answered and checked" in again.get_data(as_text=True)
    with app.app_context():
        locked = {
            i.position: (i.locked, i.correct)
            for i in db.session.scalars(select(AttemptItem).where(AttemptItem.locked))
        }
    assert locked == {one: (True, True), two: (True, False)}


def option_labels(page: str) -> dict[str, str]:
    """Return each choice option's label, by option id."""
    labels = re.findall(
        r'(<label class="option[^"]*"><input[^>]*value="(\w+)".*?</label>)', page, re.S
    )
    return {value: label for label, value in labels}


def test_checked_choices_mark_the_right_option_and_the_wrong_pick(
    app, logged_in, starter
):
    start(logged_in, feedback="each", count="10")
    attempt_id, items = attempt_items(app)
    position, kind, shown, key = next(
        item for item in items if item[1] in ("single", "multiple", "truefalse")
    )
    given = wrong_answer(kind, shown, key)
    logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {"n": str(position), "go": "next", **form_fields(kind, given)},
    )
    # Saved, not checked: nothing says right or wrong yet.
    saved = logged_in.get(f"/quiz/{attempt_id}?n={position}").get_data(as_text=True)
    assert "Answer saved." in saved
    assert "option-mark" not in saved and "is-right" not in saved
    assert "is-wrong" not in saved
    logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {"n": str(position), "go": "check", **form_fields(kind, given)},
    )
    page = logged_in.get(f"/quiz/{attempt_id}?n={position}").get_data(as_text=True)
    labels = option_labels(page)
    assert len(labels) == len(shown["options"])
    right = set(presenting.right_options(kind, key))
    picked = {given} if isinstance(given, str) else set(given)
    for option, label in labels.items():
        if option in right:
            assert "is-right" in label and "✓ right answer" in label
        elif option in picked:
            assert "is-wrong" in label and "✗ your choice" in label
        else:
            assert "option-mark" not in label


def test_feedback_at_the_end_has_no_check(app, logged_in, starter):
    start(logged_in, feedback="end")
    attempt_id, items = attempt_items(app)
    position, kind, shown, key = items[0]
    response = logged_in.form(
        f"/quiz/{attempt_id}/answer",
        {
            "n": str(position),
            "go": "check",
            **form_fields(kind, right_answer(kind, shown, key)),
        },
        follow_redirects=True,
    )
    assert "shows feedback at the end" in response.get_data(as_text=True)
    assert "Right." not in response.get_data(as_text=True)


def test_the_start_form_offers_the_last_feedback_choice(app, logged_in, starter):
    page = logged_in.get("/quiz").get_data(as_text=True)
    assert re.search(r'value="end"\s+checked', page)
    assert not re.search(r'value="each"\s+checked', page)
    start(logged_in, feedback="each")
    attempt_id, _ = attempt_items(app)
    logged_in.form(f"/quiz/{attempt_id}/submit")
    page = logged_in.get("/quiz").get_data(as_text=True)
    assert re.search(r'value="each"\s+checked', page)
    assert not re.search(r'value="end"\s+checked', page)


def test_domc_page_asks_one_option_at_a_time(app, logged_in, starter):
    start(logged_in, mode="exam", domc="on")
    attempt_id, items = attempt_items(app)
    position, _kind, shown, key = next(i for i in items if "sequence" in i[2])
    texts = {o["id"]: o["text"] for o in shown["options"]}
    url = f"/quiz/{attempt_id}?n={position}"
    for asked, option in enumerate(shown["sequence"]):
        page = logged_in.get(url).get_data(as_text=True)
        if "This question is decided" in page:
            break
        assert f'name="option" value="{option}"' in page
        for later in shown["sequence"][asked + 1 :]:
            assert texts[later] not in page
        says = "yes" if option in key["correct"] else "no"
        response = logged_in.form(
            f"/quiz/{attempt_id}/domc",
            {"n": str(position), "option": option, "says": says},
        )
        assert response.headers["Location"].endswith(url)
        page = logged_in.get(url).get_data(as_text=True)
        assert f"you said <strong>{says}</strong>" in page
    page = logged_in.get(url).get_data(as_text=True)
    assert "This question is decided" in page and 'id="domc-form"' not in page
    stale = logged_in.form(
        f"/quiz/{attempt_id}/domc",
        {"n": str(position), "option": shown["sequence"][0], "says": "yes"},
        follow_redirects=True,
    )
    assert "already answered" in stale.get_data(as_text=True)
    moved = logged_in.form(
        f"/quiz/{attempt_id}/answer", {"n": str(position), "go": "next"}
    )
    assert moved.status_code == 302
    logged_in.form(f"/quiz/{attempt_id}/submit")
    review = logged_in.get(f"/quiz/{attempt_id}/review").get_data(as_text=True)
    assert f'class="panel right" id="q{position}"' in review


def test_domc_page_moves_on_from_an_undecided_question(app, logged_in, starter):
    start(logged_in, mode="exam", domc="on")
    attempt_id, items = attempt_items(app)
    position, _kind, shown, _key = next(i for i in items if "sequence" in i[2])
    url = f"/quiz/{attempt_id}/domc"
    later = shown["sequence"][1]
    stale = logged_in.form(
        url, {"n": str(position), "option": later, "says": "no"}, follow_redirects=True
    )
    assert "not the one shown" in stale.get_data(as_text=True)
    for go in ("next", "previous", "submit"):
        moved = logged_in.form(
            f"/quiz/{attempt_id}/answer", {"n": str(position), "go": go}
        )
        assert moved.status_code == 302, go
    with app.app_context():
        item = db.session.scalars(
            select(AttemptItem).where(AttemptItem.position == position)
        ).one()
        assert item.answer is None and not item.locked


def test_scores_by_topic_are_shown_per_pack(app, logged_in, starter, tmp_path):
    with app.app_context():
        import_starter_copy(tmp_path, "second", "Second deck")
        db.session.remove()
    for pack in ("starter", "second"):
        start(logged_in, pack=pack, topics="basics")
        with app.app_context():
            attempt_id = db.session.scalar(
                select(QuizAttempt.id).where(QuizAttempt.status == "open")
            )
        logged_in.form(f"/quiz/{attempt_id}/submit")
    page = logged_in.get("/quiz").get_data(as_text=True)
    scores = page.split('id="topic-scores"', 1)[1].split("</section>", 1)[0]
    tables = re.findall(r'<h3 id="topic-scores-(\w+)">([^<]+)</h3>', scores)
    assert tables == [("second", "Second deck"), ("starter", "Starter deck")]
    assert scores.count("<td>Basics</td>") == 2


def answer_all(client, attempt_id, items, answered=None):
    """Answer the attempt's questions wrong (only the first `answered`)."""
    for position, kind, shown, key in items[:answered]:
        given = wrong_answer(kind, shown, key)
        client.form(
            f"/quiz/{attempt_id}/answer",
            {"n": str(position), "go": "next", **form_fields(kind, given)},
        )
    client.form(f"/quiz/{attempt_id}/submit")
    return client.get(f"/quiz/{attempt_id}/review").get_data(as_text=True)


def linked_cards(app, attempt_id, positions) -> int:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        keys = {
            key
            for item in attempt.items
            if item.position in positions
            for key in item.question.data["cards"]
        }
        return len(keys)


def test_the_review_says_which_studied_cards_came_due(app, logged_in, starter):
    with app.app_context():
        learner = db.session.scalar(select(User))
        moment = datetime.now(UTC) - timedelta(days=7)
        for card in db.session.scalars(select(Card).where(Card.retired.is_(False))):
            review_id = queue.review_id_for(db.session, learner, card)
            reviews.record_review(
                db.session, learner, card.key, 4, review_id, 1, moment
            )
    start(logged_in)
    attempt_id, items = attempt_items(app)
    page = answer_all(logged_in, attempt_id, items)
    lapsed = linked_cards(app, attempt_id, {item[0] for item in items})
    follow = re.search(r'id="follow-up">(.*?)</div>', page, re.S).group(1)
    assert f"{lapsed} card{'s' if lapsed != 1 else ''} you had studied" in follow
    assert "still new to you" not in follow and "left blank" not in follow
    assert 'href="/study">Review them now</a>' in page


def test_the_review_sends_new_cards_to_their_topic(app, logged_in, starter):
    start(logged_in)
    attempt_id, items = attempt_items(app)
    # Answer (wrong) one question that has cards behind it; leave the rest.
    linked = [i for i in items if linked_cards(app, attempt_id, {i[0]})]
    items = linked[:1] + [i for i in items if i not in linked[:1]]
    page = answer_all(logged_in, attempt_id, items, answered=1)
    new = linked_cards(app, attempt_id, {items[0][0]})
    assert new
    follow = re.search(r'id="follow-up">(.*?)</div>', page, re.S).group(1)
    assert "you had studied" not in follow and "Review them now" not in page
    assert f"{new} card{'s' if new != 1 else ''} behind the questions" in follow
    assert "still new to you" in follow
    assert re.search(r'href="/study\?pack=starter&amp;topic=\w+">', follow)
    blank = len(items) - 1
    assert f"{blank} questions left blank count as wrong" in follow
