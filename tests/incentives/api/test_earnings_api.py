"""/api/v1/accruals and /api/v1/earnings: a partner reads its own money, never another's."""

from decimal import Decimal as D

import pytest

from allied.incentives.services import incentives_release
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, walk

from ..factories import accruals, rule, won_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(world):
    rule(world, name="Rebate", percent="10")
    rule(world, name="Held bonus", kind="spif", percent=None, fixed="50", currency="USD", holdback_days=30)
    won_deal(world.a_sales, "1000")
    won_deal(world.b_sales, "2000")
    incentives_release()
    won_deal(world.a_sales, "3000")  # still accrued
    return world


def test_a_partner_admin_sees_its_earnings_from_the_ledger(money, api_client):
    world = money
    resp = api_client.as_user(world.a_admin).get(f"{API}/earnings")

    assert resp.status_code == 200, resp.content
    out = resp.json()
    assert out["partner"]["id"] == world.partner_a.public_id
    assert out["items"] == [{"currency": "USD", "accrued": "350.00", "held": "50.00", "payable": "100.00", "paid": "0.00",
                             "earned": "500.00"}]
    # the new rebate is due at the next release; both bonuses are held until the same day
    assert [(h["currency"], h["amount"]) for h in out["held_until"]] == [("USD", "300.00"), ("USD", "100.00")]


def test_vendor_users_read_one_partner_or_the_total(money, api_client):
    world = money
    client = api_client.as_user(world.pmm)

    one = client.get(f"{API}/earnings?partner={world.partner_b.public_id}").json()
    total = client.get(f"{API}/earnings").json()

    assert (one["partner"]["id"], one["items"][0]["payable"]) == (world.partner_b.public_id, "200.00")
    assert total["partner"] is None and total["items"][0]["earned"] == "750.00"
    assert total["held_until"] == []


def test_a_partner_never_reads_another_partners_money(money, api_client):
    world = money
    client = api_client.as_user(world.b_admin)
    foreign = client.get(f"{API}/earnings?partner={world.partner_a.public_id}")
    missing = client.get(f"{API}/earnings?partner={missing_id('ptn')}")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert error_fields(foreign) == ["partner"]

    a_accrual = accruals(world.partner_a)[0]
    assert client.get(f"{API}/accruals/{a_accrual.public_id}").json() == client.get(f"{API}/accruals/{missing_id('acr')}").json()
    listed = client.get(f"{API}/accruals").json()["items"]
    assert {a["partner"]["id"] for a in listed} == {world.partner_b.public_id}


@pytest.mark.parametrize("role", ["a_sales", "a_marketing"])
def test_only_partner_admins_read_money(money, api_client, role):
    client = api_client.as_user(getattr(money, role))
    assert client.get(f"{API}/earnings").status_code == 403
    assert client.get(f"{API}/accruals").status_code == 403
    assert client.get(f"{API}/accruals/{accruals(money.partner_a)[0].public_id}").status_code == 403


def test_accrual_list_filters_and_pages(money, api_client):
    world = money
    client = api_client.as_user(world.finance)

    items = walk(client, f"{API}/accruals", limit=2)
    assert len(items) == 6
    mine = client.get(f"{API}/accruals?partner={world.partner_a.public_id}&state=held").json()["items"]
    assert [(a["amount"], a["state"], a["rule"]["name"]) for a in mine] == [("50.00", "held", "Held bonus")]
    one = client.get(f"{API}/accruals/{mine[0]['id']}").json()
    assert one["explanation"].startswith("fixed 50.00 USD per event") and one["deal"]["id"].startswith("deal_")
    bad = client.get(f"{API}/accruals?state=lost")
    assert (bad.status_code, error_fields(bad)) == (400, ["state"])
    assert_constant_queries(client, f"{API}/accruals", small=1, large=6)


def test_a_distributor_admin_sees_its_sub_partner(money, api_client):
    world = money
    rule(world, name="More", percent="1")
    won_deal(world.a1_admin, "1000")
    client = api_client.as_user(world.a_admin)
    sub = client.get(f"{API}/earnings?partner={world.partner_a1.public_id}")
    assert sub.status_code == 200 and D(sub.json()["items"][0]["accrued"]) == D("160.00")
