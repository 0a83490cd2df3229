"""What both sides' MDF pages share."""

from django.contrib import messages
from django.http import FileResponse

from allied.core.errors import NotFound, PermissionDenied

FORBIDDEN = (PermissionDenied, NotFound)  # let the page guard answer these (403 / 404)


def proof_response(row) -> FileResponse:
    """A proof as a download that a browser never renders in the site's origin."""
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.original_name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def field_error(request, form, exc, *, aliases: dict | None = None) -> None:
    """A service error next to the field it names (``aliases`` maps service names to form names), else on top of the page."""
    field = exc.field or ""
    field = (aliases or {}).get(field.split("[")[0], field)
    if field in form.fields:
        form.add_error(field, exc.message)
    else:
        messages.error(request, exc.message)


def bound(request, action: str, name: str, form_class, **kwargs):
    """The form of ``name``, bound to the request only when it is the action being posted."""
    if action == name:
        return form_class(request.POST, request.FILES, prefix=name, **kwargs)
    return form_class(prefix=name, **kwargs)
