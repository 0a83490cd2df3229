"""Routing leads with the pure engine (``allied.routing``): profiles from the database, offers back into it.

``lead_route`` routes one lead as it arrives (online); ``leads_route_batch`` routes many together so
that capacities hold globally (batch). Both use the same rules and scores and record each offer with
its score breakdown, explanation and runners-up, so a CAM can read why.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils import timezone

from allied.core.audit import audit_record
from allied.deals.models import DealRegistration
from allied.partners.models import Partner, PartnerStatus
from allied.routing import Lead as RoutingLead
from allied.routing import (
    LeadArrays,
    PartnerProfile,
    PartnerTable,
    RoutingRules,
    explain_unroutable,
    route_batch,
    route_one,
)

from .. import events
from ..models import (
    OPEN_STATUSES,
    Lead,
    LeadOffer,
    LeadStatus,
    OfferOutcome,
    PartnerLeadSettings,
    RoutingMode,
    RoutingSettings,
)


def routing_rules(settings: RoutingSettings, *, now=None) -> RoutingRules:
    return RoutingRules(
        require_country=settings.require_country, require_region=settings.require_region,
        require_postcode=settings.require_postcode,
        max_distance_km=float(settings.max_distance_km) if settings.max_distance_km else None,
        allowed_partner_types=frozenset(settings.allowed_partner_types) or None, min_tier_rank=settings.min_tier_rank,
        require_specialty=settings.require_specialty, require_products=settings.require_products,
        weights={k: float(v) for k, v in (settings.weights or {}).items()}, now=now)


def partner_profiles(settings: RoutingSettings, *, now=None) -> list[PartnerProfile]:
    """Every active, unpaused partner as the engine sees it, in a handful of grouped queries."""
    now = now or timezone.now()
    partners = list(Partner.objects.filter(status=PartnerStatus.ACTIVE).select_related("tier", "partner_type"))
    own = {s.partner_id: s for s in PartnerLeadSettings.objects.all()}
    open_leads = dict(Lead.objects.filter(status__in=OPEN_STATUSES, partner__isnull=False).order_by()
                      .values_list("partner_id").annotate(n=Count("id")))
    offers = {r["partner_id"]: r for r in LeadOffer.objects.order_by().values("partner_id").annotate(
        offered=Count("id", filter=~Q(outcome=OfferOutcome.PENDING) & ~Q(outcome=OfferOutcome.REASSIGNED)),
        accepted=Count("id", filter=Q(outcome=OfferOutcome.ACCEPTED)),
        recent=Count("id", filter=Q(offered_at__gte=now - timedelta(days=30))),
        last=Max("offered_at"))}
    converted = dict(Lead.objects.filter(status=LeadStatus.CONVERTED, partner__isnull=False).order_by()
                     .values_list("partner_id").annotate(n=Count("id")))
    profiles = []
    for p in partners:
        s = own.get(p.pk)
        if s is not None and s.paused:
            continue
        o = offers.get(p.pk, {})
        accepted = o.get("accepted", 0)
        offered = max(o.get("offered", 0), accepted)
        profiles.append(PartnerProfile(
            id=p.pk, name=p.name, partner_type=p.partner_type.code, tier=p.tier.name, tier_rank=p.tier.rank, country=p.country,
            regions=frozenset([p.region, *p.regions_served]), specialties=frozenset(p.specialties),
            postcode_prefixes=tuple(s.postcode_prefixes) if s else (), lat=s.lat if s else None, lon=s.lon if s else None,
            service_radius_km=float(s.service_radius_km) if s and s.service_radius_km else None,
            capacity=(s.capacity if s and s.capacity is not None else settings.default_capacity),
            open_leads=open_leads.get(p.pk, 0), offered=offered, accepted=accepted,
            converted=min(converted.get(p.pk, 0), accepted), last_assigned_at=o.get("last"), assigned_count=o.get("recent", 0)))
    return profiles


def _excluded(leads: list[Lead]) -> dict[int, frozenset[int]]:
    """Per lead, the partners who declined it or let it time out: they never get it again (one query for all)."""
    out: dict[int, set[int]] = {}
    rows = LeadOffer.objects.filter(lead__in=[ld.pk for ld in leads], outcome__in=[OfferOutcome.DECLINED, OfferOutcome.TIMED_OUT])
    for lead_id, partner_id in rows.values_list("lead_id", "partner_id"):
        out.setdefault(lead_id, set()).add(partner_id)
    return {ld.pk: frozenset(out.get(ld.pk, ())) for ld in leads}


def as_routing_lead(lead: Lead, *, excluded: frozenset = frozenset()) -> RoutingLead:
    return RoutingLead(id=lead.pk, country=lead.country, region=lead.region, postcode=lead.postcode, lat=lead.lat, lon=lead.lon,
                       products=tuple(lead.products or ()), specialty=lead.specialty, segment=lead.segment,
                       size=float(lead.estimated_amount) if lead.estimated_amount is not None else None, declined_by=excluded)


def offer_create(*, lead: Lead, partner_id: int, mode: str, actor=None, score=None, explanation: str = "", breakdown=None,
                 runners_up=None, now=None) -> LeadOffer:
    now = now or timezone.now()
    settings = RoutingSettings.current()
    offer = LeadOffer.objects.create(
        lead=lead, partner_id=partner_id, mode=mode, score=Decimal(str(round(score, 3))) if score is not None else None,
        explanation=explanation[:500], breakdown=breakdown or {}, runners_up=runners_up or [], offered_at=now,
        sla_due_at=now + timedelta(hours=settings.accept_sla_hours))
    lead.status, lead.partner_id, lead.status_note = LeadStatus.OFFERED, partner_id, ""
    lead.save(update_fields=["status", "partner", "status_note", "updated_at"])
    audit_record(actor=actor, action="lead.offered", obj=lead, partner_id=partner_id,
                 after={"mode": mode, "score": offer.score, "explanation": offer.explanation, "sla_due_at": offer.sla_due_at})
    events.lead_offered(offer)
    return offer


def _record(lead: Lead, assignment, mode: str, now) -> LeadOffer | None:
    if assignment is None or assignment.partner_id is None:
        return None
    s = assignment.score
    runners = [{**r.as_dict(), "partner": r.candidate.name} for r in assignment.runners_up]
    return offer_create(lead=lead, partner_id=assignment.partner_id, mode=mode, score=s.total, explanation=s.explanation,
                        breakdown={k: round(v, 2) for k, v in s.breakdown.items()}, runners_up=runners, now=now)


def _unroutable(lead: Lead, reason: str) -> None:
    lead.status, lead.partner_id, lead.status_note = LeadStatus.UNROUTABLE, None, reason[:500]
    lead.save(update_fields=["status", "partner", "status_note", "updated_at"])
    audit_record(actor=None, action="lead.unroutable", obj=lead, after={"reason": lead.status_note})


def _registration_owner(lead: Lead) -> int | None:
    """A partner holding an approved registration for this customer gets the lead first (it is their deal)."""
    if not lead.domain:
        return None
    owner = (DealRegistration.objects.filter(domain=lead.domain, status="approved").order_by("submitted_at")
             .values_list("partner_id", flat=True).first())
    return owner


def lead_route(*, lead: Lead, now=None) -> LeadOffer | None:
    """Route one lead now (online). Call inside the caller's transaction."""
    now = now or timezone.now()
    settings = RoutingSettings.current()
    excluded = _excluded([lead])[lead.pk]
    owner = _registration_owner(lead)
    if (owner is not None and owner not in excluded and Partner.objects.filter(pk=owner, status=PartnerStatus.ACTIVE).exists()
            and not PartnerLeadSettings.objects.filter(partner_id=owner, paused=True).exists()):
        return offer_create(lead=lead, partner_id=owner, mode=RoutingMode.REGISTRATION, now=now,
                            explanation="holds the approved deal registration for this customer")
    rules = routing_rules(settings, now=now)
    table = PartnerTable(partner_profiles(settings, now=now), rules)
    rl = as_routing_lead(lead, excluded=excluded)
    assignment = route_one(rl, table, rules)
    if assignment is None or assignment.partner_id is None:
        _unroutable(lead, explain_unroutable(table, LeadArrays([rl], table), 0) if table.size else "no active partner")
        return None
    return _record(lead, assignment, RoutingMode.ONLINE, now)


def leads_route_batch(*, leads: list[Lead], now=None) -> dict:
    """Route many leads together (capacities hold globally); returns counts. Call inside a transaction."""
    now = now or timezone.now()
    if not leads:
        return {"offered": 0, "unroutable": 0}
    settings = RoutingSettings.current()
    rules = routing_rules(settings, now=now)
    table = PartnerTable(partner_profiles(settings, now=now), rules)
    excluded = _excluded(leads)
    rls = [as_routing_lead(ld, excluded=excluded[ld.pk]) for ld in leads]
    by_id = {ld.pk: ld for ld in leads}
    offered = unroutable = 0
    for a in route_batch(rls, table, rules):
        lead = by_id[a.lead_id]
        if a.partner_id is None:
            _unroutable(lead, a.reason or "no eligible partner with free capacity")
            unroutable += 1
        else:
            _record(lead, a, RoutingMode.BATCH, now)
            offered += 1
    return {"offered": offered, "unroutable": unroutable}
