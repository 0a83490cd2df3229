"""Serving an asset file: always as an attachment that a browser never renders in the site's origin."""

from django.http import FileResponse


def version_response(row) -> FileResponse:
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.original_name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
