"""Progress in a real browser: study a few cards, then watch the dashboard change."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.test_journey import register

pytestmark = pytest.mark.browser


def stat(page, name: str):
    return page.locator(f'[data-stat="{name}"]')


def study_cards(page, base: str, count: int) -> None:
    page.goto(f"{base}/study")
    for _ in range(count):
        front = page.locator("#card-front").inner_text()
        page.keyboard.press("Space")
        expect(page.locator("#answer")).to_be_visible()
        page.keyboard.press("3")
        expect(page.locator("#card-front")).not_to_have_text(front)


def test_dashboard_numbers_and_charts_follow_study(page, live_server, midday):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    register(page, live_server, "progress@example.com")
    page.click("nav >> text=Progress")
    expect(page.locator("h1")).to_have_text("Your progress")
    expect(stat(page, "reviews-today")).to_have_text("0")
    expect(stat(page, "streak")).to_have_text("0")
    expect(page.locator("#calendar-figure figcaption")).to_have_text(
        "No reviews in the last year yet."
    )
    assert page.locator("svg#per-day rect.bar").count() == 0
    shot(page, "30-progress-empty")

    study_cards(page, live_server, 4)
    page.goto(f"{live_server}/progress")
    expect(stat(page, "reviews-today")).to_have_text("4")
    expect(stat(page, "streak")).to_have_text("1")
    expect(stat(page, "due-now")).to_have_text("4")
    expect(page.locator('[data-state="learning"]')).to_have_text("4")
    expect(page.locator("#calendar-figure figcaption")).to_contain_text(
        "4 reviews on 1 day"
    )
    assert page.locator("svg#per-day rect.bar.today").count() == 1
    assert page.locator("svg#forecast rect.bar.today").count() == 1
    assert page.locator("svg#calendar rect.heat-4").count() == 2  # a day + the key
    page.locator("#per-day-figure summary").click()
    expect(page.locator("#per-day-figure table")).to_be_visible()
    shot(page, "31-progress-after-study")

    with page.expect_download() as download:
        page.click("#export-csv")
    lines = download.value.path().read_text().splitlines()
    assert len(lines) == 5 and lines[0].startswith("reviewed_at,")

    page.click("text=Review history")
    expect(page.locator("#history-count")).to_have_text("4 ratings.")
    shot(page, "32-review-history")
    page.locator("#history-table a").last.click()
    expect(page.locator("h1")).to_have_text("Card info")
    expect(page.locator("#card-reviews tbody tr")).to_have_count(1)
    expect(page.locator('[data-fact="recall"]')).to_have_text("100%")
    shot(page, "33-card-info")
    assert problems == []


def test_dashboard_in_dark_mode_and_on_a_phone(browser, live_server):
    context = browser.new_context(
        color_scheme="dark", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    register(page, live_server, "progress-phone@example.com")
    study_cards(page, live_server, 2)
    page.goto(f"{live_server}/progress")
    expect(stat(page, "reviews-today")).to_have_text("2")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    heat = page.locator("svg#calendar rect.heat-0").first
    fill = heat.evaluate("cell => getComputedStyle(cell).fill")
    assert fill == "rgb(35, 42, 50)"  # the dark theme's empty-day colour
    shot(page, "34-progress-phone-dark")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.reload()
    shot(page, "35-progress-dark")
    context.close()
