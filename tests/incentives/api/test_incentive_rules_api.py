"""/api/v1/incentive-rules: list, create, get with history, new version, activate, retire."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from allied.incentives.models import IncentiveRule
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, walk

from ..factories import rule

pytestmark = pytest.mark.django_db
URL = f"{API}/incentive-rules"


def body(**overrides) -> dict:
    data = {"name": "Gold rebate", "kind": "rebate", "effective_from": "2025-01-01", "currency": "USD",
            "brackets": [{"start": "0", "percent": "2"}, {"start": "100000", "percent": "4.5"}],
            "accelerator": {"threshold": "250000", "multiplier": "1.5"}, "cap": "20000", "period": "quarter",
            "conditions": {"tiers": ["Gold"], "partner_types": ["reseller", "msp"]}, "holdback_days": 30, "clawback_days": 90}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["admin", "finance"])
def test_incentive_managers_create_a_rule(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).post(URL, body())

    assert resp.status_code == 201, resp.content
    out = resp.json()
    assert out["id"].startswith("rul_") and out["rule_key"] == out["id"] and out["version"] == 1
    assert (out["status"], out["applies"], out["currency"], out["percent"]) == ("active", True, "USD", None)
    assert out["brackets"] == [{"start": "0", "percent": "2"}, {"start": "100000", "percent": "4.5"}]
    assert out["accelerator"] == {"threshold": "250000", "multiplier": "1.5"}
    assert out["conditions"]["partner_types"] == ["reseller", "msp"] and len(out["conditions"]["tiers"]) == 1
    assert (out["holdback_days"], out["clawback_days"], out["triggers"]) == (30, 90, ["deal_won"])
    assert [v["version"] for v in out["versions"]] == [1]


@pytest.mark.parametrize("role", ["cam", "pmm"])
def test_other_vendor_roles_cannot_manage_rules(world, api_client, role):
    client = api_client.as_user(getattr(world, role))
    assert client.post(URL, body()).status_code == 403
    r = rule(world)
    assert client.post(f"{URL}/{r.public_id}/versions", {"percent": "5"}).status_code == 403
    assert client.post(f"{URL}/{r.public_id}/retire").status_code == 403
    assert client.get(f"{URL}/{r.public_id}").status_code == 200  # reading is fine


@pytest.mark.parametrize("role", ["a_admin", "b_sales"])
def test_rules_do_not_exist_for_partners(world, api_client, role):
    r = rule(world)
    client = api_client.as_user(getattr(world, role))
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}/{r.public_id}").json() == client.get(f"{URL}/{missing_id('rul')}").json()
    assert client.post(URL, body()).status_code == 404


@pytest.mark.parametrize(("overrides", "status", "field"), [
    ({"percent": 5.5, "brackets": None, "currency": None, "accelerator": None, "cap": None}, 400, "percent"),
    ({"brackets": [{"start": "0", "percent": "2"}, {"start": "0", "percent": "3"}]}, 400, "brackets[1].start"),
    ({"conditions": {"tiers": ["Unobtainium"]}}, 400, "conditions.tiers"),
    ({"currency": None}, 400, "currency"),
    ({"kind": "bribe"}, 422, "kind"),
    ({"effective_from": "soon"}, 422, "effective_from"),
    ({"holdback_days": "x"}, 422, "holdback_days"),
])
def test_bad_rules_name_the_field(world, api_client, overrides, status, field):
    data = {k: v for k, v in body(**overrides).items() if v is not None}
    resp = api_client.as_user(world.admin).post(URL, data)

    assert resp.status_code == status, resp.content
    assert error_fields(resp)[0] == field
    assert not IncentiveRule.objects.exists()


def test_a_new_version_keeps_the_history(world, api_client):
    client = api_client.as_user(world.finance)
    first = client.post(URL, body()).json()

    resp = client.post(f"{URL}/{first['id']}/versions", {"effective_from": "2025-07-01", "cap": "30000"})

    assert resp.status_code == 201, resp.content
    out = resp.json()
    assert (out["version"], out["rule_key"], out["cap"], out["effective_from"]) == (2, first["id"], "30000", "2025-07-01")
    assert out["brackets"] == first["brackets"]  # what was not sent stays
    assert [(v["version"], v["effective_to"]) for v in out["versions"]] == [(1, "2025-07-01"), (2, None)]
    listed = client.get(URL).json()["items"]
    assert [(r["id"], r["version"]) for r in listed] == [(out["id"], 2)]  # the list shows current versions
    stale = client.post(f"{URL}/{first['id']}/versions", {"effective_from": "2025-08-01", "cap": "1"})
    assert stale.status_code == 409


def test_a_draft_is_activated(world, api_client):
    client = api_client.as_user(world.admin)
    draft = client.post(URL, body(activate=False)).json()
    assert (draft["status"], draft["applies"]) == ("draft", False)

    resp = client.post(f"{URL}/{draft['id']}/activate")

    assert resp.status_code == 200 and resp.json()["status"] == "active"
    assert client.post(f"{URL}/{draft['id']}/activate").status_code == 409


def test_retire(world, api_client):
    client = api_client.as_user(world.admin)
    r = rule(world)
    end = (timezone.localdate() + timedelta(days=5)).isoformat()

    resp = client.post(f"{URL}/{r.public_id}/retire", {"effective_to": end})

    assert resp.status_code == 200, resp.content
    assert (resp.json()["status"], resp.json()["effective_to"]) == ("retired", end)
    assert client.post(f"{URL}/{r.public_id}/retire").status_code == 409
    too_early = client.post(f"{URL}/{rule(world).public_id}/retire", {"effective_to": "2000-01-01"})
    assert (too_early.status_code, error_fields(too_early)) == (400, ["effective_to"])


def test_list_filters_and_pages(world, api_client):
    for i in range(7):
        rule(world, name=f"Rule {i}", kind="rebate" if i % 2 else "referral", activate=i != 3)
    client = api_client.as_user(world.pmm)

    assert len(walk(client, URL, limit=3)) == 7
    assert {r["kind"] for r in client.get(f"{URL}?kind=referral").json()["items"]} == {"referral"}
    assert [r["name"] for r in client.get(f"{URL}?status=draft").json()["items"]] == ["Rule 3"]
    assert_constant_queries(client, URL, small=2, large=7)


def test_get_a_version(world, api_client):
    r = rule(world, effective_from=date(2024, 1, 1).isoformat())
    resp = api_client.as_user(world.cam).get(f"{URL}/{r.public_id}")
    assert resp.status_code == 200 and resp.json()["percent"] == "10"
