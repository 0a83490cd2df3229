"""Accessibility smoke test: labelled form controls, image alternatives, named buttons, a working skip link."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allied.onboarding.services import journey_start
from allied.program.models import Announcement
from tests.conftest import PASSWORD

from .conftest import login, logout, shot

pytestmark = pytest.mark.django_db(transaction=True)
CONSOLE_PAGES = ["Home", "Partners", "Learning", "Recruitment", "Onboarding", "Tiers", "Program", "Locator", "Audit"]
PORTAL_PAGES = ["Home", "Learning", "Onboarding", "My tier", "Company profile", "Team", "Sub-partners"]

PROBLEMS_JS = """() => {
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const named = el => [...(el.labels || [])].some(l => l.textContent.trim()) || (el.getAttribute("aria-label") || "").trim()
    || (el.getAttribute("aria-labelledby") || "").split(/\\s+/).some(id => id && document.getElementById(id)?.textContent.trim());
  const problems = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || !shown(el)) continue;
    if (!named(el)) problems.push(`unlabelled ${el.tagName.toLowerCase()} name=${el.name || el.id}`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.src.slice(0, 60)}`);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (shown(el) && !(el.getAttribute("aria-label") || el.textContent).trim()) problems.push(`unnamed ${el.tagName.toLowerCase()}`);
  }
  for (const label of document.querySelectorAll("label:not([for])")) {
    if (!label.querySelector("input, select, textarea")) problems.push(`label for nothing: ${label.textContent.trim()}`);
  }
  return problems;
}"""


def _check_page(page, where: str) -> None:
    assert page.evaluate(PROBLEMS_JS) == [], f"accessibility problems on {where} ({page.url})"


def _skip_link_comes_first(page, shot_name: str) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.textContent.trim()]")
    assert focused == ["A", "Skip to content"]
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_in_viewport()  # it shows itself when focused
    shot(page, shot_name)
    page.keyboard.press("Enter")
    expect(page).to_have_url(page.url.split("#")[0] + "#content")


def test_forms_images_and_keyboard_on_console_and_portal(page, world):
    journey_start(actor=None, partner=world.partner_a)  # so the portal pages have tasks and forms to show
    Announcement.objects.create(title="Welcome to the program", body="Read the guide.", published_at=timezone.now())

    page.goto("/login/")
    _check_page(page, "sign-in page")

    login(page, "admin@vendor.example", PASSWORD)
    _skip_link_comes_first(page, "a11y-console-home-skip-link")
    nav = page.get_by_role("navigation", name="Main")
    for name in CONSOLE_PAGES:
        nav.get_by_role("link", name=name, exact=True).click()
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")
        _check_page(page, f"console {name}")
    logout(page)

    login(page, "admin@alpha.example", PASSWORD)
    _skip_link_comes_first(page, "a11y-portal-home-skip-link")
    for name in PORTAL_PAGES:
        nav.get_by_role("link", name=name, exact=True).click()
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")
        _check_page(page, f"portal {name}")
