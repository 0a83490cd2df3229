"""/api/v1/accounts driven as an API client would: list, create, get, patch, delete, import, opportunities."""

import pytest

from allied.customers.models import CustomerAccount
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, walk

from ..factories import account_make, fixture_bytes, opportunity_make

URL = f"{API}/accounts"


def ids(resp) -> set[str]:
    return {a["id"] for a in resp.json()["items"]}


@pytest.fixture
def accounts(world):
    acme = account_make("Acme Corporation", external_id="001A", is_customer=True, owner=world.cam,
                        incumbent_partner=world.partner_b, segment="enterprise")
    globex = account_make("Globex GmbH", website="https://globex.example", country="DE", is_named_direct=True)
    opportunity_make(acme, "Renewal", external_id="006A")
    return {"acme": acme, "globex": globex}


# --- list and get -----------------------------------------------------------------------------


def test_vendor_lists_accounts_with_public_ids_only(world, api_client, accounts):
    resp = api_client.as_user(world.finance).get(URL)

    assert resp.status_code == 200
    body = resp.json()
    assert [a["name"] for a in body["items"]] == ["Acme Corporation", "Globex GmbH"]
    acme = body["items"][0]
    assert acme["id"] == accounts["acme"].public_id and acme["id"].startswith("acct_")
    assert acme["owner"] == {"id": world.cam.public_id, "name": world.cam.full_name}
    assert acme["incumbent_partner"] == {"id": world.partner_b.public_id, "name": "Bravo Systems"}
    assert (acme["domain"], acme["country"], acme["segment"], acme["open_opportunities"]) == ("acme.example", "US", "enterprise", 1)
    assert "pk" not in acme and not any(isinstance(v, int) and k.endswith("_id") for k, v in acme.items())


@pytest.mark.parametrize(("query", "expected"), [
    ("q=globex", {"globex"}), ("is_customer=true", {"acme"}), ("is_named_direct=true", {"globex"}),
    ("country=DE", {"globex"}), ("segment=enterprise", {"acme"}), ("q=001A", {"acme"}),
])
def test_list_filters(world, api_client, accounts, query, expected):
    resp = api_client.as_user(world.cam).get(f"{URL}?{query}")
    assert ids(resp) == {accounts[k].public_id for k in expected}


def test_list_filters_by_owner(world, api_client, accounts):
    assert ids(api_client.as_user(world.cam).get(f"{URL}?owner={world.cam.public_id}")) == {accounts["acme"].public_id}


def test_list_walks_every_page_and_has_no_n_plus_one(world, api_client):
    for i in range(23):
        opportunity_make(account_make(f"Account {i:02d}", website=f"https://a{i}.example", owner=world.cam))
    api_client.as_user(world.admin)
    items = walk(api_client, URL, limit=5)
    assert {a["id"] for a in items} == set(CustomerAccount.objects.values_list("public_id", flat=True))
    assert_constant_queries(api_client, URL, small=2, large=20)


def test_partner_users_get_404_for_the_list(world, api_client, accounts):
    for user in world.partner_users:
        resp = api_client.as_user(user).get(URL)
        assert resp.status_code == 404
        assert resp.json()["error"]["code"] == "not_found"


def test_get_one(world, api_client, accounts):
    resp = api_client.as_user(world.pmm).get(f"{URL}/{accounts['globex'].public_id}")
    assert resp.status_code == 200
    assert resp.json()["is_named_direct"] is True and resp.json()["open_opportunities"] == 0


def test_get_missing_and_as_partner_answer_alike(world, api_client, accounts):
    missing = api_client.as_user(world.b_admin).get(f"{URL}/{missing_id('acct')}")
    real = api_client.as_user(world.b_admin).get(f"{URL}/{accounts['acme'].public_id}")
    assert missing.status_code == real.status_code == 404
    assert missing.json() == real.json()


# --- create, patch, delete --------------------------------------------------------------------


def test_create(world, api_client):
    resp = api_client.as_user(world.cam).post(URL, {
        "name": "Contoso Ltd", "website": "contoso.example", "country": "GBR", "segment": "smb", "owner": world.admin.public_id,
        "incumbent_partner": world.partner_a.public_id, "is_customer": True, "customer_since": "2024-02-01",
        "external_id": "HS-1",
    })
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["country"], body["domain"], body["source"], body["open_opportunities"]) == ("GB", "contoso.example", "api", 0)
    assert body["owner"]["id"] == world.admin.public_id and body["customer_since"] == "2024-02-01"
    assert CustomerAccount.objects.get(public_id=body["id"]).incumbent_partner == world.partner_a


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"name": "A", "country": "Atlantis"}, 400, "country"),
    ({"name": ""}, 400, "name"),
    ({"name": "A", "owner": "usr_0000000000000000"}, 400, "owner"),
    ({"name": "A", "incumbent_partner": "ptn_0000000000000000"}, 400, "incumbent_partner"),
    ({"name": "A", "customer_since": "31/01/2024"}, 422, "customer_since"),
    ({"website": "x.example"}, 422, "name"),
])
def test_create_refuses_bad_input_naming_the_field(world, api_client, payload, status, field):
    resp = api_client.as_user(world.admin).post(URL, payload)
    assert resp.status_code == status, resp.content
    assert field in error_fields(resp)
    assert not CustomerAccount.objects.exists()


def test_create_owner_must_be_a_vendor_user(world, api_client):
    resp = api_client.as_user(world.admin).post(URL, {"name": "A", "owner": world.a_admin.public_id})
    assert resp.status_code == 400 and error_fields(resp) == ["owner"]


def test_duplicate_external_id_is_a_conflict(world, api_client, accounts):
    resp = api_client.as_user(world.admin).post(URL, {"name": "Other", "external_id": "001A"})
    assert resp.status_code == 409 and error_fields(resp) == ["external_id"]


def test_pmm_and_finance_may_read_but_not_write(world, api_client, accounts):
    for user in (world.pmm, world.finance):
        client = api_client.as_user(user)
        assert client.post(URL, {"name": "A"}).status_code == 403
        assert client.patch(f"{URL}/{accounts['acme'].public_id}", {"name": "B"}).status_code == 403
        assert client.delete(f"{URL}/{accounts['acme'].public_id}").status_code == 403


def test_partner_users_cannot_create(world, api_client):
    resp = api_client.as_user(world.a_admin).post(URL, {"name": "Sneaky", "owner": world.cam.public_id})
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    assert not CustomerAccount.objects.exists()


def test_patch_changes_only_what_is_sent_and_null_clears_owner(world, api_client, accounts):
    acme = accounts["acme"]
    resp = api_client.as_user(world.cam).patch(f"{URL}/{acme.public_id}", {"country": "France", "owner": None})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["country"], body["owner"], body["name"], body["segment"]) == ("FR", None, "Acme Corporation", "enterprise")


def test_patch_refuses_null_for_required_fields(world, api_client, accounts):
    resp = api_client.as_user(world.cam).patch(f"{URL}/{accounts['acme'].public_id}", {"name": None})
    assert resp.status_code == 400 and error_fields(resp) == ["name"]


def test_delete(world, api_client, accounts):
    resp = api_client.as_user(world.admin).delete(f"{URL}/{accounts['acme'].public_id}")
    assert resp.status_code == 204 and resp.content == b""
    assert api_client.get(f"{URL}/{accounts['acme'].public_id}").status_code == 404


# --- opportunities of one account -------------------------------------------------------------


def test_an_accounts_opportunities(world, api_client, accounts):
    opportunity_make(accounts["globex"], "Globex deal")
    resp = api_client.as_user(world.cam).get(f"{URL}/{accounts['acme'].public_id}/opportunities")
    assert resp.status_code == 200
    assert [o["name"] for o in resp.json()["items"]] == ["Renewal"]
    assert resp.json()["items"][0]["account"] == {"id": accounts["acme"].public_id, "name": "Acme Corporation"}
    assert resp.json()["items"][0]["amount"] == "1000.00"


# --- import -----------------------------------------------------------------------------------


def _upload(api_client, name: str, content: bytes | None = None, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(name, fixture_bytes(name) if content is None else content, content_type="text/csv"), **fields}
    return api_client.client.post(f"{URL}/import", data=data, **api_client.headers)


@pytest.fixture
def uploader(api_client, client):
    api_client.client = client
    return api_client


def test_import_hubspot_companies(world, uploader):
    uploader.as_user(world.admin)
    resp = _upload(uploader, "hubspot_companies.csv")
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"kind": "accounts", "format": "hubspot", "rows": 4, "created": 4, "updated": 0, "unchanged": 0}
    again = _upload(uploader, "hubspot_companies.csv")
    assert again.json()["unchanged"] == 4


def test_import_a_bad_file_lists_every_problem_and_imports_nothing(world, uploader):
    uploader.as_user(world.cam)
    resp = _upload(uploader, "bad_country.csv")
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "import_rejected" and error["fields"][0]["field"] == "file"
    assert error["problem_count"] == 2
    assert [(p["row"], p["column"]) for p in error["problems"]] == [(3, "Billing Country"), (4, "Billing Country")]
    assert 'row 3, column "Billing Country": "Atlantis" is not a country' in error["message"]
    assert not CustomerAccount.objects.exists()


def test_import_with_the_date_order_named(world, uploader):
    uploader.as_user(world.admin)
    assert _upload(uploader, "bad_ambiguous_date.csv").status_code == 400
    resp = _upload(uploader, "bad_ambiguous_date.csv", date_order="mdy", format="salesforce")
    assert resp.status_code == 200 and resp.json()["created"] == 3


def test_import_without_a_file(world, api_client):
    resp = api_client.as_user(world.admin).post(f"{URL}/import")
    assert resp.status_code == 400 and error_fields(resp) == ["file"]


def test_import_as_partner_or_finance(world, uploader):
    uploader.as_user(world.a_admin)
    assert _upload(uploader, "hubspot_companies.csv").status_code == 404
    uploader.as_user(world.finance)
    assert _upload(uploader, "hubspot_companies.csv").status_code == 403
    assert not CustomerAccount.objects.exists()
