"""incentives_release: accrued → held (inside the holdback) → payable when the holdback ends."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from allied.incentives.models import IncentiveEvent
from allied.incentives.services import incentives_release
from allied.ledger.models import LedgerTransaction
from allied.ledger.services import ledger_post, move

from ..factories import accruals, balances, days_ago, record, rule, won_deal

pytestmark = pytest.mark.django_db


def test_holdback_then_payable(world):
    # given a rule that holds accruals back 30 days
    rule(world, percent="10", holdback_days=30)
    won_deal(world.a_sales, "1000", closed_at=days_ago(10))
    today = timezone.localdate()
    (accrual,) = accruals()
    assert accrual.releasable_on == today + timedelta(days=20)
    # when the release runs inside the holdback, the accrual is held back
    assert incentives_release(today=today) == {"held": 1, "payable": 0, "postings": 1}
    assert balances(world.partner_a) == {"held": D("100.00")}
    assert incentives_release(today=today) == {"held": 0, "payable": 0, "postings": 0}  # nothing to do twice
    # and on its day it becomes payable
    assert incentives_release(today=today + timedelta(days=19))["payable"] == 0
    assert incentives_release(today=today + timedelta(days=20)) == {"held": 0, "payable": 1, "postings": 1}
    assert balances(world.partner_a) == {"payable": D("100.00")}
    accrual.refresh_from_db()
    assert accrual.state == "payable" and accrual.release_txn.kind == "incentive.release"


def test_no_holdback_is_payable_at_the_first_release(world):
    rule(world, percent="10")
    won_deal(world.a_sales, "1000")
    won_deal(world.b_sales, "3000")

    assert incentives_release() == {"held": 0, "payable": 2, "postings": 2}  # one posting per partner and currency
    assert (balances(world.partner_a), balances(world.partner_b)) == ({"payable": D("100.00")}, {"payable": D("300.00")})


def test_one_posting_per_partner_currency_and_move(world):
    rule(world, percent="10")
    for _ in range(3):
        won_deal(world.a_sales, "1000")

    incentives_release()

    assert LedgerTransaction.objects.filter(kind="incentive.release").count() == 1
    assert balances(world.partner_a) == {"payable": D("300.00")}


def test_a_clawback_after_payment_leaves_a_debt_that_nets_against_the_next_earnings(world):
    rule(world, percent="10", clawback_days=90)
    won = IncentiveEvent.objects.get(deal=won_deal(world.a_sales, "1000"))
    incentives_release()
    # the payable 100 is paid (what payout runs post)
    ledger_post(kind="payout.paid", idempotency_key="test-pay", currency="USD",
                legs=move(D("100.00"), source=("incentive.payable", world.partner_a.pk), to=("incentive.paid", world.partner_a.pk)),
                partner_id=world.partner_a.pk)
    # a refund then takes it back from payable, which goes below zero
    record(world, kind="refund", refers_to=won, amount="1000")
    assert balances(world.partner_a) == {"payable": D("-100.00"), "paid": D("100.00")}
    # and the next deal's accrual pays it off
    won_deal(world.a_sales, "3000")
    incentives_release()
    assert balances(world.partner_a) == {"payable": D("200.00"), "paid": D("100.00")}


def test_postings_follow_the_ledger_clock(world):
    """The demo seed writes two years of history through the services: postings count when its clock says."""
    from allied.ledger.services import ledger_clock

    at = timezone.now() - timedelta(days=100)
    rule(world, percent="10")
    with ledger_clock(at):
        won_deal(world.a_sales, "1000", closed_at=at)
    assert LedgerTransaction.objects.get(kind="incentive.accrual").effective_at == at
    incentives_release(today=timezone.localdate(at))
    assert LedgerTransaction.objects.get(kind="incentive.release").effective_at.date() == timezone.localdate(at)
