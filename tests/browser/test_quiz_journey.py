"""Quizzes in a real browser: a practice quiz and a mock exam that times out."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.test_journey import register

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def answer_current(page) -> str:
    """Give some answer to the question on screen and wait until it is saved;
    return a part of it the review page shows as given."""
    given = give_answer(page)
    expect(page.locator("#save-state")).to_have_text("Answer saved.")
    return given


def give_answer(page) -> str:
    """Give some answer to the question on screen, with the keyboard where
    possible; return a part of it the review page shows as given."""
    page.wait_for_load_state()  # the keys work once the page's script has run
    kind = page.locator("#quiz").get_attribute("data-kind")
    page.locator("#prompt").click()  # focus the page, not a field
    given = "docker ps -a"
    if kind in ("single", "truefalse", "multiple"):
        page.keyboard.press("1")
        given = page.locator("fieldset.options label.option span").first.inner_text()
    elif kind == "typed":
        page.fill("#typed-answer", given)
    elif kind == "matching":
        for select in page.locator("fieldset.matching select").all():
            select.select_option(index=1)
        first = page.locator("fieldset.matching select").first
        given = first.evaluate("s => s.options[s.selectedIndex].text")
    page.locator("#prompt").click()
    return given.strip()


def test_practice_quiz_and_review(page, live_server):
    register(page, live_server, "quizzer@example.com")
    page.goto(f"{live_server}/quiz")
    shot(page, "20-quiz-choose")
    page.fill("#count-starter", "5")
    page.click("#practice-form button[type=submit]")
    for number in range(1, 6):
        expect(page.locator("#quiz-position")).to_have_text(str(number))
        answer_current(page)
        if number == 1:
            shot(page, "21-quiz-question")
        if number < 5:
            page.keyboard.press("ArrowRight")
    page.click("button[value=submit]")
    page.click("#confirm-submit")
    expect(page.locator("#score")).to_be_visible()
    expect(page.locator(".review-list > li")).to_have_count(5)
    shot(page, "22-quiz-review")

    # On a phone the page with the scores by topic and the attempts does not
    # scroll sideways; a wide table scrolls inside its own box.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/quiz")
    expect(page.locator("#topic-scores table")).to_be_visible()
    expect(page.locator("#history table")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    shot(page, "23-quiz-choose-phone")


def test_an_answer_given_offline_is_saved_when_the_connection_returns(
    page, live_server
):
    register(page, live_server, "offline@example.com")
    page.goto(f"{live_server}/quiz")
    page.click("#practice-form button[type=submit]")
    expect(page.locator("#quiz-position")).to_have_text("1")
    page.context.set_offline(True)
    give_answer(page)
    expect(page.locator("#save-state")).to_have_text(
        "Not saved yet: no connection. Retrying…"
    )
    page.context.set_offline(False)
    expect(page.locator("#save-state")).to_have_text("Answer saved.", timeout=8000)
    page.reload()
    expect(page.locator(".question-map a.answered")).to_have_count(1)


def test_mock_exam_survives_reload_and_times_out(page, live_server):
    register(page, live_server, "examinee@example.com")
    page.goto(f"{live_server}/quiz")
    page.click("text=Start mock exam")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"0:1\d|0:0\d"))
    first = answer_current(page)
    page.keyboard.press("ArrowRight")
    expect(page.locator("#quiz-position")).to_have_text("2")
    second = answer_current(page)
    page.reload()
    expect(page.locator("#save-state")).to_have_text("Answer saved.")
    page.goto(re.sub(r"n=\d+", "n=1", page.url))
    expect(page.locator("#save-state")).to_have_text("Answer saved.")
    expect(page.locator(".question-map a.answered")).to_have_count(2)
    shot(page, "23-exam-after-reload")
    expect(page.locator("#timed-out")).to_be_visible(timeout=20000)
    expect(page.locator("#verdict")).to_be_visible()
    # Graded with the answers saved in time, and nothing for the rest.
    given = page.locator(".review-list dl.answers dd:nth-of-type(1)")
    expect(given.nth(0)).to_contain_text(first)
    expect(given.nth(1)).to_contain_text(second)
    expect(given.nth(2)).to_have_text("no answer")
    shot(page, "24-exam-timed-out")


def test_checking_an_answer_marks_the_right_option(page, live_server):
    register(page, live_server, "checker@example.com")
    page.goto(f"{live_server}/quiz")
    page.fill("#count-starter", "10")
    page.check("#practice-form input[name=feedback][value=each]")
    with page.expect_navigation():
        page.click("#practice-form button[type=submit]")
    for _ in range(10):  # find a choice question
        kind = page.locator("#quiz").get_attribute("data-kind")
        if kind in ("single", "truefalse", "multiple"):
            break
        with page.expect_navigation():
            page.click("#next-question")
    else:
        pytest.skip("no choice question drawn")
    expect(page.locator(".option-mark")).to_have_count(0)
    page.locator("#prompt").click()
    page.keyboard.press("1")
    page.click("button[value=check]")
    expect(page.locator(".feedback")).to_be_visible()
    right = page.locator(".option.is-right")
    expect(right.first).to_contain_text("✓ right answer")
    if page.locator(".feedback.wrong").count():
        expect(page.locator(".option.is-wrong").first).to_contain_text("✗ your choice")
    shot(page, "25-quiz-checked")
