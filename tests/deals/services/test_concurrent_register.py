"""Two partners register the same customer at the same moment (PostgreSQL, real concurrent transactions)."""

import threading
import time

import pytest
from django.db import connection, connections

from allied.deals.models import DealRegistration, DealStatus, EngagementRules
from allied.deals.services import deal_register
from tests.conftest import World, program_reseed
from tests.factories import deal_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    program_reseed()
    EngagementRules.current()  # exists before the race, as in any running program


@pytest.fixture(autouse=True)
def _slow_check(monkeypatch):
    """Widen the race: each check takes a while, so unserialised registrations would both see no conflict."""
    from allied.deals.services import registration

    real = registration.conflict_check

    def slow(**kw):
        found = real(**kw)
        time.sleep(0.15)
        return found

    monkeypatch.setattr(registration, "conflict_check", slow)


def _race(users, data_for):
    barrier = threading.Barrier(len(users))
    results, errors = {}, []

    def register(user):
        try:
            barrier.wait()
            results[user.email] = deal_register(actor=user, data=data_for(user)).public_id
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


@pytest.mark.parametrize("round_", range(5))
def test_exactly_one_of_two_simultaneous_registrations_wins(round_):
    world = World()
    results, errors = _race([world.a_sales, world.b_sales], lambda u: deal_data())
    assert not errors
    deals = list(DealRegistration.objects.filter(public_id__in=results.values()))
    assert len(deals) == 2  # both acknowledged registrations were kept
    statuses = sorted(d.status for d in deals)
    assert statuses == [DealStatus.APPROVED, DealStatus.DECLINED]
    loser = next(d for d in deals if d.status == DealStatus.DECLINED)
    assert loser.decision_code == "already_registered"
    assert world.partner_a.name not in loser.decision_reason and world.partner_b.name not in loser.decision_reason


def test_eight_partners_racing_for_one_customer_yield_one_winner():
    from tests.conftest import make_partner, make_user

    users = [make_user(f"sales{i}@p{i}.example", "partner_sales", make_partner(f"Racer {i}")) for i in range(8)]
    results, errors = _race(users, lambda u: deal_data(customer_name="Northwind Traders LLC"))
    assert not errors and len(results) == 8
    statuses = list(DealRegistration.objects.values_list("status", flat=True))
    assert statuses.count(DealStatus.APPROVED) == 1 and statuses.count(DealStatus.DECLINED) == 7
