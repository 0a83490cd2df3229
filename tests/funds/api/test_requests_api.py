"""/api/v1/fund-requests: create, change, submit, decide, cancel, complete, ROI."""

import pytest

from allied.funds import services
from allied.funds.models import FundRequest
from tests.api_helpers import API, assert_constant_queries, error_fields, walk
from tests.factories import set_tier
from tests.funds.factories import approved_request, period, request_data

pytestmark = pytest.mark.django_db
URL = f"{API}/fund-requests"


@pytest.fixture
def funded(world):
    set_tier(world.partner_a, "Gold")
    p = period(world.pmm, pool="20000")
    services.allocation_set(actor=world.pmm, period=p, partner=world.partner_a, amount="8000")
    return p


def test_marketer_requests_and_pmm_approves(world, api_client, funded):
    resp = api_client.as_user(world.a_marketing).post(URL, request_data(requested="4000") | {"submit": True})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id"].startswith("fr_") and body["status"] == "submitted" and body["period"]["id"] == funded.public_id
    assert body["requested"] == "4000.00" and body["partner"]["id"] == world.partner_a.public_id
    assert all(c["passed"] for c in body["criteria"]) and body["claim_deadline"]
    resp = api_client.as_user(world.pmm).post(f"{URL}/{body['id']}/approve", {"amount": "3000"})
    assert resp.status_code == 400 and error_fields(resp) == ["note"]
    resp = api_client.as_user(world.pmm).post(f"{URL}/{body['id']}/approve", {"amount": "3000", "note": "Two cities."})
    assert resp.status_code == 200 and resp.json()["status"] == "partially_approved" and resp.json()["approved_amount"] == "3000.00"
    assert api_client.as_user(world.pmm).post(f"{URL}/{body['id']}/approve", {}).status_code == 409


def test_draft_patch_submit_cancel(world, api_client, funded):
    client = api_client.as_user(world.a_admin)
    rid = client.post(URL, request_data()).json()["id"]
    resp = client.patch(f"{URL}/{rid}", {"title": "New title", "requested": "5000"})
    assert resp.status_code == 200 and resp.json()["title"] == "New title" and resp.json()["requested"] == "5000.00"
    assert client.patch(f"{URL}/{rid}", {"partner": "x"}).status_code == 422
    assert client.post(f"{URL}/{rid}/submit").json()["status"] == "submitted"
    assert client.patch(f"{URL}/{rid}", {"title": "late"}).status_code == 409
    assert client.post(f"{URL}/{rid}/cancel", {"note": "Budget cut"}).json()["status"] == "cancelled"


@pytest.mark.parametrize("data,field", [
    ({"requested": 100.25}, "requested"),
    ({"total_budget": "ten"}, "total_budget"),
    ({"activity_type": "nope"}, "activity_type"),
    ({"starts_on": "2001-01-01", "ends_on": "2001-01-02"}, "starts_on"),
    ({"period": "fp_0000000000000000"}, "period"),
])
def test_bad_request_names_the_field(world, api_client, funded, data, field):
    resp = api_client.as_user(world.a_marketing).post(URL, request_data() | data)
    assert resp.status_code == 400, resp.content
    assert error_fields(resp) == [field]
    assert not FundRequest.objects.exists()


def test_reject(world, api_client, funded):
    rid = api_client.as_user(world.a_marketing).post(URL, request_data() | {"submit": True}).json()["id"]
    resp = api_client.as_user(world.cam).post(f"{URL}/{rid}/reject", {"note": ""})
    assert resp.status_code == 400 and error_fields(resp) == ["note"]
    assert api_client.as_user(world.finance).post(f"{URL}/{rid}/reject", {"note": "x"}).status_code == 403
    resp = api_client.as_user(world.cam).post(f"{URL}/{rid}/reject", {"note": "Off-strategy"})
    assert resp.json()["status"] == "rejected" and resp.json()["decision_note"] == "Off-strategy"


def test_partners_see_only_their_own(world, api_client, funded):
    a = services.request_create(actor=world.a_marketing, period=funded, data=request_data())
    b = services.request_create(actor=world.b_marketing, period=funded, data=request_data())
    assert [i["id"] for i in api_client.as_user(world.b_admin).get(URL).json()["items"]] == [b.public_id]
    assert api_client.as_user(world.b_admin).get(f"{URL}/{a.public_id}").status_code == 404
    assert api_client.as_user(world.b_admin).post(f"{URL}/{a.public_id}/submit").status_code == 404
    assert {i["id"] for i in api_client.as_user(world.pmm).get(URL).json()["items"]} == {a.public_id, b.public_id}


def test_list_filters_and_pages(world, api_client, funded):
    for i in range(5):
        services.request_create(actor=world.a_marketing, period=funded, data=request_data(title=f"Event {i}"), submit=i % 2 == 0)
    client = api_client.as_user(world.pmm)
    assert len(walk(client, URL, limit=2)) == 5
    assert len(client.get(f"{URL}?status=submitted").json()["items"]) == 3
    assert client.get(f"{URL}?status=bogus").status_code == 400
    assert len(client.get(f"{URL}?q=Event 1").json()["items"]) == 1
    assert_constant_queries(client, URL, small=2, large=5)


def test_complete_and_roi(world, api_client):
    req = approved_request(world, "1000")
    client = api_client.as_user(world.a_marketing)
    roi = client.get(f"{URL}/{req.public_id}/roi").json()
    assert roi == {"currency": "USD", "funded": "0.00", "spent": "0.00", "leads": 0, "deals": 0, "pipeline": "0", "won": "0",
                   "pipeline_per_unit": None, "won_per_unit": None, "cost_per_lead": None, "deals_in_other_currencies": 0}
    resp = client.post(f"{URL}/{req.public_id}/complete", {})
    assert resp.status_code == 200 and resp.json()["status"] == "completed"
