"""Market development funds in a browser: a partner marketer requests MDF, the vendor's partner marketing manager
approves it, the partner claims with a PDF proof, and the manager approves the claim (finance pays it in a payout
run: tests/browser/test_payouts.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allied.funds import services
from allied.funds.models import ClaimStatus, FundRequest, RequestStatus
from allied.ledger.selectors import partner_balances
from tests.conftest import PASSWORD
from tests.factories import set_tier
from tests.funds.factories import PDF, activity_types, period

from .conftest import login, logout, main_nav, messages, shot
from .test_accessibility import _check_page as accessible

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OVERFLOW_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _both(page, name: str, where: str) -> None:
    """Screenshots on a desktop and on a phone; the phone one must not scroll sideways."""
    accessible(page, where)
    page.set_viewport_size(DESKTOP)
    shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    scroll_width, inner_width = page.evaluate(OVERFLOW_JS)
    assert scroll_width <= inner_width + 1, f"{where} scrolls sideways: {scroll_width}px wide in a {inner_width}px window"
    shot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def _program(world):
    activity_types()
    set_tier(world.partner_a, "Gold")
    p = period(world.pmm, pool="50000", name="Winter campaigns", target_segments=["mid-market", "enterprise"])
    services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="10000")
    return p


def test_partner_requests_vendor_approves_partner_claims_vendor_approves_claim(page, world):
    _program(world)
    today = timezone.localdate()

    # the partner marketer asks for funds
    login(page, "marketing@alpha.example", PASSWORD)
    main_nav(page, "Funds")
    expect(page.get_by_role("heading", name="Market development funds")).to_be_visible()
    expect(page.get_by_test_id("balances-USD")).to_contain_text("10,000.00 USD")
    _both(page, "funds-portal-my-funds", "portal my funds")
    page.get_by_role("link", name="Request funds").first.click()
    page.get_by_label("Activity type").select_option("events")
    page.get_by_label("Title").fill("Security breakfast roadshow")
    page.get_by_label("Plan:", exact=True).fill("Three breakfasts for IT leaders in Boston, Austin and Denver.")
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + timedelta(days=5)).isoformat())
    page.get_by_label("Target segment").select_option("mid-market")
    page.get_by_label("Total budget").fill("8000")
    page.get_by_label("Amount requested").fill("40000")
    page.get_by_label("Expected leads").fill("40")
    page.get_by_label("Expected pipeline").fill("60000")
    page.get_by_label("Measurement plan").fill("Leads tagged with the request id; pipeline from converted deals.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#id_requested_error")).to_contain_text("cannot exceed the activity's total budget")
    _both(page, "funds-portal-request-form-errors", "request form with an error")
    page.get_by_label("Amount requested").fill("4000")
    page.get_by_role("button", name="Submit for review").click()
    expect(messages(page)).to_contain_text("Request submitted for review.")
    req = FundRequest.objects.get()
    expect(page.get_by_test_id("tracking-code")).to_have_text(req.public_id)
    logout(page)

    # the vendor's partner marketing manager reviews it against the criteria and approves
    login(page, "pmm@vendor.example", PASSWORD)
    main_nav(page, "Money")
    expect(page.get_by_role("heading", name="Fund requests")).to_be_visible()
    expect(page.get_by_test_id("count-requests")).to_have_text("1 request to review")
    _both(page, "funds-console-requests", "fund request queue")
    page.get_by_role("link", name="Security breakfast roadshow").click()
    expect(page.get_by_test_id("criteria")).to_contain_text("Expected pipeline ≥ 5× the amount")
    _both(page, "funds-console-request-review", "request review")
    page.get_by_role("button", name="Approve request").click()
    expect(messages(page)).to_contain_text("Approved 4,000.00 USD for Alpha Distribution.")
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED
    logout(page)

    # the partner claims with a PDF invoice
    login(page, "marketing@alpha.example", PASSWORD)
    main_nav(page, "Funds")
    page.get_by_role("link", name="Security breakfast roadshow").click()
    expect(page.get_by_test_id("approved")).to_have_text("4,000.00 USD")
    page.get_by_label("Actual spend").fill("7000")
    page.get_by_label("Leads produced").fill("31")
    page.get_by_label("Pipeline produced").fill("52000")
    page.get_by_label("Proof of performance").set_input_files([{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="File claim").click()
    expect(messages(page)).to_contain_text("filed for 3,500.00 USD")  # events are reimbursed at 50 %
    _both(page, "funds-portal-request-claimed", "request with its claim")
    logout(page)

    # the manager approves the claim after opening the proof
    login(page, "pmm@vendor.example", PASSWORD)
    main_nav(page, "Money")
    page.get_by_role("navigation", name="Money").get_by_role("link", name="MDF claims").click()
    _both(page, "funds-console-claims", "claim queue")
    page.get_by_role("link", name="Security breakfast roadshow").click()
    with page.expect_download() as download:
        page.get_by_test_id("proof-link").click()
    assert download.value.suggested_filename == "invoice.pdf"
    _both(page, "funds-console-claim-review", "claim review")
    page.get_by_role("button", name="Approve claim").click()
    expect(messages(page)).to_contain_text("Claim approved: 3,500.00 USD to pay.")
    claim = req.claims.get()
    assert claim.status == ClaimStatus.APPROVED
    assert partner_balances(partner_id=world.partner_a.pk)["USD"]["mdf.claimed"] == Decimal("3500.00")

    # the budget page shows where the money is, from the ledger
    page.get_by_role("navigation", name="Money").get_by_role("link", name="MDF budgets").click()
    page.get_by_role("link", name="Winter campaigns").click()
    expect(page.get_by_test_id("figures")).to_contain_text("3,500.00 USD")
    _both(page, "funds-console-period", "period page")
    page.get_by_role("navigation", name="Money").get_by_role("link", name="Activity types").click()
    _both(page, "funds-console-activity-types", "activity types")
    logout(page)

    # the partner sees the claim approved, waiting for payment
    login(page, "marketing@alpha.example", PASSWORD)
    main_nav(page, "Funds")
    expect(page.get_by_test_id("balances-USD")).to_contain_text("3,500.00 USD")
    page.get_by_role("link", name="Security breakfast roadshow").click()
    expect(page.get_by_role("table")).to_contain_text("Approved")
