"""On a phone (390×844) the portal fits the screen: nothing scrolls sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allied.onboarding.services import journey_start
from allied.program.models import Announcement
from tests.conftest import PASSWORD

from .conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)
OVERFLOW_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _fits(page, where: str) -> None:
    scroll_width, inner_width = page.evaluate(OVERFLOW_JS)
    assert scroll_width <= inner_width + 1, f"{where} scrolls sideways: {scroll_width}px wide in a {inner_width}px window"


def test_portal_fits_a_phone_screen(page, world):
    journey_start(actor=None, partner=world.partner_a)
    Announcement.objects.create(title="Partner summit registration is open",
                                body="Join us in Lisbon on 14 May: a day of roadmap sessions, workshops and awards.",
                                published_at=timezone.now())
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "admin@alpha.example", PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Admin")).to_be_visible()
    expect(page.get_by_role("heading", name="Partner summit registration is open")).to_be_visible()
    _fits(page, "portal home")
    shot(page, "mobile-portal-home")

    nav = page.get_by_role("navigation", name="Main")
    for name in ("Onboarding", "My tier", "Company profile", "Team", "Sub-partners"):
        nav.get_by_role("link", name=name, exact=True).click()
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")
        _fits(page, f"portal {name}")
    shot(page, "mobile-portal-sub-partners")
    nav.get_by_role("link", name="Onboarding", exact=True).click()
    expect(page.get_by_test_id("onboarding-pct")).to_have_text("0%")
    shot(page, "mobile-portal-onboarding")
