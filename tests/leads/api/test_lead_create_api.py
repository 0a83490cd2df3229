"""POST /api/v1/leads: an API client or CRM pushes a lead; the answer says where it went."""

import pytest

from allied.leads.models import Lead
from tests.api_helpers import error_fields

from .builders import URL, assert_public_ids_only, nyc

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["admin", "cam"])
def test_a_lead_is_offered_to_the_best_partner(world, field, api_client, role):
    resp = api_client.as_user(getattr(world, role)).post(URL, nyc())

    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id"].startswith("lead_") and body["status"] == "offered" and body["source"] == "api"
    assert body["partner"] == {"id": field["near"].public_id, "name": "Near Gold"}
    assert body["offer_due_at"] is not None and body["domain"] == "globex.example"
    assert_public_ids_only(body)


def test_a_duplicate_names_the_first_lead_by_public_id(world, field, api_client):
    client = api_client.as_user(world.cam)
    first = client.post(URL, nyc()).json()

    resp = client.post(URL, nyc())

    assert resp.status_code == 201
    body = resp.json()
    assert body["status"] == "duplicate" and body["partner"] is None and body["duplicate_of"] == first["id"]


def test_no_partner_in_the_territory_is_unroutable_with_a_reason(world, field, api_client):
    resp = api_client.as_user(world.cam).post(URL, nyc(country="JP", lat=None, lon=None))

    assert resp.status_code == 201
    assert resp.json()["status"] == "unroutable" and resp.json()["status_note"]


@pytest.mark.parametrize("role", ["pmm", "finance", "a_admin", "a_sales", "b_marketing"])
def test_others_may_not_push_leads(world, field, api_client, role):
    resp = api_client.as_user(getattr(world, role)).post(URL, nyc())

    assert resp.status_code == 403
    assert not Lead.objects.exists()


@pytest.mark.parametrize(("change", "status", "fields"), [
    ({"country": "Narnia"}, 400, ["country"]),
    ({"contact_email": "not-an-email"}, 400, ["contact_email"]),
    ({"company_name": "  "}, 400, ["company_name"]),
    ({"lat": 95.0}, 400, ["lat"]),
    ({"lat": 40.0, "lon": None}, 400, ["lon"]),
    ({"estimated_amount": 1234.5}, 400, ["estimated_amount"]),
    ({"currency": "dollars"}, 400, ["currency"]),
    ({"lat": "north"}, 422, ["lat"]),
])
def test_bad_input_names_the_field(world, field, api_client, change, status, fields):
    resp = api_client.as_user(world.cam).post(URL, {**nyc(), **change})

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == fields
    assert not Lead.objects.exists()


def test_a_missing_required_field_is_named(world, field, api_client):
    data = nyc()
    del data["contact_email"]

    resp = api_client.as_user(world.cam).post(URL, data)

    assert resp.status_code == 422
    assert error_fields(resp) == ["contact_email"]
