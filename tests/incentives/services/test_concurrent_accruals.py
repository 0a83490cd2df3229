"""Deals of one partner won at the same moment (PostgreSQL, real concurrent transactions): volume brackets
still see each other, nothing is posted twice, and a replay afterwards finds nothing to change."""

import threading
import time
from decimal import Decimal as D

import pytest
from django.db import connection, connections
from django.utils import timezone

from allied.deals.models import DealRegistration, EngagementRules
from allied.deals.services import deal_close
from allied.incentives.models import IncentiveAccrual
from allied.incentives.services import incentives_replay
from allied.ledger.selectors import trial_balance
from tests.conftest import World, program_reseed

from ..factories import approved_deal, balances, rule

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    program_reseed()
    EngagementRules.current()


@pytest.fixture(autouse=True)
def _slow_engine(monkeypatch):
    """Widen the race: each evaluation takes a while, so unserialised wins would each miss the others' volume."""
    from allied.incentives.services import accruals

    real = accruals.evaluate

    def slow(rules, events):
        found = real(rules, events)
        time.sleep(0.1)
        return found

    monkeypatch.setattr(accruals, "evaluate", slow)


def test_concurrent_wins_of_one_partner(transactional_db):
    world = World()
    rule(world, percent=None, currency="USD", brackets=[{"start": "0", "percent": "2"}, {"start": "20000", "percent": "5"}])
    deals = [approved_deal(world.a_sales, "5000") for _ in range(8)]
    barrier = threading.Barrier(len(deals))
    errors = []

    def win(deal):
        try:
            barrier.wait()
            deal_close(actor=world.a_sales, deal=DealRegistration.objects.get(pk=deal.pk), won=True)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=win, args=(d,)) for d in deals]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    # 40,000 in the quarter: 20,000 at 2 % and 20,000 at 5 %, whatever order the wins committed in
    assert sum(a.amount for a in IncentiveAccrual.objects.all()) == D("1400.00")
    assert balances(world.partner_a) == {"accrued": D("1400.00")}
    assert trial_balance() == {"USD": 0}
    today = timezone.localdate()
    assert incentives_replay(actor=world.finance, period_start=today, period_end=today).changed == 0
