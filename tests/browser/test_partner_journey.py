"""The whole foundation as a new user meets it: apply, approve, join, onboard, tier up."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from allied.core.models import OutboxEmail
from allied.partners.models import Partner
from allied.partners.services import achievement_record
from tests.conftest import PASSWORD, make_user

from .conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)
PARTNER_PASSWORD = "Sunny-Orchard-42!"


def test_apply_approve_join_onboard_and_tier_up(page, live_server):
    admin = make_user("admin@vendor.example", "program_admin")
    make_user("cam1@vendor.example", "cam")

    # 1. A company applies on the public form; a missing field is named, nothing is kept.
    page.goto("/apply/")
    page.get_by_label("Company name").fill("Kestrel Cloud GmbH")
    page.get_by_role("button", name="Submit application").click()
    assert page.locator(".errorlist").first.is_visible()
    page.get_by_label("Company name").fill("Kestrel Cloud GmbH")
    page.get_by_label("Company website").fill("kestrel-cloud.example")
    page.get_by_label("Country").fill("DE")
    page.get_by_label("Headquarters region").select_option("emea")
    page.get_by_label("Partner type").select_option("msp")
    page.get_by_label("Security").check()
    page.get_by_label("Team size (people)").fill("35")
    page.get_by_label("Your name").fill("Klara Falk")
    page.get_by_label("Your work email").fill("klara@kestrel-cloud.example")
    shot(page, "apply-form")
    page.get_by_role("button", name="Submit application").click()
    page.get_by_role("heading", name="Thank you!").wait_for()

    # 2. The vendor admin sees it in the pipeline, reads the fit score and approves it.
    login(page, "admin@vendor.example", PASSWORD)
    page.get_by_role("link", name="Recruitment").click()
    page.get_by_role("link", name="Kestrel Cloud GmbH").click()
    assert page.get_by_test_id("fit-score").inner_text().isdigit()
    shot(page, "application-detail")
    page.get_by_role("button", name="Approve and invite").click()
    page.get_by_role("heading", name="Kestrel Cloud GmbH").wait_for()
    assert "is now a partner" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Sign out").click()

    # 3. The invited partner admin opens the link from the email and sets a password.
    invite = OutboxEmail.objects.get(to="klara@kestrel-cloud.example", subject__contains="invited")
    path = re.search(r"(/invite/[\w-]+/)", invite.body).group(1)
    page.goto(path)
    page.get_by_label("Your name").fill("Klara Falk")
    page.get_by_label("Password").fill(PARTNER_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Welcome, Klara Falk").wait_for()
    shot(page, "portal-home-new")

    # 4. Onboarding: accept the agreement, complete the profile, invite a colleague, tick tasks.
    page.get_by_role("link", name="Onboarding", exact=True).click()
    page.get_by_role("link", name="Review and accept the partner agreement").click()
    page.get_by_label(re.compile("I accept this agreement")).check()
    page.get_by_role("button", name="Accept agreement").click()
    assert "You accepted" in page.locator(".messages").inner_text()

    page.get_by_role("button", name="Mark done: Complete your company profile").click()
    assert "The profile still needs" in page.locator(".messages").inner_text()  # checked, not just ticked
    page.get_by_role("link", name="Company profile").click()
    page.get_by_label("Description").fill("Managed security and cloud operations for mid-market firms.")
    page.get_by_label("Specialties").select_option(["security", "cloud migration"])
    page.get_by_label("Industries").select_option(["healthcare"])
    page.get_by_label("Europe, Middle East & Africa").check()
    page.get_by_label("Mid-Market").check()
    page.get_by_label("Logo").set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": b"not really a png"})
    page.get_by_role("button", name="Save profile").click()
    assert "PNG, JPEG, WebP or GIF" in page.locator(".errorlist").inner_text()  # a non-image is refused
    page.get_by_label("Logo").set_input_files([])
    page.get_by_label("Description").fill("Managed security and cloud operations for mid-market firms.")
    page.get_by_label("Specialties").select_option(["security", "cloud migration"])
    page.get_by_label("Industries").select_option(["healthcare"])
    page.get_by_label("Europe, Middle East & Africa").check()
    page.get_by_label("Mid-Market").check()
    page.get_by_role("button", name="Save profile").click()
    assert "Profile saved" in page.locator(".messages").inner_text()

    page.get_by_role("link", name="Team").click()
    page.get_by_label("Email").fill("ops@kestrel-cloud.example")
    page.get_by_label("Role").select_option("partner_sales")
    page.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent" in page.locator(".messages").inner_text()

    page.get_by_role("link", name="Onboarding", exact=True).click()
    for title in ("Complete your company profile", "Invite your team to the portal", "Complete the first sales training"):
        page.get_by_role("button", name=f"Mark done: {title}").click()
        assert f"Done: {title}" in page.locator(".messages").inner_text()
    pct = int(page.get_by_test_id("onboarding-pct").inner_text().rstrip("%"))
    assert pct >= 40
    shot(page, "portal-onboarding")
    page.get_by_role("link", name="My tier").click()
    assert "of 2 closed-won deals" in page.get_by_test_id("tier-checks").inner_text()
    page.get_by_role("button", name="Sign out").click()

    # 5. Results arrive (from CRM); the vendor evaluates tiers and approves the upgrade.
    partner = Partner.objects.get(name="Kestrel Cloud GmbH")
    for amount in ("40000", "35000"):
        achievement_record(actor=None, partner=partner, kind="deal_won", amount=Decimal(amount), occurred_at=timezone.now())
    achievement_record(actor=None, partner=partner, kind="certification", name="Sales Professional", occurred_at=timezone.now())
    login(page, "admin@vendor.example", PASSWORD)
    page.get_by_role("link", name="Tiers").click()
    page.get_by_role("button", name="Evaluate tiers now").click()
    assert "upgrade" in page.locator(".messages").inner_text()
    row = page.locator("tr", has_text="Kestrel Cloud GmbH")
    assert "Meets every Silver requirement" in row.inner_text()
    shot(page, "tier-proposals")
    row.get_by_role("button", name=re.compile("Approve Kestrel Cloud GmbH")).click()
    assert "is now Silver" in page.locator(".messages").inner_text()
    partner.refresh_from_db()
    assert partner.tier.name == "Silver"
    page.goto("/")
    shot(page, "console-home")
    assert admin.pk
