"""Program design writes: settings, tiers and their rules, partner types, news, agreements."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.permissions import has_perm

from .facts import fact_get
from .models import (
    Agreement,
    Announcement,
    PartnerType,
    ProgramSettings,
    RevenueModel,
    SupportLevel,
    Tier,
    TierRequirement,
)

TIER_FIELDS = ["name", "rank", "description", "discount_pct", "mdf_eligible", "lead_priority", "support_level", "color"]


def _require_admin(actor) -> None:
    if not has_perm(actor, "program.manage"):
        raise PermissionDenied("Only a program admin can change the program.")


def _decimal(value, field: str, lo: Decimal | None = None, hi: Decimal | None = None) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("Enter a number.", field=field)
    if not d.is_finite() or (lo is not None and d < lo) or (hi is not None and d > hi):
        raise DomainError(f"Enter a number between {lo} and {hi}." if hi is not None else f"Enter a number of at least {lo}.", field=field)
    return d


@transaction.atomic
def program_settings_update(*, actor, data: dict) -> ProgramSettings:
    _require_admin(actor)
    ps = ProgramSettings.current()
    fields = ["vendor_name", "tier_auto_apply", "downgrade_grace_days", "distributors_see_subpartners", "public_locator_enabled"]
    before = snapshot(ps, fields)
    if "vendor_name" in data:
        name = (data["vendor_name"] or "").strip()
        if not name:
            raise DomainError("Enter the vendor name.", field="vendor_name")
        ps.vendor_name = name[:200]
    if "downgrade_grace_days" in data:
        try:
            days = int(data["downgrade_grace_days"])
        except (TypeError, ValueError):
            raise DomainError("Enter a whole number of days.", field="downgrade_grace_days")
        if not 0 <= days <= 730:
            raise DomainError("Enter 0 to 730 days.", field="downgrade_grace_days")
        ps.downgrade_grace_days = days
    for flag in ("tier_auto_apply", "distributors_see_subpartners", "public_locator_enabled"):
        if flag in data:
            value = data[flag]
            if isinstance(value, str):
                if value.strip().lower() not in {"true", "false", "1", "0", "yes", "no", "on", "off", ""}:
                    raise DomainError("Give true or false.", field=flag)
                value = value.strip().lower() in {"true", "1", "yes", "on"}
            setattr(ps, flag, bool(value))
    ps.save()
    audit_record(actor=actor, action="program.updated", obj=ps, before=before, after=snapshot(ps, fields))
    return ps


def _clean_tier(data: dict) -> dict:
    out = {}
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            raise DomainError("Enter the tier name.", field="name")
        out["name"] = name[:60]
    if "rank" in data:
        try:
            out["rank"] = int(data["rank"])
        except (TypeError, ValueError):
            raise DomainError("Enter a whole number.", field="rank")
        if not 1 <= out["rank"] <= 100:
            raise DomainError("Rank must be 1 to 100.", field="rank")
    if "discount_pct" in data:
        out["discount_pct"] = _decimal(data["discount_pct"], "discount_pct", Decimal(0), Decimal(100))
    if "lead_priority" in data:
        try:
            out["lead_priority"] = int(data["lead_priority"])
        except (TypeError, ValueError):
            raise DomainError("Enter a whole number.", field="lead_priority")
        if not 0 <= out["lead_priority"] <= 100:
            raise DomainError("Lead priority must be 0 to 100.", field="lead_priority")
    if "support_level" in data:
        if data["support_level"] not in SupportLevel.values:
            raise DomainError(f"Choose one of {', '.join(SupportLevel.values)}.", field="support_level")
        out["support_level"] = data["support_level"]
    if "color" in data:
        color = (data["color"] or "").strip()
        if len(color) != 7 or not color.startswith("#"):
            raise DomainError("Use a colour like #1d4ed8.", field="color")
        out["color"] = color
    for f in ("description",):
        if f in data:
            out[f] = (data[f] or "").strip()
    if "mdf_eligible" in data:
        out["mdf_eligible"] = bool(data["mdf_eligible"])
    return out


@transaction.atomic
def tier_save(*, actor, tier: Tier | None, data: dict) -> Tier:
    """Create a tier (tier=None) or update one. Names and ranks stay unique."""
    _require_admin(actor)
    clean = _clean_tier(data)
    if tier is None:
        for req in ("name", "rank"):
            if req not in clean:
                raise DomainError(f"Enter the tier {req}.", field=req)
    others = Tier.objects.exclude(pk=getattr(tier, "pk", None))
    if "name" in clean and others.filter(name__iexact=clean["name"]).exists():
        raise Conflict("Another tier has this name.", field="name")
    if "rank" in clean and others.filter(rank=clean["rank"]).exists():
        raise Conflict("Another tier has this rank; ranks order the tiers.", field="rank")
    before = snapshot(tier, TIER_FIELDS) if tier else {}
    tier = tier or Tier()
    for k, v in clean.items():
        setattr(tier, k, v)
    tier.save()
    audit_record(actor=actor, action="tier.saved", obj=tier, before=before, after=snapshot(tier, TIER_FIELDS))
    return tier


@transaction.atomic
def tier_delete(*, actor, tier: Tier) -> None:
    _require_admin(actor)
    if tier.partners.exists():
        raise Conflict(f"{tier.partners.count()} partner(s) are {tier.name}; move them first.", field="tier")
    if Tier.objects.count() <= 1:
        raise Conflict("The program needs at least one tier.", field="tier")
    audit_record(actor=actor, action="tier.deleted", obj=tier, before=snapshot(tier, TIER_FIELDS))
    tier.requirements.all().delete()
    tier.delete()


@transaction.atomic
def tier_requirement_set(*, actor, tier: Tier, fact: str, threshold) -> TierRequirement:
    _require_admin(actor)
    if fact_get(fact) is None:
        raise DomainError("Choose a fact from the list.", field="fact")
    value = _decimal(threshold, "threshold", Decimal(0), Decimal("99999999999999"))  # fits the column (16 digits, 2 places)
    req, created = TierRequirement.objects.update_or_create(tier=tier, fact=fact, defaults={"threshold": value})
    audit_record(actor=actor, action="tier_requirement.set", obj=tier, after={"fact": fact, "threshold": value})
    return req


@transaction.atomic
def tier_requirement_delete(*, actor, requirement: TierRequirement) -> None:
    _require_admin(actor)
    audit_record(actor=actor, action="tier_requirement.deleted", obj=requirement.tier,
                 before={"fact": requirement.fact, "threshold": requirement.threshold})
    requirement.delete()


@transaction.atomic
def partner_type_update(*, actor, partner_type: PartnerType, data: dict) -> PartnerType:
    _require_admin(actor)
    fields = ["name", "revenue_model", "description", "active"]
    before = snapshot(partner_type, fields)
    if "name" in data:
        if not (data["name"] or "").strip():
            raise DomainError("Enter a name.", field="name")
        partner_type.name = data["name"].strip()[:80]
    if "revenue_model" in data:
        if data["revenue_model"] not in RevenueModel.values:
            raise DomainError("Choose a revenue model from the list.", field="revenue_model")
        partner_type.revenue_model = data["revenue_model"]
    if "description" in data:
        partner_type.description = (data["description"] or "").strip()
    if "active" in data:
        partner_type.active = bool(data["active"])
    partner_type.save()
    audit_record(actor=actor, action="partner_type.updated", obj=partner_type, before=before, after=snapshot(partner_type, fields))
    return partner_type


@transaction.atomic
def announcement_publish(*, actor, title: str, body: str) -> Announcement:
    if not (has_perm(actor, "program.manage") or getattr(actor, "role", "") == "pmm"):
        raise PermissionDenied()
    if not (title or "").strip():
        raise DomainError("Enter a title.", field="title")
    if not (body or "").strip():
        raise DomainError("Write the news.", field="body")
    news = Announcement.objects.create(title=title.strip()[:200], body=body.strip(), published_at=timezone.now())
    audit_record(actor=actor, action="announcement.published", obj=news, after={"title": news.title})
    return news


@transaction.atomic
def agreement_publish(*, actor, name: str, version: str, body: str) -> Agreement:
    """A new agreement version becomes current; partners must accept it again."""
    _require_admin(actor)
    if not (version or "").strip():
        raise DomainError("Enter a version.", field="version")
    if not (body or "").strip():
        raise DomainError("Enter the agreement text.", field="body")
    if len(version.strip()) > 20:
        raise DomainError("At most 20 characters.", field="version")
    name = ((name or "").strip() or "Partner Program Agreement")[:120]  # check duplicates under the name that is stored
    if Agreement.objects.filter(name=name, version=version.strip()).exists():
        raise Conflict("This version already exists.", field="version")
    Agreement.objects.filter(is_current=True).update(is_current=False)
    agreement = Agreement.objects.create(name=name, version=version.strip(), body=body.strip())
    audit_record(actor=actor, action="agreement.published", obj=agreement, after={"version": agreement.version})
    return agreement
