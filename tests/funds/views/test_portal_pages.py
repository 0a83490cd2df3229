"""Portal MDF pages: my funds, request form, request detail with the claim form, proof upload and ROI."""

import pytest

from allied.funds import services
from allied.funds.models import ClaimStatus, FundRequest, RequestStatus
from tests.factories import png_bytes, set_tier, upload
from tests.funds.factories import approved_request, pdf_upload, period, request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(world):
    set_tier(world.partner_a, "Gold")
    p = period(world.pmm, pool="20000", name="2031 H1")
    services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="8000")
    return p


def form_data(p, **overrides):
    data = request_data() | {"period": p.public_id, "expected_leads": "60"}
    data.update(overrides)
    return data


def test_my_funds_shows_balances(client, world, funded):
    approved_request(world, "1000")
    client.force_login(world.a_marketing)
    r = client.get("/portal/funds/")
    body = r.content.decode()
    assert r.status_code == 200 and "Available to request" in body and "8,000.00 USD" in body and "1,000.00 USD" in body
    assert "Request funds" in body


def test_sales_reps_have_no_funds_pages(client, world, funded):
    client.force_login(world.a_sales)
    assert client.get("/portal/funds/").status_code == 404
    assert client.get("/portal/funds/new/").status_code == 404


def test_new_request_submit(client, world, funded):
    client.force_login(world.a_marketing)
    r = client.post("/portal/funds/new/", form_data(funded) | {"submit": "1"}, follow=True)
    assert r.status_code == 200 and "Request submitted for review" in r.content.decode()
    req = FundRequest.objects.get()
    assert req.status == RequestStatus.SUBMITTED and req.partner == world.partner_a and req.created_by == world.a_marketing


def test_new_request_errors_name_the_field(client, world, funded):
    client.force_login(world.a_admin)
    r = client.post("/portal/funds/new/", form_data(funded, requested="30000"))
    assert r.status_code == 400 and "cannot exceed the activity" in r.content.decode()
    r = client.post("/portal/funds/new/", form_data(funded, requested="1.234"))
    assert r.status_code == 400 and "at most 2 decimal places" in r.content.decode()
    assert not FundRequest.objects.exists()


def test_draft_edit_then_submit(client, world, funded):
    client.force_login(world.a_marketing)
    client.post("/portal/funds/new/", form_data(funded) | {"submit": "0"})
    req = FundRequest.objects.get()
    assert req.status == RequestStatus.DRAFT
    r = client.post(f"/portal/funds/requests/{req.public_id}/edit/", form_data(funded, title="Renamed") | {"submit": "1"}, follow=True)
    assert "Request submitted" in r.content.decode()
    req.refresh_from_db()
    assert req.title == "Renamed" and req.status == RequestStatus.SUBMITTED
    r = client.get(f"/portal/funds/requests/{req.public_id}/edit/", follow=True)
    assert "Only drafts can be changed" in r.content.decode()


def test_claim_with_proof_then_more_proof(client, world):
    req = approved_request(world, "1000")
    client.force_login(world.a_marketing)
    url = f"/portal/funds/requests/{req.public_id}/"
    body = client.get(url).content.decode()
    assert "Claim reimbursement" in body and "1,000.00 USD" in body and req.public_id in body
    r = client.post(url, {"action": "claim", "claim-spent": "600", "claim-leads": "12", "claim-pipeline": "30000",
                          "claim-proof_kind": "invoice"})
    assert r.status_code == 400 and "Attach at least one proof" in r.content.decode()
    r = client.post(url, {"action": "claim", "claim-spent": "600", "claim-leads": "12", "claim-pipeline": "",
                          "claim-proof_kind": "invoice", "claim-files": [upload(b"not a pdf", name="x.pdf")]})
    assert r.status_code == 400 and "This is not a valid .pdf file" in r.content.decode()
    r = client.post(url, {"action": "claim", "claim-spent": "600", "claim-leads": "12", "claim-pipeline": "30000",
                          "claim-proof_kind": "invoice", "claim-files": [pdf_upload(), pdf_upload("second.pdf")]}, follow=True)
    assert r.status_code == 200 and "filed for 600.00 USD" in r.content.decode()
    claim = req.claims.get()
    assert claim.status == ClaimStatus.SUBMITTED and claim.proofs.count() == 2
    r = client.post(url, {"action": "proof", "claim": claim.public_id, "proof-kind": "photo",
                          "proof-file": upload(png_bytes(), name="booth.png")}, follow=True)
    assert "booth.png added" in r.content.decode()
    proof = claim.proofs.get(original_name="booth.png")
    r = client.get(f"/portal/funds/requests/{req.public_id}/proofs/{proof.public_id}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == png_bytes()
    client.force_login(world.b_admin)
    assert client.get(f"/portal/funds/requests/{req.public_id}/proofs/{proof.public_id}/").status_code == 404
    assert client.get(url).status_code == 404


def test_cancel_and_complete(client, world):
    req = approved_request(world, "1000")
    client.force_login(world.a_admin)
    url = f"/portal/funds/requests/{req.public_id}/"
    r = client.post(url, {"action": "cancel", "cancel-note": ""}, follow=True)
    assert "Request cancelled" in r.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.CANCELLED
