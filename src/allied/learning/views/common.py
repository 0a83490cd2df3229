"""What the console and portal learning pages share: guards, error placement, file downloads, lesson text."""

import re
from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404

from allied.core.errors import NotFound, PermissionDenied
from allied.core.http import partner_required, vendor_perm_required
from allied.core.permissions import has_perm

FORBIDDEN = (PermissionDenied, NotFound)  # let the page guard answer these (403 / 404)

console_required = vendor_perm_required("learning.view")
manage_required = vendor_perm_required("learning.manage")  # pages that only edit: missing for readers


def learner_required(view):
    """Partner users who may take courses; the pages do not exist for anyone else (404)."""
    @partner_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_perm(request.user, "partner.learning"):
            raise Http404("Page not found")
        return view(request, *args, **kwargs)

    return wrapped


def team_required(view):
    """Partner admins: their team's progress."""
    @partner_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_perm(request.user, "partner.learning.team"):
            raise Http404("Page not found")
        return view(request, *args, **kwargs)

    return wrapped


def field_error(request, form, exc) -> None:
    """A service error next to the field it names (``questions[2].text`` -> ``questions``), else on top of the page."""
    field = re.split(r"[.\[]", exc.field or "")[0]
    if form is not None and field in form.fields:
        form.add_error(field, exc.message)
    elif form is not None and not field:
        form.add_error(None, exc.message)
    else:
        messages.error(request, exc.message)


def bound(request, action: str, name: str, form_class, **kwargs):
    """The form of ``name``, bound to the request only when it is the action being posted."""
    if action == name:
        return form_class(request.POST, request.FILES, prefix=name, **kwargs)
    return form_class(prefix=name, **kwargs)


def lesson_file_response(lesson) -> FileResponse:
    """A lesson's file as a download that a browser never renders in the site's origin."""
    if not lesson.file:
        raise NotFound("file")
    try:
        handle = lesson.file.open("rb")
    except FileNotFoundError:
        raise NotFound("file")
    response = FileResponse(handle, as_attachment=True, filename=lesson.file_name or lesson.file.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def paragraphs(text: str) -> list[str]:
    """Plain lesson text as paragraphs (a blank line starts a new one)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
