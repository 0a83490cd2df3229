"""Proof uploads: extension, content and size are all checked."""

import io
import zipfile

import pytest
from django.test import override_settings

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.funds import services
from tests.factories import png_bytes, upload
from tests.funds.factories import PDF, approved_request, pdf_upload

pytestmark = pytest.mark.django_db


def xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


@pytest.mark.parametrize("name,content", [
    ("invoice.pdf", PDF),
    ("booth.png", png_bytes()),
    ("booth.JPG", png_bytes(fmt="JPEG")),
    ("attendees.csv", b"name,email\nAda,ada@example.com\n"),
    ("leads.xlsx", xlsx_bytes()),
])
def test_valid_proofs(name, content):
    safe, content_type, raw = services.proof_validate(upload(content, name=name))
    assert safe == name and raw == content and content_type


@pytest.mark.parametrize("name,content,message", [
    ("invoice.exe", b"MZ....", "Upload a PDF"),
    ("invoice", PDF, "extension"),
    ("invoice.pdf", b"<html>not a pdf</html>", "not a valid .pdf"),
    ("photo.png", png_bytes(fmt="JPEG"), "not a valid .png"),
    ("photo.jpg", b"\xff\xd8\xff garbage", "not a valid .jpg"),
    ("list.csv", b"a,b\x00c", "not a valid .csv"),
    ("list.xlsx", b"PK\x03\x04 broken", "not a valid .xlsx"),
    ("empty.pdf", b"", "empty"),
])
def test_invalid_proofs(name, content, message):
    with pytest.raises(DomainError) as exc:
        services.proof_validate(upload(content, name=name))
    assert exc.value.field == "file" and message in exc.value.message


@override_settings(ALLIED_PROOF_MAX_BYTES=1024 * 1024)
def test_size_limit():
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(DomainError) as exc:
        services.proof_validate(upload(big, name="big.pdf"))
    assert "at most 1 MB" in exc.value.message


def test_proof_add(world):
    req = approved_request(world, "1000")
    c = services.claim_create(actor=world.a_marketing, request=req, spent="100", proofs=[("invoice", pdf_upload())])
    row = services.proof_add(actor=world.a_admin, claim=c, kind="photo", upload=upload(png_bytes(), name="../../etc/x.png"))
    assert row.original_name == "x.png" and row.file.name == f"claims/{row.public_id}.png" and row.size > 0
    assert row.file.read() == png_bytes()
    with pytest.raises(PermissionDenied):
        services.proof_add(actor=world.b_admin, claim=c, kind="photo", upload=pdf_upload())
    with pytest.raises(DomainError) as exc:
        services.proof_add(actor=world.a_admin, claim=c, kind="selfie", upload=pdf_upload())
    assert exc.value.field == "kind"
    services.claim_approve(actor=world.pmm, claim=c)
    with pytest.raises(Conflict):
        services.proof_add(actor=world.a_admin, claim=c, kind="invoice", upload=pdf_upload())
