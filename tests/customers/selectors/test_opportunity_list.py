"""customers/selectors.py::opportunity_list and opportunity_get"""

import pytest

from allied.core.errors import NotFound
from allied.customers.selectors import opportunity_get, opportunity_list

from ..factories import account_make, opportunity_make


@pytest.fixture
def opps(world):
    acme = account_make("Acme", external_id="A")
    globex = account_make("Globex", website="https://globex.example")
    return {
        "renewal": opportunity_make(acme, "Acme renewal", external_id="006A"),
        "won": opportunity_make(acme, "Acme expansion", status="won"),
        "globex": opportunity_make(globex, "Globex new logo"),
        "acme": acme,
    }


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_all_or_one_accounts_opportunities(world, opps):
    assert names(opportunity_list(actor=world.finance)) == {"Acme renewal", "Acme expansion", "Globex new logo"}
    assert names(opportunity_list(actor=world.finance, account=opps["acme"])) == {"Acme renewal", "Acme expansion"}


@pytest.mark.parametrize(("filters", "expected"), [
    ({"status": "open"}, {"Acme renewal", "Globex new logo"}),
    ({"q": "globex"}, {"Globex new logo"}),
    ({"q": "006A"}, {"Acme renewal"}),
])
def test_filters(world, opps, filters, expected):
    assert names(opportunity_list(actor=world.pmm, filters=filters)) == expected


def test_filter_by_account_public_id(world, opps):
    assert names(opportunity_list(actor=world.pmm, filters={"account": opps["acme"].public_id})) == {"Acme renewal", "Acme expansion"}


def test_get(world, opps):
    assert opportunity_get(actor=world.cam, public_id=opps["renewal"].public_id).account == opps["acme"]
    with pytest.raises(NotFound):
        opportunity_get(actor=world.cam, public_id="opp_0000000000000000")


def test_partner_users_find_nothing(world, opps):
    for user in world.partner_users:
        with pytest.raises(NotFound):
            opportunity_list(actor=user)
        with pytest.raises(NotFound):
            opportunity_get(actor=user, public_id=opps["renewal"].public_id)
