"""Console MDF pages: the fund-request and claim queues and reviews, budget periods with allocations, activity types."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.core.http import vendor_required
from allied.core.money import from_minor
from allied.core.permissions import has_perm
from allied.partners import selectors as partner_selectors
from allied.partners.models import PartnerStatus
from allied.program.models import Tier

from .. import selectors, services
from ..forms import (
    ActivityTypeForm,
    AllocationForm,
    ApproveForm,
    ClaimApproveForm,
    ClaimFilterForm,
    PeriodEditForm,
    PeriodForm,
    RejectForm,
    RequestFilterForm,
    TierAllocationForm,
)
from ..models import ClaimStatus, PeriodStatus, RequestStatus
from .common import FORBIDDEN, bound, field_error, proof_response


def _ctx(tab: str, **kw) -> dict:
    return {"side": "console", "nav": "money", "tab": tab, "counts": selectors.queue_counts(), **kw}


def _query(request) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


# --- fund requests ------------------------------------------------------------------------------


@vendor_required
def console_requests(request):
    user = request.user
    periods = list(selectors.period_list(actor=user))
    data = request.GET if request.GET.get("f") else {"status": RequestStatus.SUBMITTED}
    form = RequestFilterForm(data, periods=periods, activity_types=selectors.activity_type_list())
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    qs = selectors.request_list(actor=user, filters=filters)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.failed = sum(1 for c in r.criteria or [] if not c.get("passed"))
    return render(request, "funds/console_requests.html", _ctx("fund_requests", form=form, page=page, query=_query(request)))


def _request_action(user, req, action: str, data: dict) -> str:
    if action == "approve":
        req = services.request_approve(actor=user, request=req, amount=data["amount"] or None, note=data["note"])
        return f"Approved {req.approved_amount:,} {req.currency} for {req.partner.name}."
    if action == "reject":
        services.request_reject(actor=user, request=req, note=data["note"])
        return "Request rejected; the partner sees why."
    services.request_complete(actor=user, request=req, note="Completed from the console.")
    return "Request completed; what was not claimed is back in the partner's allocation."


REQUEST_FORMS = {"approve": ApproveForm, "reject": RejectForm}
CLAIM_FORMS = {"approve": ClaimApproveForm, "reject": RejectForm}


@vendor_required
def console_request(request, public_id):
    user = request.user
    req = selectors.request_get(actor=user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = {name: bound(request, action, name, cls) for name, cls in REQUEST_FORMS.items()}
    if action in ("approve", "reject", "complete"):
        form = forms_.get(action)
        if form is None or form.is_valid():
            try:
                done = _request_action(user, req, action, form.cleaned_data if form else {})
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form, exc) if form else messages.error(request, exc.message)
            else:
                messages.success(request, done)
                return redirect("funds:console_request", public_id=req.public_id)
    elif action:
        return redirect("funds:console_request", public_id=req.public_id)
    criteria = services.request_criteria(req) if req.status == RequestStatus.SUBMITTED else req.criteria
    claims = list(selectors.claim_list(actor=user, filters={"request": req.public_id}))
    audit = partner_selectors.audit_list(actor=user).filter(object_id__in=[req.public_id, *[c.public_id for c in claims]])[:200]
    return render(request, "funds/console_request.html", _ctx(
        "fund_requests", req=req, forms=forms_, criteria=criteria, claims=claims, roi=selectors.request_roi(req),
        partner_figures=selectors.period_partner_figures(req.period, req.partner_id), audit=audit,
        committed_left=from_minor(services.committed_left_minor(req), req.currency), deadline=services.claim_deadline(req),
        can_review=has_perm(user, "funds.review")), status=400 if action else 200)


# --- claims -------------------------------------------------------------------------------------


@vendor_required
def console_claims(request):
    user = request.user
    periods = list(selectors.period_list(actor=user))
    data = request.GET if request.GET.get("f") else {"status": ClaimStatus.SUBMITTED}
    form = ClaimFilterForm(data, periods=periods)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    qs = selectors.claim_list(actor=user, filters=filters).annotate(n_proofs=Count("proofs")).order_by("-submitted_at", "-id")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "funds/console_claims.html", _ctx("fund_claims", form=form, page=page, query=_query(request)))


@vendor_required
def console_claim(request, public_id):
    user = request.user
    claim = selectors.claim_get(actor=user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = {name: bound(request, action, name, cls) for name, cls in CLAIM_FORMS.items()}
    if action in forms_:
        form = forms_[action]
        if form.is_valid():
            try:
                if action == "approve":
                    claim = services.claim_approve(actor=user, claim=claim, amount=form.cleaned_data["amount"] or None,
                                                   note=form.cleaned_data["note"])
                    done = f"Claim approved: {claim.approved_amount:,} {claim.currency} to pay."
                else:
                    services.claim_reject(actor=user, claim=claim, note=form.cleaned_data["note"])
                    done = "Claim rejected; the partner sees why."
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form, exc)
            else:
                messages.success(request, done)
                return redirect("funds:console_claim", public_id=claim.public_id)
    elif action:
        return redirect("funds:console_claim", public_id=claim.public_id)
    req = claim.request
    audit = partner_selectors.audit_list(actor=user).filter(object_id__in=[claim.public_id, req.public_id])[:200]
    return render(request, "funds/console_claim.html", _ctx(
        "fund_claims", claim=claim, req=req, forms=forms_, proofs=selectors.proof_list(actor=user, claim=claim), audit=audit,
        other_claims=[c for c in selectors.claim_list(actor=user, filters={"request": req.public_id}) if c.pk != claim.pk],
        committed_left=from_minor(services.committed_left_minor(req), req.currency), roi=selectors.request_roi(req),
        can_review=has_perm(user, "funds.review")), status=400 if action else 200)


@vendor_required
def console_proof(request, public_id, proof_id):
    claim = selectors.claim_get(actor=request.user, public_id=public_id)
    row = selectors.proof_get(actor=request.user, public_id=proof_id)
    if row.claim_id != claim.pk:
        raise NotFound("proof")
    return proof_response(row)


# --- periods, budgets and allocations ------------------------------------------------------------


@vendor_required
def console_periods(request):
    user = request.user
    can_manage = has_perm(user, "funds.manage")
    form = PeriodForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only program admins and partner marketing managers manage MDF budgets.")
        if form.is_valid():
            try:
                period = services.period_create(actor=user, **form.cleaned_data)
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form, exc)
            else:
                messages.success(request, f"Period {period.name} created with a pool of {period.pool:,} {period.currency}.")
                return redirect("funds:console_period", public_id=period.public_id)
    periods = list(selectors.period_list(actor=user)[:40])
    rows = [{"period": p, "figures": selectors.period_figures(p)} for p in periods]
    return render(request, "funds/console_periods.html", _ctx("fund_periods", rows=rows, form=form, can_manage=can_manage),
                  status=400 if form.errors else 200)


PERIOD_ACTIONS = ("edit", "allocate", "tiers", "close")


@vendor_required
def console_period(request, public_id):
    user = request.user
    period = selectors.period_get(actor=user, public_id=public_id)
    can_manage = has_perm(user, "funds.manage") and period.status == PeriodStatus.OPEN
    action = request.POST.get("action", "") if request.method == "POST" else ""
    partners = list(partner_selectors.partner_list(actor=user).filter(status__in=[PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING]))
    tiers = list(Tier.objects.order_by("-rank"))
    initial = {"name": period.name, "starts_on": period.starts_on, "ends_on": period.ends_on, "pool": f"{period.pool}",
               "claim_deadline_days": period.claim_deadline_days, "min_pipeline_ratio": f"{period.min_pipeline_ratio.normalize():f}",
               "target_segments": period.target_segments, "allow_proposals": period.allow_proposals}
    forms_ = {"edit": bound(request, action, "edit", PeriodEditForm, initial=initial),
              "allocate": bound(request, action, "allocate", AllocationForm, partners=partners),
              "tiers": bound(request, action, "tiers", TierAllocationForm, tiers=tiers)}
    if action in PERIOD_ACTIONS:
        form = forms_.get(action)
        if form is None or form.is_valid():
            try:
                done = _period_action(user, period, action, form, partners)
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form, exc, aliases={"amounts": "__all__"}) if form else messages.error(request, exc.message)
            else:
                messages.success(request, done)
                return redirect("funds:console_period", public_id=period.public_id)
    elif action:
        return redirect("funds:console_period", public_id=period.public_id)
    allocations = list(selectors.allocation_list(actor=user, period=period).order_by("partner__name"))
    figures = selectors.period_figures(period)
    chart = [(label, int(figures[key])) for key, label in (("pool", "Unallocated pool"), ("allocated", "Allocated"),
                                                       ("committed", "Committed"), ("claimed", "Claimed"), ("paid", "Paid"))]
    return render(request, "funds/console_period.html", _ctx(
        "fund_periods", period=period, figures=figures, chart=chart, by_tier=selectors.allocation_by_tier(period),
        allocations=allocations, forms=forms_, can_manage=can_manage, roi=selectors.period_roi(period, limit=50),
        requests_waiting=selectors.request_list(actor=user, filters={"period": period.public_id, "status": "submitted"}).count(),
        audit=partner_selectors.audit_list(actor=user).filter(object_id__in=[period.public_id, *[a.public_id for a in allocations]])[:100],
    ), status=400 if action else 200)


def _period_action(user, period, action: str, form, partners) -> str:
    if action == "edit":
        data = dict(form.cleaned_data)
        services.period_update(actor=user, period=period, data=data)
        return "Period saved."
    if action == "allocate":
        partner = next((p for p in partners if p.public_id == form.cleaned_data["partner"]), None)
        if partner is None:
            raise DomainError("Choose a partner.", field="partner")
        row = services.allocation_set(actor=user, period=period, partner=partner, amount=form.cleaned_data["amount"],
                                      method=form.cleaned_data["method"], note=form.cleaned_data["note"])
        return f"{partner.name} now has {row.amount:,} {row.currency} allocated."
    if action == "tiers":
        amounts = form.amounts()
        if not amounts:
            raise DomainError("Give an amount for at least one tier.", field="amounts")
        rows = services.allocations_by_tier(actor=user, period=period, amounts=amounts)
        return f"Allocated by tier to {len(rows)} partner{'s' if len(rows) != 1 else ''}."
    period = services.period_close(actor=user, period=period)
    return f"{period.name} closed; unspent allocations are back in the pool."


# --- activity types -----------------------------------------------------------------------------


@vendor_required
def console_activity_types(request):
    user = request.user
    can_manage = has_perm(user, "funds.manage")
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("Only program admins and partner marketing managers change activity types.")
    edit = request.GET.get("edit") or request.POST.get("code")
    current = selectors.activity_type_get(edit)
    initial = ({"code": current.code, "name": current.name, "description": current.description,
                "reimbursement_percent": f"{current.reimbursement_percent.normalize():f}", "active": current.active} if current else None)
    form = ActivityTypeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.activity_type_save(actor=user, **form.cleaned_data)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            field_error(request, form, exc)
        else:
            messages.success(request, f"{row.name} saved.")
            return redirect("funds:console_activity_types")
    types = selectors.activity_type_list().annotate(n=Count("requests"))
    return render(request, "funds/console_activity_types.html", _ctx("fund_activity_types", types=types, form=form, current=current,
                                                                   can_manage=can_manage),
                  status=400 if form.errors else 200)
