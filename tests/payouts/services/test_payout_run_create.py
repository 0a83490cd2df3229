"""payout_run_create: gathers approved unpaid claims and payable incentives, one payout per partner and currency."""

from datetime import date
from decimal import Decimal

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.payouts.models import Payout, PayoutClaim, RunStatus
from allied.payouts.services import payout_run_cancel, payout_run_create
from tests.factories import approved_claim, audit_actions
from tests.payouts.factories import incentive_payable, run_for

pytestmark = pytest.mark.django_db


def _create(actor, **kw):
    return payout_run_create(actor=actor, starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31), **kw)


def test_one_payout_per_partner_and_currency(world):
    # given two claims and incentives for A, incentives for B, and a EUR claim for A
    c1 = approved_claim(world, "1000.10")
    c2 = approved_claim(world, "200.05")
    c3 = approved_claim(world.partner_a, "300.00", currency="EUR")
    incentive_payable(world.partner_a, "50.00")
    incentive_payable(world.partner_b, "75.25")
    # when finance creates a run
    run = _create(world.finance, period_label="2026-Q1")
    # then
    assert run.status == RunStatus.DRAFT and run.period_label == "2026-Q1" and run.created_by == world.finance
    got = {(p.partner_id, p.currency): (p.mdf, p.incentive, p.total) for p in run.payouts.all()}
    assert got == {
        (world.partner_a.pk, "USD"): (Decimal("1200.15"), Decimal("50.00"), Decimal("1250.15")),
        (world.partner_a.pk, "EUR"): (Decimal("300.00"), Decimal("0.00"), Decimal("300.00")),
        (world.partner_b.pk, "USD"): (Decimal("0.00"), Decimal("75.25"), Decimal("75.25")),
    }
    assert set(PayoutClaim.objects.values_list("claim_id", flat=True)) == {c1.pk, c2.pk, c3.pk}
    assert run.totals == {"EUR": {"payouts": 1, "mdf": 30000, "incentive": 0, "total": 30000},
                          "USD": {"payouts": 2, "mdf": 120015, "incentive": 12525, "total": 132540}}
    assert audit_actions(object_id=run.public_id) == ["payout_run.created"]


def test_a_claim_or_incentive_in_an_open_run_is_not_taken_again(world):
    approved_claim(world, "100.00")
    incentive_payable(world.partner_b, "40.00")
    _create(world.finance)
    with pytest.raises(Conflict, match="Nothing is payable"):
        _create(world.finance)
    # more incentive arrives: only the new part goes in the next run
    incentive_payable(world.partner_b, "10.00")
    second = _create(world.finance)
    assert [(p.partner_id, p.incentive) for p in second.payouts.all()] == [(world.partner_b.pk, Decimal("10.00"))]


def test_a_cancelled_run_gives_its_claims_back(world):
    claim = approved_claim(world, "100.00")
    first = _create(world.finance)
    payout_run_cancel(actor=world.finance, run=first, reason="Wrong period")
    first.refresh_from_db()
    assert first.status == RunStatus.CANCELLED and set(first.payouts.values_list("status", flat=True)) == {"cancelled"}
    again = _create(world.finance)
    assert list(PayoutClaim.objects.filter(payout__run=again).values_list("claim_id", flat=True)) == [claim.pk]


def test_only_finance_creates_runs(world):
    approved_claim(world, "100.00")
    for user in (world.admin, world.cam, world.pmm, world.a_admin):
        with pytest.raises(PermissionDenied):
            _create(user)
    assert not Payout.objects.exists()


def test_bad_period(world):
    with pytest.raises(DomainError) as exc:
        payout_run_create(actor=world.finance, starts_on=date(2026, 3, 1), ends_on=date(2026, 2, 1))
    assert exc.value.field == "ends_on"
    with pytest.raises(DomainError) as exc:
        payout_run_create(actor=world.finance, starts_on="2026-01-01", ends_on=date(2026, 2, 1))
    assert exc.value.field == "starts_on"


def test_partner_filter(world):
    approved_claim(world, "100.00")
    incentive_payable(world.partner_b, "40.00")
    run = run_for(world, approve=False, partner_ids=[world.partner_b.pk])
    assert list(run.payouts.values_list("partner_id", flat=True)) == [world.partner_b.pk]
