"""GET /api/v1/deals and GET /api/v1/deals/{id}: each user sees the deals their organisation is on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration, DealStatus
from allied.partners.models import Partner
from tests.api_helpers import assert_constant_queries, error_fields, missing_id, walk
from tests.conftest import make_partner

from .builders import URL, deal_row, registered

pytestmark = pytest.mark.django_db


def ids(resp) -> set[str]:
    assert resp.status_code == 200, resp.content
    return {d["id"] for d in resp.json()["items"]}


@pytest.fixture
def deals(world):
    return {
        "a": deal_row(world.partner_a, "Contoso", submitted_days_ago=3),
        "a1": deal_row(world.partner_a1, "Fabrikam", status=DealStatus.PENDING, submitted_days_ago=2, deal_type="renewal"),
        "b": deal_row(world.partner_b, "Litware", status=DealStatus.DECLINED, submitted_days_ago=1),
    }


# --- list -------------------------------------------------------------------------------------


def test_vendor_lists_every_deal_newest_first(world, api_client, deals):
    resp = api_client.as_user(world.finance).get(URL)

    assert [d["id"] for d in resp.json()["items"]] == [deals[k].public_id for k in ("b", "a1", "a")]
    assert resp.json()["next_cursor"] is None


def test_distributor_sees_its_own_and_its_sub_partners_deals(world, api_client, deals):
    assert ids(api_client.as_user(world.a_marketing).get(URL)) == {deals["a"].public_id, deals["a1"].public_id}


def test_partner_sees_only_its_own_deals(world, api_client, deals):
    assert ids(api_client.as_user(world.b_sales).get(URL)) == {deals["b"].public_id}
    assert ids(api_client.as_user(world.a1_admin).get(URL)) == {deals["a1"].public_id}


def test_partner_on_a_deal_as_participant_sees_it_in_the_list(world, api_client, deals):
    deals["a"].participants.create(partner=world.partner_b, role="influencing", split_pct=0)
    assert ids(api_client.as_user(world.b_sales).get(URL)) == {deals["a"].public_id, deals["b"].public_id}


@pytest.mark.parametrize(("query", "expected"), [
    ("q=contoso", {"a"}),
    ("q=litware.example", {"b"}),
    ("status=pending", {"a1"}),
    ("status=pending,declined", {"a1", "b"}),
    ("deal_type=renewal", {"a1"}),
    ("expiring_days=120", {"a"}),
    ("expiring_days=30", set()),
])
def test_list_filters(world, api_client, deals, query, expected):
    assert ids(api_client.as_user(world.admin).get(f"{URL}?{query}")) == {deals[k].public_id for k in expected}


def test_filter_by_exact_deal_id(world, api_client, deals):
    assert ids(api_client.as_user(world.admin).get(f"{URL}?q={deals['b'].public_id}")) == {deals["b"].public_id}


def test_filter_by_partner_and_cam(world, api_client, deals):
    Partner.objects.filter(pk=world.partner_b.pk).update(cam=world.admin)
    client = api_client.as_user(world.cam)

    assert ids(client.get(f"{URL}?partner={world.partner_a1.public_id}")) == {deals["a1"].public_id}
    assert ids(client.get(f"{URL}?cam={world.admin.public_id}")) == {deals["b"].public_id}
    assert ids(client.get(f"{URL}?mine=true")) == {deals["a"].public_id, deals["a1"].public_id}


def test_escalated_filter(world, api_client, deals):
    DealRegistration.objects.filter(pk=deals["a1"].pk).update(escalated_at=timezone.now())
    assert ids(api_client.as_user(world.cam).get(f"{URL}?escalated=true")) == {deals["a1"].public_id}


@pytest.mark.parametrize(("query", "status", "field"), [
    ("status=pending,sleeping", 400, "status"),
    ("deal_type=rebate", 422, "deal_type"),
    ("expiring_days=0", 422, "expiring_days"),
    ("partner=ptn_0000000000000000", 400, "partner"),
    ("cam=usr_0000000000000000", 400, "cam"),
    ("limit=0", 422, "limit"),
    ("cursor=garbage", 400, "cursor"),
])
def test_bad_filters_name_the_parameter(world, api_client, deals, query, status, field):
    resp = api_client.as_user(world.admin).get(f"{URL}?{query}")

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]


def test_a_partner_filtering_by_another_partner_gets_the_answer_of_a_missing_one(world, api_client, deals):
    client = api_client.as_user(world.b_sales)

    foreign = client.get(f"{URL}?partner={world.partner_a.public_id}")
    missing = client.get(f"{URL}?partner={missing_id('ptn')}")

    assert foreign.status_code == 400 and foreign.json() == missing.json()


def test_list_walks_every_page(world, api_client):
    made = {deal_row(world.partner_b, f"Customer {i:02d}", submitted_days_ago=i % 4).public_id for i in range(23)}

    items = walk(api_client.as_user(world.b_admin), URL, limit=5)

    assert {d["id"] for d in items} == made
    stamps = [d["submitted_at"] for d in items]
    assert stamps == sorted(stamps, reverse=True)


def test_list_query_count_does_not_grow_with_page_size(world, api_client):
    others = [make_partner(f"Partner {i:02d}", cam=world.cam) for i in range(4)]
    for i in range(30):
        deal_row(others[i % 4], f"Customer {i:02d}")
    assert_constant_queries(api_client.as_user(world.cam), URL)
    assert_constant_queries(api_client.as_user(world.a_sales), URL)


def test_list_without_key_is_401(world, client):
    assert client.get(URL).status_code == 401


# --- get --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["a_admin", "a_sales", "a_marketing", "admin", "cam", "pmm", "finance"])
def test_every_user_who_sees_the_deal_gets_it(world, api_client, role):
    deal = registered(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).get(f"{URL}/{deal.public_id}")

    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["id"] == deal.public_id and body["customer_name"] == "Contoso Inc."
    assert body["expected_close_date"] == (timezone.localdate() + timedelta(days=60)).isoformat()
    if getattr(world, role).partner_id:
        assert body["review_notes"] is None
    else:
        assert body["review_notes"] == ""


def test_a_distributor_sees_its_sub_partners_deal(world, api_client):
    deal = registered(world.a1_admin)
    assert api_client.as_user(world.a_sales).get(f"{URL}/{deal.public_id}").status_code == 200


@pytest.mark.parametrize("role", ["b_admin", "b_sales", "a1_admin"])
def test_another_partners_deal_answers_exactly_like_a_missing_one(world, api_client, role):
    deal = registered(world.a_sales)
    client = api_client.as_user(getattr(world, role))

    foreign = client.get(f"{URL}/{deal.public_id}")
    missing = client.get(f"{URL}/{missing_id('deal')}")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["error"]["code"] == "not_found"
