"""Partner-to-partner introductions: a partner asks to be introduced to another, or a CAM introduces two.

Both partners' admins and their CAM(s) are told by email through the outbox; the introduction is
audited. A partner may ask to meet only a partner it can find (active, and listed in the locator or
discoverable); the deal named must be one the actor can see.
"""

from django.conf import settings
from django.db import transaction

from allied.core.audit import audit_record
from allied.core.errors import DomainError, PermissionDenied
from allied.core.outbox import email_enqueue
from allied.partners.models import Partner, PartnerStatus

from .. import access
from ..models import Introduction, Partnership, Side
from .partnerships import partner_contacts, vendor_contacts


def _findable(partner: Partner) -> bool:
    if partner.status != PartnerStatus.ACTIVE:
        return False
    return partner.listed_in_locator or Partnership.objects.filter(partner=partner, discoverable=True).exists()


@transaction.atomic
def introduction_create(*, actor, to_partner: Partner, with_partner: Partner | None = None, deal=None, account_name: str = "",
                        message: str = "") -> Introduction:
    side = access.require(actor, manage=True)
    account_name, message = (account_name or "").strip(), (message or "").strip()
    if len(account_name) > 255:
        raise DomainError("At most 255 characters.", field="account_name")
    if len(message) > 5000:
        raise DomainError("At most 5,000 characters.", field="message")
    if side == Side.PARTNER:
        from_partner = Partner.objects.get(pk=actor.partner_id)
        if with_partner is not None:
            raise DomainError("Partners ask to be introduced themselves; leave out the second partner.", field="with_partner")
        if to_partner.pk == from_partner.pk:
            raise DomainError("Choose another partner than your own.", field="to_partner")
        if not _findable(to_partner):
            raise DomainError("Partner: no such id.", field="to_partner")
        if deal is not None and deal.partner_id != from_partner.pk and not deal.participants.filter(partner=from_partner).exists():
            raise PermissionDenied("You can name only your own deals.")
        pair = (from_partner, to_partner)
    else:
        from_partner = None
        if with_partner is None:
            raise DomainError("Choose the second partner to introduce.", field="with_partner")
        if with_partner.pk == to_partner.pk:
            raise DomainError("Choose two different partners.", field="with_partner")
        pair = (to_partner, with_partner)
    if not (deal or account_name or message):
        raise DomainError("Say what the introduction is about: a deal, an account or a message.", field="message")
    intro = Introduction.objects.create(requested_by=actor, from_partner=from_partner, to_partner=to_partner, with_partner=with_partner,
                                        deal=deal, account_name=account_name or (deal.customer_name if deal is not None else ""),
                                        message=message)
    audit_record(actor=actor, action="mapping.introduced", obj=intro, partner_id=to_partner.pk,
                 after={"from": getattr(from_partner, "public_id", None), "to": to_partner.public_id,
                        "with": getattr(with_partner, "public_id", None), "deal": getattr(deal, "public_id", None),
                        "account": intro.account_name})
    _notify(intro, pair)
    return intro


def _notify(intro: Introduction, pair: tuple[Partner, Partner]) -> None:
    about = f" about {intro.account_name}" if intro.account_name else ""
    who = intro.requested_by.full_name or intro.requested_by.email if intro.requested_by else "Your channel team"
    told: set[str] = set()
    for partner, other in (pair, pair[::-1]):
        body = (f"{who} introduces {partner.name} and {other.name}{about}.\n\n{intro.message}\n\n"
                f"{other.name}: {other.website or other.domain}\n{settings.SITE_URL}/portal/cosell/introductions/")
        for email in partner_contacts(partner):
            if email not in told:
                told.add(email)
                email_enqueue(to=email, subject=f"Introduction: {other.name}{about}", body=body)
    cams = {e for p in pair for e in vendor_contacts(p) if p.cam_id is not None} - told
    for email in sorted(cams):
        email_enqueue(to=email, subject=f"Introduction: {pair[0].name} and {pair[1].name}{about}",
                      body=f"{who} introduced {pair[0].name} and {pair[1].name}{about}.\n\n{intro.message}\n\n"
                           f"{settings.SITE_URL}/console/cosell/introductions/")

