"""A team lead onboards a new hire in a real browser: team, assignment, invite
link, the lead sees the hire at zero, the new hire studies, the lead sees the
progress go up; phone width and an accessibility audit of the team pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.test_experience import audit
from tests.browser.test_journey import register

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}


def study_cards(page, base: str, count: int) -> None:
    """Rate `count` cards Good with the keyboard."""
    page.goto(f"{base}/study?pack=starter")
    for number in range(1, count + 1):
        front = page.locator("#card-front").inner_text()
        page.keyboard.press("Space")
        expect(page.locator("#answer")).to_be_visible()
        page.keyboard.press("3")
        expect(page.locator('[data-count="done"]')).to_have_text(str(number))
        expect(page.locator("#card-front")).not_to_have_text(front)


def hire_row(lead, team_url: str):
    """Open the lead's progress table and return the new hire's row."""
    lead.goto(team_url)
    lead.click("text=Progress by member")
    expect(lead.locator("h1")).to_contain_text("Progress")
    return lead.locator("#progress-table tbody tr", has_text="newhire")


def test_lead_assigns_new_hire_studies_lead_sees_progress(browser, live_server):
    errors = []
    lead_context = browser.new_context()
    lead = lead_context.new_page()
    lead.on("pageerror", lambda error: errors.append(str(error)))
    register(lead, live_server, "lead@example.com")

    lead.click("nav >> text=Teams")
    expect(lead.locator("h1")).to_have_text("Teams")
    shot(lead, "30-teams-empty")
    lead.fill("#name", "Platform onboarding")
    lead.click("#create-team")
    expect(lead.locator("h1")).to_have_text("Platform onboarding")
    team_url = lead.url

    lead.click("#new-assignment")
    expect(lead.locator("#pack")).to_have_value("starter")
    lead.check("#goal_exam_passed")
    shot(lead, "31-assignment-form")
    lead.click("#save-assignment")
    expect(lead.get_by_text("Assignment created.")).to_be_visible()
    expect(lead.locator(".assignment-list li")).to_have_count(1)

    lead.click("#create-invite-link")
    link = lead.locator("#new-invite-link").input_value()
    assert re.search(r"/teams/join/[\w-]{20,}$", link)
    shot(lead, "32-team-manager")

    hire_context = browser.new_context()
    hire = hire_context.new_page()
    hire.on("pageerror", lambda error: errors.append(str(error)))
    register(hire, live_server, "newhire@example.com")
    hire.goto(link)
    expect(hire.locator("h1")).to_have_text("Join Platform onboarding?")
    shot(hire, "33-join-page")
    hire.click("#join-team")
    expect(hire.get_by_text("Welcome to “Platform onboarding”!")).to_be_visible()

    hire.goto(f"{live_server}/")
    assignments = hire.locator(".my-assignments")
    expect(assignments).to_contain_text("Starter deck")
    expect(assignments).to_contain_text("0 of 13 cards studied")
    expect(assignments).to_contain_text("days left")
    shot(hire, "34-home-assignments")

    # Before studying: the lead sees the hire in the table, nothing studied yet
    # (on the day of the assignment that is still on track), never active.
    row = hire_row(lead, team_url)
    expect(row.locator("[data-studied]")).to_have_attribute("data-studied", "0")
    expect(row).to_contain_text("0 / 13")
    expect(row).to_contain_text("on track")
    expect(row).to_contain_text("never")
    shot(lead, "34b-manager-progress-before")

    study_cards(hire, live_server, 4)
    hire.goto(f"{live_server}/")
    expect(assignments).to_contain_text("4 of 13 cards studied")

    # After: the same row counts the four cards and the hire was active.
    row = hire_row(lead, team_url)
    expect(row.locator("[data-studied]")).to_have_attribute("data-studied", "4")
    expect(row).to_contain_text("4 / 13")
    expect(row).to_contain_text("31%")
    expect(row).not_to_contain_text("never")
    shot(lead, "35-manager-progress")
    lead.click("#progress-table a.sort-link[data-sort=studied]")
    expect(lead.locator("th[aria-sort=descending]")).to_contain_text("Cards studied")
    first = lead.locator("#progress-table tbody tr").first
    expect(first).to_contain_text("newhire")
    with lead.expect_download() as download:
        lead.click("#csv-export")
    assert download.value.suggested_filename.endswith(".csv")

    row = lead.locator("#progress-table tbody tr", has_text="newhire")
    row.get_by_role("link", name="newhire").click()
    expect(lead.locator("h1")).to_have_text("newhire")
    expect(lead.get_by_text("read-only summary")).to_be_visible()
    shot(lead, "36-member-summary")

    for page, path, name in (
        (lead, team_url, "37-team-phone"),
        (lead, lead.url.split("/members/")[0] + "/progress", "38-progress-phone"),
        (hire, f"{live_server}/", "39-home-phone"),
    ):
        page.set_viewport_size(PHONE)
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (name, width)
        shot(page, name)
    assert errors == []
    hire_context.close()
    lead_context.close()


def test_team_pages_pass_the_audit_in_both_themes(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    register(page, live_server, "audited-lead@example.com")
    page.goto(f"{live_server}/teams")
    page.fill("#name", "Audited team")
    page.click("#create-team")
    team_url = page.url
    page.click("#new-assignment")
    form_url = page.url
    page.click("#save-assignment")
    problems = []
    for path in (
        f"{live_server}/teams",
        team_url,
        form_url,
        f"{team_url}/progress",
        f"{live_server}/",
    ):
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(path)
            problems += [(path, scheme, v) for v in audit(page)]
    assert problems == []
    context.close()
