"""Paying: payout_run_start / payout_run_execute (the worker) and payout_pay (one payout), exactly once."""

from decimal import Decimal

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.funds.models import ClaimStatus, FundClaim
from allied.ledger.models import LedgerTransaction
from allied.ledger.selectors import partner_balances, trial_balance
from allied.ledger.services import Leg, ledger_post
from allied.payouts.models import Payout, PayoutStatus, RunStatus
from allied.payouts.services import (
    PaymentRefused,
    payout_cancel,
    payout_pay,
    payout_run_cancel,
    payout_run_execute,
    payout_run_start,
    payout_runs_resume,
)
from tests.factories import approved_claim, audit_actions
from tests.payouts.factories import incentive_payable, run_for

pytestmark = pytest.mark.django_db


def _setup(world):
    claims = [approved_claim(world, "1000.10"), approved_claim(world, "0.05")]
    incentive_payable(world.partner_a, "99.90")
    incentive_payable(world.partner_b, "10.00")
    return claims


def test_executing_a_run_pays_every_payout_once(world):
    claims = _setup(world)
    run = run_for(world)
    # when finance executes it (the task runs inline in tests)
    run = payout_run_start(actor=world.finance, run=run)
    run.refresh_from_db()
    # then every payout is paid by one posting and the run is completed
    assert run.status == RunStatus.COMPLETED and run.completed_at and run.executed_by == world.finance
    payouts = list(run.payouts.order_by("partner_id"))
    assert [p.status for p in payouts] == [PayoutStatus.PAID, PayoutStatus.PAID]
    a = partner_balances(partner_id=world.partner_a.pk)["USD"]
    assert a["mdf.paid"] == Decimal("1000.15") and a["mdf.claimed"] == 0
    assert a["incentive.paid"] == Decimal("99.90") and a["incentive.payable"] == 0
    assert partner_balances(partner_id=world.partner_b.pk)["USD"]["incentive.paid"] == Decimal("10.00")
    txns = LedgerTransaction.objects.filter(kind="payout.paid")
    assert sorted(txns.values_list("idempotency_key", flat=True)) == sorted(f"payout:{p.public_id}" for p in payouts)
    assert {p.ledger_txn_id for p in payouts} == set(txns.values_list("pk", flat=True))
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PAID and claim.paid_at and claim.payment_reference == payouts[0].public_id
    assert set(trial_balance().values()) == {0}
    assert audit_actions(object_id=run.public_id) == ["payout_run.created", "payout_run.approved", "payout_run.executed",
                                                      "payout_run.completed"]
    # and executing again changes nothing
    assert payout_run_execute(run=run) == {"paid": 0, "failed": 0, "skipped": 0}
    with pytest.raises(Conflict):
        payout_run_start(actor=world.finance, run=run)
    assert LedgerTransaction.objects.filter(kind="payout.paid").count() == 2


def test_pay_one_payout_is_idempotent(world):
    _setup(world)
    run = run_for(world)
    payout = run.payouts.get(partner=world.partner_b)
    paid = payout_pay(actor=world.finance, payout=payout, reference="BANK-123")
    assert paid.status == PayoutStatus.PAID and paid.reference == "BANK-123" and paid.paid_by == world.finance
    again = payout_pay(actor=world.finance, payout=payout, reference="BANK-999")
    assert again.reference == "BANK-123" and again.ledger_txn_id == paid.ledger_txn_id
    run.refresh_from_db()
    assert run.status == RunStatus.PROCESSING  # one of two paid
    payout_pay(actor=world.finance, payout=run.payouts.get(partner=world.partner_a))
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert LedgerTransaction.objects.filter(kind="payout.paid").count() == 2


def test_nothing_is_paid_before_approval_or_by_others(world):
    _setup(world)
    run = run_for(world, approve=False)
    payout = run.payouts.first()
    with pytest.raises(Conflict, match="approved"):
        payout_pay(actor=world.finance, payout=payout)
    with pytest.raises(Conflict, match="approved"):
        payout_run_start(actor=world.finance, run=run)
    for user in (world.admin, world.cam, world.pmm, world.a_admin):
        with pytest.raises(PermissionDenied):
            payout_pay(actor=user, payout=payout)
    assert not LedgerTransaction.objects.filter(kind="payout.paid").exists()
    with pytest.raises(DomainError) as exc:
        payout_pay(actor=world.finance, payout=payout, reference="x" * 101)
    assert exc.value.field == "reference"


def test_a_clawback_after_the_run_was_made_fails_the_payout_instead_of_overpaying(world):
    incentive_payable(world.partner_b, "100.00")
    run = run_for(world)
    ledger_post(kind="incentive.clawback", idempotency_key="clawback-1", currency="USD", partner_id=world.partner_b.pk,
                legs=[Leg("incentive.payable", world.partner_b.pk, Decimal("-30.00")), Leg("incentive.clawback", None, Decimal("30.00"))])
    payout = run.payouts.get()
    with pytest.raises(PaymentRefused, match="70.00 USD"):
        payout_pay(actor=world.finance, payout=payout)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED and "clawbacks" in payout.failure_reason and payout.attempts == 1
    assert not LedgerTransaction.objects.filter(kind="payout.paid").exists()
    # the run's execution records it as failed, the run stays open until finance cancels the payout
    assert payout_run_execute(run=run) == {"paid": 0, "failed": 1, "skipped": 0}
    assert payout_runs_resume() == []  # approved, never started: nothing to resume
    payout_cancel(actor=world.finance, payout=payout, reason="Clawback")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.CANCELLED
    # a new run takes what is payable now
    again = run_for(world)
    assert again.payouts.get().incentive == Decimal("70.00")


def test_cancel_rules(world):
    _setup(world)
    run = run_for(world)
    paid = payout_pay(actor=world.finance, payout=run.payouts.get(partner=world.partner_b))
    with pytest.raises(Conflict, match="paid"):
        payout_run_cancel(actor=world.finance, run=run, reason="x")
    with pytest.raises(Conflict):
        payout_cancel(actor=world.finance, payout=paid, reason="x")
    with pytest.raises(DomainError) as exc:
        payout_cancel(actor=world.finance, payout=run.payouts.get(partner=world.partner_a), reason=" ")
    assert exc.value.field == "reason"
    payout_cancel(actor=world.finance, payout=run.payouts.get(partner=world.partner_a), reason="Bank details missing")
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert FundClaim.objects.filter(status=ClaimStatus.APPROVED).count() == 2  # released, payable in a new run
    assert Payout.objects.filter(status=PayoutStatus.CANCELLED).count() == 1
