"""Money end to end in a browser: a partner requests MDF, the vendor approves, the partner claims with a proof, the
vendor approves the claim; finance creates a payout run, a second finance user approves and executes it; the partner
sees the claim paid, downloads its statement and keeps its payment details."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allied.funds.models import ClaimStatus, FundClaim
from allied.ledger.models import LedgerTransaction
from allied.payouts.models import PayoutRun, RunStatus
from tests.conftest import PASSWORD, make_user
from tests.funds.factories import PDF

from .conftest import login, logout, main_nav, messages
from .test_funds import _both, _program

pytestmark = pytest.mark.django_db(transaction=True)


def _request_approve_claim(page):
    """The MDF part, as people do it: request, approval, claim with a PDF invoice, claim approval."""
    today = timezone.localdate()
    login(page, "marketing@alpha.example", PASSWORD)
    main_nav(page, "Funds")
    page.get_by_role("link", name="Request funds").first.click()
    page.get_by_label("Activity type").select_option("events")
    page.get_by_label("Title").fill("Security breakfast roadshow")
    page.get_by_label("Plan:", exact=True).fill("Three breakfasts for IT leaders in Boston, Austin and Denver.")
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + timedelta(days=5)).isoformat())
    page.get_by_label("Target segment").select_option("mid-market")
    page.get_by_label("Total budget").fill("8000")
    page.get_by_label("Amount requested").fill("4000")
    page.get_by_label("Expected leads").fill("40")
    page.get_by_label("Expected pipeline").fill("60000")
    page.get_by_label("Measurement plan").fill("Leads tagged with the request id; pipeline from converted deals.")
    page.get_by_role("button", name="Submit for review").click()
    expect(messages(page)).to_contain_text("Request submitted for review.")
    logout(page)

    login(page, "pmm@vendor.example", PASSWORD)
    main_nav(page, "Money")
    page.get_by_role("link", name="Security breakfast roadshow").click()
    page.get_by_role("button", name="Approve request").click()
    expect(messages(page)).to_contain_text("Approved 4,000.00 USD")
    logout(page)

    login(page, "marketing@alpha.example", PASSWORD)
    main_nav(page, "Funds")
    page.get_by_role("link", name="Security breakfast roadshow").click()
    page.get_by_label("Actual spend").fill("7000.10")
    page.get_by_label("Leads produced").fill("31")
    page.get_by_label("Pipeline produced").fill("52000")
    page.get_by_label("Proof of performance").set_input_files([{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="File claim").click()
    expect(messages(page)).to_contain_text("filed for 3,500.05 USD")  # events are reimbursed at 50 %
    logout(page)

    login(page, "pmm@vendor.example", PASSWORD)
    main_nav(page, "Money")
    page.get_by_role("navigation", name="Money").get_by_role("link", name="MDF claims").click()
    page.get_by_role("link", name="Security breakfast roadshow").click()
    page.get_by_role("button", name="Approve claim").click()
    expect(messages(page)).to_contain_text("Claim approved: 3,500.05 USD to pay.")
    logout(page)


def test_mdf_claim_paid_through_a_payout_run_and_seen_by_the_partner(page, world):
    _program(world)
    make_user("finance2@vendor.example", "finance")
    _request_approve_claim(page)
    claim = FundClaim.objects.get()
    assert claim.status == ClaimStatus.APPROVED

    # the partner's admin says where to be paid (only the last four characters are kept)
    login(page, "admin@alpha.example", PASSWORD)
    page.goto("/portal/payouts/")
    expect(page.get_by_role("heading", name="Payouts")).to_be_visible()
    page.get_by_role("link", name="Enter your payment details").click()
    page.get_by_label("Legal name").fill("Alpha Distribution LLC")
    page.get_by_label("Payment method").select_option("ach")
    page.get_by_label("Account number or IBAN").fill("000123456789")
    page.get_by_label("Remittance email").fill("ap@alpha.example")
    page.get_by_role("button", name="Save payment details").click()
    expect(messages(page)).to_contain_text("Payment details saved.")
    expect(page.get_by_test_id("account-masked")).to_have_text("****6789")
    _both(page, "money-portal-payee", "portal payment details")
    logout(page)

    # finance puts the payout run together
    login(page, "finance@vendor.example", PASSWORD)
    main_nav(page, "Money")
    page.get_by_role("navigation", name="Money").get_by_role("link", name="Payout runs").click()
    expect(page.get_by_test_id("payable-now")).to_contain_text("3,500.05 USD")
    _both(page, "money-console-runs", "payout runs")
    page.get_by_role("link", name="New payout run").click()
    page.get_by_label("Period").fill("2026-Q1 MDF")
    _both(page, "money-console-run-new", "new payout run")
    page.get_by_role("button", name="Create the run").click()
    expect(messages(page)).to_contain_text("Payout run created with 1 payout.")
    expect(page.get_by_text("You created this run")).to_be_visible()
    expect(page.get_by_role("button", name="Approve the run")).to_have_count(0)
    _both(page, "money-console-run-draft", "draft payout run")
    run = PayoutRun.objects.get()
    logout(page)

    # a second finance user approves and executes it
    login(page, "finance2@vendor.example", PASSWORD)
    page.goto(f"/console/payouts/{run.public_id}/")
    page.get_by_role("button", name="Approve the run").click()
    expect(messages(page)).to_contain_text("Run approved.")
    page.get_by_role("button", name="Execute: pay 1 payout").click()
    expect(messages(page)).to_contain_text("Payment started")
    expect(page.get_by_test_id("progress-text")).to_have_text("1 of 1 paid")
    expect(page.get_by_test_id("payouts")).to_contain_text("Paid")
    _both(page, "money-console-run-completed", "completed payout run")
    with page.expect_download() as download:
        page.get_by_role("link", name="ERP payment file (CSV)").click()
    erp = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Alpha Distribution LLC,ach,****6789" in erp and "3500.05" in erp
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert LedgerTransaction.objects.filter(kind="payout.paid").count() == 1

    # finance publishes the statements of the last month
    page.get_by_role("navigation", name="Money").get_by_role("link", name="Statements").click()
    today = timezone.localdate()
    page.get_by_label("From").fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("To (inclusive)").fill(today.isoformat())
    page.get_by_role("button", name="Generate").click()
    expect(messages(page)).to_contain_text("1 statement generated")
    expect(page.get_by_test_id("statements")).to_contain_text("Alpha Distribution")
    _both(page, "money-console-statements", "statements")
    page.get_by_role("navigation", name="Money").get_by_role("link", name="Payees").click()
    page.get_by_label("ERP vendor id of Alpha Distribution").fill("SUP-0042")
    page.get_by_role("button", name="Save").click()
    expect(messages(page)).to_contain_text("ERP vendor id of Alpha Distribution saved.")
    _both(page, "money-console-payees", "payees")
    logout(page)

    # the partner sees the claim paid, and its statement
    login(page, "admin@alpha.example", PASSWORD)
    main_nav(page, "Earnings")
    page.get_by_test_id("money-links").get_by_role("link", name="payouts").click()
    paid = page.get_by_test_id("paid")
    expect(paid).to_contain_text(claim.public_id)
    expect(paid).to_contain_text("3,500.05 USD")
    expect(paid).to_contain_text("Paid")
    _both(page, "money-portal-payouts", "portal payouts")
    page.get_by_role("navigation", name="Money").get_by_role("link", name="Statements").click()
    _both(page, "money-portal-statements", "portal statements")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    pdf = open(download.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF-")
    open("/tmp/money-flow-statement.pdf", "wb").write(pdf)
    main_nav(page, "Funds")
    page.get_by_role("link", name="Security breakfast roadshow").click()
    expect(page.get_by_role("table")).to_contain_text("Paid")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
