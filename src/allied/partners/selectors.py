"""Every read about partners goes through the visibility scope."""

from django.db.models import Count, Q, QuerySet

from allied.core.audit import AuditEvent
from allied.core.scope import is_vendor, scope_queryset, scoped_get, visible_partner_ids

from .models import Partner, PartnerStatus

FILTERS = ("q", "partner_type", "tier", "status", "region", "cam", "specialty")


def partner_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = scope_queryset(Partner.objects.select_related("tier", "partner_type", "cam", "parent"), actor, partner_field="self")
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(domain__icontains=q) | Q(public_id=q))
    if v := filters.get("partner_type"):
        qs = qs.filter(partner_type__code=v)
    if v := filters.get("tier"):
        qs = qs.filter(Q(tier__public_id=v) | Q(tier__name__iexact=v))
    if v := filters.get("status"):
        qs = qs.filter(status=v)
    if v := filters.get("region"):
        qs = qs.filter(region=v)
    if v := filters.get("cam"):
        qs = qs.filter(cam__public_id=v)
    if v := filters.get("specialty"):
        qs = qs.filter(specialties__icontains=v)
    return qs.order_by("name", "id")


def partner_get(*, actor, public_id: str) -> Partner:
    return scoped_get(Partner.objects.select_related("tier", "partner_type", "cam", "parent"), actor,
                      what="partner", partner_field="self", public_id=public_id)


def locator_search(*, filters: dict | None = None, public: bool) -> QuerySet:
    """Partner locator: listed, active partners. Public search shows only what a profile publishes."""
    filters = filters or {}
    qs = Partner.objects.select_related("tier", "partner_type").filter(status=PartnerStatus.ACTIVE)
    if public:
        qs = qs.filter(listed_in_locator=True)
    if v := filters.get("region"):
        qs = qs.filter(Q(region=v) | Q(regions_served__icontains=v))
    if v := (filters.get("specialty") or "").strip().lower():
        qs = qs.filter(specialties__icontains=v)
    if v := filters.get("partner_type"):
        qs = qs.filter(partner_type__code=v)
    if v := filters.get("tier"):
        qs = qs.filter(tier__name__iexact=v)
    if v := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=v) | Q(description__icontains=v))
    return qs.order_by("-tier__rank", "name")


def partner_counts(*, actor) -> dict:
    """Partners by tier, type and status for the console home charts."""
    qs = scope_queryset(Partner.objects.all(), actor, partner_field="self")
    by = lambda field, label: list(  # noqa: E731
        qs.values(label).annotate(n=Count("id")).order_by(label)
    )
    return {
        "by_tier": [(r["tier__name"], r["n"]) for r in qs.values("tier__name", "tier__rank").annotate(n=Count("id")).order_by("tier__rank")],
        "by_type": [(r["partner_type__name"], r["n"]) for r in by("partner_type", "partner_type__name")],
        "by_status": [(PartnerStatus(r["status"]).label, r["n"]) for r in by("status", "status")],
        "total": qs.count(),
    }


def audit_list(*, actor, partner: Partner | None = None) -> QuerySet:
    """Audit trail: vendors see everything; a partner's page shows events about that partner."""
    qs = AuditEvent.objects.all()
    if partner is not None:
        ids = visible_partner_ids(actor)
        if ids is not None and partner.pk not in ids:
            return qs.none()
        return qs.filter(partner_id=partner.pk)
    if not is_vendor(actor):
        return qs.none()
    return qs
