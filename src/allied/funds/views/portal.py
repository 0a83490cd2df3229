"""Portal MDF pages (partner admins and marketers): my funds, a new request, a request with its claims and ROI."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from allied.core.errors import DomainError, NotFound
from allied.core.http import partner_required
from allied.core.money import from_minor
from allied.core.permissions import has_perm
from allied.partners import selectors as partner_selectors

from .. import selectors, services
from ..forms import ClaimForm, NoteForm, ProofForm, RequestForm
from ..models import REQUEST_FUNDED, ClaimStatus, RequestStatus
from .common import FORBIDDEN, bound, field_error, proof_response

STATUS_TABS = [("", "All"), ("draft,submitted", "In progress"), ("approved,partially_approved", "Approved"),
               ("completed", "Completed"), ("rejected,cancelled", "Closed")]


def funds_partner_required(view):
    """Partner admins and marketers; the pages do not exist for other partner roles (404), like the other side's."""
    @partner_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_perm(request.user, "partner.funds.request"):
            raise Http404("Page not found")
        return view(request, *args, **kwargs)

    return wrapped


def _ctx(**kw) -> dict:
    return {"side": "portal", "nav": "funds", **kw}


@funds_partner_required
def portal_requests(request):
    user = request.user
    tabs = dict(STATUS_TABS)
    status = request.GET.get("status", "")
    status = status if status in tabs else ""
    requests = list(selectors.request_list(actor=user, filters={"status": status})[:200])
    periods = selectors.open_periods_for(actor=user)
    per_period = [{"period": p, **selectors.period_partner_figures(p, user.partner_id)} for p in periods]
    return render(request, "funds/portal_requests.html", _ctx(
        requests=requests, tabs=STATUS_TABS, status=status, balances=selectors.partner_funds(partner_id=user.partner_id),
        per_period=per_period, can_request=bool(periods)))


def _request_form(request, user, *, data=None, initial=None):
    return RequestForm(data, initial=initial, periods=selectors.open_periods_for(actor=user),
                       activity_types=selectors.activity_type_list(active_only=True))


@funds_partner_required
def portal_new(request):
    user = request.user
    form = _request_form(request, user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        period = next((p for p in selectors.open_periods_for(actor=user) if p.public_id == form.cleaned_data["period"]), None)
        try:
            if period is None:
                raise DomainError("Choose an open period.", field="period")
            req = services.request_create(actor=user, period=period, data=form.service_data(),
                                          submit=request.POST.get("submit") == "1")
        except FORBIDDEN:
            raise
        except DomainError as exc:
            field_error(request, form, exc)
        else:
            messages.success(request, "Request submitted for review." if req.status == RequestStatus.SUBMITTED else "Draft saved.")
            return redirect("funds:portal_request", public_id=req.public_id)
    return render(request, "funds/portal_form.html", _ctx(form=form, req=None), status=400 if form.errors else 200)


@funds_partner_required
def portal_edit(request, public_id):
    user = request.user
    req = selectors.request_get(actor=user, public_id=public_id)
    if req.status != RequestStatus.DRAFT:
        messages.error(request, "Only drafts can be changed.")
        return redirect("funds:portal_request", public_id=req.public_id)
    initial = {"period": req.period.public_id, "activity_type": req.activity_type.code, "title": req.title,
               "description": req.description, "plan": req.plan, "starts_on": req.starts_on, "ends_on": req.ends_on,
               "target_segment": req.target_segment, "total_budget": f"{req.total_budget}", "requested": f"{req.requested}",
               "expected_leads": req.expected_leads, "expected_pipeline": f"{req.expected_pipeline}",
               "measurement_plan": req.measurement_plan}
    form = _request_form(request, user, data=request.POST if request.method == "POST" else None, initial=initial)
    form.fields["period"].disabled = True
    form.fields["period"].choices = [(req.period.public_id, req.period.name)]
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_update(actor=user, request=req, data=form.service_data())
            if request.POST.get("submit") == "1":
                req = services.request_submit(actor=user, request=req)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            field_error(request, form, exc)
        else:
            messages.success(request, "Request submitted for review." if req.status == RequestStatus.SUBMITTED else "Draft saved.")
            return redirect("funds:portal_request", public_id=req.public_id)
    return render(request, "funds/portal_form.html", _ctx(form=form, req=req), status=400 if form.errors else 200)


PORTAL_FORMS = {"claim": ClaimForm, "proof": ProofForm, "submit": NoteForm, "cancel": NoteForm, "complete": NoteForm}


def _portal_action(request, user, req, action: str, form) -> str:
    data = form.cleaned_data
    if action == "claim":
        claim = services.claim_create(actor=user, request=req, spent=data["spent"], leads=data["leads"], pipeline=data["pipeline"],
                                      note=data["note"], final=data["final"], proofs=[(data["proof_kind"], f) for f in data["files"]])
        return f"Claim {claim.public_id} filed for {claim.claimed:,} {claim.currency}; the vendor reviews it."
    if action == "proof":
        claim = selectors.claim_get(actor=user, public_id=request.POST.get("claim", ""))
        if claim.request_id != req.pk:
            raise NotFound("claim")
        row = services.proof_add(actor=user, claim=claim, kind=data["kind"], upload=data["file"])
        return f"{row.original_name} added to claim {claim.public_id}."
    if action == "submit":
        services.request_submit(actor=user, request=req)
        return "Request submitted for review."
    if action == "cancel":
        services.request_cancel(actor=user, request=req, note=data["note"])
        return "Request cancelled."
    services.request_complete(actor=user, request=req, note=data["note"])
    return "Request completed; what was not claimed is back in your allocation."


@funds_partner_required
def portal_request(request, public_id):
    user = request.user
    req = selectors.request_get(actor=user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in PORTAL_FORMS:
        return redirect("funds:portal_request", public_id=req.public_id)
    forms_ = {name: bound(request, action, name, cls) for name, cls in PORTAL_FORMS.items()}
    if action:
        form = forms_[action]
        if form.is_valid():
            try:
                done = _portal_action(request, user, req, action, form)
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form, exc, aliases={"file": "files" if action == "claim" else "file"})
            else:
                messages.success(request, done)
                return redirect("funds:portal_request", public_id=req.public_id)
    claims = list(selectors.claim_list(actor=user, filters={"request": req.public_id}).prefetch_related("proofs"))
    own = req.partner_id == user.partner_id
    history = partner_selectors.audit_list(actor=user, partner=req.partner).filter(
        object_id__in=[req.public_id, *[c.public_id for c in claims]]).order_by("-occurred_at")[:100]
    return render(request, "funds/portal_request.html", _ctx(
        req=req, forms=forms_, claims=claims, roi=selectors.request_roi(req), history=history,
        deadline=services.claim_deadline(req), claimable_left=_claimable(req), can_claim=own and req.status in REQUEST_FUNDED,
        can_act=own, pending_claims=any(c.status == ClaimStatus.SUBMITTED for c in claims),
        failed=action if action and forms_[action].errors else ""), status=400 if action else 200)


def _claimable(req):
    left = services.claimable_left_minor(req) if req.status in REQUEST_FUNDED else 0
    return from_minor(max(left, 0), req.currency)


@funds_partner_required
def portal_proof(request, public_id, proof_id):
    req = selectors.request_get(actor=request.user, public_id=public_id)
    row = selectors.proof_get(actor=request.user, public_id=proof_id)
    if row.claim.request_id != req.pk:
        raise NotFound("proof")
    return proof_response(row)
