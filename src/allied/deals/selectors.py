"""Every read about deal registrations, through the visibility scope.

A partner sees a deal when its organisation (or, for a distributor that may, a sub-partner) is on
the deal; conflict evidence and review notes are for the vendor only.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from allied.core.errors import NotFound
from allied.core.scope import is_vendor, visible_partner_ids

from .models import (
    OPEN,
    DealConflict,
    DealFile,
    DealNote,
    DealParticipant,
    DealRegistration,
    DealStatus,
    ExtensionRequest,
)

FILTERS = ("q", "status", "partner", "cam", "deal_type", "escalated", "expiring_days", "mine")


def _scoped(actor) -> QuerySet:
    qs = DealRegistration.objects.select_related("partner", "partner__cam", "registered_by")
    ids = visible_partner_ids(actor)
    if ids is None:
        return qs
    return qs.filter(pk__in=DealParticipant.objects.filter(partner_id__in=ids).values("deal_id"))


def deal_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = _scoped(actor)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(customer_name__icontains=q) | Q(domain__icontains=q.lower()) | Q(public_id=q))
    if v := filters.get("status"):
        qs = qs.filter(status__in=[s for s in str(v).split(",") if s])
    if v := filters.get("partner"):
        qs = qs.filter(partner__public_id=v)
    if v := filters.get("cam"):
        qs = qs.filter(partner__cam__public_id=v)
    if filters.get("mine") and is_vendor(actor):
        qs = qs.filter(partner__cam=actor)
    if v := filters.get("deal_type"):
        qs = qs.filter(deal_type=v)
    if filters.get("escalated"):
        qs = qs.filter(escalated_at__isnull=False, status=DealStatus.PENDING)
    if v := filters.get("expiring_days"):
        qs = qs.filter(status=DealStatus.APPROVED, protection_expires_at__lte=timezone.now() + timedelta(days=int(v)))
    return qs


def deal_get(*, actor, public_id: str) -> DealRegistration:
    deal = _scoped(actor).filter(public_id=public_id).first()
    if deal is None:
        raise NotFound("deal")
    return deal


def conflict_list(*, actor, deal: DealRegistration) -> QuerySet:
    if not is_vendor(actor):
        raise NotFound("deal")
    return DealConflict.objects.filter(deal=deal).select_related("other_deal", "other_deal__partner", "account", "opportunity")


def participant_list(*, actor, deal: DealRegistration) -> QuerySet:
    deal_get(actor=actor, public_id=deal.public_id)
    return DealParticipant.objects.filter(deal=deal).select_related("partner", "partner__tier")


def note_list(*, actor, deal: DealRegistration) -> QuerySet:
    deal_get(actor=actor, public_id=deal.public_id)
    return DealNote.objects.filter(deal=deal).select_related("author", "author__partner")


def file_list(*, actor, deal: DealRegistration) -> QuerySet:
    deal_get(actor=actor, public_id=deal.public_id)
    return DealFile.objects.filter(deal=deal).select_related("uploaded_by")


def file_get(*, actor, deal: DealRegistration, public_id: str) -> DealFile:
    row = file_list(actor=actor, deal=deal).filter(public_id=public_id).first()
    if row is None:
        raise NotFound("file")
    return row


def extension_list(*, actor, deal: DealRegistration) -> QuerySet:
    deal_get(actor=actor, public_id=deal.public_id)
    return ExtensionRequest.objects.filter(deal=deal).select_related("requested_by", "decided_by")


def extension_get(*, actor, deal: DealRegistration, public_id: str) -> ExtensionRequest:
    row = extension_list(actor=actor, deal=deal).filter(public_id=public_id).first()
    if row is None:
        raise NotFound("extension request")
    return row


def _by_currency(qs, field: str) -> list[tuple[str, Decimal]]:
    rows = qs.order_by().values("currency").annotate(v=Sum(field))
    return sorted(((r["currency"], r["v"] or Decimal("0")) for r in rows if r["v"]), key=lambda cv: (-cv[1], cv[0]))


def pipeline_summary(*, actor) -> dict:
    """Counts by status of the deals this user sees, open and won amounts per currency (never added across
    currencies), and how many approved registrations expire within 14 days."""
    qs = deal_list(actor=actor)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    by_status = [{"status": s, "label": label, "count": counts.get(s, 0)} for s, label in DealStatus.choices]
    soon = qs.filter(status=DealStatus.APPROVED, protection_expires_at__lte=timezone.now() + timedelta(days=14)).count()
    return {"by_status": by_status, "expiring_soon": soon, "open_amounts": _by_currency(qs.filter(status__in=OPEN), "amount"),
            "won_amounts": _by_currency(qs.filter(status=DealStatus.WON), "won_amount")}


def review_queue_counts(*, actor) -> dict:
    qs = deal_list(actor=actor)
    return {
        "pending": qs.filter(status=DealStatus.PENDING).count(),
        "escalated": qs.filter(status=DealStatus.PENDING, escalated_at__isnull=False).count(),
        "extensions": ExtensionRequest.objects.filter(deal__in=qs, status="pending").count(),
    }
