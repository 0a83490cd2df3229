"""Claims: filing (deadline, proof, cap), full and partial approval, rejection, completion, marking paid."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.funds import services
from allied.funds.models import ClaimStatus, RequestStatus
from allied.funds.selectors import claims_payable, period_partner_figures
from allied.ledger.models import LedgerTransaction
from allied.ledger.selectors import partner_balances
from tests.factories import audit_actions
from tests.funds.factories import approved_claim, approved_request, pdf_upload

pytestmark = pytest.mark.django_db
D = Decimal


def claim(world, req, spent="600", **kw):
    kw.setdefault("proofs", [("invoice", pdf_upload())])
    return services.claim_create(actor=world.a_marketing, request=req, spent=spent, leads=12, pipeline="40000", **kw)


def test_claim_is_the_reimbursed_share_capped_at_the_approval(world):
    req = approved_request(world, "1000")  # activity reimbursed at 100 %
    c = claim(world, req, spent="600")
    assert c.status == ClaimStatus.SUBMITTED and c.claimed == D("600.00") and c.spent == D("600.00") and c.leads == 12
    assert c.deadline == services.claim_deadline(req) and c.public_id.startswith("clm_") and c.proofs.count() == 1
    c2 = claim(world, req, spent="900")  # only 400 left once the pending claim is counted
    assert c2.claimed == D("400.00")
    with pytest.raises(Conflict) as exc:
        claim(world, req, spent="1")
    assert "Nothing is left" in exc.value.message
    assert audit_actions(object_id=c.public_id) == ["fund_claim.submitted"]


def test_claim_share_uses_the_activity_percentage(world):
    req = approved_request(world, "1000")
    req.activity_type.reimbursement_percent = D("50")
    req.activity_type.save()
    c = claim(world, req, spent="333.33")
    assert c.claimed == D("166.67")  # half of 333.33, half-up


@pytest.mark.parametrize("kw,field", [
    ({"spent": 500.0}, "spent"),
    ({"spent": "0"}, "spent"),
    ({"spent": "12.345"}, "spent"),
    ({"pipeline": 1e5}, "pipeline"),
    ({"leads": -1}, "leads"),
    ({"proofs": []}, "file"),
])
def test_claim_refuses_bad_input(world, kw, field):
    req = approved_request(world, "1000")
    data = {"spent": "500", "leads": 1, "pipeline": "0", "proofs": [("invoice", pdf_upload())]} | kw
    with pytest.raises(DomainError) as exc:
        services.claim_create(actor=world.a_marketing, request=req, **data)
    assert exc.value.field == field
    assert not req.claims.exists()


def test_claim_refuses_bad_proof_and_keeps_nothing(world):
    req = approved_request(world, "1000")
    with pytest.raises(DomainError) as exc:
        claim(world, req, proofs=[("invoice", pdf_upload()), ("photo", pdf_upload("photo.png"))])
    assert exc.value.field == "file[1]" and "not a valid .png" in exc.value.message
    assert not req.claims.exists()


def test_claim_deadline(world):
    req = approved_request(world, "1000")
    deadline = services.claim_deadline(req)
    assert deadline == req.ends_on + timedelta(days=req.period.claim_deadline_days)
    on_time = timezone.now() + timedelta(days=(deadline - timezone.localdate()).days)
    assert claim(world, req, now=on_time).deadline == deadline
    with pytest.raises(Conflict) as exc:
        claim(world, req, spent="1", now=on_time + timedelta(days=1))
    assert deadline.isoformat() in exc.value.message


def test_who_may_claim(world):
    req = approved_request(world, "1000")
    for user in (world.a_sales, world.b_admin, world.b_marketing, world.pmm):
        with pytest.raises(PermissionDenied):
            services.claim_create(actor=user, request=req, spent="1", proofs=[("invoice", pdf_upload())])


def test_claim_only_on_funded_requests(world):
    from tests.funds.factories import period, request_data

    p = period(world.pmm)
    req = services.request_create(actor=world.a_marketing, period=p, data=request_data(), submit=True)
    with pytest.raises(Conflict):
        claim(world, req)


def test_approve_in_full_moves_committed_to_claimed_and_completes(world):
    req = approved_request(world, "1000")
    c = claim(world, req, spent="1000")
    c = services.claim_approve(actor=world.cam, claim=c)
    assert c.status == ClaimStatus.APPROVED and c.approved_amount == D("1000.00") and c.decided_by == world.cam
    bal = partner_balances(partner_id=world.partner_a.pk)["USD"]
    assert bal["mdf.committed"] == 0 and bal["mdf.claimed"] == D("1000.00")
    txn = LedgerTransaction.objects.get(kind="mdf.claim_approved")
    assert txn.idempotency_key == f"mdf-claim-approve:{c.public_id}"
    req.refresh_from_db()
    assert req.status == RequestStatus.COMPLETED  # fully claimed
    with pytest.raises(Conflict):
        services.claim_approve(actor=world.cam, claim=c)
    assert list(claims_payable()) == [c]


def test_partial_approval_and_final_claim_release_the_rest(world):
    req = approved_request(world, "1000")
    c = claim(world, req, spent="800", final=True)
    with pytest.raises(DomainError) as exc:
        services.claim_approve(actor=world.pmm, claim=c, amount="500")
    assert exc.value.field == "note"
    for bad in ("800.01", "0", 500.0):
        with pytest.raises(DomainError) as exc:
            services.claim_approve(actor=world.pmm, claim=c, amount=bad, note="x")
        assert exc.value.field == "amount"
    c = services.claim_approve(actor=world.pmm, claim=c, amount="500", note="One invoice is outside the activity dates.")
    assert c.status == ClaimStatus.PARTIALLY_APPROVED and c.approved_amount == D("500.00")
    req.refresh_from_db()
    assert req.status == RequestStatus.COMPLETED
    assert period_partner_figures(req.period, world.partner_a.pk) == {
        "allocated": D("500.00"), "committed": D("0.00"), "claimed": D("500.00"), "paid": D("0.00")}


def test_reject(world):
    req = approved_request(world, "1000")
    c = claim(world, req)
    with pytest.raises(DomainError):
        services.claim_reject(actor=world.pmm, claim=c, note="")
    with pytest.raises(PermissionDenied):
        services.claim_reject(actor=world.finance, claim=c, note="no")
    c = services.claim_reject(actor=world.pmm, claim=c, note="The invoice is not for this activity.")
    assert c.status == ClaimStatus.REJECTED
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED  # not final: the partner may claim again
    assert period_partner_figures(req.period, world.partner_a.pk)["committed"] == D("1000.00")
    c2 = claim(world, req, spent="1000")
    assert c2.claimed == D("1000.00")


def test_claim_approvers(world):
    c = claim(world, approved_request(world, "1000"))
    for user in (world.finance, world.a_admin, world.a_marketing):
        with pytest.raises(PermissionDenied):
            services.claim_approve(actor=user, claim=c)


def test_claims_mark_paid_is_idempotent(world):
    c1, c2 = approved_claim(world, "10.00"), approved_claim(world.partner_b, "20.00")
    now = timezone.now()
    assert services.claims_mark_paid(claims=[c2, c1], paid_at=now, actor=world.finance, reference="RUN-1") == 2
    assert services.claims_mark_paid(claims=[c1.pk], paid_at=now, actor=world.finance, reference="RUN-2") == 0
    c1.refresh_from_db()
    assert c1.status == ClaimStatus.PAID and c1.payment_reference == "RUN-1" and c1.paid_at == now
    assert list(claims_payable()) == []
    assert audit_actions(object_id=c1.public_id)[-1] == "fund_claim.paid"


def test_claims_payable_filters_partners(world):
    c1, c2 = approved_claim(world, "10.00"), approved_claim(world.partner_b, "20.00")
    assert list(claims_payable(partner_ids=[world.partner_b.pk])) == [c2]
    assert list(claims_payable()) == [c1, c2]
