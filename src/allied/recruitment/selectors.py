from django.db.models import QuerySet

from allied.core.errors import NotFound
from allied.core.scope import is_vendor

from .models import Application, ApplicationStatus


def application_list(*, actor, status: str | None = None, q: str = "") -> QuerySet:
    """Applications are vendor-only: a partner user sees none."""
    if not is_vendor(actor):
        return Application.objects.none()
    qs = Application.objects.select_related("partner_type", "duplicate_of", "partner")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(company_name__icontains=q)
    return qs.order_by("-submitted_at", "-id")


def application_get(*, actor, public_id: str) -> Application:
    app = application_list(actor=actor).filter(public_id=public_id).first()
    if app is None:
        raise NotFound("application")
    return app


def pipeline(*, actor) -> dict[str, list[Application]]:
    """The board: each column's applications, best fit first (closed columns show the latest 25)."""
    qs = application_list(actor=actor)
    board = {}
    for status in ApplicationStatus:
        col = qs.filter(status=status).order_by("-fit_score", "-submitted_at")
        if status in (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED):
            col = qs.filter(status=status).order_by("-decided_at", "-id")
        board[status] = list(col[:25])
    return board
