"""The audit trail: every change is listed, and the action prefix filter narrows it."""

import pytest
from playwright.sync_api import expect

from allied.accounts.services import invitation_create
from allied.partners.services import partner_admin_update
from allied.program.models import PartnerType, Tier
from allied.program.services import partner_type_update, program_settings_update, tier_save
from tests.conftest import PASSWORD

from .conftest import login, main_nav, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_audit_filter_by_action_prefix(page, world):
    admin = world.admin
    partner_admin_update(actor=admin, partner=world.partner_b, status="suspended")
    partner_type_update(actor=admin, partner_type=PartnerType.objects.get(code="oem"), data={"name": "OEM partner"})
    tier_save(actor=admin, tier=Tier.objects.get(name="Silver"), data={"discount_pct": "16"})
    program_settings_update(actor=admin, data={"vendor_name": "Acme Cloud"})
    invitation_create(actor=admin, email="new@bravo.example", role="partner_sales", partner=world.partner_b)

    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Audit")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    actions = page.locator("main tbody tr td:nth-child(3)")
    expect(actions).to_have_count(5)
    shot(page, "audit-all")

    page.get_by_label("Action starts with").fill("partner.")
    page.get_by_role("button", name="Filter").click()
    expect(actions).to_have_count(1)  # partner_type.updated does not start with "partner."
    expect(actions.first).to_have_text("partner.admin_updated")
    row = page.locator("main tbody tr").first
    expect(row).to_contain_text("admin@vendor.example")
    expect(row).to_contain_text(world.partner_b.public_id)
    expect(page.get_by_label("Action starts with")).to_have_value("partner.")
    shot(page, "audit-filtered")

    page.get_by_label("Action starts with").fill("tier.")
    page.get_by_label("Action starts with").press("Enter")
    expect(actions).to_have_count(1)
    expect(actions.first).to_have_text("tier.saved")
    expect(page.locator("main tbody tr").first).to_contain_text("16")

    page.get_by_label("Action starts with").fill("nothing.")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No events.")).to_be_visible()

    page.get_by_label("Action starts with").fill("")
    page.get_by_role("button", name="Filter").click()
    expect(actions).to_have_count(5)
