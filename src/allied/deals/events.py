"""One function per deal event: who is told, by email through the outbox (webhooks will hang off these too).

Every function runs inside the service's transaction, so a message exists if and only if the change did.
"""

from django.conf import settings

from allied.core.outbox import email_enqueue

from .models import DealRegistration, DealStatus, ExtensionRequest


def _portal_link(deal: DealRegistration) -> str:
    return f"{settings.SITE_URL}/portal/deals/{deal.public_id}/"


def _console_link(deal: DealRegistration) -> str:
    return f"{settings.SITE_URL}/console/deals/{deal.public_id}/"


def _partner_recipients(deal: DealRegistration, partner=None) -> list[str]:
    partner = partner or deal.partner
    people = list(partner.users.filter(is_active=True, role__in=["partner_admin", "partner_sales"]).values_list("email", flat=True))
    if deal.registered_by_id and deal.registered_by.partner_id == partner.pk and deal.registered_by.email not in people:
        people.append(deal.registered_by.email)
    return people


def _cam(deal: DealRegistration) -> list[str]:
    cam = deal.partner.cam
    return [cam.email] if cam and cam.is_active else []


def _tell_partner(deal: DealRegistration, subject: str, body: str) -> None:
    for email in _partner_recipients(deal):
        email_enqueue(to=email, subject=subject, body=f"{body}\n\n{_portal_link(deal)}\n")


def deal_registered(deal: DealRegistration) -> None:
    if deal.status == DealStatus.PENDING:
        for email in _cam(deal):
            email_enqueue(to=email, subject=f"Deal registration to review: {deal.customer_name}",
                          body=f"{deal.partner.name} registered {deal.customer_name} ({deal.amount} {deal.currency}).\n"
                               f"Why it needs review: {deal.decision_reason}\n\n{_console_link(deal)}\n")
        _tell_partner(deal, f"Registration received: {deal.customer_name}",
                      f"Your registration for {deal.customer_name} is in review. {deal.decision_reason}")
    else:
        _deal_decided(deal)


def _deal_decided(deal: DealRegistration) -> None:
    if deal.status == DealStatus.APPROVED:
        _tell_partner(deal, f"Registration approved: {deal.customer_name}",
                      f"Your registration for {deal.customer_name} is approved and protected until "
                      f"{deal.protection_expires_at:%Y-%m-%d}. {deal.decision_reason}")
    else:
        _tell_partner(deal, f"Registration declined: {deal.customer_name}",
                      f"Your registration for {deal.customer_name} was declined. {deal.decision_reason}")


deal_approved = _deal_decided
deal_declined = _deal_decided


def deal_escalated(deal: DealRegistration, admins: list[str]) -> None:
    for email in sorted(set(_cam(deal) + admins)):
        email_enqueue(to=email, subject=f"Overdue deal registration: {deal.customer_name}",
                      body=f"The registration of {deal.customer_name} by {deal.partner.name} has waited past its "
                           f"approval deadline ({deal.sla_due_at:%Y-%m-%d %H:%M} UTC).\n\n{_console_link(deal)}\n")


def deal_expiring(deal: DealRegistration, days: int) -> None:
    _tell_partner(deal, f"Registration expires in {days} days: {deal.customer_name}",
                  f"Your protection for {deal.customer_name} ends on {deal.protection_expires_at:%Y-%m-%d}. "
                  "Close the deal or request an extension in the portal.")


def deal_expired(deal: DealRegistration) -> None:
    _tell_partner(deal, f"Registration expired: {deal.customer_name}",
                  f"Your protection for {deal.customer_name} has ended; other partners may now register this customer.")


def extension_requested(ext: ExtensionRequest) -> None:
    for email in _cam(ext.deal):
        email_enqueue(to=email, subject=f"Extension requested: {ext.deal.customer_name}",
                      body=f"{ext.deal.partner.name} asks for {ext.days} more days: {ext.reason}\n\n{_console_link(ext.deal)}\n")


def extension_decided(ext: ExtensionRequest) -> None:
    verdict = "approved" if ext.status == "approved" else "declined"
    _tell_partner(ext.deal, f"Extension {verdict}: {ext.deal.customer_name}",
                  f"Your request for {ext.days} more days was {verdict}. Protection ends on "
                  f"{ext.deal.protection_expires_at:%Y-%m-%d}.")


def participant_added(deal: DealRegistration, partner) -> None:
    for email in _partner_recipients(deal, partner):
        email_enqueue(to=email, subject=f"You were added to a deal: {deal.customer_name}",
                      body=f"Your organisation is now on the deal for {deal.customer_name}; its deal room is open to you.\n\n"
                           f"{_portal_link(deal)}\n")


def deal_closed(deal: DealRegistration, actor) -> None:
    """The other side learns of a close: the CAM when the partner closes, the partner when the vendor does."""
    outcome = f"won ({deal.won_amount} {deal.currency})" if deal.status == DealStatus.WON else f"lost: {deal.lost_reason}"
    if getattr(actor, "partner_id", None) == deal.partner_id:
        for email in _cam(deal):
            email_enqueue(to=email, subject=f"Deal {deal.get_status_display().lower()}: {deal.customer_name}",
                          body=f"{deal.partner.name} closed {deal.customer_name} {outcome}.\n\n{_console_link(deal)}\n")
    else:
        _tell_partner(deal, f"Deal {deal.get_status_display().lower()}: {deal.customer_name}",
                      f"The vendor recorded {deal.customer_name} as {outcome}.")


def note_added(note) -> None:
    """A note in the deal room reaches the other parties: the CAM when a partner writes, the partners' sellers otherwise."""
    deal, author = note.deal, note.author
    if author is not None and author.partner_id is not None:
        recipients = set(_cam(deal))
        for participant in deal.participants.select_related("partner"):
            if participant.partner_id != author.partner_id:
                recipients.update(_partner_recipients(deal, participant.partner))
    else:
        recipients = {e for p in deal.participants.select_related("partner") for e in _partner_recipients(deal, p.partner)}
    recipients.discard(getattr(author, "email", None))
    who = getattr(author, "full_name", "") or getattr(author, "email", "someone")
    for email in sorted(recipients):
        email_enqueue(to=email, subject=f"New note on {deal.customer_name}",
                      body=f"{who} wrote in the deal room:\n\n{note.body[:2000]}\n\n{_portal_link(deal)}\n")
