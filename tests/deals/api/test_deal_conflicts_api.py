"""GET /api/v1/deals/{id}/conflicts: the vendor's view of the evidence; partners never reach it."""

import pytest

from allied.customers.models import DirectOpportunity
from tests.api_helpers import missing_id

from .builders import URL, named_direct_account, registered

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["admin", "cam", "pmm", "finance"])
def test_vendor_users_see_the_decisive_registration_and_its_partner(world, api_client, role):
    first = registered(world.a_sales)
    second = registered(world.b_sales, customer_name="Contoso Ltd")

    resp = api_client.as_user(getattr(world, role)).get(f"{URL}/{second.public_id}/conflicts")

    assert resp.status_code == 200, resp.content
    items = resp.json()["items"]
    top = items[0]
    assert (top["kind"], top["decisive"]) == ("registration", True)
    assert 0.85 <= top["score"] <= 1
    assert top["reason"]
    assert top["other_deal"] == {"id": first.public_id, "customer_name": "Contoso Inc.", "status": "approved",
                                 "partner": {"id": world.partner_a.public_id, "name": world.partner_a.name}}
    assert top["account"] is None and top["opportunity"] is None
    assert resp.json()["next_cursor"] is None


def test_account_and_opportunity_evidence_carry_their_ids(world, api_client):
    account = named_direct_account()
    opp = DirectOpportunity.objects.create(account=account, name="Contoso expansion")
    deal = registered(world.a_sales)

    items = api_client.as_user(world.cam).get(f"{URL}/{deal.public_id}/conflicts").json()["items"]

    assert {i["kind"] for i in items} == {"named_account", "direct_opportunity"}
    named = next(i for i in items if i["kind"] == "named_account")
    assert named["decisive"] and named["account"] == {"id": account.public_id, "name": account.name}
    assert next(i for i in items if i["kind"] == "direct_opportunity")["opportunity"]["id"] == opp.public_id


def test_a_clean_registration_has_no_evidence(world, api_client):
    deal = registered(world.a_sales)
    assert api_client.as_user(world.cam).get(f"{URL}/{deal.public_id}/conflicts").json()["items"] == []


@pytest.mark.parametrize("role", ["b_admin", "b_sales", "b_marketing"])
def test_partners_get_404_even_for_their_own_deal(world, api_client, role):
    registered(world.a_sales)
    declined = registered(world.b_sales, customer_name="Contoso Ltd")
    client = api_client.as_user(getattr(world, role))

    own = client.get(f"{URL}/{declined.public_id}/conflicts")
    missing = client.get(f"{URL}/{missing_id('deal')}/conflicts")

    assert own.status_code == missing.status_code == 404
    assert own.json() == missing.json()


def test_missing_deal_is_404_for_the_vendor(world, api_client):
    assert api_client.as_user(world.admin).get(f"{URL}/{missing_id('deal')}/conflicts").status_code == 404
