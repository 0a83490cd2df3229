"""Deciding tier proposals: a rejection needs a note; the status tabs filter the list."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allied.program.models import Tier
from allied.tiering.models import TierProposal
from tests.conftest import PASSWORD

from .conftest import login, main_nav, messages, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_reject_needs_a_note_and_status_tabs(page, world):
    registered, silver = Tier.objects.get(name="Registered"), Tier.objects.get(name="Silver")
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        TierProposal.objects.create(partner=p, from_tier=registered, to_tier=silver, status="pending", created_at=timezone.now(),
                                    reasons=["2 of 2 closed-won deals", "1 of 1 active certifications"])

    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Tiers")
    tabs = page.get_by_role("navigation", name="Filter by status")
    expect(tabs.get_by_role("link", name="Waiting for approval")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("3 proposals")).to_be_visible()
    shot(page, "tier-proposals-pending")

    alpha = page.get_by_role("row").filter(has=page.get_by_role("link", name="Alpha Distribution", exact=True))
    alpha.get_by_role("button", name="Reject Alpha Distribution to Silver").click()
    expect(messages(page)).to_contain_text("Alpha Distribution: Say why the proposal is rejected.")
    expect(page.get_by_text("3 proposals")).to_be_visible()
    expect(alpha.get_by_role("cell").nth(3)).to_contain_text("Waiting for approval")

    alpha.get_by_label("Note").fill("Certification expires next month; revisit in Q3.")
    alpha.get_by_role("button", name="Reject Alpha Distribution to Silver").click()
    expect(messages(page)).to_contain_text("Proposal for Alpha Distribution rejected.")
    expect(page.get_by_text("2 proposals")).to_be_visible()
    expect(alpha).to_have_count(0)
    assert TierProposal.objects.get(partner=world.partner_a).decided_by == world.admin

    tabs.get_by_role("link", name="Rejected").click()
    expect(tabs.get_by_role("link", name="Rejected")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("1 proposal", exact=True)).to_be_visible()
    expect(alpha).to_contain_text("Rejected")
    expect(alpha).to_contain_text("Certification expires next month; revisit in Q3.")
    expect(alpha.get_by_role("button")).to_have_count(0)  # decided: nothing left to do
    shot(page, "tier-proposals-rejected")

    tabs.get_by_role("link", name="Applied").click()
    expect(page.get_by_text("No proposals here. Run an evaluation to find tier changes.")).to_be_visible()
    tabs.get_by_role("link", name="All", exact=True).click()
    expect(tabs.get_by_role("link", name="All", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("3 proposals")).to_be_visible()
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name="Bravo Systems"))).to_contain_text("Waiting for approval")
