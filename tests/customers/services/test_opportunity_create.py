"""customers/services.py::opportunity_create"""

from datetime import date
from decimal import Decimal

import pytest

from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from allied.core.models import AuditEvent
from allied.customers.models import DirectOpportunity
from allied.customers.services import opportunity_create

from ..factories import account_make


@pytest.fixture
def account(db):
    return account_make(external_id="001A")


def test_creates_an_opportunity_and_records_it(world, account):
    opp = opportunity_create(actor=world.cam, data={
        "account": account, "name": "Acme renewal", "amount": "$120,000.50", "currency": "eur", "stage": "Negotiation",
        "close_date": date(2026, 3, 31), "owner_name": "Jane Direct", "external_id": "006A",
    })
    opp.refresh_from_db()
    assert opp.public_id.startswith("opp_")
    assert (opp.amount, opp.currency, opp.status) == (Decimal("120000.50"), "EUR", "open")
    event = AuditEvent.objects.get(action="opportunity.created")
    assert event.after["account"] == account.public_id and event.after["amount"] == "120000.50"


@pytest.mark.parametrize(("stage", "status"), [("Closed Won", "won"), ("closedwon", "won"), ("Closed - Lost", "lost"),
                                               ("Prospecting", "open"), ("", "open")])
def test_status_follows_the_stage(world, account, stage, status):
    assert opportunity_create(actor=world.admin, data={"account": account, "name": "X", "stage": stage}).status == status


def test_an_explicit_status_wins(world, account):
    opp = opportunity_create(actor=world.admin, data={"account": account, "name": "X", "stage": "Closed Won", "status": "lost"})
    assert opp.status == "lost"


@pytest.mark.parametrize("amount", [Decimal("10.5"), 10, "10.50", "USD 10.50"])
def test_amount_kinds(world, account, amount):
    opp = opportunity_create(actor=world.admin, data={"account": account, "name": "X", "amount": amount})
    assert opp.amount in (Decimal("10.50"), Decimal("10.00"))


@pytest.mark.parametrize(("data", "field"), [
    ({"name": ""}, "name"),
    ({"amount": "-1"}, "amount"),
    ({"amount": "12abc"}, "amount"),
    ({"amount": Decimal("1.234")}, "amount"),
    ({"amount": Decimal("NaN")}, "amount"),
    ({"currency": "dollars"}, "currency"),
    ({"status": "pending"}, "status"),
    ({"close_date": "soon"}, "close_date"),
    ({"account": "acct_x"}, "account"),
])
def test_bad_input_names_the_field(world, account, data, field):
    with pytest.raises(DomainError) as exc:
        opportunity_create(actor=world.admin, data={"account": account, "name": "X", **data})
    assert exc.value.field == field
    assert not DirectOpportunity.objects.exists()


def test_external_id_is_unique(world, account):
    opportunity_create(actor=world.admin, data={"account": account, "name": "X", "external_id": "006A"})
    with pytest.raises(Conflict):
        opportunity_create(actor=world.admin, data={"account": account, "name": "Y", "external_id": "006A"})


def test_who_may_create(world, account):
    with pytest.raises(PermissionDenied):
        opportunity_create(actor=world.finance, data={"account": account, "name": "X"})
    with pytest.raises(NotFound):
        opportunity_create(actor=world.a_sales, data={"account": account, "name": "X"})
