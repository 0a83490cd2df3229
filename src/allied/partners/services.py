"""Every write about partner organizations and their profiles."""

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import DomainError, PermissionDenied
from allied.core.permissions import has_perm
from allied.matching import normalize_domain
from allied.program.models import PartnerType, PartnerTypeCode, Tier

from .logos import logo_validate
from .models import SEGMENTS, Achievement, Partner, PartnerStatus, Region

PROFILE_FIELDS = [
    "name", "website", "country", "region", "city", "description", "specialties", "industries",
    "regions_served", "customer_segments", "team_size", "listed_in_locator",
]
LIST_FIELDS = {"specialties", "industries", "regions_served", "customer_segments"}


def _clean_list(value, field: str, allowed: list[str] | None = None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, (list, tuple)):
        raise DomainError("Give a list of values.", field=field)
    items = []
    for v in value:
        if not isinstance(v, str):
            raise DomainError("Every value must be text.", field=field)
        v = v.strip().lower()
        if v and v not in items:
            if len(v) > 80:
                raise DomainError("Each value must be at most 80 characters.", field=field)
            items.append(v)
    if allowed is not None:
        bad = [v for v in items if v not in allowed]
        if bad:
            raise DomainError(f"Unknown value(s) {', '.join(bad)}; choose from {', '.join(allowed)}.", field=field)
    return items[:30]


def clean_profile(data: dict) -> dict:
    """Validate profile fields; raises DomainError naming the first bad field."""
    out = {}
    for field in PROFILE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "name":
            value = (value or "").strip()
            if not value:
                raise DomainError("Enter the company name.", field="name")
            if len(value) > 200:
                raise DomainError("At most 200 characters.", field="name")
        elif field == "website":
            value = (value or "").strip()
            if value and "://" not in value:
                value = "https://" + value
            if len(value) > 200:
                raise DomainError("At most 200 characters.", field="website")
            if value and not normalize_domain(value).count("."):
                raise DomainError("Enter a website such as https://example.com.", field="website")
            out["domain"] = normalize_domain(value)
        elif field == "country":
            value = (value or "").strip().upper()
            if len(value) != 2 or not value.isalpha():
                raise DomainError("Use a two-letter ISO country code, such as DE or US.", field="country")
        elif field == "region":
            if value not in Region.values:
                raise DomainError(f"Choose one of {', '.join(Region.values)}.", field="region")
        elif field == "team_size":
            if value in (None, ""):
                value = None
            else:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise DomainError("Enter a whole number.", field="team_size")
                if value < 1 or value > 1_000_000:
                    raise DomainError("Enter a number between 1 and 1,000,000.", field="team_size")
        elif field == "customer_segments":
            value = _clean_list(value, field, SEGMENTS)
        elif field == "regions_served":
            value = _clean_list(value, field, list(Region.values))
        elif field in LIST_FIELDS:
            value = _clean_list(value, field)
        elif field == "listed_in_locator":
            value = bool(value)
        elif field in ("description", "city"):
            value = (value or "").strip()
            if field == "city" and len(value) > 100:
                raise DomainError("At most 100 characters.", field="city")
        out[field] = value
    return out


def _can_edit(actor, partner: Partner) -> bool:
    if actor is None or has_perm(actor, "partners.manage"):
        return True
    return actor.partner_id == partner.pk and has_perm(actor, "partner.profile.edit")


def _check_cam(cam) -> None:
    if cam.partner_id is not None or cam.role not in ("cam", "program_admin") or not cam.is_active:
        raise DomainError("The owning CAM must be an active vendor channel account manager.", field="cam")


@transaction.atomic
def partner_create(*, actor, name: str, partner_type: PartnerType, country: str, region: str, website: str = "",
                   parent: Partner | None = None, cam=None, tier: Tier | None = None, **profile) -> Partner:
    if actor is not None and not has_perm(actor, "partners.manage"):
        raise PermissionDenied()
    data = clean_profile({"name": name, "website": website, "country": country, "region": region, **profile})
    if parent is not None and parent.partner_type.code != PartnerTypeCode.DISTRIBUTOR:
        raise DomainError("The parent must be a distributor.", field="parent")
    if cam is not None:
        _check_cam(cam)
    tier = tier or Tier.objects.order_by("rank").first()
    partner = Partner.objects.create(partner_type=partner_type, parent=parent, cam=cam, tier=tier, **data)
    audit_record(actor=actor, action="partner.created", obj=partner,
                 after=snapshot(partner, ["name", "partner_type", "tier", "status", "country"]), partner_id=partner.pk)
    return partner


@transaction.atomic
def partner_update(*, actor, partner: Partner, data: dict) -> Partner:
    if not _can_edit(actor, partner):
        raise PermissionDenied()
    cleaned = clean_profile(data)
    fields = [f for f in cleaned]
    before = snapshot(partner, fields)
    for f, v in cleaned.items():
        setattr(partner, f, v)
    partner.save()
    after = snapshot(partner, fields)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        audit_record(actor=actor, action="partner.updated", obj=partner,
                     before={k: before[k] for k in changed}, after=changed, partner_id=partner.pk)
    return partner


@transaction.atomic
def partner_logo_set(*, actor, partner: Partner, upload) -> Partner:
    if not _can_edit(actor, partner):
        raise PermissionDenied()
    content = logo_validate(upload)
    old = partner.logo.name if partner.logo else ""
    partner.logo.save(content.name, content, save=False)
    partner.save(update_fields=["logo", "updated_at"])
    audit_record(actor=actor, action="partner.logo_changed", obj=partner, before={"logo": old},
                 after={"logo": partner.logo.name}, partner_id=partner.pk)
    return partner


@transaction.atomic
def partner_admin_update(*, actor, partner: Partner, cam=None, status: str | None = None, partner_type: PartnerType | None = None,
                         parent: Partner | None = None, clear_parent: bool = False) -> Partner:
    """Vendor-only fields: owning CAM, status, type, parent distributor."""
    if actor is not None and not has_perm(actor, "partners.manage"):
        raise PermissionDenied()
    fields = ["cam", "status", "partner_type", "parent"]
    before = snapshot(partner, fields)
    if cam is not None:
        _check_cam(cam)
        partner.cam = cam
    if status is not None:
        if status not in PartnerStatus.values:
            raise DomainError(f"Choose one of {', '.join(PartnerStatus.values)}.", field="status")
        partner.status = status
    if partner_type is not None:
        if (partner.partner_type.code == PartnerTypeCode.DISTRIBUTOR and partner_type.code != PartnerTypeCode.DISTRIBUTOR
                and partner.sub_partners.exists()):
            raise DomainError("This distributor still has sub-partners; move them to another distributor first.",
                              field="partner_type")
        partner.partner_type = partner_type
    if clear_parent:
        partner.parent = None
    elif parent is not None:
        if parent.pk == partner.pk or parent.partner_type.code != PartnerTypeCode.DISTRIBUTOR:
            raise DomainError("The parent must be another partner that is a distributor.", field="parent")
        partner.parent = parent
    partner.save()
    after = snapshot(partner, fields)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        audit_record(actor=actor, action="partner.admin_updated", obj=partner,
                     before={k: before[k] for k in changed}, after=changed, partner_id=partner.pk)
    return partner


@transaction.atomic
def achievement_record(*, actor, partner: Partner, kind: str, occurred_at=None, name: str = "", amount=None,
                       currency: str = "USD", expires_at=None) -> Achievement:
    if actor is not None and not has_perm(actor, "partners.manage"):
        raise PermissionDenied()
    ach = Achievement.objects.create(partner=partner, kind=kind, name=name, amount=amount, currency=currency,
                                     occurred_at=occurred_at or timezone.now(), expires_at=expires_at)
    audit_record(actor=actor, action="achievement.recorded", obj=ach,
                 after=snapshot(ach, ["kind", "name", "amount", "currency"]), partner_id=partner.pk)
    return ach
