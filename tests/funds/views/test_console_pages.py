"""Console MDF pages: queues, request and claim reviews (approve / reject with clear errors), budgets, activity types."""

from decimal import Decimal

import pytest

from allied.funds import services
from allied.funds.models import ClaimStatus, FundAllocation, FundPeriod, RequestStatus
from allied.ledger.selectors import partner_balances
from tests.factories import set_tier
from tests.funds.factories import approved_request, pdf_upload, period, request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):
    set_tier(world.partner_a, "Gold")
    p = period(world.pmm, pool="20000")
    services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="8000")
    return services.request_create(actor=world.a_marketing, period=p, data=request_data(requested="4000"), submit=True)


def test_queue_shows_requests_to_review_by_default(client, world, submitted):
    services.request_create(actor=world.a_marketing, period=submitted.period, data=request_data(title="Still a draft"))
    client.force_login(world.cam)
    r = client.get("/console/funds/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Security roadshow" in body and "Still a draft" not in body and "all met" in body and "1 request to review" in body
    r = client.get("/console/funds/?f=1&status=&q=draft")
    assert [x.title for x in r.context["page"]] == ["Still a draft"]


def test_review_page_shows_criteria_and_approves(client, world, submitted):
    client.force_login(world.pmm)
    url = f"/console/funds/requests/{submitted.public_id}/"
    body = client.get(url).content.decode()
    assert "Approval criteria" in body and "Fits target segment" in body and "MDF ROI" in body and "Approve request" in body
    r = client.post(url, {"action": "approve", "approve-amount": "3000", "approve-note": ""})
    assert r.status_code == 400 and "Tell the partner why only part" in r.content.decode()
    r = client.post(url, {"action": "approve", "approve-amount": "3000.5x", "approve-note": "x"})
    assert r.status_code == 400 and "Enter an amount" in r.content.decode()
    r = client.post(url, {"action": "approve", "approve-amount": "3000", "approve-note": "Two cities only."}, follow=True)
    assert r.status_code == 200 and "Approved 3,000.00 USD" in r.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.PARTIALLY_APPROVED
    assert "fund_request.approved" in r.content.decode()  # the history


def test_reject_needs_a_reason_and_finance_cannot_decide(client, world, submitted):
    url = f"/console/funds/requests/{submitted.public_id}/"
    client.force_login(world.finance)
    body = client.get(url).content.decode()
    assert "Approve request" not in body
    assert client.post(url, {"action": "reject", "reject-note": "no"}).status_code == 403
    client.force_login(world.cam)
    r = client.post(url, {"action": "reject", "reject-note": ""})
    assert r.status_code == 400 and "This field is required" in r.content.decode()
    client.post(url, {"action": "reject", "reject-note": "Off-strategy"})
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.REJECTED


def test_claim_review_with_proof_download(client, world):
    req = approved_request(world, "1000")
    claim = services.claim_create(actor=world.a_marketing, request=req, spent="800", proofs=[("invoice", pdf_upload())])
    client.force_login(world.pmm)
    assert claim.public_id in client.get("/console/funds/claims/").content.decode()
    url = f"/console/funds/claims/{claim.public_id}/"
    r = client.get(url)
    proof = claim.proofs.get()
    assert "invoice.pdf" in r.content.decode() and "Approve claim" in r.content.decode()
    r = client.get(f"{url}proofs/{proof.public_id}/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"
    r = client.post(url, {"action": "approve", "approve-amount": "900", "approve-note": ""})
    assert r.status_code == 400 and "Approve at most the 800.00 USD claimed" in r.content.decode()
    client.post(url, {"action": "approve", "approve-amount": "", "approve-note": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert partner_balances(partner_id=world.partner_a.pk)["USD"]["mdf.claimed"] == Decimal("800.00")


def test_periods_page_creates_and_allocates(client, world):
    set_tier(world.partner_b, "Gold")
    client.force_login(world.pmm)
    r = client.post("/console/funds/periods/", {"name": "2031 Q1", "starts_on": "2031-01-01", "ends_on": "2031-03-31", "currency": "USD",
                                                "pool": "50000", "claim_deadline_days": 60, "min_pipeline_ratio": "5"}, follow=True)
    assert r.status_code == 200 and "Period 2031 Q1 created" in r.content.decode()
    p = FundPeriod.objects.get()
    url = f"/console/funds/periods/{p.public_id}/"
    r = client.post(url, {"action": "allocate", "allocate-partner": world.partner_a.public_id, "allocate-amount": "60000",
                          "allocate-method": "plan"})
    assert r.status_code == 400 and "has only 50,000.00 USD unallocated" in r.content.decode()
    client.post(url, {"action": "allocate", "allocate-partner": world.partner_a.public_id, "allocate-amount": "5000",
                      "allocate-method": "plan"})
    gold = [t for t in r.context["forms"]["tiers"].tiers if t.name == "Gold"][0]
    client.post(url, {"action": "tiers", f"tiers-tier_{gold.public_id}": "7000"})
    assert dict(FundAllocation.objects.values_list("partner_id", "amount_minor")) == {world.partner_a.pk: 500000, world.partner_b.pk: 700000}
    body = client.get(url).content.decode()
    assert "38,000.00 USD" in body and "Allocation by tier" in body and "Gold" in body
    assert "38,000.00 USD" in client.get("/console/funds/periods/").content.decode()
    r = client.post(url, {"action": "close"}, follow=True)
    assert "closed" in r.content.decode()
    p.refresh_from_db()
    assert p.status == "closed"


def test_period_form_errors_name_the_field(client, world):
    client.force_login(world.admin)
    r = client.post("/console/funds/periods/", {"name": "X", "starts_on": "2031-01-01", "ends_on": "2031-03-31", "currency": "USD",
                                                "pool": "12.345", "claim_deadline_days": 60, "min_pipeline_ratio": "5"})
    assert r.status_code == 400 and "USD amounts have at most 2 decimal places" in r.content.decode()
    client.force_login(world.cam)
    assert client.post("/console/funds/periods/", {"name": "X"}).status_code == 403


def test_activity_types_page(client, world):
    client.force_login(world.pmm)
    r = client.post("/console/funds/activity-types/", {"code": "podcast", "name": "Podcast", "reimbursement_percent": "40",
                                                        "active": "on"}, follow=True)
    assert "Podcast saved" in r.content.decode()
    r = client.post("/console/funds/activity-types/", {"code": "podcast", "name": "Podcast", "reimbursement_percent": "140"})
    assert r.status_code == 400 and "between 0 and 100" in r.content.decode()
    client.force_login(world.finance)
    body = client.get("/console/funds/activity-types/").content.decode()
    assert "Podcast" in body and "New activity type" not in body
