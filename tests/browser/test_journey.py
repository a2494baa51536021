"""A learner's first session, keyboard only, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
PASSWORD = "a sturdy passphrase"


def register(page, base, email):
    page.goto(f"{base}/register")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    shot(page, "01-register")
    page.click("button[type=submit]")
    expect(page.get_by_text("Your account is ready")).to_be_visible()


def start_studying(page):
    """Follow the home page's Start button and wait for the study page to load:
    its keyboard shortcuts work once its script has run."""
    with page.expect_navigation():
        page.click("#start-studying")


def front_text(page) -> str:
    return page.locator("#card-front").inner_text()


def test_register_study_undo_logout_login_keeps_progress(page, live_server):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    register(page, live_server, "journey@example.com")
    shot(page, "02-home-first-run")
    start_studying(page)
    expect(page.locator("#card-front")).to_be_visible()
    shot(page, "03-study-front")
    seen = []
    for number in range(5):
        seen.append(front_text(page))
        expect(page.locator("#answer")).to_be_hidden()
        page.keyboard.press("Enter" if number % 2 else "Space")  # both reveal
        expect(page.locator("#answer")).to_be_visible()
        if number == 0:
            shot(page, "04-study-back")
        page.keyboard.press("4" if number % 2 else "3")
        expect(page.locator("#card-front")).not_to_have_text(seen[-1])
    assert len(set(seen)) == 5
    expect(page.locator('[data-count="done"]')).to_have_text("5")
    page.keyboard.press("z")
    expect(page.locator("#card-front")).to_have_text(seen[-1])
    expect(page.locator('[data-count="done"]')).to_have_text("4")
    shot(page, "05-after-undo")
    page.click("text=Log out")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("#email", "journey@example.com")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    expect(page.locator("h1")).to_have_text("Today")
    expect(page.locator("#streak")).to_have_text(
        "1-day streak Come back tomorrow to make it 2."
    )
    expect(page.locator("#continue-studying")).to_be_visible()
    shot(page, "06-home-returning")
    page.goto(f"{live_server}/study")
    expect(page.locator('[data-count="done"]')).to_have_text("4")
    expect(page.locator("#card-front")).to_have_text(seen[-1])
    shot(page, "06-after-login")
    assert errors == []


def test_study_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    register(page, live_server, "nojs@example.com")
    page.goto(f"{live_server}/study")
    first = front_text(page)
    page.click("#show-answer")
    expect(page.locator("#answer")).to_be_visible()
    page.click("button.rating-3")
    expect(page.locator("#card-front")).not_to_have_text(first)
    shot(page, "07-study-no-js")
    context.close()


def test_phone_sized_study_page(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    register(page, live_server, "phone@example.com")
    page.goto(f"{live_server}/study")
    page.keyboard.press("Space")
    expect(page.locator("button.rating-4")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    # Every link of the main navigation is on screen, none hidden past an edge.
    outside = page.evaluate(
        """() => [...document.querySelectorAll('nav[aria-label="Main"] .nav-links a,'
              + ' nav[aria-label="Main"] .nav-links button')]
            .filter(el => {
              const box = el.getBoundingClientRect();
              return box.left < 0 || box.right > window.innerWidth;
            })
            .map(el => el.textContent.trim())"""
    )
    assert outside == []
    shot(page, "08-study-phone")
    context.close()


def test_back_after_rating_shows_the_study_page_as_it_is_now(page, live_server):
    register(page, live_server, "back@example.com")
    start_studying(page)
    rated = []
    for _ in range(3):
        rated.append(front_text(page))
        page.keyboard.press("Space")
        page.keyboard.press("3")
        expect(page.locator("#card-front")).not_to_have_text(rated[-1])
    expect(page.locator('[data-count="done"]')).to_have_text("3")
    page.get_by_role("link", name="Progress").first.click()
    page.wait_for_url(f"{live_server}/progress")
    page.go_back()
    page.wait_for_url(re.compile(r"/study"))
    # Fetched again, not the page as first loaded: the counts and the card
    # are today's, so a rated card cannot be rated a second time from here.
    expect(page.locator('[data-count="done"]')).to_have_text("3")
    assert front_text(page) not in rated
    shot(page, "07-back-after-rating")


def test_z_on_the_all_done_page_takes_back_the_last_rating(page, live_server, app):
    from sqlalchemy import select

    from study.extensions import db
    from study.models import User

    register(page, live_server, "done@example.com")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "done@example.com"))
        user.new_cards_per_day = 1
        db.session.commit()
        db.session.remove()
    start_studying(page)
    only = front_text(page)
    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(page.locator("#done-today")).to_have_text("You studied 1 card today.")
    shot(page, "08-all-done")
    page.keyboard.press("z")
    expect(page.locator("#card-front")).to_have_text(only)
    expect(page.locator('[data-count="done"]')).to_have_text("0")
