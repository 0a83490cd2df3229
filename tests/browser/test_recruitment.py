"""Recruitment console: the ideal partner profile re-scores, declining, qualifying, the duplicate flag."""

import re

import pytest
from playwright.sync_api import expect

from allied.core.models import OutboxEmail
from allied.recruitment.models import Application
from allied.recruitment.services import application_submit
from tests.conftest import PASSWORD

from .conftest import login, main_nav, messages, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _apply(name: str, website: str, region: str, email: str, **extra) -> Application:
    data = {"company_name": name, "website": website, "country": "DE" if region == "emea" else "US", "region": region,
            "partner_type": "msp", "specialties": ["security"], "team_size": 20, "contact_name": "Dana Lee",
            "contact_email": email, **extra}
    return application_submit(data=data)


def test_ideal_profile_decline_qualify_and_duplicate_flag(page, world):
    _apply("Delta Cloud", "deltacloud.example", "emea", "dana@deltacloud.example")
    _apply("Echo Networks", "echonetworks.example", "na", "eli@echonetworks.example")
    _apply("Bravo Systems EMEA", "https://www.bravosystems.example/en", "emea", "bo@bravosystems.example")

    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Recruitment")
    applied = page.get_by_role("region", name=re.compile(r"^Applied"))
    expect(applied.get_by_role("heading")).to_have_text("Applied (3)")
    cards = applied.locator(".item")
    expect(cards.filter(has_text="Bravo Systems EMEA")).to_contain_text("possible duplicate")
    expect(cards.filter(has_text="Delta Cloud")).not_to_contain_text("possible duplicate")
    expect(cards.filter(has_text="Echo Networks")).not_to_contain_text("possible duplicate")
    shot(page, "recruitment-pipeline")
    applied.get_by_role("link", name="Bravo Systems EMEA").click()
    expect(page.get_by_role("main")).to_contain_text("Possible duplicate: Same website domain as existing partner Bravo Systems")
    page.get_by_role("link", name="open Bravo Systems").click()
    expect(page.get_by_role("heading", name="Bravo Systems", level=1)).to_be_visible()

    # Only the region counts now, and only EMEA is wanted: Delta (EMEA) fits fully, Echo (North America) not at all.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Recruitment").click()
    page.get_by_role("link", name="Ideal partner profile").click()
    expect(page.get_by_role("heading", name="Ideal partner profile")).to_be_visible()
    page.get_by_role("group", name="Target regions").get_by_label("Europe, Middle East & Africa").check()
    for label in ("Weight partner type", "Weight specialties", "Weight industries", "Weight segments", "Weight team size"):
        page.get_by_label(label).fill("0")
    page.get_by_label("Weight region").fill("100")
    shot(page, "ideal-profile")
    page.get_by_role("button", name="Save and re-score open applications").click()
    expect(messages(page)).to_contain_text("Ideal partner profile saved; 3 open application(s) re-scored.")
    expect(page.get_by_role("group", name="Target regions").get_by_label("Europe, Middle East & Africa")).to_be_checked()
    expect(page.get_by_label("Weight region")).to_have_value("100")
    page.get_by_role("link", name="← Pipeline").click()
    expect(applied.locator(".item").filter(has_text="Delta Cloud")).to_contain_text("Fit 100/100")
    expect(applied.locator(".item").filter(has_text="Echo Networks")).to_contain_text("Fit 0/100")
    expect(applied.locator(".item").first).not_to_contain_text("Echo Networks")  # best fit first

    # Declining needs a reason, which goes to the applicant.
    applied.get_by_role("link", name="Delta Cloud").click()
    expect(page.get_by_test_id("fit-score")).to_have_text("100")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator(".errorlist")).to_contain_text("This field is required.")
    page.get_by_label("Reason (sent to the applicant)").fill("We are not adding managed service providers in Germany this year.")
    page.get_by_role("button", name="Decline").click()
    expect(messages(page)).to_contain_text("Delta Cloud was declined.")
    declined = page.get_by_role("region", name=re.compile(r"^Declined"))
    expect(declined.get_by_role("link", name="Delta Cloud")).to_be_visible()
    expect(applied.get_by_role("link", name="Delta Cloud")).to_have_count(0)
    assert OutboxEmail.objects.filter(to="dana@deltacloud.example", body__contains="not adding managed service providers").exists()

    applied.get_by_role("link", name="Echo Networks").click()
    page.get_by_role("button", name="Mark qualified").click()
    expect(messages(page)).to_contain_text("Echo Networks is qualified.")
    expect(page.get_by_role("main").locator(".badge").first).to_have_text("Qualified")
    expect(page.get_by_role("button", name="Mark qualified")).to_have_count(0)
    expect(page.get_by_role("button", name="Approve and invite")).to_be_visible()
    page.get_by_role("link", name="← Pipeline").click()
    qualified = page.get_by_role("region", name=re.compile(r"^Qualified"))
    expect(qualified.get_by_role("link", name="Echo Networks")).to_be_visible()
    expect(applied.get_by_role("heading")).to_have_text("Applied (1)")
    shot(page, "recruitment-pipeline-after")
