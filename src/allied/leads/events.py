"""One function per lead event: who is told (emails through the outbox, in the service's transaction)."""

from django.conf import settings

from allied.core.outbox import email_enqueue

from .models import Lead, LeadOffer


def _sellers(partner) -> list[str]:
    return list(partner.users.filter(is_active=True, role__in=["partner_admin", "partner_sales"]).values_list("email", flat=True))


def _cam(partner) -> list[str]:
    return [partner.cam.email] if partner.cam_id and partner.cam.is_active else []


def lead_offered(offer: LeadOffer) -> None:
    lead = offer.lead
    for email in _sellers(offer.partner):
        email_enqueue(to=email, subject=f"New lead: {lead.company_name}",
                      body=f"{lead.company_name} ({lead.country}) is waiting for you. Accept or decline by "
                           f"{offer.sla_due_at:%Y-%m-%d %H:%M} UTC, or it goes to another partner.\n\n"
                           f"{settings.SITE_URL}/portal/leads/{lead.public_id}/\n")


def lead_reminder(offer: LeadOffer) -> None:
    for email in _sellers(offer.partner):
        email_enqueue(to=email, subject=f"Reminder: lead {offer.lead.company_name} waits for your answer",
                      body=f"Accept or decline by {offer.sla_due_at:%Y-%m-%d %H:%M} UTC.\n\n"
                           f"{settings.SITE_URL}/portal/leads/{offer.lead.public_id}/\n")


def lead_pulled_back(offer: LeadOffer) -> None:
    for email in _sellers(offer.partner) + _cam(offer.partner):
        email_enqueue(to=email, subject=f"Lead pulled back: {offer.lead.company_name}",
                      body=f"The lead was not accepted by {offer.sla_due_at:%Y-%m-%d %H:%M} UTC and was routed to another partner.\n")


def lead_status_changed(lead: Lead) -> None:
    if lead.partner_id is None:
        return
    for email in _cam(lead.partner):
        email_enqueue(to=email, subject=f"Lead {lead.get_status_display().lower()}: {lead.company_name}",
                      body=f"{lead.partner.name}: {lead.company_name} is now {lead.get_status_display().lower()}. {lead.status_note}\n\n"
                           f"{settings.SITE_URL}/console/leads/{lead.public_id}/\n")
