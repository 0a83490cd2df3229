"""Concurrent claims and approvals never take more than was approved (PostgreSQL, real concurrent transactions)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from allied.core.errors import Conflict
from allied.funds import services
from allied.funds.models import ClaimStatus, FundClaim, FundRequest
from allied.funds.selectors import period_figures
from allied.ledger.models import LedgerTransaction
from tests.conftest import World, program_reseed
from tests.funds.factories import activity_types, approved_request, pdf_upload, period, request_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    program_reseed()
    activity_types()


def _race(n, work):
    barrier = threading.Barrier(n)
    done, errors = [], []

    def run(i):
        try:
            barrier.wait()
            done.append(work(i))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return done, errors


def test_eight_simultaneous_claims_take_at_most_the_approval():
    world = World()
    req = approved_request(world, "1000")
    done, errors = _race(8, lambda i: services.claim_create(actor=world.a_marketing, request=req, spent="300",
                                                             proofs=[("invoice", pdf_upload())]).claimed)
    assert sorted(done) == [Decimal("100.00"), Decimal("300.00"), Decimal("300.00"), Decimal("300.00")]
    assert len(errors) == 4 and all(isinstance(e, Conflict) for e in errors)


def test_the_same_claim_approved_twice_at_once_moves_money_once():
    world = World()
    req = approved_request(world, "1000")
    claim = services.claim_create(actor=world.a_marketing, request=req, spent="700", proofs=[("invoice", pdf_upload())])
    done, errors = _race(6, lambda i: services.claim_approve(actor=world.pmm if i % 2 else world.cam, claim=claim).status)
    assert done == [ClaimStatus.APPROVED] and len(errors) == 5
    assert LedgerTransaction.objects.filter(kind="mdf.claim_approved").count() == 1
    assert FundClaim.objects.get().approved_minor == 70000
    assert period_figures(req.period)["claimed"] == Decimal("700.00")


def test_simultaneous_approvals_never_overdraw_the_pool():
    world = World()
    p = period(world.pmm, pool="1000")  # no allocations: every request is funded from the pool
    reqs = [services.request_create(actor=world.a_marketing, period=p, data=request_data(requested="300", total_budget="600",
                                                                                            expected_pipeline="5000"), submit=True)
            for _ in range(5)]
    done, errors = _race(5, lambda i: services.request_approve(actor=world.pmm, request=reqs[i], note="race").approved_minor)
    assert len(done) == 3 and len(errors) == 2 and all(isinstance(e, Conflict) for e in errors)
    f = period_figures(p)
    assert f["pool"] == Decimal("100.00") and f["committed"] == Decimal("900.00")
    assert FundRequest.objects.filter(status="approved").count() == 3
