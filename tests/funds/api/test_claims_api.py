"""/api/v1/fund-requests/{id}/claims, /claims and /claims/{id}/proofs (multipart uploads, downloads)."""

import pytest
from django.test import Client

from allied.funds.models import FundClaim
from tests.api_helpers import API, assert_constant_queries, error_fields
from tests.factories import png_bytes, upload
from tests.funds.factories import PDF, approved_request, pdf_upload

pytestmark = pytest.mark.django_db


def multipart(api_client, user, url, data):
    api_client.as_user(user)
    return Client().post(url, data=data, **api_client.headers)


def test_claim_with_proof_then_approve_and_download(world, api_client):
    req = approved_request(world, "1000")
    resp = multipart(api_client, world.a_marketing, f"{API}/fund-requests/{req.public_id}/claims",
                     {"spent": "750.00", "leads": "14", "pipeline": "52000", "note": "Two events", "file": [pdf_upload()],
                      "proof_kind": "invoice"})
    assert resp.status_code == 201, resp.content
    claim = resp.json()
    assert claim["id"].startswith("clm_") and claim["claimed"] == "750.00" and claim["status"] == "submitted" and claim["leads"] == 14
    url = f"{API}/claims/{claim['id']}"
    resp = multipart(api_client, world.a_admin, f"{url}/proofs", {"file": upload(png_bytes(), name="booth.png"), "kind": "photo"})
    assert resp.status_code == 201 and resp.json()["kind"] == "photo" and resp.json()["name"] == "booth.png"
    proofs = api_client.as_user(world.pmm).get(f"{url}/proofs").json()["items"]
    assert [p["kind"] for p in proofs] == ["invoice", "photo"]
    resp = api_client.as_user(world.pmm).get(f"{url}/proofs/{proofs[0]['id']}")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF
    assert resp["Content-Type"] == "application/pdf" and "attachment" in resp["Content-Disposition"]
    assert api_client.as_user(world.b_admin).get(f"{url}/proofs/{proofs[0]['id']}").status_code == 404
    resp = api_client.as_user(world.pmm).post(f"{url}/approve", {})
    assert resp.status_code == 200 and resp.json()["status"] == "approved" and resp.json()["approved_amount"] == "750.00"


@pytest.mark.parametrize("data,field", [
    ({"spent": "500"}, "file"),
    ({"spent": "500", "file": [upload(b"MZ", name="x.exe")]}, "file"),
    ({"spent": "500", "file": [upload(b"<html>", name="x.pdf")]}, "file"),
    ({"file": [pdf_upload()]}, "spent"),
    ({"spent": "1.001", "file": [pdf_upload()]}, "spent"),
    ({"spent": "10", "leads": "many", "file": [pdf_upload()]}, "leads"),
])
def test_bad_claim_names_the_field(world, api_client, data, field):
    req = approved_request(world, "1000")
    resp = multipart(api_client, world.a_marketing, f"{API}/fund-requests/{req.public_id}/claims", data)
    assert resp.status_code == 400, resp.content
    assert error_fields(resp) == [field]
    assert not FundClaim.objects.exists()


def test_claim_json_body_is_answered_with_the_missing_field(world, api_client):
    req = approved_request(world, "1000")
    resp = api_client.as_user(world.a_marketing).post(f"{API}/fund-requests/{req.public_id}/claims", {})
    assert resp.status_code == 400 and error_fields(resp) == ["spent"]


def test_reject_and_lists(world, api_client):
    req = approved_request(world, "1000")
    for _ in range(3):
        multipart(api_client, world.a_marketing, f"{API}/fund-requests/{req.public_id}/claims", {"spent": "100", "file": [pdf_upload()]})
    first = FundClaim.objects.order_by("pk").first()
    resp = api_client.as_user(world.cam).post(f"{API}/claims/{first.public_id}/reject", {"note": ""})
    assert resp.status_code == 400 and error_fields(resp) == ["note"]
    assert api_client.as_user(world.cam).post(f"{API}/claims/{first.public_id}/reject", {"note": "Wrong invoice"}).json()["status"] == "rejected"
    client = api_client.as_user(world.pmm)
    assert len(client.get(f"{API}/claims?status=submitted").json()["items"]) == 2
    assert len(client.get(f"{API}/fund-requests/{req.public_id}/claims").json()["items"]) == 3
    assert api_client.as_user(world.b_admin).get(f"{API}/claims").json()["items"] == []
    assert api_client.as_user(world.b_admin).get(f"{API}/claims/{first.public_id}").status_code == 404
    assert_constant_queries(api_client.as_user(world.pmm), f"{API}/claims", small=1, large=3)
    assert api_client.as_user(world.a_marketing).post(f"{API}/claims/{first.public_id}/approve", {}).status_code == 403
