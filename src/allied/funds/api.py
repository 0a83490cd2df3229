"""/api/v1 operations of the funds app: periods, activity types, allocations, fund requests and claims.

Partners see their own allocations, requests and claims (a foreign id answers like a missing one);
writes need ``partner.funds.request`` (partner side) or ``funds.manage`` / ``funds.review`` (vendor side).
"""

from django.http import FileResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from allied.core.api import ERRORS, PageQuery, page, resolve_ref
from allied.core.errors import DomainError, NotFound
from allied.core.permissions import require_perm
from allied.core.scope import is_vendor
from allied.partners import selectors as partner_selectors

from . import selectors, services
from .models import ClaimStatus, FundPeriod, PeriodStatus, RequestStatus
from .schemas import (
    ActivityTypeIn,
    ActivityTypeOut,
    ActivityTypePage,
    AllocateByTierIn,
    AllocationFilters,
    AllocationPage,
    ApproveIn,
    ClaimFilters,
    ClaimProofOut,
    ClaimProofPage,
    FundAllocationIn,
    FundAllocationOut,
    FundClaimOut,
    FundClaimPage,
    FundPeriodDetailOut,
    FundPeriodFilters,
    FundPeriodIn,
    FundPeriodPage,
    FundPeriodPatchIn,
    FundRequestFilters,
    FundRequestIn,
    FundRequestOut,
    FundRequestPage,
    FundRequestPatchIn,
    NoteIn,
    RejectIn,
    RoiOut,
)

router = Router(tags=["funds"])
DOWNLOAD = {200: {"description": "The file, as an attachment.",
                  "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
PROOF_UPLOAD = ("Multipart upload: `file` (PDF, PNG, JPEG, CSV or XLSX, at most 10 MB; checked by content, not only by "
                "name) and `kind` (invoice, photo, attendee_list, lead_list or other).")


def _statuses(value: str | None, allowed) -> str | None:
    if not value:
        return None
    statuses = [s.strip() for s in value.split(",") if s.strip()]
    if bad := [s for s in statuses if s not in allowed]:
        raise DomainError(f"Unknown status {bad[0]!r}; use {', '.join(allowed)}.", field="status")
    return ",".join(statuses)


def _period_ref(request, public_id: str | None, field: str = "period") -> FundPeriod:
    """The named period, or the open period covering today."""
    if public_id:
        return resolve_ref(selectors.period_get, field=field, actor=request.auth, public_id=public_id)
    today = timezone.localdate()
    period = (FundPeriod.objects.filter(status=PeriodStatus.OPEN, starts_on__lte=today, ends_on__gte=today)
              .order_by("-starts_on", "pk").first())
    if period is None:
        raise DomainError("No open period covers today; name the period.", field=field)
    return period


# --- periods ------------------------------------------------------------------------------------


@router.get("/fund-periods", response={200: FundPeriodPage, **ERRORS}, summary="List MDF budget periods, newest first")
def period_list(request, filters: Query[FundPeriodFilters]):
    return page(selectors.period_list(actor=request.auth, status=filters.status), filters, order=("-starts_on", "-public_id"))


@router.post("/fund-periods", response={201: FundPeriodDetailOut, **ERRORS}, summary="Create a budget period and fund its pool",
             description="`funds.manage` (program admin, partner marketing). The pool moves from the vendor's MDF funding to the "
                         "period's pool on the ledger.")
def period_create(request, payload: FundPeriodIn):
    period = services.period_create(actor=request.auth, **payload.dict())
    return Status(201, _period_detail(request, period))


def _period_detail(request, period: FundPeriod) -> FundPeriod:
    period.figures = period.allocation_by_tier = None
    if is_vendor(request.auth):
        period.figures = selectors.period_figures(period)
        period.allocation_by_tier = selectors.allocation_by_tier(period)
    return period


@router.get("/fund-periods/{id}", response={200: FundPeriodDetailOut, **ERRORS}, summary="Get a budget period",
            description="Vendor users also get the period's figures per bucket (from the ledger) and its allocation by tier.")
def period_get(request, id: str):
    return _period_detail(request, selectors.period_get(actor=request.auth, public_id=id))


@router.patch("/fund-periods/{id}", response={200: FundPeriodDetailOut, **ERRORS}, summary="Change a budget period or its pool")
def period_update(request, id: str, payload: FundPeriodPatchIn):
    period = selectors.period_get(actor=request.auth, public_id=id)
    period = services.period_update(actor=request.auth, period=period, data=payload.dict(exclude_unset=True))
    return _period_detail(request, period)


@router.post("/fund-periods/{id}/close", response={200: FundPeriodDetailOut, **ERRORS}, summary="Close a budget period",
             description="Completes its funded requests (unclaimed commitments return to allocations) and returns every "
                         "unspent allocation to the pool. Refused (409) while requests or claims await a decision.")
def period_close(request, id: str):
    period = selectors.period_get(actor=request.auth, public_id=id)
    return _period_detail(request, services.period_close(actor=request.auth, period=period))


@router.post("/fund-periods/{id}/allocate-by-tier", response={200: AllocationPage, **ERRORS}, summary="Allocate by tier",
             description="Gives every active partner of each named tier that tier's amount (all or nothing; must fit the pool).")
def allocations_by_tier(request, id: str, payload: AllocateByTierIn):
    period = selectors.period_get(actor=request.auth, public_id=id)
    rows = services.allocations_by_tier(actor=request.auth, period=period, amounts=payload.amounts)
    return {"items": rows, "next_cursor": None}


# --- activity types -----------------------------------------------------------------------------


@router.get("/fund-activity-types", response={200: ActivityTypePage, **ERRORS}, summary="List MDF activity types")
def activity_type_list(request, params: Query[PageQuery]):
    return page(selectors.activity_type_list(active_only=not is_vendor(request.auth)), params, order=("code",))


@router.post("/fund-activity-types", response={200: ActivityTypeOut, **ERRORS}, summary="Create or change an activity type",
             description="`funds.manage`. The type with this `code` is changed, or created.")
def activity_type_save(request, payload: ActivityTypeIn):
    return services.activity_type_save(actor=request.auth, **payload.dict())


# --- allocations --------------------------------------------------------------------------------


@router.get("/fund-allocations", response={200: AllocationPage, **ERRORS}, summary="List MDF allocations")
def allocation_list(request, filters: Query[AllocationFilters]):
    period = _period_ref(request, filters.period) if filters.period else None
    partner = None
    if filters.partner:
        partner = resolve_ref(partner_selectors.partner_get, field="partner", actor=request.auth, public_id=filters.partner).public_id
    qs = selectors.allocation_list(actor=request.auth, period=period, partner_public_id=partner)
    return page(qs, filters, order=("public_id",))


@router.post("/fund-allocations", response={200: FundAllocationOut, **ERRORS}, summary="Allocate funds to a partner",
             description="`funds.manage`. Sets the partner's allocation in the period (creating or changing it); the "
                         "difference moves between the pool and the partner's allocation on the ledger.")
def allocation_set(request, payload: FundAllocationIn):
    partner = resolve_ref(partner_selectors.partner_get, field="partner", actor=request.auth, public_id=payload.partner)
    require_perm(request.auth, "funds.manage")
    period = _period_ref(request, payload.period)
    return services.allocation_set(actor=request.auth, period=period, partner=partner, amount=payload.amount, method=payload.method,
                                   note=payload.note)


@router.get("/fund-allocations/{id}", response={200: FundAllocationOut, **ERRORS}, summary="Get an allocation")
def allocation_get(request, id: str):
    return selectors.allocation_get(actor=request.auth, public_id=id)


# --- requests -----------------------------------------------------------------------------------


def _request(request, id: str):
    return selectors.request_get(actor=request.auth, public_id=id)


@router.get("/fund-requests", response={200: FundRequestPage, **ERRORS}, summary="List fund requests, newest first")
def request_list(request, filters: Query[FundRequestFilters]):
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    if filters.partner:
        data["partner"] = resolve_ref(partner_selectors.partner_get, field="partner", actor=request.auth,
                                      public_id=filters.partner).public_id
    data["status"] = _statuses(filters.status, RequestStatus.values)
    return page(selectors.request_list(actor=request.auth, filters=data), filters, order=("-created_at", "-public_id"))


@router.post("/fund-requests", response={201: FundRequestOut, **ERRORS}, summary="Request market development funds",
             description="Partner admins and marketers, for their own organisation. A draft unless `submit` is true.")
def request_create(request, payload: FundRequestIn):
    period = _period_ref(request, payload.period)
    data = payload.dict(exclude={"period", "submit"})
    return Status(201, services.request_create(actor=request.auth, period=period, data=data, submit=payload.submit))


@router.get("/fund-requests/{id}", response={200: FundRequestOut, **ERRORS}, summary="Get a fund request")
def request_get(request, id: str):
    return _request(request, id)


@router.patch("/fund-requests/{id}", response={200: FundRequestOut, **ERRORS}, summary="Change a draft fund request")
def request_update(request, id: str, payload: FundRequestPatchIn):
    return services.request_update(actor=request.auth, request=_request(request, id), data=payload.dict(exclude_unset=True))


@router.post("/fund-requests/{id}/submit", response={200: FundRequestOut, **ERRORS}, summary="Submit a draft for review")
def request_submit(request, id: str):
    return services.request_submit(actor=request.auth, request=_request(request, id))


@router.post("/fund-requests/{id}/approve", response={200: FundRequestOut, **ERRORS}, summary="Approve a fund request",
             description="`funds.review`. In full, or in part with `amount` and a `note`. A criterion not met needs a `note`. "
                         "Commits the amount from the partner's allocation (what it lacks comes from the pool).")
def request_approve(request, id: str, payload: ApproveIn):
    return services.request_approve(actor=request.auth, request=_request(request, id), amount=payload.amount, note=payload.note)


@router.post("/fund-requests/{id}/reject", response={200: FundRequestOut, **ERRORS}, summary="Reject a fund request")
def request_reject(request, id: str, payload: RejectIn):
    return services.request_reject(actor=request.auth, request=_request(request, id), note=payload.note)


@router.post("/fund-requests/{id}/cancel", response={200: FundRequestOut, **ERRORS}, summary="Withdraw a fund request",
             description="The partner, for a draft, a submitted request or an approved one with no claims (the money returns "
                         "to its allocation).")
def request_cancel(request, id: str, payload: NoteIn):
    return services.request_cancel(actor=request.auth, request=_request(request, id), note=payload.note)


@router.post("/fund-requests/{id}/complete", response={200: FundRequestOut, **ERRORS}, summary="Complete a funded request",
             description="No more claims: what was approved but not claimed returns to the partner's allocation.")
def request_complete(request, id: str, payload: NoteIn):
    return services.request_complete(actor=request.auth, request=_request(request, id), note=payload.note)


@router.get("/fund-requests/{id}/roi", response={200: RoiOut, **ERRORS}, summary="MDF ROI of a request",
            description="Leads whose `campaign` is the request's id, the pipeline (open or won deals converted from them) and "
                        "won revenue, per unit of vendor money approved on its claims.")
def request_roi(request, id: str):
    return selectors.request_roi(_request(request, id))


@router.get("/fund-requests/{id}/claims", response={200: FundClaimPage, **ERRORS}, summary="Claims filed against a request")
def request_claims(request, id: str, params: Query[PageQuery]):
    req = _request(request, id)
    return page(selectors.claim_list(actor=request.auth, filters={"request": req.public_id}), params,
                order=("-submitted_at", "-public_id"))


@router.post("/fund-requests/{id}/claims", response={201: FundClaimOut, **ERRORS}, summary="Claim reimbursement",
             description="Multipart: `spent`, `leads`, `pipeline`, `note`, `final` (the last claim: deciding it completes the "
                         "request), `proof_kind` and one or more `file` (PDF, PNG, JPEG, CSV or XLSX, at most 10 MB each; at "
                         "least one). Before the claim deadline. The amount claimed is the activity type's reimbursement "
                         "share of `spent`, capped at what is left of the approval.")
def claim_create(request, id: str, file: File[list[UploadedFile]] = None, spent: Form[str | None] = None,
                 leads: Form[str | None] = None, pipeline: Form[str | None] = None, note: Form[str] = "",
                 final: Form[bool] = False, proof_kind: Form[str] = "invoice"):
    req = _request(request, id)
    if spent is None:
        raise DomainError("Enter what the activity actually cost.", field="spent")
    proofs = [(proof_kind, f) for f in (file or [])]
    claim = services.claim_create(actor=request.auth, request=req, spent=spent, leads=leads, pipeline=pipeline, note=note,
                                  final=final, proofs=proofs)
    return Status(201, claim)


# --- claims -------------------------------------------------------------------------------------


def _claim(request, id: str):
    return selectors.claim_get(actor=request.auth, public_id=id)


@router.get("/claims", response={200: FundClaimPage, **ERRORS}, summary="List MDF claims, newest first")
def claim_list(request, filters: Query[ClaimFilters]):
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    if filters.partner:
        data["partner"] = resolve_ref(partner_selectors.partner_get, field="partner", actor=request.auth,
                                      public_id=filters.partner).public_id
    data["status"] = _statuses(filters.status, ClaimStatus.values)
    return page(selectors.claim_list(actor=request.auth, filters=data), filters, order=("-submitted_at", "-public_id"))


@router.get("/claims/{id}", response={200: FundClaimOut, **ERRORS}, summary="Get a claim")
def claim_get(request, id: str):
    return _claim(request, id)


@router.post("/claims/{id}/approve", response={200: FundClaimOut, **ERRORS}, summary="Approve a claim",
             description="`funds.review`. In full, or in part with `amount` and a `note`. Moves the amount from committed to "
                         "claimed on the ledger; finance pays it in a payout run.")
def claim_approve(request, id: str, payload: ApproveIn):
    return services.claim_approve(actor=request.auth, claim=_claim(request, id), amount=payload.amount, note=payload.note)


@router.post("/claims/{id}/reject", response={200: FundClaimOut, **ERRORS}, summary="Reject a claim")
def claim_reject(request, id: str, payload: RejectIn):
    return services.claim_reject(actor=request.auth, claim=_claim(request, id), note=payload.note)


@router.get("/claims/{id}/proofs", response={200: ClaimProofPage, **ERRORS}, summary="The proofs of a claim")
def proof_list(request, id: str, params: Query[PageQuery]):
    claim = _claim(request, id)
    return page(selectors.proof_list(actor=request.auth, claim=claim), params, order=("uploaded_at", "public_id"))


@router.post("/claims/{id}/proofs", response={201: ClaimProofOut, **ERRORS}, summary="Add proof to a claim", description=PROOF_UPLOAD)
def proof_add(request, id: str, file: File[UploadedFile | None] = None, kind: Form[str] = "invoice"):
    claim = _claim(request, id)
    if file is None:
        raise DomainError("Attach the file in the `file` field.", field="file")
    return Status(201, services.proof_add(actor=request.auth, claim=claim, kind=kind, upload=file))


@router.get("/claims/{id}/proofs/{proof_id}", response=ERRORS, openapi_extra={"responses": DOWNLOAD}, summary="Download a proof")
def proof_download(request, id: str, proof_id: str):
    claim = _claim(request, id)
    row = selectors.proof_get(actor=request.auth, public_id=proof_id)
    if row.claim_id != claim.pk:
        raise NotFound("proof")
    return proof_response(row)


def proof_response(row) -> FileResponse:
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.original_name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
