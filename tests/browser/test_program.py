"""Program design pages: settings, the public locator switch, news, partner types, tiers and their rules."""

import re

import pytest
from playwright.sync_api import expect

from allied.partners.models import Partner
from allied.program.models import PartnerType, Tier
from tests.conftest import PASSWORD, make_partner

from .conftest import login, logout, main_nav, messages, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_settings_public_locator_news_and_partner_types(page, world):
    Partner.objects.filter(pk=world.partner_a.pk).update(specialties=["security"], region="na")
    Partner.objects.filter(pk=world.partner_b.pk).update(specialties=["cloud migration"], region="emea", city="Lyon", country="FR")
    Partner.objects.filter(pk=world.partner_a1.pk).update(listed_in_locator=False)  # opted out of the public locator
    for i in range(31):
        make_partner(f"Pacific Partner {i:02d}", region="apac")

    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Program")
    expect(page.get_by_role("heading", name="Partner program")).to_be_visible()
    locator_switch = page.get_by_label("Publish the public partner locator at /locator/")
    expect(locator_switch).not_to_be_checked()
    locator_switch.check()
    page.get_by_role("button", name="Save settings").click()
    expect(messages(page)).to_contain_text("Program settings saved.")
    expect(locator_switch).to_be_checked()

    news = page.locator("section").filter(has=page.get_by_role("heading", name="News for partners"))
    news.get_by_label("Title").fill("Spring incentive: double MDF")
    news.get_by_label("Body").fill("Every deal registered before June earns double market development funds.")
    news.get_by_role("button", name="Publish").click()
    expect(messages(page)).to_contain_text("News published to the partner portal.")
    expect(news.get_by_role("listitem").first).to_contain_text("Spring incentive: double MDF")

    reseller = page.get_by_role("row").filter(has=page.get_by_role("cell", name="reseller", exact=True))
    reseller.get_by_label("Name").fill("Value-added reseller")
    reseller.get_by_label("Revenue model").select_option(label="Share of recurring revenue")
    reseller.get_by_role("button", name="Save").click()
    expect(messages(page)).to_contain_text("Value-added reseller saved.")
    reseller = page.get_by_role("row").filter(has=page.get_by_role("cell", name="reseller", exact=True))
    expect(reseller.get_by_label("Name")).to_have_value("Value-added reseller")
    expect(reseller.get_by_label("Revenue model")).to_have_value("recurring_share")
    assert PartnerType.objects.get(code="reseller").name == "Value-added reseller"
    shot(page, "program-settings")
    logout(page)

    # Signed out, anyone can search the locator; filters narrow it, and the pager keeps them.
    page.goto("/locator/")
    expect(page.get_by_role("heading", name="Find a partner")).to_be_visible()
    cards = page.locator("main article")
    expect(cards.filter(has_text="Alpha Distribution")).to_have_count(1)
    expect(cards.filter(has_text="Alpha One Resale")).to_have_count(0)
    page.get_by_label("Region").select_option(label="Europe, Middle East & Africa")
    page.get_by_role("button", name="Search").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Bravo Systems")
    expect(cards.first).to_contain_text("Lyon, FR")
    expect(cards.first.get_by_role("link")).to_have_count(1)  # the partner's website; no console link in public
    shot(page, "public-locator-emea")
    page.get_by_label("Region").select_option("")
    page.get_by_label("Specialty").select_option(label="Security")
    page.get_by_role("button", name="Search").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Alpha Distribution")
    page.get_by_label("Specialty").select_option("")
    page.get_by_label("Region").select_option(label="Asia Pacific")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    expect(cards).to_have_count(30)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_label("Region")).to_have_value("apac")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Pacific Partner 30")

    # A partner user reads the news on the portal home.
    login(page, "admin@alpha.example", PASSWORD)
    news_section = page.get_by_role("region", name=re.compile("^News from"))
    expect(news_section.get_by_role("heading", name="Spring incentive: double MDF")).to_be_visible()
    expect(news_section).to_contain_text("double market development funds")
    logout(page)

    # Switched off, the public locator does not exist.
    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Program")
    page.get_by_label("Publish the public partner locator at /locator/").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(messages(page)).to_contain_text("Program settings saved.")
    logout(page)
    response = page.goto("/locator/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_tiers_benefits_rules_and_new_tier(page, world):
    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Program")
    page.get_by_role("link", name="Tiers & rules").click()
    expect(page.get_by_role("heading", name="Tiers, benefits and rules")).to_be_visible()

    silver = page.get_by_role("region", name="Silver rank 2")
    silver.get_by_label("Discount %").fill("17.5")
    silver.get_by_role("button", name="Save Silver").click()
    expect(messages(page)).to_contain_text("Silver saved.")
    expect(page.get_by_role("region", name="Silver rank 2").get_by_label("Discount %")).to_have_value("17.50")
    assert str(Tier.objects.get(name="Silver").discount_pct) == "17.50"

    registered = page.get_by_role("region", name="Registered rank 1")
    expect(registered).to_contain_text("No rules: every partner qualifies.")
    registered.get_by_label("Fact").select_option("active_certifications")
    registered.get_by_label("At least").fill("1")
    registered.get_by_role("button", name="Add or change rule").click()
    expect(messages(page)).to_contain_text("Rule saved for Registered.")
    registered = page.get_by_role("region", name="Registered rank 1")
    expect(registered.get_by_role("listitem").filter(has_text="(active_certifications)")).to_contain_text("≥ 1")
    shot(page, "tiers-rule-added")
    registered.get_by_role("button", name="Remove rule active_certifications from Registered").click()
    expect(messages(page)).to_contain_text("Rule removed.")
    expect(page.get_by_role("region", name="Registered rank 1")).to_contain_text("No rules: every partner qualifies.")

    add = page.locator("section").filter(has=page.get_by_role("heading", name="Add a tier"))
    add.get_by_label("Name").fill("Diamond")
    add.get_by_label("Rank").fill("5")
    add.get_by_label("Discount %").fill("30")
    add.get_by_label("Support level").select_option(label="Dedicated")
    add.get_by_role("button", name="Add tier").click()
    expect(messages(page)).to_contain_text("Tier added.")
    diamond = page.get_by_role("region", name="Diamond rank 5")
    expect(diamond).to_be_visible()
    expect(diamond.get_by_label("Discount %")).to_have_value("30.00")

    add = page.locator("section").filter(has=page.get_by_role("heading", name="Add a tier"))
    add.get_by_label("Name").fill("Bronze")
    add.get_by_label("Rank").fill("2")
    add.get_by_role("button", name="Add tier").click()
    expect(add.locator(".errorlist")).to_contain_text("Another tier has this rank; ranks order the tiers.")
    expect(add.get_by_label("Name")).to_have_value("Bronze")  # what was typed is kept
    assert not Tier.objects.filter(name="Bronze").exists()
    shot(page, "tiers-duplicate-rank")
