"""/api/v1/direct-opportunities driven as an API client would."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allied.customers.models import DirectOpportunity
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id

from ..factories import account_make, fixture_bytes, opportunity_make

URL = f"{API}/direct-opportunities"


@pytest.fixture
def opps(world):
    acme = account_make("Acme Corporation", external_id="0015g00000A1bCdAAJ")
    globex = account_make("Globex", website="https://globex.example")
    return {"acme": acme, "globex": globex, "renewal": opportunity_make(acme, "Acme renewal", stage="Proposal"),
            "lost": opportunity_make(globex, "Globex pilot", status="lost")}


def test_list_and_filters(world, api_client, opps):
    client = api_client.as_user(world.pmm)
    body = client.get(URL).json()
    assert [o["name"] for o in body["items"]] == ["Acme renewal", "Globex pilot"]
    assert body["items"][0]["id"].startswith("opp_") and body["items"][0]["amount"] == "1000.00"
    assert [o["name"] for o in client.get(f"{URL}?status=lost").json()["items"]] == ["Globex pilot"]
    assert [o["name"] for o in client.get(f"{URL}?account={opps['acme'].public_id}").json()["items"]] == ["Acme renewal"]


def test_list_filter_by_unknown_account_names_the_field(world, api_client, opps):
    resp = api_client.as_user(world.pmm).get(f"{URL}?account={missing_id('acct')}")
    assert resp.status_code == 400 and error_fields(resp) == ["account"]


def test_list_has_no_n_plus_one(world, api_client, opps):
    for i in range(25):
        opportunity_make(account_make(f"A{i}", website=f"https://a{i}.example"), f"Deal {i}")
    assert_constant_queries(api_client.as_user(world.admin), URL, small=2, large=25)


def test_partner_users_get_404_everywhere(world, api_client, opps):
    for user in (world.a_admin, world.b_sales):
        client = api_client.as_user(user)
        assert client.get(URL).status_code == 404
        assert client.get(f"{URL}/{opps['renewal'].public_id}").json() == client.get(f"{URL}/{missing_id('opp')}").json()
        assert client.post(URL, {"account": opps["acme"].public_id, "name": "X"}).status_code == 404
        assert client.delete(f"{URL}/{opps['renewal'].public_id}").status_code == 404
    assert DirectOpportunity.objects.count() == 2


def test_create_get_patch_delete(world, api_client, opps):
    client = api_client.as_user(world.cam)
    resp = client.post(URL, {"account": opps["globex"].public_id, "name": "Globex expansion", "amount": "12500.50",
                             "currency": "eur", "stage": "Negotiation", "close_date": "2026-06-30", "external_id": "OPP-9"})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["amount"], body["currency"], body["status"], body["account"]["id"]) == ("12500.50", "EUR", "open",
                                                                                        opps["globex"].public_id)
    url = f"{URL}/{body['id']}"
    assert client.get(url).json()["external_id"] == "OPP-9"

    resp = client.patch(url, {"stage": "Closed Won", "close_date": None})
    assert resp.status_code == 200 and (resp.json()["status"], resp.json()["close_date"]) == ("won", None)
    resp = client.patch(url, {"account": opps["acme"].public_id})
    assert resp.json()["account"]["id"] == opps["acme"].public_id

    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"name": "X", "account": "acct_0000000000000000"}, 400, "account"),
    ({"name": "X", "amount": "-1"}, 400, "amount"),
    ({"name": "X", "amount": "lots"}, 422, "amount"),
    ({"name": "X", "currency": "dollars"}, 400, "currency"),
    ({"name": "X", "status": "maybe"}, 400, "status"),
    ({"name": ""}, 400, "name"),
])
def test_create_refuses_bad_input(world, api_client, opps, payload, status, field):
    payload.setdefault("account", opps["acme"].public_id)
    resp = api_client.as_user(world.admin).post(URL, payload)
    assert resp.status_code == status, resp.content
    assert field in error_fields(resp)


def test_patch_refuses_null_account(world, api_client, opps):
    resp = api_client.as_user(world.admin).patch(f"{URL}/{opps['renewal'].public_id}", {"account": None})
    assert resp.status_code == 400 and error_fields(resp) == ["account"]


def test_finance_reads_but_does_not_write(world, api_client, opps):
    client = api_client.as_user(world.finance)
    assert client.get(f"{URL}/{opps['renewal'].public_id}").status_code == 200
    assert client.patch(f"{URL}/{opps['renewal'].public_id}", {"name": "X"}).status_code == 403


def _upload(client, api_client, name: str):
    data = {"file": SimpleUploadedFile(name, fixture_bytes(name), content_type="text/csv")}
    return client.post(f"{URL}/import", data=data, **api_client.headers)


def test_import_salesforce_opportunities(world, api_client, client, opps):
    account_make("Globex GmbH", website="https://globex-gmbh.example", external_id="0015g00000A1bCeAAJ")
    account_make("Initech", website="https://initech.example", external_id="0015g00000A1bCfAAJ")
    api_client.as_user(world.admin)
    resp = _upload(client, api_client, "salesforce_opportunities.csv")
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"kind": "opportunities", "format": "salesforce", "rows": 4, "created": 4, "updated": 0, "unchanged": 0}


def test_import_bad_amounts(world, api_client, client, opps):
    api_client.as_user(world.admin)
    resp = _upload(client, api_client, "bad_amount.csv")
    assert resp.status_code == 400
    assert [(p["row"], p["column"]) for p in resp.json()["error"]["problems"]] == [(3, "Amount"), (4, "Amount"), (5, "Amount")]
