"""Partnerships: the dual opt-in, what each side shares of each of its populations, discovery consent.

Which side changes what is deduced from the actor: vendor users (``mapping.manage``) act for the
vendor, a partner admin (``partner.mapping.manage``) for its own partner. Each opt-in or opt-out is
told to the other side by email through the outbox. The first time both sides are in, a mapping run
is requested.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from allied.accounts.models import User
from allied.core.audit import audit_record
from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.core.outbox import email_enqueue

from .. import access
from ..models import SHAREABLE_FIELDS, Partnership, Population, ShareLevel, SharingRule, Side


def partnership_for(partner) -> Partnership:
    """The partner's partnership row, made on first use."""
    row = Partnership.objects.filter(partner=partner).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return Partnership.objects.create(partner=partner)
    except IntegrityError:
        return Partnership.objects.get(partner=partner)


def _locked(partner) -> Partnership:
    partnership_for(partner)
    return Partnership.objects.select_for_update().select_related("partner").get(partner=partner)


def _acting_side(actor, partner) -> str:
    access.partner_for(actor, partner=partner, manage=True)
    return access.viewer_side(actor)


def partner_contacts(partner) -> list[str]:
    return list(User.objects.filter(partner=partner, is_active=True, role="partner_admin").order_by("pk").values_list("email", flat=True))


def vendor_contacts(partner) -> list[str]:
    """The partner's CAM, else the program admins."""
    cam = partner.cam
    if cam is not None and cam.is_active:
        return [cam.email]
    return list(User.objects.filter(partner__isnull=True, is_active=True, role="program_admin").order_by("pk")
                .values_list("email", flat=True))


def _tell_other_side(partnership: Partnership, side: str, subject: str, body: str) -> None:
    partner = partnership.partner
    if side == Side.VENDOR:
        to, link = partner_contacts(partner), f"{settings.SITE_URL}/portal/cosell/"
    else:
        to, link = vendor_contacts(partner), f"{settings.SITE_URL}/console/cosell/{partner.public_id}/"
    for email in to:
        email_enqueue(to=email, subject=subject, body=f"{body}\n\n{link}\n")


@transaction.atomic
def opt_in(*, actor, partner) -> Partnership:
    """The actor's side agrees to map accounts with the other; idempotent."""
    side = _acting_side(actor, partner)
    partnership = _locked(partner)
    attr = "vendor_opted_in" if side == Side.VENDOR else "partner_opted_in"
    if getattr(partnership, f"{attr}_at") is not None:
        return partnership
    was_active = partnership.active
    setattr(partnership, f"{attr}_at", timezone.now())
    setattr(partnership, f"{attr}_by", actor)
    partnership.save(update_fields=[f"{attr}_at", f"{attr}_by"])
    audit_record(actor=actor, action="mapping.opted_in", obj=partner, partner_id=partner.pk,
                 after={"side": side, "active": partnership.active})
    who = "The vendor" if side == Side.VENDOR else partner.name
    if partnership.active:
        _tell_other_side(partnership, side, f"Account mapping is on with {partner.name if side == Side.PARTNER else 'the vendor'}",
                         f"{who} opted in to account mapping. Both sides are in: each now sees what the other shares.")
    else:
        _tell_other_side(partnership, side, "Account mapping: opt in to see your overlap",
                         f"{who} opted in to account mapping. Nothing is shared until you opt in too.")
    if partnership.active and not was_active:
        from .runs import mapping_run_request

        mapping_run_request(actor=None, partner=partner, incremental=True)
    return partnership


@transaction.atomic
def opt_out(*, actor, partner) -> Partnership:
    """The actor's side stops mapping: nothing is shared from this moment, whatever the sharing rules say."""
    side = _acting_side(actor, partner)
    partnership = _locked(partner)
    attr = "vendor_opted_in" if side == Side.VENDOR else "partner_opted_in"
    if getattr(partnership, f"{attr}_at") is None:
        return partnership
    setattr(partnership, f"{attr}_at", None)
    setattr(partnership, f"{attr}_by", None)
    partnership.save(update_fields=[f"{attr}_at", f"{attr}_by"])
    audit_record(actor=actor, action="mapping.opted_out", obj=partner, partner_id=partner.pk, after={"side": side})
    who = "The vendor" if side == Side.VENDOR else partner.name
    _tell_other_side(partnership, side, "Account mapping stopped", f"{who} opted out of account mapping. Nothing is shared any more.")
    return partnership


def clean_fields(fields) -> list[str]:
    if fields in (None, ""):
        return []
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",")]
    if not isinstance(fields, list | tuple) or not all(isinstance(f, str) for f in fields):
        raise DomainError("Give a list of field names.", field="fields")
    bad = [f for f in fields if f and f not in SHAREABLE_FIELDS]
    if bad:
        raise DomainError(f"{bad[0]!r} cannot be shared; choose from {', '.join(SHAREABLE_FIELDS)} (the name is always shared).",
                          field="fields")
    return [f for f in SHAREABLE_FIELDS if f in fields]


@transaction.atomic
def sharing_set(*, actor, partner, population: Population, level: str, fields=None) -> SharingRule:
    """How much of ``population`` the actor's side shares with the other side of this partnership."""
    side = _acting_side(actor, partner)
    if population.partner_id not in (None, partner.pk):
        raise NotFound("population")
    if (population.partner_id is None) != (side == Side.VENDOR):
        raise PermissionDenied("Each side decides only what it shares of its own populations.")
    if level not in ShareLevel.values:
        raise DomainError(f"Unknown level {level!r}; use {', '.join(ShareLevel.values)}.", field="level")
    fields = clean_fields(fields)
    partnership = _locked(partner)
    rule = SharingRule.objects.select_for_update().filter(partnership=partnership, population=population).first()
    before = {"level": rule.level, "fields": rule.fields} if rule else {"level": ShareLevel.HIDDEN, "fields": []}
    if rule is None:
        rule = SharingRule(partnership=partnership, population=population)
    after = {"level": level, "fields": fields}
    if after == before and rule.pk:
        return rule
    rule.level, rule.fields, rule.updated_at, rule.updated_by = level, fields, timezone.now(), actor
    rule.save()
    audit_record(actor=actor, action="mapping.sharing_changed", obj=population, partner_id=partner.pk,
                 before=before, after={**after, "side": side, "population": population.name})
    return rule


@transaction.atomic
def discoverable_set(*, actor, partner, value: bool) -> Partnership:
    """The partner lets other partners find it by account overlap (partner-to-partner discovery); its own choice."""
    side = _acting_side(actor, partner)
    if side != Side.PARTNER:
        raise PermissionDenied("Only the partner decides whether other partners may find it by account overlap.")
    partnership = _locked(partner)
    if partnership.discoverable != bool(value):
        partnership.discoverable = bool(value)
        partnership.save(update_fields=["discoverable"])
        audit_record(actor=actor, action="mapping.sharing_changed", obj=partner, partner_id=partner.pk,
                     before={"discoverable": not value}, after={"discoverable": bool(value)})
    return partnership
