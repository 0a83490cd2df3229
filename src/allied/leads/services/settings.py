"""Editing the routing settings and a partner's own lead settings."""

from django.core.exceptions import ValidationError
from django.db import transaction

from allied.core.audit import audit_record, snapshot
from allied.core.errors import DomainError, PermissionDenied
from allied.core.permissions import has_perm, require_perm
from allied.routing import FACTORS

from ..models import PartnerLeadSettings, RoutingSettings

EDITABLE = ("auto_route", "accept_sla_hours", "reminder_hours", "default_capacity", "require_country", "require_region",
            "require_postcode", "max_distance_km", "require_specialty", "require_products", "allowed_partner_types", "min_tier_rank",
            "weights")
PARTNER_EDITABLE = ("capacity", "paused", "postcode_prefixes", "lat", "lon", "service_radius_km")


def _apply(obj, data: dict, fields) -> dict:
    if bad := sorted(set(data) - set(fields)):
        raise DomainError("Unknown setting.", field=bad[0])
    before = snapshot(obj, list(data))
    for k, v in data.items():
        setattr(obj, k, v)
    try:
        obj.full_clean(exclude=["partner"] if isinstance(obj, PartnerLeadSettings) else None)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages), field=field)
    obj.save()
    after = snapshot(obj, list(data))
    return {k: (before[k], v) for k, v in after.items() if before[k] != v}


@transaction.atomic
def routing_settings_update(*, actor, data: dict) -> RoutingSettings:
    require_perm(actor, "leads.settings")
    settings = RoutingSettings.objects.select_for_update().get(pk=RoutingSettings.current().pk)
    if "weights" in data:
        weights = data["weights"] or {}
        if not isinstance(weights, dict) or set(weights) - set(FACTORS):
            raise DomainError(f"Weights are points per factor: {', '.join(FACTORS)}.", field="weights")
        try:
            weights = {k: float(v) for k, v in weights.items()}
        except (TypeError, ValueError):
            raise DomainError("Each weight is a number of points.", field="weights")
        if any(v < 0 or v > 1000 for v in weights.values()) or not any(weights.values()):
            raise DomainError("Weights are between 0 and 1000 points, and not all zero.", field="weights")
        data = {**data, "weights": weights}
    changed = _apply(settings, data, EDITABLE)
    if changed:
        audit_record(actor=actor, action="lead_routing.updated", obj=settings, before={k: b for k, (b, _) in changed.items()},
                     after={k: a for k, (_, a) in changed.items()})
    return settings


@transaction.atomic
def partner_lead_settings_update(*, actor, partner, data: dict) -> PartnerLeadSettings:
    """Capacity and coordinates are the vendor's to set; a partner admin may pause its own inbox."""
    vendor = has_perm(actor, "leads.manage")
    if not vendor and not (actor.partner_id == partner.pk and has_perm(actor, "partner.users.manage")):
        raise PermissionDenied()
    if not vendor and set(data) - {"paused"}:
        raise PermissionDenied("Only the vendor sets capacity and territory.")
    obj, _ = PartnerLeadSettings.objects.select_for_update().get_or_create(partner=partner)
    changed = _apply(obj, data, PARTNER_EDITABLE)
    if changed:
        audit_record(actor=actor, action="partner.lead_settings_updated", obj=partner, partner_id=partner.pk,
                     before={k: b for k, (b, _) in changed.items()}, after={k: a for k, (_, a) in changed.items()})
    return obj
