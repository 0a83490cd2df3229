"""Fund requests: create, submit, criteria, full and partial approval, rejection, cancel, completion."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.funds import services
from allied.funds.models import RequestStatus
from allied.funds.selectors import period_figures, period_partner_figures
from allied.ledger.models import LedgerTransaction
from allied.ledger.selectors import partner_balances
from tests.factories import audit_actions, set_tier
from tests.funds.factories import pdf_upload, period, request_data

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def funded(world):
    """A period with a 10,000 pool, 5,000 of it allocated to partner A."""
    p = period(world.pmm, pool="10000", target_segments=["mid-market", "enterprise"])
    services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="5000")
    return p


def submit(world, p, **overrides):
    return services.request_create(actor=world.a_marketing, period=p, data=request_data(**overrides), submit=True)


def test_create_draft_update_submit(world, funded):
    set_tier(world.partner_a, "Gold")
    req = services.request_create(actor=world.a_marketing, period=funded, data=request_data())
    assert req.status == RequestStatus.DRAFT and req.partner == world.partner_a and req.public_id.startswith("fr_")
    assert req.requested == D("10000.00") and req.currency == "USD" and req.activity_type.code == "events"
    req = services.request_update(actor=world.a_admin, request=req, data={"requested": "4000", "title": "Roadshow"})
    assert req.requested == D("4000.00") and req.title == "Roadshow" and req.total_budget == D("20000.00")
    req = services.request_submit(actor=world.a_marketing, request=req)
    assert req.status == RequestStatus.SUBMITTED and req.submitted_at and all(c["passed"] for c in req.criteria)
    with pytest.raises(Conflict):
        services.request_update(actor=world.a_marketing, request=req, data={"title": "x"})
    with pytest.raises(Conflict):
        services.request_submit(actor=world.a_marketing, request=req)
    assert audit_actions(object_id=req.public_id) == ["fund_request.created", "fund_request.updated", "fund_request.submitted"]
    assert not LedgerTransaction.objects.filter(kind="mdf.request_approved").exists()


@pytest.mark.parametrize("overrides,field", [
    ({"requested": 100.0}, "requested"),
    ({"requested": "0"}, "requested"),
    ({"requested": "30000"}, "requested"),
    ({"total_budget": "abc"}, "total_budget"),
    ({"expected_pipeline": 5e4}, "expected_pipeline"),
    ({"activity_type": "skydiving"}, "activity_type"),
    ({"title": ""}, "title"),
    ({"starts_on": "2001-01-01"}, "starts_on"),
    ({"ends_on": "not a date"}, "ends_on"),
    ({"expected_leads": -4}, "expected_leads"),
    ({"expected_leads": 2.5}, "expected_leads"),
    ({"colour": "red"}, "colour"),
])
def test_create_refuses_bad_input(world, funded, overrides, field):
    with pytest.raises(DomainError) as exc:
        services.request_create(actor=world.a_marketing, period=funded, data=request_data(**overrides))
    assert exc.value.field == field


def test_who_may_request(world, funded):
    for user in (world.a_sales, world.b_sales, world.pmm, world.admin, world.finance):
        with pytest.raises(PermissionDenied):
            services.request_create(actor=user, period=funded, data=request_data())
    req = services.request_create(actor=world.a_marketing, period=funded, data=request_data())
    with pytest.raises(PermissionDenied):
        services.request_submit(actor=world.b_marketing, request=req)
    with pytest.raises(PermissionDenied):
        services.request_update(actor=world.a_sales, request=req, data={"title": "x"})


def test_no_allocation_and_no_proposals_refused(world):
    p = period(world.pmm, pool="1000", allow_proposals=False)
    with pytest.raises(DomainError) as exc:
        services.request_create(actor=world.b_marketing, period=p, data=request_data())
    assert exc.value.field == "period"


def test_criteria_show_each_failure(world, funded):
    req = submit(world, funded, target_segment="smb", measurement_plan="", expected_pipeline="1000", requested="9000",
                 total_budget="10000")
    by_name = {c["name"].split(" ≥")[0]: c for c in req.criteria}
    assert not by_name["Fits target segment"]["passed"] and "enterprise, mid-market" in by_name["Fits target segment"]["detail"]
    assert not by_name["Measurement plan present"]["passed"]
    assert not by_name["Expected pipeline"]["passed"] and "needs 45,000.00 USD" in by_name["Expected pipeline"]["detail"]
    assert not by_name["Within the partner's available allocation"]["passed"]
    assert not by_name["Within the reimbursement share"]["passed"]  # events are reimbursed at 50 %
    assert not by_name["Tier eligible for MDF"]["passed"]  # the entry tier is not MDF-eligible


def test_approve_in_full_commits_from_allocation(world, funded):
    set_tier(world.partner_a, "Gold")
    req = submit(world, funded, requested="4000")
    req = services.request_approve(actor=world.pmm, request=req)
    assert req.status == RequestStatus.APPROVED and req.approved_amount == D("4000.00") and req.decided_by == world.pmm
    bal = partner_balances(partner_id=world.partner_a.pk)["USD"]
    assert bal["mdf.allocated"] == D("1000.00") and bal["mdf.committed"] == D("4000.00")
    assert period_figures(funded)["pool"] == D("5000.00")
    txn = LedgerTransaction.objects.get(kind="mdf.request_approved")
    assert txn.idempotency_key == f"mdf-request-approve:{req.public_id}" and txn.partner_id == world.partner_a.pk
    with pytest.raises(Conflict):
        services.request_approve(actor=world.pmm, request=req)
    assert audit_actions(object_id=req.public_id)[-1] == "fund_request.approved"


def test_partial_approval_needs_a_note(world, funded):
    set_tier(world.partner_a, "Gold")
    req = submit(world, funded, requested="4000")
    with pytest.raises(DomainError) as exc:
        services.request_approve(actor=world.cam, request=req, amount="2500")
    assert exc.value.field == "note"
    for bad in ("4000.01", "0", 2500.0):
        with pytest.raises(DomainError) as exc:
            services.request_approve(actor=world.cam, request=req, amount=bad, note="n")
        assert exc.value.field == "amount"
    req = services.request_approve(actor=world.cam, request=req, amount="2500", note="Two cities, not three.")
    assert req.status == RequestStatus.PARTIALLY_APPROVED and req.approved_amount == D("2500.00")
    assert period_partner_figures(funded, world.partner_a.pk) == {
        "allocated": D("2500.00"), "committed": D("2500.00"), "claimed": D("0.00"), "paid": D("0.00")}


def test_failed_criterion_needs_a_note_and_excess_comes_from_pool(world, funded):
    req = submit(world, funded, requested="8000", total_budget="20000", expected_pipeline="80000")
    with pytest.raises(DomainError) as exc:
        services.request_approve(actor=world.pmm, request=req)
    assert exc.value.field == "note" and "available allocation" in exc.value.message and "Tier eligible" in exc.value.message
    req = services.request_approve(actor=world.pmm, request=req, note="Strategic launch; top up from the pool.")
    f = period_figures(funded)
    assert f["pool"] == D("2000.00") and f["allocated"] == 0 and f["committed"] == D("8000.00")
    failed = [c["name"] for c in req.criteria if not c["passed"]]
    assert "Within the partner's available allocation" in failed


def test_proposal_based_request_funded_from_pool(world, funded):
    req = services.request_create(actor=world.b_marketing, period=funded, data=request_data(requested="3000"), submit=True)
    assert any(c["name"] == "Within the pool (proposal-based)" and c["passed"] for c in req.criteria)
    services.request_approve(actor=world.pmm, request=req, note="Tier override")
    assert period_partner_figures(funded, world.partner_b.pk)["committed"] == D("3000.00")
    assert period_figures(funded)["pool"] == D("2000.00")
    big = services.request_create(actor=world.b_marketing, period=funded, data=request_data(requested="9000", total_budget="30000",
                                                                                              expected_pipeline="100000"), submit=True)
    with pytest.raises(Conflict) as exc:
        services.request_approve(actor=world.pmm, request=big, note="try")
    assert "2,000.00 USD" in exc.value.message
    assert period_figures(funded)["pool"] == D("2000.00")


def test_reject_needs_a_note(world, funded):
    req = submit(world, funded)
    with pytest.raises(DomainError) as exc:
        services.request_reject(actor=world.cam, request=req, note=" ")
    assert exc.value.field == "note"
    with pytest.raises(PermissionDenied):
        services.request_reject(actor=world.finance, request=req, note="no")
    req = services.request_reject(actor=world.cam, request=req, note="Out of scope.")
    assert req.status == RequestStatus.REJECTED and req.decision_note == "Out of scope."
    with pytest.raises(Conflict):
        services.request_approve(actor=world.pmm, request=req, note="x")
    assert period_partner_figures(funded, world.partner_a.pk)["committed"] == 0


def test_approvers(world, funded):
    req = submit(world, funded, requested="100")
    for user in (world.finance, world.a_admin, world.a_marketing):
        with pytest.raises(PermissionDenied):
            services.request_approve(actor=user, request=req, note="x")


def test_cancel(world, funded):
    set_tier(world.partner_a, "Gold")
    draft = services.request_create(actor=world.a_marketing, period=funded, data=request_data())
    assert services.request_cancel(actor=world.a_admin, request=draft).status == RequestStatus.CANCELLED
    req = services.request_approve(actor=world.pmm, request=submit(world, funded, requested="3000"))
    with pytest.raises(PermissionDenied):
        services.request_cancel(actor=world.pmm, request=req)
    req = services.request_cancel(actor=world.a_marketing, request=req)
    assert req.status == RequestStatus.CANCELLED
    assert period_partner_figures(funded, world.partner_a.pk)["allocated"] == D("5000.00")
    with pytest.raises(Conflict):
        services.request_cancel(actor=world.a_marketing, request=req)


def test_complete_releases_the_unclaimed_rest(world, funded):
    set_tier(world.partner_a, "Gold")
    req = services.request_approve(actor=world.pmm, request=submit(world, funded, requested="3000"))
    claim = services.claim_create(actor=world.a_marketing, request=req, spent="2000", proofs=[("invoice", pdf_upload())])
    with pytest.raises(Conflict):
        services.request_complete(actor=world.pmm, request=req)
    services.claim_approve(actor=world.pmm, claim=claim)
    with pytest.raises(PermissionDenied):
        services.request_complete(actor=world.b_admin, request=req)
    req = services.request_complete(actor=world.a_marketing, request=req)
    assert req.status == RequestStatus.COMPLETED and req.completed_at
    assert period_partner_figures(funded, world.partner_a.pk) == {
        "allocated": D("4000.00"), "committed": D("0.00"), "claimed": D("1000.00"), "paid": D("0.00")}
    with pytest.raises(Conflict):
        services.request_complete(actor=world.pmm, request=req)


def test_requests_past_deadline_complete(world, funded):
    set_tier(world.partner_a, "Gold")
    req = services.request_approve(actor=world.pmm, request=submit(world, funded, requested="3000"))
    assert services.requests_complete_expired(today=timezone.localdate()) == 0
    later = services.claim_deadline(req) + timedelta(days=1)
    assert services.requests_complete_expired(today=later) == 1
    req.refresh_from_db()
    assert req.status == RequestStatus.COMPLETED
    assert period_partner_figures(funded, world.partner_a.pk)["committed"] == 0


def test_housekeeping_task_completes_expired_requests(world, funded):
    from allied.funds.tasks import funds_housekeeping_task

    set_tier(world.partner_a, "Gold")
    services.request_approve(actor=world.pmm, request=submit(world, funded, requested="3000"))
    assert funds_housekeeping_task.call() == {"completed": 0}
