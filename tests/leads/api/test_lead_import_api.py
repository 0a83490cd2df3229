"""POST /api/v1/leads/import: many leads from one CSV file, all or none, routed together."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allied.leads.models import Lead, LeadOffer
from tests.api_helpers import error_fields

from .builders import URL

pytestmark = pytest.mark.django_db

IMPORT = f"{URL}/import"
HEADER = "Company,Website,Country,Contact,Email,Latitude,Longitude\n"
GOOD = ["Hooli,hooli.example,US,Gavin B,gavin@hooli.example,40.7,-74.0",
        "Pied Piper,piedpiper.example,US,Richard H,richard@piedpiper.example,40.8,-73.9"]


def csv_file(rows: list[str], header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile("leads.csv", (header + "".join(r + "\n" for r in rows)).encode(), content_type="text/csv")


def post(client, api_client, user, data):
    return client.post(IMPORT, data=data, **api_client.as_user(user).headers)


@pytest.mark.parametrize("role", ["admin", "cam"])
def test_a_good_file_is_imported_and_routed_in_batch(client, world, field, api_client, role):
    resp = post(client, api_client, getattr(world, role), {"file": csv_file(GOOD)})

    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["imported"] == 2
    assert [i["company_name"] for i in body["items"]] == ["Hooli", "Pied Piper"]
    assert {i["source"] for i in body["items"]} == {"csv"} and {i["status"] for i in body["items"]} == {"offered"}
    assert {o.mode for o in LeadOffer.objects.all()} == {"batch"}


def test_one_bad_row_imports_nothing_and_names_row_and_column(client, world, field, api_client):
    rows = [*GOOD, "Bad Co,bad.example,Narnia,Someone,someone@bad.example,,", "Worse Co,worse.example,US,Else,not-an-email,,"]

    resp = post(client, api_client, world.cam, {"file": csv_file(rows)})

    assert resp.status_code == 422, resp.content
    error = resp.json()["error"]
    assert error["code"] == "import_rejected" and error_fields(resp) == ["file", "file"]
    messages = [f["message"] for f in error["fields"]]
    assert messages[0].startswith("row 4, column 'Country'") and messages[1].startswith("row 5, column 'Email'")
    assert not Lead.objects.exists()


def test_a_missing_column_is_named(client, world, field, api_client):
    resp = post(client, api_client, world.cam, {"file": csv_file(["Hooli,US"], header="Company,Country\n")})

    assert resp.status_code == 422
    assert [f["message"] for f in resp.json()["error"]["fields"]] == ["missing column 'contact_name'", "missing column 'contact_email'"]


def test_no_file_names_the_field(client, world, field, api_client):
    resp = post(client, api_client, world.cam, {})

    assert resp.status_code == 400 and error_fields(resp) == ["file"]


@pytest.mark.parametrize("role", ["pmm", "a_admin", "a_sales"])
def test_others_may_not_import(client, world, field, api_client, role):
    resp = post(client, api_client, getattr(world, role), {"file": csv_file(GOOD)})

    assert resp.status_code == 403
    assert not Lead.objects.exists()
