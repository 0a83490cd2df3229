"""/api/v1 operations of the payouts app: payout runs, payouts, statements and payee profiles.

Payout runs are the vendor's: partner users get 404 for every one. Creating, approving, executing,
cancelling runs and paying payouts is for finance only (403 for other vendor roles). Payouts and
statements are the partner's: a partner admin reads its own (a distributor's admin, its
sub-partners' too); another partner's answer exactly like missing ones.
"""

import io

from django.http import FileResponse
from ninja import Query, Router, Status

from allied.core.api import ERRORS, page, resolve_ref
from allied.core.errors import DomainError, NotFound
from allied.core.permissions import require_perm
from allied.core.scope import is_vendor
from allied.partners import selectors as partner_selectors

from . import documents, selectors, services
from .schemas import (
    PayeeFilters,
    PayeeProfileIn,
    PayeeProfileOut,
    PayeeProfilePage,
    PayIn,
    PayoutFilters,
    PayoutOut,
    PayoutPage,
    PayoutRunIn,
    PayoutRunOut,
    PayoutRunPage,
    ReasonIn,
    RunFilters,
    StatementFilters,
    StatementGenerateIn,
    StatementGenerateOut,
    StatementOut,
    StatementPage,
)

router = Router(tags=["payouts"])


def _run(request, id: str):
    return selectors.payout_run_get(actor=request.auth, public_id=id)


def _payout_get(request, id: str):
    payout = selectors.payout_get(actor=request.auth, public_id=id)
    return selectors.with_claims(type(payout).objects.select_related("partner", "run", "ledger_txn")).get(pk=payout.pk)


def _download(content: bytes, filename: str, content_type: str) -> FileResponse:
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)


# --- payout runs ------------------------------------------------------------------------------------


@router.get("/payout-runs", response={200: PayoutRunPage, **ERRORS}, summary="List payout runs, newest first",
            description="Vendor users (money.view); partner users get 404.")
def payout_run_list(request, filters: Query[RunFilters]):
    qs = selectors.payout_run_list(actor=request.auth, filters=filters.dict(exclude={"cursor", "limit"}, exclude_none=True))
    return page(selectors.with_progress(qs), filters, order=("-created_at", "-public_id"))


@router.post("/payout-runs", response={201: PayoutRunOut, **ERRORS}, summary="Create a payout run",
             description="Finance only. Gathers every approved, unpaid MDF claim not in another open run and every positive "
                         "incentive payable balance (less what open runs already include) into one payout per partner and "
                         "currency. The run starts as a draft; another finance user approves it. 409 when nothing is payable.")
def payout_run_create(request, payload: PayoutRunIn):
    if not is_vendor(request.auth):
        raise NotFound("payout run")
    run = services.payout_run_create(actor=request.auth, starts_on=payload.starts_on, ends_on=payload.ends_on,
                                     period_label=payload.period_label, note=payload.note)
    return Status(201, _run(request, run.public_id))


@router.get("/payout-runs/{id}", response={200: PayoutRunOut, **ERRORS}, summary="Get a payout run, with its progress")
def payout_run_get(request, id: str):
    return _run(request, id)


@router.post("/payout-runs/{id}/approve", response={200: PayoutRunOut, **ERRORS}, summary="Approve a draft run",
             description="Finance only, and not the user who created the run (four eyes).")
def payout_run_approve(request, id: str):
    services.payout_run_approve(actor=request.auth, run=_run(request, id))
    return _run(request, id)


@router.post("/payout-runs/{id}/execute", response={202: PayoutRunOut, **ERRORS}, summary="Execute an approved run",
             description="Finance only. Hands the run to the worker, which pays each payout in its own transaction (one "
                         "ledger posting keyed `payout:<id>`); poll the run's `progress`. Executing a run left half paid "
                         "(a worker crash) pays what is left; nothing is paid twice.")
def payout_run_execute(request, id: str):
    services.payout_run_start(actor=request.auth, run=_run(request, id))
    return Status(202, _run(request, id))


@router.post("/payout-runs/{id}/cancel", response={200: PayoutRunOut, **ERRORS}, summary="Cancel a run before anything is paid",
             description="Finance only. Its claims become payable again.")
def payout_run_cancel(request, id: str, payload: ReasonIn):
    services.payout_run_cancel(actor=request.auth, run=_run(request, id), reason=payload.reason)
    return _run(request, id)


@router.get("/payout-runs/{id}/export.csv", response={200: None, **ERRORS}, summary="ERP payment file of a run (CSV)",
            description="Finance only. `kind=payments` (default): one row per payout with the payee's ERP vendor id, legal "
                        "name, payment method, masked account, currency, amounts and reference. `kind=remittance`: one row "
                        "per item paid (each MDF claim, the incentives).")
def payout_run_export(request, id: str, kind: str = "payments"):
    run = _run(request, id)
    require_perm(request.auth, "finance.pay")
    if kind not in ("payments", "remittance"):
        raise DomainError("Use kind=payments or kind=remittance.", field="kind")
    content = documents.erp_export_csv(run) if kind == "payments" else documents.remittance_csv(run)
    return _download(content, f"{run.public_id}-{kind}.csv", "text/csv; charset=utf-8")


# --- payouts ------------------------------------------------------------------------------------------


@router.get("/payouts", response={200: PayoutPage, **ERRORS}, summary="List payouts",
            description="Vendor users see every payout; partner admins their own organisation's (of approved runs).")
def payout_list(request, filters: Query[PayoutFilters]):
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    if filters.partner:
        data["partner"] = resolve_ref(partner_selectors.partner_get, field="partner", actor=request.auth,
                                      public_id=filters.partner).public_id
    qs = selectors.with_claims(selectors.payout_list(actor=request.auth, filters=data))
    return page(qs, filters, order=("-run__created_at", "public_id"))


@router.get("/payouts/{id}", response={200: PayoutOut, **ERRORS}, summary="Get a payout and the claims it pays")
def payout_get(request, id: str):
    return _payout_get(request, id)


@router.post("/payouts/{id}/pay", response={200: PayoutOut, **ERRORS}, summary="Pay one payout now",
             description="Finance only; the run must be approved. The same function the run's execution uses: idempotent "
                         "(paying a paid payout returns it unchanged, whoever asks and however often). 409 with the reason "
                         "when what it would pay is no longer there (e.g. incentives clawed back since the run was made).")
def payout_pay(request, id: str, payload: PayIn):
    services.payout_pay(actor=request.auth, payout=selectors.payout_get(actor=request.auth, public_id=id),
                        reference=payload.reference)
    return _payout_get(request, id)


@router.post("/payouts/{id}/cancel", response={200: PayoutOut, **ERRORS}, summary="Take an unpaid payout out of its run",
             description="Finance only. Its claims become payable again.")
def payout_cancel(request, id: str, payload: ReasonIn):
    services.payout_cancel(actor=request.auth, payout=selectors.payout_get(actor=request.auth, public_id=id),
                           reason=payload.reason)
    return _payout_get(request, id)


# --- statements ---------------------------------------------------------------------------------------


@router.get("/statements", response={200: StatementPage, **ERRORS}, summary="List statements",
            description="Vendor users see every partner's; partner admins their own organisation's.")
def statement_list(request, filters: Query[StatementFilters]):
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    if filters.partner:
        data["partner"] = resolve_ref(partner_selectors.partner_get, field="partner", actor=request.auth,
                                      public_id=filters.partner).public_id
    qs = selectors.statement_list(actor=request.auth, filters=data)
    return page(qs, filters, order=("-period_end", "public_id"))


@router.post("/statements/generate", response={201: StatementGenerateOut, **ERRORS}, summary="Generate a period's statements",
             description="Finance only. One statement per partner and currency with a balance or a movement in the period "
                         "(from the ledger); generating a period again replaces its statements.")
def statements_generate(request, payload: StatementGenerateIn):
    if not is_vendor(request.auth):
        raise NotFound("statement")
    partner_ids = None
    if payload.partners is not None:
        partner_ids = [resolve_ref(partner_selectors.partner_get, field="partners", actor=request.auth, public_id=pid).pk
                       for pid in payload.partners]
    n = services.statements_generate(actor=request.auth, period_start=payload.period_start, period_end=payload.period_end,
                                     partner_ids=partner_ids)
    return Status(201, {"generated": n, "period_start": payload.period_start, "period_end": payload.period_end})


@router.get("/statements/{id}", response={200: StatementOut, **ERRORS}, summary="Get a statement with its lines",
            description="`?format=pdf` or `?format=csv` answers the file instead (the same as `/statements/{id}.pdf`, `.csv`).")
def statement_get(request, id: str, format: str = "json"):
    for suffix in (".pdf", ".csv"):
        if id.endswith(suffix):
            id, format = id[: -len(suffix)], suffix[1:]
    statement = selectors.statement_get(actor=request.auth, public_id=id)
    if format == "pdf":
        return _download(documents.render_statement_pdf(statement), _filename(statement, "pdf"), "application/pdf")
    if format == "csv":
        return _download(documents.render_statement_csv(statement), _filename(statement, "csv"), "text/csv; charset=utf-8")
    if format != "json":
        raise DomainError("Use format=json, pdf or csv.", field="format")
    return statement


def _filename(statement, ext: str) -> str:
    return f"statement-{statement.partner.public_id}-{statement.period_start}-{statement.period_end}-{statement.currency}.{ext}"


# --- payee profiles -----------------------------------------------------------------------------------


@router.get("/payee-profiles", response={200: PayeeProfilePage, **ERRORS}, summary="List payee profiles",
            description="Where partners are paid. Vendor users (money.view) see every partner's; partner admins their own "
                        "organisation's. Accounts are masked: only their last four characters are ever stored.")
def payee_profile_list(request, filters: Query[PayeeFilters]):
    partner = None
    if filters.partner:
        partner = resolve_ref(partner_selectors.partner_get, field="partner", actor=request.auth, public_id=filters.partner)
    qs = selectors.payee_profile_list(actor=request.auth)
    if partner is not None:
        qs = qs.filter(partner=partner)
    return page(qs.order_by(), filters, order=("partner__public_id",))


def _payee_partner(request, partner_id: str):
    return partner_selectors.partner_get(actor=request.auth, public_id=partner_id)


@router.get("/payee-profiles/{partner_id}", response={200: PayeeProfileOut, **ERRORS}, summary="Where a partner is paid",
            description="404 when the partner has not entered its payment details yet.")
def payee_profile_get(request, partner_id: str):
    profile = selectors.payee_profile_get(actor=request.auth, partner=_payee_partner(request, partner_id))
    if profile is None:
        raise NotFound("payee profile")
    return profile


@router.patch("/payee-profiles/{partner_id}", response={200: PayeeProfileOut, **ERRORS}, summary="Change where a partner is paid",
              description="The partner's admin: legal name, payment method (ach, sepa, wire, paypal, check), account number "
                          "or IBAN (reduced to its last four characters before it is stored), tax id, remittance email. "
                          "Finance: only `erp_vendor_id`.")
def payee_profile_update(request, partner_id: str, payload: PayeeProfileIn):
    partner = _payee_partner(request, partner_id)
    services.payee_profile_update(actor=request.auth, partner=partner, data=payload.dict(exclude_unset=True))
    return selectors.payee_profile_get(actor=request.auth, partner=partner)
