"""/api/v1/incentive-events and /incentive-periods/replay: intake from other systems, reading events, replay."""

import pytest
from django.utils import timezone

from allied.incentives.models import IncentiveEvent
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, walk

from ..factories import rule, won_deal

pytestmark = pytest.mark.django_db
URL = f"{API}/incentive-events"


@pytest.fixture
def invoice_rule(world):
    return rule(world, name="Recurring share", percent="5", triggers=["invoice_paid"], clawback_days=365)


def test_an_api_key_records_an_invoice_and_gets_its_accruals(world, api_client, invoice_rule):
    client = api_client.as_user(world.finance)
    deal = won_deal(world.a_sales, "10000", splits=[(world.partner_a, "sourcing", "75"), (world.partner_b, "influencing", "25")])

    resp = client.post(URL, {"kind": "invoice_paid", "external_ref": "INV-1001", "source": "erp", "deal": deal.public_id,
                             "amount": "4000.00", "currency": "USD", "occurred_at": "2025-06-01T10:00:00Z"})

    assert resp.status_code == 201, resp.content
    out = resp.json()
    assert (out["kind"], out["source"], out["external_ref"], out["amount"], out["deal"]["id"]) == (
        "invoice_paid", "erp", "INV-1001", "4000.00", deal.public_id)
    assert [(c["partner"]["id"], c["percent"], c["role"]) for c in out["credits"]] == [
        (world.partner_a.public_id, "75.00", "sourcing"), (world.partner_b.public_id, "25.00", "influencing")]
    assert sorted((a["partner"]["id"], a["amount"]) for a in out["accruals"]) == sorted([
        (world.partner_a.public_id, "150.00"), (world.partner_b.public_id, "50.00")])
    assert all(a["explanation"] for a in out["accruals"])


def test_a_retry_answers_200_with_the_first_event_and_other_values_409(world, api_client, invoice_rule):
    client = api_client.as_user(world.admin)
    data = {"kind": "invoice_paid", "external_ref": "INV-1", "partner": world.partner_a.public_id, "amount": "100", "currency": "USD"}

    first = client.post(URL, data)
    again = client.post(URL, data)
    other = client.post(URL, {**data, "amount": "200"})

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json()["id"] == first.json()["id"]
    assert error_fields(other) == ["external_ref"]
    assert IncentiveEvent.objects.count() == 1


def test_a_refund_claws_back(world, api_client, invoice_rule):
    client = api_client.as_user(world.finance)
    paid = client.post(URL, {"kind": "invoice_paid", "external_ref": "INV-2", "partner": world.partner_b.public_id,
                             "amount": "1000", "currency": "USD"}).json()

    resp = client.post(URL, {"kind": "refund", "external_ref": "CN-2", "refers_to": paid["id"], "amount": "400"})

    assert resp.status_code == 201, resp.content
    assert resp.json()["refers_to"] == paid["id"]
    assert [(a["amount"], a["clawback_of"]) for a in resp.json()["accruals"]] == [("-20.00", paid["accruals"][0]["id"])]


@pytest.mark.parametrize(("data", "status", "field"), [
    ({"kind": "invoice_paid", "external_ref": "x", "amount": 12.5, "currency": "USD", "partner": "A"}, 400, "amount"),
    ({"kind": "invoice_paid", "external_ref": "x", "amount": "1", "currency": "USD", "partner": "missing"}, 400, "partner"),
    ({"kind": "invoice_paid", "external_ref": "x", "amount": "1", "currency": "USD", "deal": "missing"}, 400, "deal"),
    ({"kind": "refund", "external_ref": "x", "amount": "1", "refers_to": "missing"}, 400, "refers_to"),
    ({"kind": "invoice_paid", "external_ref": "x", "amount": "1", "currency": "USD",
      "credits": [{"partner": "A", "percent": "50"}, {"partner": "missing", "percent": "50"}]}, 400, "credits[1].partner"),
    ({"kind": "invoice_paid", "external_ref": "x", "amount": "1", "currency": "USD",
      "credits": [{"partner": "A", "percent": "50"}, {"partner": "B", "percent": "40"}]}, 400, "credits"),
    ({"kind": "deal_won", "external_ref": "x"}, 422, "kind"),
    ({"kind": "invoice_paid"}, 422, "external_ref"),
])
def test_bad_events_name_the_field(world, api_client, data, status, field):
    def real(value):
        return {"A": world.partner_a.public_id, "B": world.partner_b.public_id}.get(value, missing_id("ptn") if value == "missing" else value)

    data = dict(data)
    if "partner" in data:
        data["partner"] = real(data["partner"])
    if "deal" in data:
        data["deal"] = missing_id("deal")
    if "refers_to" in data:
        data["refers_to"] = missing_id("iev")
    if "credits" in data:
        data["credits"] = [{**c, "partner": real(c["partner"])} for c in data["credits"]]

    resp = api_client.as_user(world.finance).post(URL, data)

    assert resp.status_code == status, resp.content
    assert error_fields(resp)[0] == field


def test_partners_and_other_roles(world, api_client):
    data = {"kind": "invoice_paid", "external_ref": "INV-9", "partner": world.partner_a.public_id, "amount": "1", "currency": "USD"}
    assert api_client.as_user(world.cam).post(URL, data).status_code == 403
    assert api_client.as_user(world.a_admin).post(URL, data).status_code == 404
    assert api_client.as_user(world.a_admin).get(URL).status_code == 404


def test_list_get_and_filters(world, api_client):
    rule(world)
    for user in (world.a_sales, world.b_sales, world.a_sales):
        won_deal(user, "1000")
    client = api_client.as_user(world.pmm)

    items = walk(client, URL, limit=2)
    assert len(items) == 3
    mine = client.get(f"{URL}?partner={world.partner_b.public_id}").json()["items"]
    assert len(mine) == 1 and mine[0]["credits"][0]["partner"]["id"] == world.partner_b.public_id
    assert client.get(f"{URL}?kind=refund").json()["items"] == []
    one = client.get(f"{URL}/{items[0]['id']}")
    assert one.status_code == 200 and one.json()["accruals"][0]["amount"] == "100.00"
    assert client.get(f"{URL}/{missing_id('iev')}").status_code == 404
    assert_constant_queries(client, URL, small=1, large=3)


def test_replay_api(world, api_client):
    rule(world)
    won_deal(world.a_sales, "1000")
    client = api_client.as_user(world.finance)
    today = timezone.localdate()
    resp = client.post(f"{API}/incentive-periods/replay", {"period_start": today.replace(day=1).isoformat(),
                                                          "period_end": today.isoformat()})

    assert resp.status_code == 200, resp.content
    assert (resp.json()["events"], resp.json()["changed"], resp.json()["net"]) == (1, 0, {})
    assert resp.json()["accruals"] == 1
    bad = client.post(f"{API}/incentive-periods/replay", {"period_start": today.isoformat(), "period_end": "2000-01-01"})
    assert (bad.status_code, error_fields(bad)) == (400, ["period_end"])
    assert api_client.as_user(world.cam).post(f"{API}/incentive-periods/replay", {
        "period_start": today.isoformat(), "period_end": today.isoformat()}).status_code == 403
