"""customers/selectors.py::account_list and account_get"""

import pytest

from allied.core.errors import NotFound
from allied.customers.selectors import account_get, account_list

from ..factories import account_make, opportunity_make


@pytest.fixture
def accounts(world):
    acme = account_make("Acme Corporation", website="https://acme.example", country="US", external_id="001A",
                        is_customer=True, segment="enterprise", owner=world.cam)
    globex = account_make("Globex GmbH", website="https://globex.example", country="DE", is_named_direct=True, segment="smb")
    initech = account_make("Initech", website="https://initech.example", country="US")
    opportunity_make(acme, "Open one")
    opportunity_make(acme, "Open two")
    opportunity_make(acme, "Won", status="won")
    return {"acme": acme, "globex": globex, "initech": initech}


def names(qs) -> list[str]:
    return list(qs.values_list("name", flat=True))


def test_vendor_roles_see_every_account_by_name_with_open_opportunity_counts(world, accounts):
    for user in world.vendor_users:
        rows = list(account_list(actor=user))
        assert [a.name for a in rows] == ["Acme Corporation", "Globex GmbH", "Initech"]
        assert [a.open_opportunities for a in rows] == [2, 0, 0]


def test_partner_users_find_nothing_not_even_an_empty_list(world, accounts):
    for user in world.partner_users:
        with pytest.raises(NotFound):
            account_list(actor=user)
        with pytest.raises(NotFound):
            account_get(actor=user, public_id=accounts["acme"].public_id)


@pytest.mark.parametrize(("filters", "expected"), [
    ({"q": "acme"}, ["Acme Corporation"]),
    ({"q": "ACME CORP"}, ["Acme Corporation"]),
    ({"q": "globex.example"}, ["Globex GmbH"]),
    ({"q": "001A"}, ["Acme Corporation"]),
    ({"q": "nothing-like-it"}, []),
    ({"is_customer": True}, ["Acme Corporation"]),
    ({"is_customer": "false"}, ["Globex GmbH", "Initech"]),
    ({"is_named_direct": "yes"}, ["Globex GmbH"]),
    ({"country": "us"}, ["Acme Corporation", "Initech"]),
    ({"segment": "smb"}, ["Globex GmbH"]),
    ({"is_customer": None, "segment": ""}, ["Acme Corporation", "Globex GmbH", "Initech"]),
])
def test_filters(world, accounts, filters, expected):
    assert names(account_list(actor=world.pmm, filters=filters)) == expected


def test_filter_by_owner_public_id_or_user(world, accounts):
    assert names(account_list(actor=world.finance, filters={"owner": world.cam.public_id})) == ["Acme Corporation"]
    assert names(account_list(actor=world.finance, filters={"owner": world.cam})) == ["Acme Corporation"]


def test_search_by_public_id(world, accounts):
    assert names(account_list(actor=world.admin, filters={"q": accounts["initech"].public_id})) == ["Initech"]


def test_get_by_public_id_with_its_count(world, accounts):
    acme = account_get(actor=world.finance, public_id=accounts["acme"].public_id)
    assert acme.open_opportunities == 2


def test_get_missing_is_not_found(world):
    with pytest.raises(NotFound):
        account_get(actor=world.admin, public_id="acct_0000000000000000")


def test_the_list_costs_the_same_queries_for_any_page_size(world, accounts, django_assert_num_queries):
    for i in range(30):
        account_make(f"Filler {i:02d}", website=f"https://filler{i}.example", owner=world.admin)
    with django_assert_num_queries(1):
        rows = list(account_list(actor=world.admin)[:50])
        [(r.owner and r.owner.display_name, r.incumbent_partner, r.open_opportunities) for r in rows]
