"""Periods, their pool and allocations: every transition and error, with ledger balances after each step."""

from datetime import date
from decimal import Decimal

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.funds import services
from allied.funds.models import AllocationMethod, FundAllocation, PeriodStatus
from allied.funds.selectors import period_figures, period_partner_figures
from allied.ledger.models import LedgerTransaction
from allied.ledger.selectors import partner_balances, trial_balance
from tests.factories import audit_actions, set_tier
from tests.funds.factories import approved_request, period

pytestmark = pytest.mark.django_db
D = Decimal


def figures(p):
    return {k: v for k, v in period_figures(p).items()}


def test_period_create_funds_the_pool(world):
    p = services.period_create(actor=world.pmm, name="2025 Q3", starts_on="2025-07-01", ends_on="2025-09-30", pool="50000.00",
                               target_segments="SMB, mid-market", min_pipeline_ratio="4.5")
    assert p.pool == D("50000.00") and p.target_segments == ["mid-market", "smb"] and p.min_pipeline_ratio == D("4.5")
    f = figures(p)
    assert f["pool"] == D("50000.00") and f["funded"] == D("50000.00") and f["allocated"] == 0
    txn = LedgerTransaction.objects.get(kind="mdf.funded")
    assert txn.idempotency_key == f"mdf-fund:{p.public_id}:1" and txn.source == f"mdf:{p.public_id}:{p.public_id}"
    assert audit_actions(object_id=p.public_id) == ["fund_period.created"]
    assert trial_balance() in ({}, {"USD": 0})


@pytest.mark.parametrize("field,kw,message", [
    ("name", {"name": " "}, "Name the period"),
    ("ends_on", {"ends_on": "2025-06-30"}, "end on or after"),
    ("starts_on", {"starts_on": "July"}, "YYYY-MM-DD"),
    ("pool", {"pool": 1000.5}, "not floating-point"),
    ("pool", {"pool": "-1"}, "negative"),
    ("pool", {"pool": "10.001"}, "decimal places"),
    ("currency", {"currency": "dollars"}, "ISO 4217"),
    ("min_pipeline_ratio", {"min_pipeline_ratio": 2.5}, "floating-point"),
    ("claim_deadline_days", {"claim_deadline_days": "-3"}, "between 0"),
])
def test_period_create_refuses_bad_input(world, field, kw, message):
    data = {"name": "2025 Q3", "starts_on": "2025-07-01", "ends_on": "2025-09-30", "pool": "100"} | kw
    with pytest.raises(DomainError) as exc:
        services.period_create(actor=world.pmm, **data)
    assert exc.value.field == field and message in exc.value.message
    assert not LedgerTransaction.objects.exists()


def test_period_name_unique_and_perm(world):
    services.period_create(actor=world.pmm, name="2025 Q3", starts_on=date(2025, 7, 1), ends_on=date(2025, 9, 30))
    with pytest.raises(Conflict):
        services.period_create(actor=world.admin, name="2025 q3", starts_on=date(2025, 7, 1), ends_on=date(2025, 9, 30))
    for user in (world.cam, world.finance, world.a_admin, world.a_marketing):
        with pytest.raises(PermissionDenied):
            services.period_create(actor=user, name="X", starts_on=date(2025, 7, 1), ends_on=date(2025, 9, 30))


def test_pool_raise_and_lower(world):
    p = period(world.pmm, pool="1000")
    p = services.period_update(actor=world.pmm, period=p, data={"pool": "1500"})
    assert figures(p)["pool"] == D("1500.00") and p.pool_version == 2
    services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="1200")
    with pytest.raises(Conflict) as exc:
        services.period_update(actor=world.pmm, period=p, data={"pool": "200"})
    assert exc.value.field == "pool" and "300.00 USD" in exc.value.message
    p = services.period_update(actor=world.pmm, period=p, data={"pool": "1200", "claim_deadline_days": 30})
    assert figures(p)["pool"] == 0 and figures(p)["funded"] == D("1200.00") and p.claim_deadline_days == 30
    with pytest.raises(DomainError) as exc:
        services.period_update(actor=world.pmm, period=p, data={"currency": "EUR"})
    assert exc.value.field == "currency"
    assert audit_actions(object_id=p.public_id) == ["fund_period.created", "fund_period.updated", "fund_period.updated"]


def test_allocation_set_raise_lower_and_errors(world):
    p = period(world.pmm, pool="10000")
    a = services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="4000", method="plan", note="Q3 plan")
    assert a.amount == D("4000.00") and a.version == 1
    assert partner_balances(partner_id=world.partner_a.pk)["USD"]["mdf.allocated"] == D("4000.00")
    a = services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="2500", method="performance")
    assert a.version == 2 and a.method == AllocationMethod.PERFORMANCE
    assert figures(p)["allocated"] == D("2500.00") and figures(p)["pool"] == D("7500.00")
    with pytest.raises(Conflict) as exc:
        services.allocation_set(actor=world.pmm, period=p, partner=world.partner_b, amount="8000")
    assert "7,500.00 USD" in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.allocation_set(actor=world.pmm, period=p, partner=world.partner_b, amount=100.0)
    assert exc.value.field == "amount"
    with pytest.raises(DomainError) as exc:
        services.allocation_set(actor=world.pmm, period=p, partner=world.partner_b, amount="100", method="luck")
    assert exc.value.field == "method"
    with pytest.raises(DomainError):
        services.allocation_set(actor=world.pmm, period=p, partner=world.partner_b, amount="100", method="proposal")
    with pytest.raises(PermissionDenied):
        services.allocation_set(actor=world.cam, period=p, partner=world.partner_b, amount="100")
    # the same amount again changes nothing and posts nothing
    n = LedgerTransaction.objects.count()
    services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="2500", method="performance")
    assert LedgerTransaction.objects.count() == n
    assert audit_actions(object_id=a.public_id) == ["fund_allocation.set", "fund_allocation.set"]


def test_allocation_cannot_shrink_below_committed(world):
    req = approved_request(world, "800")
    p = req.period
    with pytest.raises(Conflict) as exc:
        services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="100")
    assert "0.00 USD" in exc.value.message


def test_allocations_by_tier(world):
    set_tier(world.partner_b, "Gold")
    p = period(world.pmm, pool="10000")
    rows = services.allocations_by_tier(actor=world.pmm, period=p, amounts={"Gold": "3000", "registered": "1000"})
    got = {r.partner_id: r.amount for r in rows}
    assert got == {world.partner_a.pk: D("1000.00"), world.partner_a1.pk: D("1000.00"), world.partner_b.pk: D("3000.00")}
    assert figures(p)["allocated"] == D("5000.00") and figures(p)["pool"] == D("5000.00")
    # re-running with a lower amount for one tier gives money back first
    services.allocations_by_tier(actor=world.pmm, period=p, amounts={"Gold": "1000"})
    assert FundAllocation.objects.get(period=p, partner=world.partner_b).amount == D("1000.00")
    with pytest.raises(Conflict):
        services.allocations_by_tier(actor=world.pmm, period=p, amounts={"Gold": "20000"})
    with pytest.raises(DomainError) as exc:
        services.allocations_by_tier(actor=world.pmm, period=p, amounts={"Diamond": "1"})
    assert exc.value.field == "amounts.Diamond"
    assert FundAllocation.objects.get(period=p, partner=world.partner_b).amount == D("1000.00")


def test_period_close_returns_everything_unspent(world):
    req = approved_request(world, "1000")  # pool 2000, allocated 1000, committed 1000
    p = req.period
    services.allocation_set(actor=world.pmm, period=p, partner=world.partner_b, amount="500")
    claim = services.claim_create(actor=world.a_marketing, request=req, spent="400", proofs=[("invoice", _pdf())])
    with pytest.raises(Conflict) as exc:
        services.period_close(actor=world.pmm, period=p)
    assert "claim" in exc.value.message
    services.claim_approve(actor=world.pmm, claim=claim)
    p = services.period_close(actor=world.pmm, period=p)
    assert p.status == PeriodStatus.CLOSED
    f = figures(p)
    assert f["claimed"] == D("400.00") and f["committed"] == 0 and f["allocated"] == 0 and f["pool"] == D("1600.00")
    req.refresh_from_db()
    assert req.status == "completed"
    assert period_partner_figures(p, world.partner_a.pk)["allocated"] == 0
    with pytest.raises(Conflict):
        services.allocation_set(actor=world.pmm, period=p, partner=world.partner_b, amount="1")
    with pytest.raises(Conflict):
        services.period_close(actor=world.pmm, period=p)


def test_period_close_refused_while_requests_wait(world):
    from tests.funds.factories import request_data

    p = period(world.pmm, pool="1000")
    services.request_create(actor=world.a_marketing, period=p, data=request_data(requested="100", total_budget="200"), submit=True)
    with pytest.raises(Conflict) as exc:
        services.period_close(actor=world.pmm, period=p)
    assert "1 fund request" in exc.value.message


def test_activity_type_save(world):
    t = services.activity_type_save(actor=world.pmm, code="podcast", name="Podcast", reimbursement_percent="62.5")
    assert t.reimbursement_percent == D("62.5")
    t = services.activity_type_save(actor=world.admin, code="podcast", name="Podcasts", reimbursement_percent="60", active=False)
    assert t.name == "Podcasts" and not t.active
    for bad, field in (({"reimbursement_percent": "101"}, "reimbursement_percent"), ({"reimbursement_percent": 50.0}, "reimbursement_percent"),
                       ({"code": "no spaces"}, "code"), ({"name": ""}, "name")):
        with pytest.raises(DomainError) as exc:
            services.activity_type_save(actor=world.pmm, **({"code": "x", "name": "X", "reimbursement_percent": "5"} | bad))
        assert exc.value.field == field
    with pytest.raises(PermissionDenied):
        services.activity_type_save(actor=world.cam, code="x", name="X", reimbursement_percent="5")
    assert audit_actions(object_type="fundactivitytype") == ["fund_activity_type.saved", "fund_activity_type.saved"]


def _pdf():
    from tests.funds.factories import pdf_upload

    return pdf_upload()
