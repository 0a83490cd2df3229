"""POST /api/v1/deals/import: many registrations from one CSV file, all or none."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allied.deals.models import DealRegistration
from tests.api_helpers import error_fields, missing_id

from .builders import URL, post_multipart

pytestmark = pytest.mark.django_db

IMPORT = f"{URL}/import"
CLOSE = (timezone.localdate() + timedelta(days=45)).isoformat()
HEADER = '"Account Name","Website","Billing Country","First Name","Last Name","Email","Amount","Close Date","Type"\n'


def csv_file(rows: list[str], header: str = HEADER, name: str = "export.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (header + "".join(r + "\n" for r in rows)).encode(encoding), content_type="text/csv")


GOOD = [
    f'"Contoso Inc.","https://contoso.example","US","Ana","Silva","ana@contoso.example","12,500.00","{CLOSE}","New Business"',
    f'"Fabrikam GmbH","fabrikam.example","Germany","Jonas","Weber","jonas@fabrikam.example","30000","{CLOSE}","New Business"',
    f'"Litware Ltd","litware.example","GB","Emma","Clark","emma@litware.example","9000","{CLOSE}",""',
]


@pytest.mark.parametrize("role", ["a_sales", "a_admin", "b_sales"])
def test_a_crm_export_registers_every_row(client, world, api_client, role):
    user = getattr(world, role)

    resp = post_multipart(client, api_client.as_user(user), IMPORT, {"file": csv_file(GOOD)})

    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["registered"] == 3
    assert [d["customer_name"] for d in body["items"]] == ["Contoso Inc.", "Fabrikam GmbH", "Litware Ltd"]
    first = body["items"][0]
    assert (first["amount"], first["contact_name"], first["country"], first["source"]) == ("12500.00", "Ana Silva", "US", "csv")
    assert body["items"][1]["country"] == "DE"  # CRM exports name the country
    assert {d["partner"]["id"] for d in body["items"]} == {user.partner.public_id}
    assert {d["status"] for d in body["items"]} == {"approved"}
    assert body["items"][0]["review_notes"] is None


@pytest.mark.parametrize("role", ["cam", "admin"])
def test_vendor_reviewers_import_for_a_named_partner(client, world, api_client, role):
    resp = post_multipart(client, api_client.as_user(getattr(world, role)), IMPORT,
                          {"file": csv_file(GOOD), "partner": world.partner_b.public_id})

    assert resp.status_code == 201, resp.content
    assert {d["partner"]["id"] for d in resp.json()["items"]} == {world.partner_b.public_id}


def test_vendor_must_name_the_partner(client, world, api_client):
    resp = post_multipart(client, api_client.as_user(world.cam), IMPORT, {"file": csv_file(GOOD)})

    assert resp.status_code == 400
    assert error_fields(resp) == ["partner"]


def test_one_bad_row_imports_nothing_and_names_row_and_column(client, world, api_client):
    rows = [GOOD[0], GOOD[1].replace('"Germany"', '"Narnia"'), GOOD[2].replace('"9000"', '"nine grand"')]

    resp = post_multipart(client, api_client.as_user(world.a_sales), IMPORT, {"file": csv_file(rows)})

    assert resp.status_code == 422, resp.content
    error = resp.json()["error"]
    assert error["code"] == "import_rejected"
    assert error_fields(resp) == ["file", "file"]
    messages = [f["message"] for f in error["fields"]]
    assert messages[0].startswith("row 3, column 'Billing Country'")
    assert messages[1].startswith("row 4, column 'Amount'")
    assert not DealRegistration.objects.exists()


def test_a_file_without_required_columns_is_refused(client, world, api_client):
    resp = post_multipart(client, api_client.as_user(world.a_sales), IMPORT,
                          {"file": csv_file(['"Contoso","US"'], header='"Account Name","Billing Country"\n')})

    assert resp.status_code == 422
    assert any("amount" in f["message"] for f in resp.json()["error"]["fields"])
    assert not DealRegistration.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(client, world, api_client):
    resp = post_multipart(client, api_client.as_user(world.a_sales), IMPORT,
                          {"file": csv_file(['"Société Générale","sg.example","FR","A","B","a@sg.example","1","2099-01-01",""'],
                                            encoding="utf-16")})
    assert resp.status_code == 422
    assert "UTF-8" in resp.json()["error"]["fields"][0]["message"]


def test_import_without_a_file_names_the_field(client, world, api_client):
    resp = post_multipart(client, api_client.as_user(world.a_sales), IMPORT, {})
    assert resp.status_code == 400
    assert error_fields(resp) == ["file"]


@pytest.mark.parametrize("role", ["a_marketing", "pmm", "finance"])
def test_roles_without_the_permission_are_refused(client, world, api_client, role):
    data = {"file": csv_file(GOOD)}
    if role in ("pmm", "finance"):
        data["partner"] = world.partner_a.public_id

    resp = post_multipart(client, api_client.as_user(getattr(world, role)), IMPORT, data)

    assert resp.status_code == 403
    assert not DealRegistration.objects.exists()


def test_a_partner_naming_another_partner_gets_the_answer_of_a_missing_one(client, world, api_client):
    api_client.as_user(world.b_sales)

    foreign = post_multipart(client, api_client, IMPORT, {"file": csv_file(GOOD), "partner": world.partner_a.public_id})
    missing = post_multipart(client, api_client, IMPORT, {"file": csv_file(GOOD), "partner": missing_id("ptn")})

    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    assert error_fields(foreign) == ["partner"]


def test_import_without_key_is_401(world, client):
    assert client.post(IMPORT, {"file": csv_file(GOOD)}).status_code == 401
