"""The worker's lead jobs: pull back offers past their SLA (and route again), remind before the deadline, retry unroutable leads."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record

from .. import events
from ..models import Lead, LeadOffer, LeadStatus, OfferOutcome, RoutingSettings
from .routing import lead_route, leads_route_batch


@transaction.atomic
def leads_pull_back(*, now=None) -> int:
    """Offers not answered in time: the lead is taken back and routed again, never to the partner who let it lapse."""
    now = now or timezone.now()
    lapsed = list(LeadOffer.objects.select_for_update().select_related("lead").filter(outcome=OfferOutcome.PENDING, sla_due_at__lt=now)
                  .order_by("pk"))
    for offer in lapsed:
        offer.outcome, offer.decided_at = OfferOutcome.TIMED_OUT, now
        offer.save(update_fields=["outcome", "decided_at"])
        lead = offer.lead
        lead.status, lead.partner_id = LeadStatus.NEW, None
        lead.save(update_fields=["status", "partner", "updated_at"])
        audit_record(actor=None, action="lead.pulled_back", obj=lead, partner_id=offer.partner_id,
                     after={"reason": "not accepted within the SLA", "sla_due_at": offer.sla_due_at})
        events.lead_pulled_back(offer)
        lead_route(lead=lead, now=now)
    return len(lapsed)


@transaction.atomic
def leads_remind(*, now=None) -> int:
    hours = RoutingSettings.current().reminder_hours
    if not hours:
        return 0
    now = now or timezone.now()
    due = list(LeadOffer.objects.select_for_update().select_related("lead", "partner").filter(
        outcome=OfferOutcome.PENDING, reminded_at__isnull=True, sla_due_at__gte=now, sla_due_at__lte=now + timedelta(hours=hours)))
    for offer in due:
        offer.reminded_at = now
        offer.save(update_fields=["reminded_at"])
        events.lead_reminder(offer)
    return len(due)


@transaction.atomic
def leads_retry_unroutable(*, now=None) -> dict:
    """Leads nobody could take (capacity full, no partner in the territory): try again together, in batch."""
    leads = list(Lead.objects.select_for_update().filter(status__in=[LeadStatus.UNROUTABLE, LeadStatus.NEW]).order_by("pk")[:5000])
    for lead in leads:
        lead.status = LeadStatus.NEW
    return leads_route_batch(leads=leads, now=now)
