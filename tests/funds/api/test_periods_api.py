"""/api/v1/fund-periods, /fund-activity-types and /fund-allocations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.funds.models import FundAllocation, FundPeriod
from tests.api_helpers import API, assert_constant_queries, error_fields
from tests.factories import set_tier
from tests.funds.factories import period

pytestmark = pytest.mark.django_db


def test_pmm_creates_a_period_and_sees_its_figures(world, api_client):
    client = api_client.as_user(world.pmm)
    resp = client.post(f"{API}/fund-periods", {"name": "2031 Q1", "starts_on": "2031-01-01", "ends_on": "2031-03-31",
                                               "pool": "25000.00", "target_segments": ["smb"], "min_pipeline_ratio": "4"})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id"].startswith("fp_") and body["figures"]["pool"] == "25000.00" and body["figures"]["funded"] == "25000.00"
    assert body["min_pipeline_ratio"] == "4.00" and body["target_segments"] == ["smb"]
    # partners read periods, never the program's figures
    got = api_client.as_user(world.a_marketing).get(f"{API}/fund-periods/{body['id']}").json()
    assert got["figures"] is None and got["allocation_by_tier"] is None and got["name"] == "2031 Q1"


@pytest.mark.parametrize("data,field,status", [
    ({"pool": 100.5}, "pool", 400),
    ({"currency": "usd1"}, "currency", 400),
    ({"ends_on": "2030-01-01"}, "ends_on", 400),
    ({"starts_on": "soon"}, "starts_on", 422),
])
def test_bad_period_names_the_field(world, api_client, data, field, status):
    body = {"name": "2031 Q1", "starts_on": "2031-01-01", "ends_on": "2031-03-31", "pool": "1"} | data
    resp = api_client.as_user(world.admin).post(f"{API}/fund-periods", body)
    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]
    assert not FundPeriod.objects.exists()


@pytest.mark.parametrize("role", ["cam", "finance", "a_admin", "a_marketing"])
def test_only_funds_managers_create_periods(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).post(
        f"{API}/fund-periods", {"name": "x", "starts_on": "2031-01-01", "ends_on": "2031-03-31"})
    assert resp.status_code == 403


def test_patch_close_and_list(world, api_client):
    p = period(world.pmm, pool="1000")
    client = api_client.as_user(world.pmm)
    resp = client.patch(f"{API}/fund-periods/{p.public_id}", {"pool": "1500", "claim_deadline_days": 30})
    assert resp.status_code == 200 and resp.json()["figures"]["pool"] == "1500.00" and resp.json()["claim_deadline_days"] == 30
    resp = client.patch(f"{API}/fund-periods/{p.public_id}", {"currency": "EUR"})
    assert resp.status_code == 422
    resp = client.post(f"{API}/fund-periods/{p.public_id}/close")
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    assert client.post(f"{API}/fund-periods/{p.public_id}/close").status_code == 409
    for i in range(3):
        period(world.pmm, name=f"P{i}")
    assert [i["status"] for i in client.get(f"{API}/fund-periods?status=closed").json()["items"]] == ["closed"]
    assert_constant_queries(client, f"{API}/fund-periods", small=1, large=4)


def test_allocate_by_tier_and_allocations(world, api_client):
    set_tier(world.partner_b, "Gold")
    p = period(world.pmm, pool="10000")
    client = api_client.as_user(world.pmm)
    resp = client.post(f"{API}/fund-periods/{p.public_id}/allocate-by-tier", {"amounts": {"Gold": "3000", "Registered": "1000"}})
    assert resp.status_code == 200, resp.content
    assert sorted(i["amount"] for i in resp.json()["items"]) == ["1000.00", "1000.00", "3000.00"]
    detail = client.get(f"{API}/fund-periods/{p.public_id}").json()
    assert detail["figures"]["allocated"] == "5000.00"
    assert {r["tier"]: r["total"] for r in detail["allocation_by_tier"]} == {"Gold": "3000.00", "Registered": "2000.00"}
    resp = client.post(f"{API}/fund-periods/{p.public_id}/allocate-by-tier", {"amounts": {"Gold": 1.5}})
    assert resp.status_code == 400 and error_fields(resp) == ["amounts.Gold"]
    # a partner sees only its own allocations (A's users see sub-partner A1's too)
    items = api_client.as_user(world.b_admin).get(f"{API}/fund-allocations").json()["items"]
    assert [i["partner"]["id"] for i in items] == [world.partner_b.public_id]
    items = api_client.as_user(world.a_admin).get(f"{API}/fund-allocations?period={p.public_id}").json()["items"]
    assert sorted(i["partner"]["id"] for i in items) == sorted([world.partner_a.public_id, world.partner_a1.public_id])
    assert_constant_queries(api_client.as_user(world.pmm), f"{API}/fund-allocations", small=1, large=3)


def test_allocation_set_defaults_to_the_current_period(world, api_client):
    p = period(world.pmm, pool="1000")
    client = api_client.as_user(world.pmm)
    resp = client.post(f"{API}/fund-allocations", {"partner": world.partner_a.public_id, "amount": "400", "note": "plan"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["period"]["id"] == p.public_id and resp.json()["amount"] == "400.00"
    resp = client.post(f"{API}/fund-allocations", {"partner": world.partner_b.public_id, "amount": "700"})
    assert resp.status_code == 409 and "600.00 USD" in resp.json()["error"]["message"]
    fa = FundAllocation.objects.get()
    assert client.get(f"{API}/fund-allocations/{fa.public_id}").json()["amount"] == "400.00"
    assert api_client.as_user(world.b_admin).get(f"{API}/fund-allocations/{fa.public_id}").status_code == 404


def test_allocation_needs_an_open_period(world, api_client):
    today = timezone.localdate()
    period(world.pmm, starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=20))
    resp = api_client.as_user(world.pmm).post(f"{API}/fund-allocations", {"partner": world.partner_a.public_id, "amount": "1"})
    assert resp.status_code == 400 and error_fields(resp) == ["period"]


def test_activity_types(world, api_client):
    client = api_client.as_user(world.pmm)
    resp = client.post(f"{API}/fund-activity-types", {"code": "podcast", "name": "Podcast", "reimbursement_percent": "40", "active": False})
    assert resp.status_code == 200 and resp.json()["reimbursement_percent"] == "40.00"
    codes = [t["code"] for t in client.get(f"{API}/fund-activity-types?limit=100").json()["items"]]
    assert "podcast" in codes and "events" in codes
    codes = [t["code"] for t in api_client.as_user(world.a_marketing).get(f"{API}/fund-activity-types?limit=100").json()["items"]]
    assert "podcast" not in codes and "webinar" in codes
    client = api_client.as_user(world.pmm)
    resp = client.post(f"{API}/fund-activity-types", {"code": "x", "name": "X", "reimbursement_percent": 101})
    assert resp.status_code == 400 and error_fields(resp) == ["reimbursement_percent"]
    assert api_client.as_user(world.cam).post(f"{API}/fund-activity-types", {"code": "x", "name": "X",
                                                                           "reimbursement_percent": "1"}).status_code == 403
