"""The demo's two years of partner money: written through the real services, balanced, paid once, quarter by quarter."""

import pytest
from django.db import transaction

from allied.funds.models import ClaimStatus, FundPeriod, FundRequest, RequestStatus
from allied.incentives.models import IncentiveAccrual, IncentiveEvent
from allied.leads.models import Lead
from allied.ledger.models import LedgerTransaction
from allied.ledger.selectors import trial_balance
from allied.payouts.models import Payout, PayoutRun, PayoutStatus, RunStatus, Statement
from allied.simulate.ecosystem import seed_ecosystem


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield seed_ecosystem(partners=80, seed=4)
                raise _Rollback
        except _Rollback:
            pass


pytestmark = pytest.mark.usefixtures("seeded")


def test_mdf_history_in_every_state_a_demo_needs(db, seeded):
    assert FundPeriod.objects.count() == 9
    assert seeded.fund_requests == FundRequest.objects.count() > 20
    statuses = set(FundRequest.objects.values_list("status", flat=True))
    assert {RequestStatus.COMPLETED, RequestStatus.REJECTED} <= statuses
    assert FundRequest.objects.filter(claims__status=ClaimStatus.PAID).exists()
    assert Lead.objects.filter(campaign__startswith="fr_").exists()  # MDF ROI has attributed leads


def test_incentives_accrue_from_won_deals(db):
    assert IncentiveEvent.objects.filter(kind="deal_won").exists()
    assert IncentiveAccrual.objects.exclude(amount_minor=0).exists()


def test_every_past_quarter_is_paid_once_and_the_ledger_balances(db):
    runs = list(PayoutRun.objects.order_by("starts_on"))
    assert len(runs) == 8 and all(r.status == RunStatus.COMPLETED for r in runs)
    assert not Payout.objects.exclude(status=PayoutStatus.PAID).exists()
    assert LedgerTransaction.objects.filter(kind="payout.paid").count() == Payout.objects.count()
    assert set(trial_balance().values()) == {0}
    # back-dated history: each run's payments count in its own quarter
    assert LedgerTransaction.objects.filter(kind="payout.paid").dates("effective_at", "month").count() >= 8
    assert Statement.objects.exists()
