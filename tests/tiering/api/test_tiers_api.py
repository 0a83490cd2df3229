"""GET /api/v1/tiers and GET /api/v1/partners/{id}/tier-progress."""

import pytest

from allied.program.models import Tier
from tests.api_helpers import API, assert_constant_queries, missing_id, walk
from tests.factories import deal_won, set_tier


@pytest.mark.parametrize("role", ["admin", "finance", "a_sales", "b_marketing"])
def test_everyone_signed_in_sees_the_tiers_with_benefits_and_requirements(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).get(f"{API}/tiers")

    assert resp.status_code == 200
    tiers = resp.json()["items"]
    assert [t["name"] for t in tiers] == ["Registered", "Silver", "Gold", "Platinum"]
    silver = tiers[1]
    assert silver["id"] == Tier.objects.get(name="Silver").public_id
    assert silver["benefits"] == {"discount_pct": "15.00", "mdf_eligible": True, "lead_priority": 1, "support_level": "standard"}
    reqs = {r["fact"]: r for r in silver["requirements"]}
    assert reqs["revenue_won_12m"]["threshold"] == "50000.00"
    assert reqs["deals_won_12m"]["label"] == "closed-won deals (trailing 12 months)"
    assert tiers[0]["requirements"] == []


def test_tiers_page_and_keep_query_count(world, api_client):
    for rank in range(5, 30):
        Tier.objects.create(name=f"Tier {rank}", rank=rank)
    api_client.as_user(world.admin)
    assert len(walk(api_client, f"{API}/tiers", limit=7)) == 29
    assert_constant_queries(api_client, f"{API}/tiers")


def test_tiers_need_a_key(db, client):
    assert client.get(f"{API}/tiers").status_code == 401


def progress_url(partner_id: str) -> str:
    return f"{API}/partners/{partner_id}/tier-progress"


def test_partner_sees_its_tier_progress(world, api_client):
    deal_won(world.partner_b, 55000)

    resp = api_client.as_user(world.b_sales).get(progress_url(world.partner_b.public_id))

    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["partner"]["id"] == world.partner_b.public_id
    assert body["current_tier"]["name"] == "Registered"
    assert body["next_tier"]["name"] == "Silver"
    checks = {c["fact"]: c for c in body["checks"]}
    assert checks["deals_won_12m"] == {
        "fact": "deals_won_12m", "label": "closed-won deals (trailing 12 months)", "value": "1", "threshold": "2.00",
        "met": False, "text": "1 of 2 closed-won deals (trailing 12 months)",
    }
    assert checks["revenue_won_12m"]["met"] is True
    assert body["met_count"] == 1
    assert body["current_checks"] == []


def test_top_tier_has_no_next_tier(world, api_client):
    set_tier(world.partner_b, "Platinum")
    body = api_client.as_user(world.cam).get(progress_url(world.partner_b.public_id)).json()
    assert body["next_tier"] is None and body["checks"] == []
    assert {c["fact"] for c in body["current_checks"]} >= {"deals_won_12m", "onboarding_complete"}


def test_distributor_sees_sub_partner_progress(world, api_client):
    resp = api_client.as_user(world.a_sales).get(progress_url(world.partner_a1.public_id))
    assert resp.status_code == 200


def test_foreign_tier_progress_answers_like_missing(world, api_client):
    api_client.as_user(world.b_admin)
    foreign = api_client.get(progress_url(world.partner_a1.public_id))
    missing = api_client.get(progress_url(missing_id("ptn")))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
