"""customers/services.py::opportunity_update and opportunity_delete"""

from decimal import Decimal

import pytest

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.core.models import AuditEvent
from allied.customers.models import DirectOpportunity
from allied.customers.services import opportunity_delete, opportunity_update

from ..factories import account_make, opportunity_make


def test_moving_to_closed_won_closes_it_and_records_the_change(world):
    opp = opportunity_make(account_make(), stage="Negotiation")
    opportunity_update(actor=world.cam, opportunity=opp, data={"stage": "Closed Won", "amount": "2500"})
    opp.refresh_from_db()
    assert (opp.status, opp.amount) == ("won", Decimal("2500.00"))
    event = AuditEvent.objects.get(action="opportunity.updated")
    assert event.before == {"stage": "Negotiation", "status": "open", "amount": "1000.00"}


def test_moving_to_another_account(world):
    opp = opportunity_make(account_make("Alpha"))
    beta = account_make("Beta", website="https://beta.example")
    opportunity_update(actor=world.admin, opportunity=opp, data={"account": beta})
    opp.refresh_from_db()
    assert opp.account == beta


def test_bad_amount_changes_nothing(world):
    opp = opportunity_make(account_make())
    with pytest.raises(DomainError) as exc:
        opportunity_update(actor=world.admin, opportunity=opp, data={"name": "New", "amount": "lots"})
    assert exc.value.field == "amount"
    assert DirectOpportunity.objects.get().name == "Renewal"


def test_delete_records_it(world):
    opp = opportunity_make(account_make())
    opportunity_delete(actor=world.admin, opportunity=opp)
    assert not DirectOpportunity.objects.exists()
    assert AuditEvent.objects.filter(action="opportunity.deleted", object_id=opp.public_id).exists()


def test_who_may_change(world):
    opp = opportunity_make(account_make())
    with pytest.raises(PermissionDenied):
        opportunity_update(actor=world.pmm, opportunity=opp, data={"name": "X"})
    with pytest.raises(PermissionDenied):
        opportunity_delete(actor=world.finance, opportunity=opp)
    with pytest.raises(NotFound):
        opportunity_delete(actor=world.b_sales, opportunity=opp)
    assert DirectOpportunity.objects.exists()
