"""Exactly once under real concurrency (PostgreSQL): 100 approved claims, 10 duplicate payment requests per
payout at the same moment, plus the run's own execution racing them; and 10 runs created at once."""

import threading
import time
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum

from allied.core.errors import Conflict
from allied.core.models import AuditEvent
from allied.funds.models import ClaimStatus, FundClaim
from allied.ledger.models import LedgerEntry, LedgerTransaction
from allied.ledger.selectors import trial_balance
from allied.payouts.models import Payout, PayoutClaim, PayoutRun, PayoutStatus, RunStatus
from allied.payouts.services import payout_pay, payout_run_approve, payout_run_create, payout_run_execute
from tests.conftest import World, make_partner, make_user, program_reseed
from tests.funds.factories import activity_types, approved_claim
from tests.payouts.factories import incentive_payable

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]

DUPLICATES = 10


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    program_reseed()
    activity_types()


@pytest.fixture
def payable():
    """10 partners x 10 approved claims (odd cents everywhere) and payable incentives for half of them."""
    world = World()
    partners = [make_partner(f"Payee {i}") for i in range(10)]
    claims = []
    for i, partner in enumerate(partners):
        for j in range(10):
            claims.append(approved_claim(partner, f"{100 + 37 * i + j}.{(7 * i + 3 * j) % 100:02d}"))
        if i % 2:
            incentive_payable(partner, f"{10 * i}.99")
    world.finance2 = make_user("finance2@vendor.example", "finance")
    return world, partners, claims


@pytest.fixture(autouse=True)
def _slow_marking(monkeypatch):
    """Widen the race: marking claims paid takes a while, so unserialised payments would overlap."""
    from allied.funds import services as funds_services

    real = funds_services.claims_mark_paid

    def slow(**kw):
        time.sleep(0.02)
        return real(**kw)

    monkeypatch.setattr(funds_services, "claims_mark_paid", slow)


def _in_threads(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


def test_duplicate_payment_requests_pay_each_claim_once_to_the_cent(payable):
    world, partners, claims = payable
    run = payout_run_create(actor=world.finance, starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31))
    run = payout_run_approve(actor=world.finance2, run=run)
    payouts = list(run.payouts.order_by("pk"))
    assert len(payouts) == 10 and PayoutClaim.objects.count() == 100
    # when: per wave, two payouts each get 10 simultaneous pay requests while the run's execution races them
    for i in range(0, len(payouts), 2):
        calls = [lambda p=p: payout_pay(actor=world.finance, payout=p) for p in payouts[i:i + 2] for _ in range(DUPLICATES)]
        calls.append(lambda: payout_run_execute(run=run, actor=world.finance2))
        results, errors = _in_threads(calls)
        assert not errors, errors
    # then: one posting per payout, no duplicate ledger key, every claim paid once
    txns = LedgerTransaction.objects.filter(kind="payout.paid")
    assert txns.count() == len(payouts)
    assert sorted(txns.values_list("idempotency_key", flat=True)) == sorted(f"payout:{p.public_id}" for p in payouts)
    assert set(Payout.objects.values_list("status", flat=True)) == {PayoutStatus.PAID}
    assert FundClaim.objects.filter(status=ClaimStatus.PAID).count() == 100
    marked = Counter(AuditEvent.objects.filter(action="fund_claim.paid").values_list("object_id", flat=True))
    assert len(marked) == 100 and set(marked.values()) == {1}
    assert Counter(AuditEvent.objects.filter(action="payout.paid").values_list("object_id", flat=True)) == \
        {p.public_id: 1 for p in payouts}
    # and the money is exact to the cent
    claims_total = sum((c.approved_minor for c in claims), 0)
    paid_mdf = LedgerEntry.objects.filter(account__code="mdf.paid").aggregate(s=Sum("amount_minor"))["s"]
    assert paid_mdf == claims_total == sum(p.mdf_minor for p in payouts)
    incentives = sum(int(Decimal(f"{10 * i}.99") * 100) for i in range(10) if i % 2)
    assert LedgerEntry.objects.filter(account__code="incentive.paid").aggregate(s=Sum("amount_minor"))["s"] == incentives
    assert LedgerEntry.objects.filter(account__code="mdf.claimed").aggregate(s=Sum("amount_minor"))["s"] == 0
    assert set(trial_balance().values()) == {0}
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED


def test_runs_created_at_once_take_each_claim_once(payable):
    world, partners, claims = payable
    calls = [lambda: payout_run_create(actor=world.finance, starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31))
             for _ in range(DUPLICATES)]
    results, errors = _in_threads(calls)
    assert len(results) == 1, errors
    assert len(errors) == DUPLICATES - 1 and all(isinstance(e, Conflict) for e in errors)
    assert PayoutRun.objects.count() == 1
    links = PayoutClaim.objects.values_list("claim_id", flat=True)
    assert sorted(links) == sorted(c.pk for c in claims)
    assert Payout.objects.aggregate(s=Sum("incentive_minor"))["s"] == sum(int(Decimal(f"{10 * i}.99") * 100) for i in range(10) if i % 2)
