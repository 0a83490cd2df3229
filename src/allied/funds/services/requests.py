"""Fund requests: a partner proposes an activity, the vendor weighs it against the program's criteria and
approves it (in full or in part) or rejects it; approval commits the money, completion releases the rest."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.money import clean_money, format_money, from_minor, percent_of, to_minor
from allied.core.permissions import has_perm, require_perm
from allied.ledger.services import Leg, move

from ..models import (
    REQUEST_FUNDED,
    AllocationMethod,
    ClaimStatus,
    FundActivityType,
    FundAllocation,
    FundPeriod,
    FundRequest,
    PeriodStatus,
    RequestStatus,
)
from .periods import clean_date
from .postings import ALLOCATED, COMMITTED, POOL, allocated_available_minor, pool_available_minor, post

EDITABLE = ("activity_type", "title", "description", "plan", "total_budget", "requested", "expected_leads", "expected_pipeline",
            "starts_on", "ends_on", "target_segment", "measurement_plan")
AUDITED = ("title", "activity_type", "total_budget_minor", "requested_minor", "expected_leads", "expected_pipeline_minor",
           "starts_on", "ends_on", "target_segment", "status")
# Claims whose money has left the commitment (approved, partially approved, paid) and those still reserving it.
CLAIM_TAKEN = (ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED, ClaimStatus.PAID)


def can_request(actor, partner_id: int) -> bool:
    return actor.partner_id == partner_id and has_perm(actor, "partner.funds.request")


def _require_own(actor, request: FundRequest) -> None:
    if not can_request(actor, request.partner_id):
        raise PermissionDenied("Only the partner's admins and marketers can change its fund requests.")


def _text(data: dict, field: str, *, most: int, required: bool = False, label: str = "") -> str:
    value = data.get(field) or ""
    if not isinstance(value, str):
        raise DomainError(f"{label or field} must be text.", field=field)
    value = value.strip()
    if required and not value:
        raise DomainError(f"Enter {label or field}.", field=field)
    if len(value) > most:
        raise DomainError(f"{(label or field).capitalize()} is at most {most:,} characters.", field=field)
    return value


def clean_count(value, field: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, (bool, float)):
        raise DomainError("Enter a whole number.", field=field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise DomainError("Enter a whole number.", field=field)
    if number < 0 or number > 10_000_000:
        raise DomainError("Enter a whole number between 0 and 10,000,000.", field=field)
    return number


def clean_request(data: dict, *, period: FundPeriod, current: FundRequest | None = None) -> dict:
    """Validated model fields from request input (all fields for a new request, the given ones for a change)."""
    if bad := sorted(set(data) - set(EDITABLE)):
        raise DomainError("Unknown field.", field=bad[0])
    merged = {} if current is None else {
        "activity_type": current.activity_type.code, "title": current.title, "description": current.description, "plan": current.plan,
        "total_budget": current.total_budget, "requested": current.requested, "expected_leads": current.expected_leads,
        "expected_pipeline": current.expected_pipeline, "starts_on": current.starts_on, "ends_on": current.ends_on,
        "target_segment": current.target_segment, "measurement_plan": current.measurement_plan}
    merged.update(data)
    cur = period.currency
    code = merged.get("activity_type")
    activity = FundActivityType.objects.filter(code=str(code or "").strip().lower(), active=True).first() if code else None
    if activity is None:
        raise DomainError("Choose an activity type.", field="activity_type")
    total = clean_money(merged.get("total_budget"), cur, "total_budget")
    requested = clean_money(merged.get("requested"), cur, "requested")
    if requested <= 0:
        raise DomainError("Ask for an amount above zero.", field="requested")
    if requested > total:
        raise DomainError("The vendor's share cannot exceed the activity's total budget.", field="requested")
    pipeline = clean_money(merged.get("expected_pipeline") if merged.get("expected_pipeline") not in (None, "") else "0", cur,
                           "expected_pipeline")
    starts_on = clean_date(merged.get("starts_on"), "starts_on")
    ends_on = clean_date(merged.get("ends_on"), "ends_on")
    if ends_on < starts_on:
        raise DomainError("The activity must end on or after its start.", field="ends_on")
    if starts_on < period.starts_on or starts_on > period.ends_on:
        raise DomainError(f"The activity must start within {period.name} ({period.starts_on} to {period.ends_on}).", field="starts_on")
    if (ends_on - starts_on).days > 366:
        raise DomainError("An activity lasts at most a year.", field="ends_on")
    return {
        "activity_type": activity,
        "title": _text(merged, "title", most=200, required=True, label="a title"),
        "description": _text(merged, "description", most=10_000, label="the description"),
        "plan": _text(merged, "plan", most=10_000, label="the plan"),
        "total_budget_minor": to_minor(total, cur), "requested_minor": to_minor(requested, cur),
        "expected_leads": clean_count(merged.get("expected_leads"), "expected_leads"),
        "expected_pipeline_minor": to_minor(pipeline, cur), "starts_on": starts_on, "ends_on": ends_on,
        "target_segment": _text(merged, "target_segment", most=40, label="the target segment").lower(),
        "measurement_plan": _text(merged, "measurement_plan", most=10_000, label="the measurement plan"),
    }


def _funding_of(period: FundPeriod, partner_id: int) -> FundAllocation | None:
    return FundAllocation.objects.filter(period=period, partner_id=partner_id).first()


def request_criteria(request: FundRequest, *, amount_minor: int | None = None) -> list[dict]:
    """The approval criteria the field uses, each ``{name, passed, detail}``, for ``amount_minor`` (default: requested)."""
    period, cur = request.period, request.currency
    amount_minor = request.requested_minor if amount_minor is None else amount_minor
    money = lambda minor: format_money(from_minor(minor, cur), cur)  # noqa: E731
    out = []
    if period.target_segments:
        fits = request.target_segment in period.target_segments
        out.append({"name": "Fits target segment", "passed": fits,
                    "detail": f"{request.target_segment or 'No segment given'}; the program funds {', '.join(period.target_segments)}."})
    else:
        out.append({"name": "Fits target segment", "passed": True, "detail": "The program funds every segment."})
    has_plan = len(request.measurement_plan.strip()) >= 10
    out.append({"name": "Measurement plan present", "passed": has_plan,
                "detail": "Describes how leads and pipeline will be measured." if has_plan else "No measurement plan (or too short)."})
    needed = (Decimal(amount_minor) * period.min_pipeline_ratio).to_integral_value()
    ratio = (Decimal(request.expected_pipeline_minor) / Decimal(amount_minor)).quantize(Decimal("0.1")) if amount_minor else Decimal(0)
    out.append({"name": f"Expected pipeline ≥ {period.min_pipeline_ratio.normalize():f}× the amount",
                "passed": request.expected_pipeline_minor >= needed,
                "detail": f"{money(request.expected_pipeline_minor)} expected, {ratio:f}× {money(amount_minor)}; "
                          f"needs {money(int(needed))}."})
    allocation = _funding_of(period, request.partner_id)
    available = allocated_available_minor(period, request.partner_id)
    if allocation is None or allocation.method == AllocationMethod.PROPOSAL:
        pool = pool_available_minor(period)
        out.append({"name": "Within the pool (proposal-based)", "passed": amount_minor <= pool,
                    "detail": f"No upfront allocation; {money(pool)} of the pool is unallocated."})
    else:
        out.append({"name": "Within the partner's available allocation", "passed": amount_minor <= available,
                    "detail": f"{money(available)} of {money(allocation.amount_minor)} allocated is not yet committed."})
    share = percent_of(request.total_budget, request.activity_type.reimbursement_percent, cur)
    out.append({"name": "Within the reimbursement share", "passed": from_minor(amount_minor, cur) <= share,
                "detail": f"{request.activity_type.name} is reimbursed at {request.activity_type.reimbursement_percent.normalize():f} %: "
                          f"at most {format_money(share, cur)} of a {money(request.total_budget_minor)} budget."})
    eligible = request.partner.tier.mdf_eligible
    out.append({"name": "Tier eligible for MDF", "passed": eligible,
                "detail": f"{request.partner.tier.name} tier {'is' if eligible else 'is not'} MDF-eligible."})
    return out


def _require_period_open(period: FundPeriod) -> None:
    if period.status != PeriodStatus.OPEN:
        raise Conflict(f"The period {period.name} is closed.", field="period")


@transaction.atomic
def request_create(*, actor, period: FundPeriod, data: dict, submit: bool = False) -> FundRequest:
    """A new fund request of the actor's partner, kept as a draft or submitted for review at once."""
    if not has_perm(actor, "partner.funds.request") or actor.partner_id is None:
        raise PermissionDenied("Only partner admins and marketers can request funds.")
    _require_period_open(period)
    if _funding_of(period, actor.partner_id) is None and not period.allow_proposals:
        raise DomainError(f"Your organisation has no MDF allocation in {period.name}.", field="period")
    fields = clean_request(data, period=period)
    request = FundRequest.objects.create(partner_id=actor.partner_id, period=period, currency=period.currency, created_by=actor,
                                         **fields)
    audit_record(actor=actor, action="fund_request.created", obj=request, partner_id=request.partner_id,
                 after={**snapshot(request, AUDITED), "requested": request.requested})
    if submit:
        request = request_submit(actor=actor, request=request)
    return request


def _locked(request: FundRequest) -> FundRequest:
    return FundRequest.objects.select_for_update(of=("self",)).select_related("period", "partner__tier", "activity_type").get(pk=request.pk)


@transaction.atomic
def request_update(*, actor, request: FundRequest, data: dict) -> FundRequest:
    """Change a draft."""
    request = _locked(request)
    _require_own(actor, request)
    if request.status != RequestStatus.DRAFT:
        raise Conflict("Only drafts can be changed; this request is " + request.get_status_display().lower() + ".")
    before = snapshot(request, AUDITED)
    for k, v in clean_request(data, period=request.period, current=request).items():
        setattr(request, k, v)
    request.updated_at = timezone.now()
    request.save()
    after = snapshot(request, AUDITED)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        audit_record(actor=actor, action="fund_request.updated", obj=request, partner_id=request.partner_id,
                     before={k: before[k] for k in changed}, after=changed)
    return request


@transaction.atomic
def request_submit(*, actor, request: FundRequest) -> FundRequest:
    request = _locked(request)
    _require_own(actor, request)
    if request.status != RequestStatus.DRAFT:
        raise Conflict("Only drafts can be submitted; this request is " + request.get_status_display().lower() + ".")
    _require_period_open(request.period)
    request.status, request.submitted_at, request.updated_at = RequestStatus.SUBMITTED, timezone.now(), timezone.now()
    request.criteria = request_criteria(request)
    request.save(update_fields=["status", "submitted_at", "updated_at", "criteria"])
    audit_record(actor=actor, action="fund_request.submitted", obj=request, partner_id=request.partner_id,
                 before={"status": "draft"}, after={"status": "submitted", "requested": request.requested})
    return request


@transaction.atomic
def request_approve(*, actor, request: FundRequest, amount=None, note: str = "") -> FundRequest:
    """Approve ``amount`` (default: all that was requested) and commit it.

    The money comes from the partner's allocation; what the allocation lacks (all of it for a proposal-based
    request) comes from the period's pool. A criterion that fails needs a note saying why it is approved anyway.
    """
    require_perm(actor, "funds.review")
    period = FundPeriod.objects.select_for_update().get(pk=request.period_id)  # one decision at a time per period
    request = _locked(request)
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict("Only submitted requests can be approved; this one is " + request.get_status_display().lower() + ".")
    _require_period_open(period)
    request.period = period
    cur = request.currency
    approved = request.requested if amount in (None, "") else clean_money(amount, cur, "amount")
    minor = to_minor(approved, cur)
    if minor <= 0:
        raise DomainError("Approve an amount above zero, or reject the request.", field="amount")
    if minor > request.requested_minor:
        raise DomainError(f"Approve at most the {format_money(request.requested, cur)} requested.", field="amount")
    note = (note or "").strip()
    if len(note) > 5000:
        raise DomainError("The note is at most 5,000 characters.", field="note")
    criteria = request_criteria(request, amount_minor=minor)
    failed = [c["name"] for c in criteria if not c["passed"]]
    if failed and not note:
        raise DomainError(f"Not met: {'; '.join(failed)}. Write a note saying why you approve anyway.", field="note")
    partial = minor < request.requested_minor
    if partial and not note:
        raise DomainError("Tell the partner why only part of the request is approved.", field="note")
    shortfall = max(0, minor - allocated_available_minor(period, request.partner_id))
    if shortfall > pool_available_minor(period):
        left = format_money(from_minor(pool_available_minor(period), cur), cur)
        raise Conflict(f"The allocation lacks {format_money(from_minor(shortfall, cur), cur)} and the pool has only {left} "
                       "unallocated.", field="amount")
    pid = request.partner_id
    legs = [Leg(COMMITTED, pid, approved), Leg(ALLOCATED, pid, from_minor(shortfall, cur) - approved)]
    if shortfall:
        legs.append(Leg(POOL, None, -from_minor(shortfall, cur)))
    post(kind="mdf.request_approved", key=f"mdf-request-approve:{request.public_id}", period=period, obj=request, legs=legs,
         memo=f"Approved: {request.title}"[:500], partner_id=pid, actor=actor)
    now = timezone.now()
    request.status = RequestStatus.PARTIALLY_APPROVED if partial else RequestStatus.APPROVED
    request.approved_minor, request.criteria, request.decided_by, request.decided_at = minor, criteria, actor, now
    request.decision_note, request.updated_at = note, now
    request.save(update_fields=["status", "approved_minor", "criteria", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(actor=actor, action="fund_request.approved", obj=request, partner_id=pid, before={"status": "submitted"},
                 after={"status": request.status, "approved": approved, "from_pool": from_minor(shortfall, cur),
                        "failed_criteria": failed, "note": note})
    return request


@transaction.atomic
def request_reject(*, actor, request: FundRequest, note: str) -> FundRequest:
    require_perm(actor, "funds.review")
    note = (note or "").strip()
    if not note:
        raise DomainError("Tell the partner why the request is rejected.", field="note")
    if len(note) > 5000:
        raise DomainError("The note is at most 5,000 characters.", field="note")
    request = _locked(request)
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict("Only submitted requests can be rejected; this one is " + request.get_status_display().lower() + ".")
    now = timezone.now()
    request.status, request.decided_by, request.decided_at, request.decision_note, request.updated_at = (
        RequestStatus.REJECTED, actor, now, note, now)
    request.criteria = request_criteria(request)
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at", "criteria"])
    audit_record(actor=actor, action="fund_request.rejected", obj=request, partner_id=request.partner_id,
                 before={"status": "submitted"}, after={"status": "rejected", "note": note})
    return request


def committed_left_minor(request: FundRequest) -> int:
    """What the request still holds in ``mdf.committed``: approved minus the claims approved against it."""
    if request.approved_minor is None or request.status not in REQUEST_FUNDED:
        return 0
    taken = request.claims.filter(status__in=CLAIM_TAKEN).aggregate(s=Sum("approved_minor"))["s"] or 0
    return request.approved_minor - taken


def claimable_left_minor(request: FundRequest) -> int:
    """What a new claim may still ask for: the commitment minus approved claims and claims awaiting a decision."""
    pending = request.claims.filter(status=ClaimStatus.SUBMITTED).aggregate(s=Sum("claimed_minor"))["s"] or 0
    return committed_left_minor(request) - pending


def _release(*, actor, request: FundRequest, key: str) -> int:
    left = committed_left_minor(request)
    if left > 0:
        post(kind="mdf.commitment_released", key=key, period=request.period, obj=request,
             legs=move(from_minor(left, request.currency), source=(COMMITTED, request.partner_id), to=(ALLOCATED, request.partner_id)),
             memo=f"Unclaimed rest of {request.public_id} back to the allocation", partner_id=request.partner_id, actor=actor)
    return left


def complete_locked(*, actor, request: FundRequest, note: str) -> FundRequest:
    """Complete a request whose row the caller has locked."""
    released = _release(actor=actor, request=request, key=f"mdf-request-release:{request.public_id}")
    request.status, request.completed_at, request.updated_at = RequestStatus.COMPLETED, timezone.now(), timezone.now()
    request.save(update_fields=["status", "completed_at", "updated_at"])
    audit_record(actor=actor, action="fund_request.completed", obj=request, partner_id=request.partner_id,
                 after={"status": "completed", "released": from_minor(released, request.currency), "note": (note or "").strip()[:500]})
    return request


@transaction.atomic
def request_complete(*, actor, request: FundRequest, note: str = "") -> FundRequest:
    """Close a funded request: what was approved but not claimed goes back to the partner's allocation."""
    request = _locked(request)
    if not (has_perm(actor, "funds.review") or has_perm(actor, "funds.manage") or can_request(actor, request.partner_id)):
        raise PermissionDenied()
    if request.status not in REQUEST_FUNDED:
        raise Conflict("Only approved requests can be completed; this one is " + request.get_status_display().lower() + ".")
    if request.claims.filter(status=ClaimStatus.SUBMITTED).exists():
        raise Conflict("A claim on this request awaits a decision; decide it first.")
    return complete_locked(actor=actor, request=request, note=note)


@transaction.atomic
def request_cancel(*, actor, request: FundRequest, note: str = "") -> FundRequest:
    """The partner withdraws a request: a draft or submitted one, or an approved one not yet claimed against."""
    request = _locked(request)
    _require_own(actor, request)
    if request.status not in (RequestStatus.DRAFT, RequestStatus.SUBMITTED, *REQUEST_FUNDED):
        raise Conflict("This request can no longer be cancelled; it is " + request.get_status_display().lower() + ".")
    if request.claims.exclude(status=ClaimStatus.REJECTED).exists():
        raise Conflict("Claims were filed against this request; it cannot be cancelled. Complete it instead.")
    before = request.status
    released = _release(actor=actor, request=request, key=f"mdf-request-cancel:{request.public_id}") if before in REQUEST_FUNDED else 0
    request.status, request.updated_at = RequestStatus.CANCELLED, timezone.now()
    request.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="fund_request.cancelled", obj=request, partner_id=request.partner_id, before={"status": before},
                 after={"status": "cancelled", "released": from_minor(released, request.currency), "note": (note or "").strip()[:500]})
    return request


def claim_deadline(request: FundRequest) -> date:
    """The last day a claim may be filed: the activity's end plus the period's claim window."""
    return request.ends_on + timedelta(days=request.period.claim_deadline_days)


@transaction.atomic
def requests_complete_expired(*, actor=None, today: date | None = None) -> int:
    """Funded requests past their claim deadline, with no claim awaiting a decision, complete on their own."""
    today = today or timezone.localdate()
    count = 0
    for request in FundRequest.objects.filter(status__in=REQUEST_FUNDED).select_related("period").order_by("pk"):
        if claim_deadline(request) >= today:
            continue
        request = _locked(request)
        if request.status in REQUEST_FUNDED and not request.claims.filter(status=ClaimStatus.SUBMITTED).exists():
            complete_locked(actor=actor, request=request, note="Claim deadline passed.")
            count += 1
    return count
