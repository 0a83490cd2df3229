"""The vendor's partner list and one partner's page: filter, page, open, invite, reassign, evaluate, set a tier."""

import re

import pytest
from playwright.sync_api import expect

from allied.core.models import OutboxEmail
from allied.partners.models import Partner
from allied.program.models import Tier
from tests.conftest import PASSWORD, make_partner, make_user

from .conftest import login, main_nav, messages, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_partner_list_filters_and_partner_page_actions(page, world):
    Partner.objects.filter(pk=world.partner_b.pk).update(tier=Tier.objects.get(name="Silver"))
    Partner.objects.filter(pk=world.partner_a1.pk).update(status="suspended")
    for i in range(30):
        make_partner(f"Zulu Reseller {i:02d}")
    make_user("cam2@vendor.example", "cam")

    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Partners")
    rows = page.locator("#partner-rows tbody tr")
    expect(page.get_by_text("33 partners")).to_be_visible()
    expect(rows).to_have_count(25)
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    shot(page, "partners-list")

    # Every filter updates the table in place (htmx) and keeps the address bar in step.
    page.get_by_label("Per page").select_option("50")
    expect(rows).to_have_count(33)
    expect(page.get_by_text("Page 1 of 1")).to_be_visible()
    page.get_by_label("Tier").select_option("Silver")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bravo Systems")
    expect(page).to_have_url(re.compile(r"tier=Silver"))
    page.get_by_label("Tier").select_option("")
    page.get_by_label("Status").select_option(label="Suspended")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alpha One Resale")
    expect(rows.first).to_contain_text("via Alpha Distribution")
    page.get_by_label("Status").select_option("")
    page.get_by_label("Search").press_sequentially("bravo")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bravo Systems")
    page.get_by_label("Search").press("Control+a")
    page.get_by_label("Search").press("Backspace")
    expect(rows).to_have_count(33)
    page.get_by_label("Type").select_option(label="Distributor")
    expect(rows).to_have_count(1)
    expect(page.get_by_text("1 partner", exact=True)).to_be_visible()
    shot(page, "partners-list-filtered")
    page.get_by_label("Search").press_sequentially("nobody-by-this-name")
    expect(page.get_by_text("No partners match.")).to_be_visible()
    page.get_by_label("Search").press("Control+a")
    page.get_by_label("Search").press("Backspace")
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Alpha Distribution").click()

    # The partner's page.
    expect(page.get_by_role("heading", name="Alpha Distribution", level=1)).to_be_visible()
    people = page.locator("section").filter(has=page.get_by_role("heading", name="People"))
    expect(people).to_contain_text("admin@alpha.example")
    people.get_by_label("Email").fill("ops@alpha.example")
    people.get_by_label("Name").fill("Olga Ops")
    people.get_by_label("Role").select_option(label="Partner sales")
    people.get_by_role("button", name="Send invitation").click()
    expect(messages(page)).to_contain_text("Invitation sent to ops@alpha.example.")
    invite = OutboxEmail.objects.get(to="ops@alpha.example")
    assert "Alpha Distribution" in invite.subject and "/invite/" in invite.body
    # Inviting the same address again is refused by name, on the field.
    people.get_by_label("Email").fill("sales@alpha.example")
    people.get_by_label("Role").select_option(label="Partner sales")
    people.get_by_role("button", name="Send invitation").click()
    expect(people.locator(".errorlist")).to_contain_text("A user with this email already exists.")

    page.get_by_role("button", name="Evaluate this partner").click()
    expect(messages(page)).to_contain_text("Tier evaluated: no change.")

    program = page.locator("section").filter(has=page.get_by_role("heading", name="Program settings for this partner"))
    program.get_by_label("Owning CAM").select_option(label="Cam2")
    program.get_by_label("Status").select_option(label="Suspended")
    program.get_by_role("button", name="Save").click()
    expect(messages(page)).to_contain_text("Partner saved.")
    profile = page.locator("section").filter(has=page.get_by_role("heading", name="Profile", exact=True))
    expect(profile).to_contain_text("Cam2")
    expect(page.locator("main .actions").first).to_contain_text("Suspended")
    expect(program.get_by_label("Owning CAM")).to_have_value(re.compile(r"\w+"))

    # A program admin sets the tier by hand; a reason is required.
    page.get_by_label("Set tier").select_option(label="Gold")
    page.get_by_role("button", name="Set", exact=True).click()
    expect(messages(page)).to_contain_text("Give a reason for the manual tier change.")
    page.get_by_label("Set tier").select_option(label="Gold")
    page.get_by_label("Reason").fill("Strategic distributor for the EMEA launch")
    page.get_by_role("button", name="Set", exact=True).click()
    expect(messages(page)).to_contain_text("Tier set to Gold.")
    expect(page.locator("main .actions").first.locator(".badge.tier")).to_have_text("Gold")
    expect(page.get_by_role("heading", name="Tier: Gold")).to_be_visible()
    history = page.locator("section").filter(has=page.get_by_role("heading", name="Tier history")).get_by_role("listitem").first
    expect(history).to_contain_text("Registered → Gold")
    expect(history).to_contain_text("Manual: Strategic distributor for the EMEA launch — Admin")

    audit = page.locator("section").filter(has=page.get_by_role("heading", name="Audit trail"))
    for action in ("partner.tier_changed", "partner.admin_updated", "invitation.created"):
        expect(audit.get_by_role("cell", name=action, exact=True)).to_be_visible()
    expect(audit.get_by_role("row").filter(has_text="partner.admin_updated")).to_contain_text("suspended")
    shot(page, "partner-detail-after-actions")
