"""GET /api/v1/leads and /api/v1/leads/{id}: the vendor's queue, a partner's inbox (only leads it holds now)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.leads.models import Lead
from allied.leads.services import leads_pull_back
from tests.api_helpers import assert_constant_queries, error_fields, missing_id, walk

from .builders import COMPANIES, URL, assert_public_ids_only, lead_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(world, field):
    """Two leads with Near Gold, one with Far Silver (reassigned), one unroutable."""
    from allied.leads.services import lead_create, lead_reassign
    from tests.factories import lead_data

    a = lead_in(world.cam, "Globex")
    b = lead_in(world.cam, "Initech")
    c = lead_reassign(actor=world.cam, lead=lead_in(world.cam, "Hooli"), partner=field["far"], reason="Customer asked")
    d = lead_create(actor=world.cam, data=lead_data(company_name="Nihon KK", website="nihon.example", contact_email="a@nihon.example",
                                                    country="JP"))
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.mark.parametrize("role", ["admin", "cam", "pmm", "finance"])
def test_vendor_users_see_every_lead(world, field, leads, api_client, role):
    items = walk(api_client.as_user(getattr(world, role)), URL, limit=2)

    assert {i["id"] for i in items} == {ld.public_id for ld in leads.values()}
    assert_public_ids_only(items)


def test_a_partner_sees_only_the_leads_it_holds(world, field, leads, api_client):
    near = api_client.as_user(field["sales"]["near"]).get(URL).json()["items"]
    far = api_client.as_user(field["sales"]["far"]).get(URL).json()["items"]
    de = api_client.as_user(field["sales"]["de"]).get(URL).json()["items"]

    assert {i["id"] for i in near} == {leads["a"].public_id, leads["b"].public_id}
    assert [i["id"] for i in far] == [leads["c"].public_id]
    assert de == []
    assert {i["partner"]["id"] for i in near} == {field["near"].public_id}


def test_a_lead_held_by_another_partner_answers_like_a_missing_one(world, field, leads, api_client):
    client = api_client.as_user(field["sales"]["far"])

    foreign = client.get(f"{URL}/{leads['a'].public_id}")
    missing = client.get(f"{URL}/{missing_id('lead')}")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert client.get(f"{URL}/{leads['d'].public_id}").status_code == 404  # unroutable: held by nobody


def test_get_a_lead(world, field, leads, api_client):
    resp = api_client.as_user(field["sales"]["near"]).get(f"{URL}/{leads['a'].public_id}")

    assert resp.status_code == 200
    body = resp.json()
    assert body["company_name"] == "Globex Corporation" and body["partner"]["id"] == field["near"].public_id
    assert body["duplicate_of"] is None and body["deal"] is None


def test_filters(world, field, leads, api_client):
    client = api_client.as_user(world.cam)

    def ids(query):
        resp = client.get(f"{URL}?{query}")
        assert resp.status_code == 200, resp.content
        return {i["id"] for i in resp.json()["items"]}

    assert ids("status=unroutable") == {leads["d"].public_id}
    assert ids("status=offered,unroutable") == {ld.public_id for ld in leads.values()}
    assert ids(f"partner={field['far'].public_id}") == {leads["c"].public_id}
    assert ids("q=initech") == {leads["b"].public_id}
    assert ids(f"q={leads['a'].public_id}") == {leads["a"].public_id}
    assert ids("source=csv") == set()
    assert ids("breached=true") == set()
    leads_pull_back(now=timezone.now() + timedelta(hours=25))
    assert leads["a"].public_id in ids("breached=true")


@pytest.mark.parametrize(("query", "status", "field_name"), [
    ("status=lost", 400, "status"),
    (f"partner={missing_id('ptn')}", 400, "partner"),
    ("source=fax", 422, "source"),
    ("limit=0", 422, "limit"),
    ("cursor=nonsense", 400, "cursor"),
])
def test_bad_filters_name_the_field(world, field, leads, api_client, query, status, field_name):
    resp = api_client.as_user(world.cam).get(f"{URL}?{query}")

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field_name]


def test_a_partner_filtering_by_another_partner_is_told_no_such_id(world, field, leads, api_client):
    client = api_client.as_user(field["sales"]["near"])

    foreign = client.get(f"{URL}?partner={field['far'].public_id}")
    missing = client.get(f"{URL}?partner={missing_id('ptn')}")

    assert foreign.status_code == 400 and foreign.json() == missing.json()


def test_the_list_does_not_grow_queries_with_the_page(world, field, api_client):
    for name in COMPANIES:
        lead_in(world.cam, name)
    assert Lead.objects.count() == len(COMPANIES)

    assert_constant_queries(api_client.as_user(world.cam), URL, small=2, large=10)
