"""A partner's lead inbox: accept or decline within the SLA, then working, converted into a deal, or disqualified."""

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.permissions import has_perm, require_perm
from allied.deals.models import DealSource, DealStatus
from allied.deals.services import deal_register
from allied.partners.models import PartnerStatus

from .. import events
from ..models import Lead, LeadOffer, LeadStatus, OfferOutcome, PartnerLeadSettings, RoutingMode
from .routing import lead_route, offer_create


def _locked(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead.pk)


def _pending_offer(lead: Lead) -> LeadOffer:
    offer = lead.offers.filter(outcome=OfferOutcome.PENDING).select_for_update().first()
    if offer is None:
        raise Conflict("This lead is not waiting for an answer.")
    return offer


def _require_holder(actor, lead: Lead) -> None:
    if not (actor.partner_id is not None and actor.partner_id == lead.partner_id and has_perm(actor, "partner.leads.work")):
        raise PermissionDenied("Only the sales team of the partner holding this lead can work it.")


@transaction.atomic
def lead_accept(*, actor, lead: Lead) -> Lead:
    lead = _locked(lead)
    _require_holder(actor, lead)
    if lead.status != LeadStatus.OFFERED:
        raise Conflict("Only offered leads can be accepted.")
    offer = _pending_offer(lead)
    if offer.sla_due_at < timezone.now():
        raise Conflict("The time to accept this lead has passed; it is going to another partner.")
    offer.outcome, offer.decided_at, offer.decided_by = OfferOutcome.ACCEPTED, timezone.now(), actor
    offer.save(update_fields=["outcome", "decided_at", "decided_by"])
    lead.status = LeadStatus.ACCEPTED
    lead.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="lead.accepted", obj=lead, partner_id=lead.partner_id, before={"status": "offered"},
                 after={"status": "accepted"})
    return lead


@transaction.atomic
def lead_decline(*, actor, lead: Lead, reason: str) -> Lead:
    """Decline with a reason: the lead is pulled back and routed again, never to a partner who declined it."""
    lead = _locked(lead)
    _require_holder(actor, lead)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you decline the lead.", field="reason")
    if lead.status != LeadStatus.OFFERED:
        raise Conflict("Only offered leads can be declined; return an accepted lead by disqualifying it.")
    offer = _pending_offer(lead)
    offer.outcome, offer.decided_at, offer.decided_by, offer.decline_reason = OfferOutcome.DECLINED, timezone.now(), actor, reason[:500]
    offer.save(update_fields=["outcome", "decided_at", "decided_by", "decline_reason"])
    partner_id = lead.partner_id
    lead.status, lead.partner_id = LeadStatus.NEW, None
    lead.save(update_fields=["status", "partner", "updated_at"])
    audit_record(actor=actor, action="lead.declined", obj=lead, partner_id=partner_id, after={"reason": offer.decline_reason})
    lead_route(lead=lead)
    lead.refresh_from_db()
    return lead


@transaction.atomic
def lead_status_set(*, actor, lead: Lead, status: str, note: str = "") -> Lead:
    """Working or disqualified (with a reason): the vendor sees how its leads fare."""
    lead = _locked(lead)
    _require_holder(actor, lead)
    allowed = {LeadStatus.WORKING: (LeadStatus.ACCEPTED,), LeadStatus.DISQUALIFIED: (LeadStatus.ACCEPTED, LeadStatus.WORKING)}
    if status not in allowed:
        raise DomainError("Choose working or disqualified.", field="status")
    if lead.status not in allowed[status]:
        raise Conflict(f"A lead that is {lead.get_status_display().lower()} cannot become {status}; accept it first.")
    note = (note or "").strip()
    if status == LeadStatus.DISQUALIFIED and not note:
        raise DomainError("Say why the lead is disqualified.", field="note")
    before = lead.status
    lead.status, lead.status_note = status, note[:500]
    lead.save(update_fields=["status", "status_note", "updated_at"])
    audit_record(actor=actor, action=f"lead.{status}", obj=lead, partner_id=lead.partner_id, before={"status": before},
                 after={"status": status, "note": lead.status_note})
    events.lead_status_changed(lead)
    return lead


@transaction.atomic
def lead_convert(*, actor, lead: Lead, data: dict):
    """Turn an accepted lead into a deal registration (the lead's company and contact, plus the deal's amount and close date)."""
    lead = _locked(lead)
    _require_holder(actor, lead)
    if lead.status not in (LeadStatus.ACCEPTED, LeadStatus.WORKING):
        raise Conflict("Accept the lead before converting it.")
    body = {"customer_name": lead.company_name, "website": lead.website or lead.domain, "country": lead.country,
            "contact_name": lead.contact_name, "contact_email": lead.contact_email, "contact_phone": lead.contact_phone,
            "contact_title": lead.contact_title, "currency": lead.currency, **data}
    if lead.estimated_amount is not None:
        body.setdefault("amount", str(lead.estimated_amount))
    deal = deal_register(actor=actor, data=body, source=DealSource.PORTAL)
    if deal.status == DealStatus.DECLINED:  # the registration failed the rules: the lead stays with the partner as it was
        lead.deal = deal
        lead.save(update_fields=["deal", "updated_at"])
        audit_record(actor=actor, action="lead.conversion_declined", obj=lead, partner_id=lead.partner_id,
                     after={"deal": deal.public_id, "reason": deal.decision_code})
        return deal
    lead.status, lead.deal = LeadStatus.CONVERTED, deal
    lead.save(update_fields=["status", "deal", "updated_at"])
    audit_record(actor=actor, action="lead.converted", obj=lead, partner_id=lead.partner_id, after={"deal": deal.public_id})
    events.lead_status_changed(lead)
    return deal


@transaction.atomic
def lead_reassign(*, actor, lead: Lead, partner, reason: str) -> Lead:
    """A CAM moves a lead to another partner by hand (audited); the current offer, if any, is closed as reassigned."""
    require_perm(actor, "leads.manage")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the lead is reassigned.", field="reason")
    lead = _locked(lead)
    if lead.status in (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED, LeadStatus.DUPLICATE):
        raise Conflict(f"A lead that is {lead.get_status_display().lower()} cannot be reassigned.")
    if partner.pk == lead.partner_id:
        raise DomainError("The lead is already with this partner.", field="partner")
    if partner.status != PartnerStatus.ACTIVE:
        raise DomainError(f"{partner.name} is not an active partner.", field="partner")
    if PartnerLeadSettings.objects.filter(partner=partner, paused=True).exists():
        raise DomainError(f"{partner.name} has paused its lead inbox.", field="partner")
    before = lead.partner_id
    lead.offers.filter(outcome=OfferOutcome.PENDING).update(outcome=OfferOutcome.REASSIGNED, decided_at=timezone.now(), decided_by=actor)
    offer_create(lead=lead, partner_id=partner.pk, mode=RoutingMode.MANUAL, actor=actor, explanation=f"assigned by hand: {reason}"[:500])
    audit_record(actor=actor, action="lead.reassigned", obj=lead, partner_id=partner.pk,
                 before={"partner": before}, after={"partner": partner.public_id, "reason": reason})
    lead.refresh_from_db()
    return lead
