"""Budget periods and their pool, activity types, and allocations to partners."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError
from allied.core.inputs import clean_date
from allied.core.money import clean_currency, clean_money, format_money, from_minor, to_minor
from allied.core.permissions import require_perm
from allied.ledger.services import move
from allied.partners.models import Partner, PartnerStatus
from allied.program.models import Tier

from ..models import (
    REQUEST_FUNDED,
    AllocationMethod,
    ClaimStatus,
    FundActivityType,
    FundAllocation,
    FundClaim,
    FundPeriod,
    FundRequest,
    PeriodStatus,
    RequestStatus,
)
from .postings import (
    ALLOCATED,
    FUNDING,
    POOL,
    allocated_available_minor,
    period_minor,
    pool_available_minor,
    post,
)

PERIOD_FIELDS = ("name", "starts_on", "ends_on", "currency", "pool_minor", "claim_deadline_days", "min_pipeline_ratio",
                 "target_segments", "allow_proposals")



def clean_ratio(value, field: str = "min_pipeline_ratio") -> Decimal:
    if isinstance(value, float):
        raise DomainError("Send numbers as decimal strings or integers, not floating-point numbers.", field=field)
    try:
        ratio = Decimal(str(value).strip())
    except ArithmeticError:
        raise DomainError("Enter a number such as 5 or 2.5.", field=field)
    if not ratio.is_finite() or ratio < 0 or ratio > 10000 or ratio != ratio.quantize(Decimal("0.01")):
        raise DomainError("Enter a number between 0 and 10000 with at most two decimals.", field=field)
    return ratio.quantize(Decimal("0.01"))


def clean_segments(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        raise DomainError("Give the target segments as a list.", field="target_segments")
    segments = sorted({str(v).strip().lower() for v in value if str(v).strip()})
    if any(len(s) > 40 for s in segments):
        raise DomainError("A segment name is at most 40 characters.", field="target_segments")
    return segments


def clean_days(value, field: str, *, most: int = 730) -> int:
    if isinstance(value, bool) or isinstance(value, float):
        raise DomainError("Enter a whole number of days.", field=field)
    try:
        days = int(str(value).strip())
    except ValueError:
        raise DomainError("Enter a whole number of days.", field=field)
    if days < 0 or days > most:
        raise DomainError(f"Enter between 0 and {most} days.", field=field)
    return days


def _locked_period(period: FundPeriod) -> FundPeriod:
    return FundPeriod.objects.select_for_update().get(pk=period.pk)


def _require_open(period: FundPeriod) -> None:
    if period.status != PeriodStatus.OPEN:
        raise Conflict(f"The period {period.name} is closed.")


def _fund(*, period: FundPeriod, delta_minor: int, actor) -> None:
    """Move ``delta_minor`` into (positive) or out of (negative) the period's pool, as posting ``pool_version``."""
    if delta_minor == 0:
        return
    amount = from_minor(abs(delta_minor), period.currency)
    legs = (move(amount, source=(FUNDING, None), to=(POOL, None)) if delta_minor > 0
            else move(amount, source=(POOL, None), to=(FUNDING, None)))
    post(kind="mdf.funded" if delta_minor > 0 else "mdf.defunded", key=f"mdf-fund:{period.public_id}:{period.pool_version}",
         period=period, obj=period, legs=legs, memo=f"Pool of {period.name}", partner_id=None, actor=actor)


@transaction.atomic
def period_create(*, actor, name: str, starts_on, ends_on, currency: str = "USD", pool="0", claim_deadline_days=60,
                  min_pipeline_ratio="5", target_segments=None, allow_proposals: bool = True) -> FundPeriod:
    """A new budget period; its pool is funded from the vendor's MDF funding account."""
    require_perm(actor, "funds.manage")
    name = (name or "").strip()
    if not name:
        raise DomainError("Name the period, e.g. 2025 Q3.", field="name")
    if len(name) > 80:
        raise DomainError("A period name is at most 80 characters.", field="name")
    if FundPeriod.objects.filter(name__iexact=name).exists():
        raise Conflict(f"A period named {name} already exists.", field="name")
    currency = clean_currency(currency)
    starts_on, ends_on = clean_date(starts_on, "starts_on"), clean_date(ends_on, "ends_on")
    if ends_on < starts_on:
        raise DomainError("The period must end on or after its start.", field="ends_on")
    pool_minor = to_minor(clean_money(pool, currency, "pool"), currency)
    period = FundPeriod.objects.create(
        name=name, starts_on=starts_on, ends_on=ends_on, currency=currency, pool_minor=pool_minor,
        pool_version=1 if pool_minor else 0, claim_deadline_days=clean_days(claim_deadline_days, "claim_deadline_days"),
        min_pipeline_ratio=clean_ratio(min_pipeline_ratio), target_segments=clean_segments(target_segments),
        allow_proposals=bool(allow_proposals), created_by=actor if getattr(actor, "pk", None) else None)
    _fund(period=period, delta_minor=pool_minor, actor=actor)
    audit_record(actor=actor, action="fund_period.created", obj=period, after=snapshot(period, PERIOD_FIELDS))
    return period


@transaction.atomic
def period_update(*, actor, period: FundPeriod, data: dict) -> FundPeriod:
    """Change a period's settings or pool. Lowering the pool takes back only what is not allocated."""
    require_perm(actor, "funds.manage")
    period = _locked_period(period)
    _require_open(period)
    allowed = {"name", "starts_on", "ends_on", "pool", "claim_deadline_days", "min_pipeline_ratio", "target_segments", "allow_proposals"}
    if bad := sorted(set(data) - allowed):
        raise DomainError("This cannot be changed (the currency of a period is fixed).", field=bad[0])
    before = snapshot(period, PERIOD_FIELDS)
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name or len(name) > 80:
            raise DomainError("Name the period (at most 80 characters).", field="name")
        if FundPeriod.objects.filter(name__iexact=name).exclude(pk=period.pk).exists():
            raise Conflict(f"A period named {name} already exists.", field="name")
        period.name = name
    if "starts_on" in data:
        period.starts_on = clean_date(data["starts_on"], "starts_on")
    if "ends_on" in data:
        period.ends_on = clean_date(data["ends_on"], "ends_on")
    if period.ends_on < period.starts_on:
        raise DomainError("The period must end on or after its start.", field="ends_on")
    if "claim_deadline_days" in data:
        period.claim_deadline_days = clean_days(data["claim_deadline_days"], "claim_deadline_days")
    if "min_pipeline_ratio" in data:
        period.min_pipeline_ratio = clean_ratio(data["min_pipeline_ratio"])
    if "target_segments" in data:
        period.target_segments = clean_segments(data["target_segments"])
    if "allow_proposals" in data:
        period.allow_proposals = bool(data["allow_proposals"])
    if "pool" in data:
        new_minor = to_minor(clean_money(data["pool"], period.currency, "pool"), period.currency)
        delta = new_minor - period.pool_minor
        if delta < 0 and -delta > pool_available_minor(period):
            left = from_minor(pool_available_minor(period), period.currency)
            raise Conflict(f"Only {format_money(left, period.currency)} of the pool is unallocated; it cannot shrink more.",
                           field="pool")
        if delta:
            period.pool_minor, period.pool_version = new_minor, period.pool_version + 1
            _fund(period=period, delta_minor=delta, actor=actor)
    period.save()
    after = snapshot(period, PERIOD_FIELDS)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        audit_record(actor=actor, action="fund_period.updated", obj=period, before={k: before[k] for k in changed}, after=changed)
    return period


@transaction.atomic
def period_close(*, actor, period: FundPeriod) -> FundPeriod:
    """Close a period: funded requests complete (unclaimed commitments return to the partner's allocation),
    then every partner's unspent allocation returns to the pool. Refused while requests or claims await a decision."""
    require_perm(actor, "funds.manage")
    period = _locked_period(period)
    _require_open(period)
    waiting = FundRequest.objects.filter(period=period, status=RequestStatus.SUBMITTED).count()
    if waiting:
        raise Conflict(f"{waiting} fund request{'s' if waiting != 1 else ''} still await a decision; decide them first.")
    claims = FundClaim.objects.filter(request__period=period, status=ClaimStatus.SUBMITTED).count()
    if claims:
        raise Conflict(f"{claims} claim{'s' if claims != 1 else ''} still await a decision; decide them first.")
    from .requests import request_complete  # a period closes its requests; requests never close periods

    for req in FundRequest.objects.filter(period=period, status__in=REQUEST_FUNDED).order_by("pk"):
        request_complete(actor=actor, request=req, note="Period closed.")
    returned = 0
    for (code, partner_id), minor in sorted(period_minor(period).items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        if code != ALLOCATED or minor <= 0:
            continue
        partner = Partner.objects.get(pk=partner_id)
        post(kind="mdf.allocation_returned", key=f"mdf-close:{period.public_id}:{partner.public_id}", period=period, obj=period,
             legs=move(from_minor(minor, period.currency), source=(ALLOCATED, partner_id), to=(POOL, None)),
             memo=f"Unspent allocation of {period.name} returned", partner_id=partner_id, actor=actor)
        returned += minor
    period.status, period.closed_at = PeriodStatus.CLOSED, timezone.now()
    period.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="fund_period.closed", obj=period, before={"status": "open"},
                 after={"status": "closed", "returned_to_pool": from_minor(returned, period.currency)})
    return period


ACTIVITY_FIELDS = ("code", "name", "description", "reimbursement_percent", "active")


def clean_percent(value, field: str = "reimbursement_percent") -> Decimal:
    if isinstance(value, float):
        raise DomainError("Send percentages as decimal strings or integers, not floating-point numbers.", field=field)
    try:
        pct = Decimal(str(value).strip())
    except ArithmeticError:
        raise DomainError("Enter a percentage such as 50 or 62.5.", field=field)
    if not pct.is_finite() or pct < 0 or pct > 100 or pct != pct.quantize(Decimal("0.01")):
        raise DomainError("Enter a percentage between 0 and 100 with at most two decimals.", field=field)
    return pct.quantize(Decimal("0.01"))


@transaction.atomic
def activity_type_save(*, actor, code: str, name: str, reimbursement_percent, description: str = "",
                       active: bool = True) -> FundActivityType:
    """Create an activity type, or change the one with this code."""
    require_perm(actor, "funds.manage")
    code = (code or "").strip().lower()
    if not code or len(code) > 40 or not all(c.isalnum() or c in "_-" for c in code):
        raise DomainError("Give a code of letters, digits, - or _ (at most 40).", field="code")
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise DomainError("Name the activity type (at most 80 characters).", field="name")
    if len(description or "") > 300:
        raise DomainError("The description is at most 300 characters.", field="description")
    pct = clean_percent(reimbursement_percent)
    row = FundActivityType.objects.select_for_update().filter(code=code).first()
    before = snapshot(row, ACTIVITY_FIELDS) if row else {}
    row = row or FundActivityType(code=code)
    row.name, row.description, row.reimbursement_percent, row.active = name, (description or "").strip(), pct, bool(active)
    row.save()
    after = snapshot(row, ACTIVITY_FIELDS)
    audit_record(actor=actor, action="fund_activity_type.saved", obj=row, before=before,
                 after={k: v for k, v in after.items() if before.get(k) != v})
    return row


def _allocation_change(*, actor, period: FundPeriod, partner: Partner, amount_minor: int, method: str, note: str) -> FundAllocation | None:
    """Set one allocation in a locked period; post the difference (pool <-> allocated)."""
    row = FundAllocation.objects.select_for_update().filter(period=period, partner=partner).first()
    old = row.amount_minor if row else 0
    delta = amount_minor - old
    if row is None and amount_minor == 0 and method != AllocationMethod.PROPOSAL:
        return None
    if delta > 0 and delta > pool_available_minor(period):
        left = format_money(from_minor(pool_available_minor(period), period.currency), period.currency)
        raise Conflict(f"The pool of {period.name} has only {left} unallocated.", field="amount")
    if delta < 0 and -delta > allocated_available_minor(period, partner.pk):
        left = format_money(from_minor(allocated_available_minor(period, partner.pk), period.currency), period.currency)
        raise Conflict(f"{partner.name} has only {left} of its allocation uncommitted; it cannot shrink more.", field="amount")
    before = snapshot(row, ("amount_minor", "method", "note")) if row else {}
    if row is None:
        row = FundAllocation(period=period, partner=partner, currency=period.currency, version=0,
                             created_by=actor if getattr(actor, "pk", None) else None)
    if delta:
        row.version += 1
    row.amount_minor, row.method, row.note, row.updated_at = amount_minor, method, note, timezone.now()
    row.save()
    if delta:
        amount = from_minor(abs(delta), period.currency)
        legs = (move(amount, source=(POOL, None), to=(ALLOCATED, partner.pk)) if delta > 0
                else move(amount, source=(ALLOCATED, partner.pk), to=(POOL, None)))
        post(kind="mdf.allocated" if delta > 0 else "mdf.deallocated", key=f"mdf-allocate:{row.public_id}:{row.version}",
             period=period, obj=row, legs=legs, memo=f"Allocation for {period.name}", partner_id=partner.pk, actor=actor)
    after = snapshot(row, ("amount_minor", "method", "note"))
    if after != before:
        audit_record(actor=actor, action="fund_allocation.set", obj=row, partner_id=partner.pk, before=before,
                     after={**after, "amount": row.amount})
    return row


def _clean_method(method) -> str:
    if method not in AllocationMethod.values:
        raise DomainError(f"Choose a method: {', '.join(AllocationMethod.values)}.", field="method")
    return method


@transaction.atomic
def allocation_set(*, actor, period: FundPeriod, partner: Partner, amount, method: str = AllocationMethod.PLAN,
                   note: str = "") -> FundAllocation:
    """Give ``partner`` ``amount`` of the period's pool (raising or lowering an existing allocation)."""
    require_perm(actor, "funds.manage")
    period = _locked_period(period)
    _require_open(period)
    method = _clean_method(method)
    if len(note or "") > 500:
        raise DomainError("The note is at most 500 characters.", field="note")
    minor = to_minor(clean_money(amount, period.currency, "amount"), period.currency)
    if method == AllocationMethod.PROPOSAL and minor:
        raise DomainError("Proposal-based allocations hold nothing upfront; each approved request is funded from the pool.",
                          field="amount")
    row = _allocation_change(actor=actor, period=period, partner=partner, amount_minor=minor, method=method, note=(note or "").strip())
    if row is None:
        raise DomainError("Give an amount above zero.", field="amount")
    return row


@transaction.atomic
def allocations_by_tier(*, actor, period: FundPeriod, amounts: dict) -> list[FundAllocation]:
    """Allocate ``amounts[tier name or public id]`` to every active partner of that tier (all or nothing).

    Partners of tiers not named keep what they have. The total must fit in the unallocated pool.
    """
    require_perm(actor, "funds.manage")
    period = _locked_period(period)
    _require_open(period)
    if not amounts:
        raise DomainError("Give an amount for at least one tier.", field="amounts")
    tiers = {t.public_id: t for t in Tier.objects.all()} | {t.name.lower(): t for t in Tier.objects.all()}
    per_tier: dict[int, int] = {}
    for key, value in amounts.items():
        tier = tiers.get(str(key)) or tiers.get(str(key).lower())
        if tier is None:
            raise DomainError(f"Unknown tier {key}.", field=f"amounts.{key}")
        per_tier[tier.pk] = to_minor(clean_money(value, period.currency, f"amounts.{key}"), period.currency)
    partners = list(Partner.objects.filter(tier_id__in=per_tier, status=PartnerStatus.ACTIVE).order_by("pk"))
    current = dict(FundAllocation.objects.filter(period=period, partner__in=partners).values_list("partner_id", "amount_minor"))
    needed = sum(per_tier[p.tier_id] - current.get(p.pk, 0) for p in partners)
    if needed > pool_available_minor(period):
        raise Conflict(f"These amounts need {format_money(from_minor(needed, period.currency), period.currency)} more than is "
                       f"allocated today; the pool has {format_money(from_minor(pool_available_minor(period), period.currency), period.currency)} unallocated.",
                       field="amounts")
    rows = []
    # Lowered allocations first, so their money is back in the pool before raised ones take from it.
    for p in sorted(partners, key=lambda p: (per_tier[p.tier_id] - current.get(p.pk, 0), p.pk)):
        row = _allocation_change(actor=actor, period=period, partner=p, amount_minor=per_tier[p.tier_id],
                                 method=AllocationMethod.TIER, note="Allocated by tier")
        if row is not None:
            rows.append(row)
    return sorted(rows, key=lambda r: r.partner_id)
