"""Onboarding from the vendor side: laggards, overdue tasks, the CAM's own tasks, journey templates."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allied.onboarding.models import OnboardingTask
from allied.onboarding.services import journey_start
from allied.partners.models import Partner
from tests.conftest import PASSWORD

from .conftest import login, logout, main_nav, messages, shot

pytestmark = pytest.mark.django_db(transaction=True)
KICKOFF = "Kick-off call with your channel account manager"
STANDARD = "Standard 30-60-90 onboarding"


def test_laggards_overdue_tasks_and_journey_templates(page, world):
    Partner.objects.filter(pk__in=[world.partner_a.pk, world.partner_b.pk]).update(status="onboarding")
    # Bravo started 50 days ago: its steps due on days 7, 10, 14, 21, 30 and 45 are overdue. Alpha started today.
    journey_start(actor=None, partner=Partner.objects.get(pk=world.partner_b.pk), start=timezone.now() - timedelta(days=50))
    journey_start(actor=None, partner=Partner.objects.get(pk=world.partner_a.pk))

    login(page, "cam@vendor.example", PASSWORD)
    main_nav(page, "Onboarding")
    laggards = page.locator("section").filter(has=page.get_by_role("heading", name="Laggards"))
    expect(laggards.get_by_role("row")).to_have_count(2)  # the header and Bravo; Alpha is on time
    bravo = laggards.get_by_role("row").filter(has=page.get_by_role("link", name="Bravo Systems"))
    expect(bravo.get_by_role("cell").nth(1)).to_have_text("6")
    expect(bravo.get_by_role("cell").nth(2)).to_have_text("0/8")
    expect(page.get_by_role("heading", name="Overdue tasks (6)")).to_be_visible()
    overdue = page.locator("main > .table-wrap")
    expect(overdue.get_by_role("row").filter(has_text="Alpha Distribution")).to_have_count(0)
    expect(overdue.get_by_role("row").filter(has_text=KICKOFF)).to_contain_text("overdue")
    mine = page.locator("section").filter(has=page.get_by_role("heading", name="My open vendor tasks"))
    expect(mine.get_by_role("listitem").filter(has_text=KICKOFF)).to_have_count(2)  # both partners' kick-offs are the CAM's
    shot(page, "onboarding-console")

    overdue.get_by_role("button", name=f"Mark done: {KICKOFF}").click()
    expect(messages(page)).to_contain_text(f"Done: {KICKOFF}")
    expect(page.get_by_role("heading", name="Overdue tasks (5)")).to_be_visible()
    expect(bravo.get_by_role("cell").nth(2)).to_have_text("1/8")
    expect(mine.get_by_role("listitem").filter(has_text=KICKOFF)).to_have_count(1)
    task = OnboardingTask.objects.get(partner=world.partner_b, title=KICKOFF)
    assert task.status == "done" and task.completed_by == world.cam

    # A CAM reads the journey templates; only a program admin changes them.
    page.get_by_role("link", name="Journey templates").click()
    expect(page.get_by_role("heading", name="Onboarding journeys")).to_be_visible()
    expect(page.get_by_text("Add a step")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    logout(page)

    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Onboarding")
    page.get_by_role("link", name="Journey templates").click()
    journey = page.get_by_role("region", name=re.compile(f"^{STANDARD}"))
    expect(journey.get_by_role("row")).to_have_count(9)
    journey.get_by_text("Add a step").click()
    journey.get_by_label("Title").fill("Joint customer webinar")
    journey.get_by_label("Kind").select_option(label="Other")
    journey.get_by_label("Side").select_option(label="Vendor")
    journey.get_by_label("Due (days after joining)").fill("120")
    shot(page, "journeys-add-step")
    journey.get_by_role("button", name="Add step").click()
    expect(messages(page)).to_contain_text(f"Step added to {STANDARD}.")
    new_row = journey.get_by_role("row").filter(has_text="Joint customer webinar")
    expect(new_row).to_contain_text("120")
    expect(new_row).to_contain_text("Vendor")
    expect(journey.get_by_role("row")).to_have_count(10)

    journey.get_by_role("button", name=f"Remove Register your first deal from {STANDARD}").click()
    expect(messages(page)).to_contain_text("Removed “Register your first deal”.")
    expect(journey.get_by_role("row").filter(has_text="Register your first deal")).to_have_count(0)
    expect(journey.get_by_role("row")).to_have_count(9)
    # Tasks already given to partners stay.
    assert OnboardingTask.objects.filter(partner=world.partner_b, title="Register your first deal").exists()
    shot(page, "journeys-after")
