"""GET/POST /api/v1/deals/{id}/notes and /files, GET /files/{file_id}: the deal room."""

import pytest

from allied.deals.models import DealFile, DealNote
from allied.deals.services import room
from tests.api_helpers import error_fields, missing_id, walk

from .builders import PDF, URL, download, post_multipart, registered, upload

pytestmark = pytest.mark.django_db


def notes(deal) -> str:
    return f"{URL}/{deal.public_id}/notes"


def files(deal) -> str:
    return f"{URL}/{deal.public_id}/files"


# --- notes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["a_sales", "a_marketing", "cam", "pmm"])
def test_parties_write_and_read_notes(world, api_client, role):
    deal = registered(world.a_sales)
    user = getattr(world, role)
    client = api_client.as_user(user)

    resp = client.post(notes(deal), {"body": "  Call booked for Tuesday  "})

    assert resp.status_code == 201, resp.content
    note = resp.json()
    assert note["id"].startswith("note_") and note["body"] == "Call booked for Tuesday"
    assert note["author"] == {"id": user.public_id, "name": user.full_name}
    assert client.get(notes(deal)).json()["items"] == [note]


def test_notes_come_oldest_first_page_by_page(world, api_client):
    deal = registered(world.a_sales)
    client = api_client.as_user(world.a_sales)
    for i in range(7):
        client.post(notes(deal), {"body": f"note {i}"})

    items = walk(client, notes(deal), limit=3)

    assert [n["body"] for n in items] == [f"note {i}" for i in range(7)]


@pytest.mark.parametrize(("data", "status"), [({"body": "   "}, 400), ({"body": "x" * 10_001}, 400), ({}, 422)])
def test_bad_note_names_the_body(world, api_client, data, status):
    deal = registered(world.a_sales)

    resp = api_client.as_user(world.a_sales).post(notes(deal), data)

    assert resp.status_code == status
    assert error_fields(resp) == ["body"]
    assert not DealNote.objects.exists()


def test_a_distributor_reads_but_cannot_write_in_its_sub_partners_room(world, api_client):
    deal = registered(world.a1_admin)
    client = api_client.as_user(world.a_sales)

    assert client.get(notes(deal)).status_code == 200
    assert client.post(notes(deal), {"body": "hello"}).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_notes_of_another_partners_or_a_missing_deal_are_404(world, api_client, method):
    deal = registered(world.a_sales)
    client = api_client.as_user(world.b_sales)

    foreign = getattr(client, method)(notes(deal), **({"data": {"body": "x"}} if method == "post" else {}))
    missing = getattr(client, method)(f"{URL}/{missing_id('deal')}/notes", **({"data": {"body": "x"}} if method == "post" else {}))

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["a_sales", "a_admin", "cam", "finance"])
def test_parties_upload_and_download_files(client, world, api_client, role):
    deal = registered(world.a_sales)
    api_client.as_user(getattr(world, role))

    resp = post_multipart(client, api_client, files(deal), {"file": upload(name="Q3 proposal.pdf")})

    assert resp.status_code == 201, resp.content
    meta = resp.json()
    assert meta["id"].startswith("dfile_")
    assert (meta["name"], meta["size"], meta["content_type"]) == ("Q3 proposal.pdf", len(PDF), "application/pdf")
    assert api_client.get(files(deal)).json()["items"] == [meta]

    got = api_client.get(f"{files(deal)}/{meta['id']}")

    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;") and "Q3 proposal.pdf" in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"
    assert download(got) == PDF


def test_text_files_are_served_as_attachments_not_pages(client, world, api_client):
    deal = registered(world.a_sales)
    api_client.as_user(world.a_sales)
    meta = post_multipart(client, api_client, files(deal),
                          {"file": upload(b"<script>alert(1)</script>", "notes.txt", "text/html")}).json()

    got = api_client.get(f"{files(deal)}/{meta['id']}")

    assert meta["content_type"] != "text/html"  # the browser's claim is not kept for a .txt
    assert got["Content-Type"] == meta["content_type"]
    assert got["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(("file", "message"), [
    (upload(b"MZ\x90\x00", "tool.exe", "application/octet-stream"), "Upload one of"),
    (upload(b"not a pdf", "fake.pdf"), "not a valid .pdf"),
    (upload(b"", "empty.txt", "text/plain"), "empty"),
    (upload(b"PK\x03\x04\x00\x00", "noext", "application/zip"), "extension"),
    (upload(b"a\x00b", "binary.csv", "text/csv"), "not a text"),
    (upload(PDF + b"0" * room.MAX_FILE_BYTES, "big.pdf"), "10 MB"),
])
def test_file_type_and_size_are_checked(client, world, api_client, file, message):
    deal = registered(world.a_sales)

    resp = post_multipart(client, api_client.as_user(world.a_sales), files(deal), {"file": file})

    assert resp.status_code == 400, resp.content
    assert error_fields(resp) == ["file"]
    assert message in resp.json()["error"]["message"]
    assert not DealFile.objects.exists()


def test_upload_without_a_file_names_the_field(client, world, api_client):
    deal = registered(world.a_sales)

    resp = post_multipart(client, api_client.as_user(world.a_sales), files(deal), {"other": "x"})

    assert resp.status_code == 400
    assert error_fields(resp) == ["file"]


def test_a_distributor_cannot_upload_to_its_sub_partners_room(client, world, api_client):
    deal = registered(world.a1_admin)
    resp = post_multipart(client, api_client.as_user(world.a_admin), files(deal), {"file": upload()})
    assert resp.status_code == 403


def test_files_of_another_partners_or_a_missing_deal_are_404(client, world, api_client):
    deal = registered(world.a_sales)
    meta = post_multipart(client, api_client.as_user(world.a_sales), files(deal), {"file": upload()}).json()
    b = api_client.as_user(world.b_sales)
    missing = b.get(f"{URL}/{missing_id('deal')}/files")

    for resp in (b.get(files(deal)), b.get(f"{files(deal)}/{meta['id']}"),
                 post_multipart(client, b, files(deal), {"file": upload()}),
                 post_multipart(client, b, f"{URL}/{missing_id('deal')}/files", {"file": upload()})):
        assert resp.status_code == 404
        assert resp.json() == missing.json()
    assert DealFile.objects.count() == 1


def test_a_file_is_reached_only_through_its_own_deal(client, world, api_client):
    mine = registered(world.a_sales, "Contoso")
    other = registered(world.a_sales, "Fabrikam")
    client_a = api_client.as_user(world.a_sales)
    meta = post_multipart(client, client_a, files(other), {"file": upload()}).json()

    assert client_a.get(f"{files(mine)}/{meta['id']}").status_code == 404
    assert client_a.get(f"{files(mine)}/{missing_id('dfile')}").status_code == 404
