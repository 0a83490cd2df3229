"""POST /api/v1/deals twice at the same moment with one Idempotency-Key (PostgreSQL, real concurrent requests)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from allied.accounts.services import apikey_create
from allied.deals.models import DealRegistration, EngagementRules, IdempotencyKey
from tests.conftest import World, program_reseed

from .builders import URL, body

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    program_reseed()
    EngagementRules.current()


@pytest.mark.parametrize("round_", range(3))
def test_a_retry_racing_the_first_request_registers_once(round_):
    world = World()
    _, secret = apikey_create(actor=None, user=world.a_sales)
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def send():
        try:
            barrier.wait()
            resp = Client().post(URL, data=body(), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}",
                                 HTTP_IDEMPOTENCY_KEY="order-4711")
            answers.append((resp.status_code, resp.json()["id"]))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert not errors
    assert sorted(status for status, _ in answers) == [200, 201]
    assert len({deal_id for _, deal_id in answers}) == 1
    assert DealRegistration.objects.count() == 1
    assert IdempotencyKey.objects.get().deal.public_id == answers[0][1]
