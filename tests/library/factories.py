"""Builders for the library tests, going through the real services."""

from django.core.files.uploadedfile import SimpleUploadedFile

from allied.library import services
from allied.library.models import Asset

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def pdf_upload(name: str = "battlecard.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def asset(actor, *, title: str = "Competitive battlecard", kind: str = "battlecard", publish: bool = True, video_url: str = "",
          upload=None, with_version: bool = True, **data) -> Asset:
    """An asset (published by default) with one version: a small PDF, or ``video_url``."""
    row = services.asset_create(actor=actor, data={"title": title, "kind": kind, **data})
    if with_version:
        services.version_add(actor=actor, asset=row, upload=None if video_url else (upload or pdf_upload()), video_url=video_url,
                             notes="First version")
    if publish:
        row = services.asset_publish(actor=actor, asset=row)
    row.refresh_from_db()
    return row
