"""Incentives as people use them: a partner admin sees an accrual appear when its deal is won; the console's rule pages."""

import pytest
from playwright.sync_api import expect

from allied.incentives.services import incentives_release, rule_create
from tests.conftest import PASSWORD
from tests.incentives.factories import approved_deal, rule_data, won_deal

from .conftest import login, logout, main_nav, shot
from .test_accessibility import _check_page as accessible

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def test_partner_admin_sees_an_accrual_appear_when_its_deal_is_won(page, world):
    rule_create(actor=world.admin, data=rule_data(name="Resale rebate", percent="10"))
    rule_create(actor=world.admin, data=rule_data(name="Launch bonus", kind="spif", percent=None, fixed="250", currency="USD",
                                                  holdback_days=30))
    deal = approved_deal(world.a_sales, "48000", customer_name="Northwind Traders")

    # the partner admin opens Earnings: nothing yet
    login(page, "admin@alpha.example", PASSWORD)
    main_nav(page, "Earnings")
    expect(page.get_by_role("heading", name="Earnings", exact=True)).to_be_visible()
    expect(page.get_by_text("No earnings yet.")).to_be_visible()
    accessible(page, "empty earnings page")

    # closes the deal won in the portal
    page.goto(f"/portal/deals/{deal.public_id}/")
    page.get_by_text("Close won", exact=True).first.click()
    page.get_by_label("Won amount").fill("50000")
    page.get_by_role("button", name="Close won").click()
    expect(page.get_by_role("heading", name="Closed won")).to_be_visible()

    # and on reload the accruals are there, with what they are, why, and when they are paid
    main_nav(page, "Earnings")
    accrued = page.get_by_test_id("earnings-USD").get_by_test_id("accrued")
    expect(accrued).to_have_text("5,250.00 USD")
    accruals = page.get_by_test_id("accruals")
    expect(accruals.get_by_role("link", name="Northwind Traders").first).to_be_visible()
    expect(accruals.get_by_text("10 % of 50,000.00 USD under 'Resale rebate' v1")).to_be_visible()
    expect(accruals.get_by_text("fixed 250.00 USD per event under 'Launch bonus' v1")).to_be_visible()
    expect(page.get_by_test_id("held-until")).to_contain_text("held back until")
    accessible(page, "earnings page")
    shot(page, "earnings-portal-accrued")

    # the hourly release makes the rebate payable and holds the bonus back, said plainly
    incentives_release()
    page.reload()
    expect(page.get_by_test_id("earnings-USD").get_by_test_id("payable")).to_have_text("5,000.00 USD")
    expect(page.get_by_test_id("earnings-USD").get_by_test_id("held")).to_have_text("250.00 USD")
    expect(accruals.get_by_text("Held back until").first).to_be_visible()
    page.screenshot(path="/tmp/earnings-portal.png", full_page=True)
    shot(page, "earnings-portal-released")
    page.set_viewport_size(PHONE)
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner + 1, "the earnings page scrolls sideways on a phone"
    page.screenshot(path="/tmp/earnings-portal-phone.png", full_page=True)
    shot(page, "earnings-portal-phone")


def test_console_rule_pages(page, world):
    rule_create(actor=world.admin, data=rule_data(name="Resale rebate", percent="5", clawback_days=90))
    won_deal(world.a_sales, "1000")
    won_deal(world.b_sales, "2500", splits=[(world.partner_b, "sourcing", "60"), (world.partner_a1, "influencing", "40")])
    login(page, "finance@vendor.example", PASSWORD)
    page.goto("/console/incentives/")
    expect(page.get_by_role("heading", name="Incentive rules")).to_be_visible()
    page.get_by_role("link", name="New rule").click()

    # a tiered rebate with an accelerator and a holdback, written with the form
    page.get_by_label("Name").fill("Gold tiered rebate")
    page.get_by_label("Volume brackets (tiered percent)").check()
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Bracket 1 from").fill("0")
    page.get_by_label("Bracket 1 percent").fill("2")
    page.get_by_label("Bracket 2 from").fill("100000")
    page.get_by_label("Bracket 2 percent").fill("2")  # a mistake: named on its field
    page.get_by_label("Bracket 2 from").fill("0")
    page.get_by_label("Holdback (days)").fill("30")
    page.get_by_role("button", name="Create and activate").click()
    expect(page.locator("#id_bracket_start_1_error")).to_contain_text("Each bracket starts above the one before")
    page.screenshot(path="/tmp/incentives-rule-form-error.png", full_page=True)
    page.get_by_label("Bracket 2 from").fill("100000")
    page.get_by_label("Bracket 2 percent").fill("4")
    page.get_by_label("Accelerator above (cumulative revenue)").fill("250000")
    page.get_by_label("… the rate is multiplied by").fill("1.5")
    page.get_by_label("Gold").check()
    page.get_by_role("button", name="Create and activate").click()
    expect(page.get_by_role("heading", name="Gold tiered rebate v1")).to_be_visible()
    expect(page.get_by_text("2 % from 0, 4 % from 100,000; × 1.5 above 250,000").first).to_be_visible()
    accessible(page, "rule detail")
    page.screenshot(path="/tmp/incentives-rule-detail.png", full_page=True)
    shot(page, "incentives-rule-detail")

    # a new version from today keeps the history
    page.get_by_role("link", name="Change (new version)").click()
    expect(page.get_by_text("This writes version 2.")).to_be_visible()
    page.screenshot(path="/tmp/incentives-rule-form.png", full_page=True)
    page.get_by_label("Bracket 2 percent").fill("5")
    page.get_by_role("button", name="Save version 2").click()
    expect(page.get_by_role("heading", name="Gold tiered rebate v2")).to_be_visible()
    expect(page.get_by_test_id("versions").get_by_role("row")).to_have_count(3)

    page.get_by_role("navigation", name="Money").get_by_role("link", name="Incentive rules").click()
    expect(page.get_by_test_id("rules")).to_contain_text("version 2")
    accessible(page, "rules list")
    page.screenshot(path="/tmp/incentives-rules.png", full_page=True)
    page.get_by_role("navigation", name="Money").get_by_role("link", name="Incentive events").click()
    expect(page.get_by_test_id("events")).to_contain_text("Deal won")
    page.screenshot(path="/tmp/incentives-events.png", full_page=True)
    page.get_by_role("link", name="Deal won").first.click()
    page.screenshot(path="/tmp/incentives-event.png", full_page=True)
    page.get_by_role("navigation", name="Money").get_by_role("link", name="Accruals").click()
    expect(page.get_by_test_id("accruals")).to_contain_text("5 % of 1,500.00 USD (60 % credit of 2,500.00) under 'Resale rebate' v1")
    accessible(page, "accruals list")
    page.screenshot(path="/tmp/incentives-accruals.png", full_page=True)
    page.get_by_role("link", name="Replay a period").click()
    page.get_by_role("button", name="Replay").click()
    expect(page.get_by_role("status")).to_contain_text("nothing changed, nothing was posted")
    accessible(page, "replay page")
    page.screenshot(path="/tmp/incentives-replay.png", full_page=True)
    logout(page)
