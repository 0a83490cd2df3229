"""Every read about leads. A partner sees only the leads it holds now — never leads routed to others,
not even ones it once declined; offers and their explanations are for the vendor."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from allied.core.errors import NotFound
from allied.core.scope import is_vendor, scope_queryset

from .models import Lead, LeadOffer, OfferOutcome, PartnerLeadSettings

FILTERS = ("q", "status", "partner", "source", "breached")


def lead_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = scope_queryset(Lead.objects.select_related("partner", "partner__tier"), actor)
    if not is_vendor(actor):
        qs = qs.filter(partner__isnull=False)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(company_name__icontains=q) | Q(domain__icontains=q.lower()) | Q(contact_email__icontains=q) | Q(public_id=q))
    if v := filters.get("status"):
        qs = qs.filter(status__in=[s for s in str(v).split(",") if s])
    if v := filters.get("partner"):
        qs = qs.filter(partner__public_id=v)
    if v := filters.get("source"):
        qs = qs.filter(source=v)
    if filters.get("breached"):
        qs = qs.filter(offers__outcome=OfferOutcome.TIMED_OUT).distinct()
    return qs


def lead_get(*, actor, public_id: str) -> Lead:
    lead = lead_list(actor=actor).filter(public_id=public_id).first()
    if lead is None:
        raise NotFound("lead")
    return lead


def offer_list(*, actor, lead: Lead) -> QuerySet:
    """The routing history with explanations: vendor only."""
    if not is_vendor(actor):
        raise NotFound("lead")
    return LeadOffer.objects.filter(lead=lead).select_related("partner", "decided_by")


def current_offer(*, actor, lead: Lead) -> LeadOffer | None:
    """The pending offer of a lead the actor holds (its deadline), or None."""
    lead_get(actor=actor, public_id=lead.public_id)
    return lead.offers.filter(outcome=OfferOutcome.PENDING, partner_id=lead.partner_id).first()


def partner_lead_stats(*, actor) -> list[dict]:
    """Per partner: offers, accepted, declined, timed out, converted — acceptance and conversion rates for the console."""
    if not is_vendor(actor):
        raise NotFound("lead statistics")
    rows = LeadOffer.objects.order_by().values("partner_id", "partner__public_id", "partner__name").annotate(
        offers=Count("id"), accepted=Count("id", filter=Q(outcome=OfferOutcome.ACCEPTED)),
        declined=Count("id", filter=Q(outcome=OfferOutcome.DECLINED)), timed_out=Count("id", filter=Q(outcome=OfferOutcome.TIMED_OUT)),
        converted=Count("id", filter=Q(outcome=OfferOutcome.ACCEPTED, lead__status="converted")))
    out = []
    for r in rows:
        decided = r["accepted"] + r["declined"] + r["timed_out"]
        out.append({**r, "acceptance_rate": (r["accepted"] / decided) if decided else None,
                    "conversion_rate": (r["converted"] / r["accepted"]) if r["accepted"] else None})
    return sorted(out, key=lambda r: (-r["offers"], r["partner__name"]))


def sla_breaches(*, actor, since=None) -> QuerySet:
    if not is_vendor(actor):
        raise NotFound("lead")
    qs = LeadOffer.objects.filter(outcome=OfferOutcome.TIMED_OUT).select_related("lead", "partner")
    if since:
        qs = qs.filter(decided_at__gte=since)
    return qs.order_by("-decided_at")


def overdue_now(*, actor) -> QuerySet:
    if not is_vendor(actor):
        raise NotFound("lead")
    return LeadOffer.objects.filter(outcome=OfferOutcome.PENDING, sla_due_at__lt=timezone.now()).select_related("lead", "partner")


def partner_lead_settings_get(*, partner) -> PartnerLeadSettings:
    """A partner's lead settings (``partner`` comes from the partners selector, so it is in scope); never set: the
    program defaults, unsaved (capacity None: ``RoutingSettings.default_capacity``)."""
    return PartnerLeadSettings.objects.filter(partner=partner).first() or PartnerLeadSettings(partner=partner)
