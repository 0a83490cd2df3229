"""/api/v1/deals and /api/v1/deal-rules: deal registration, CAM review, the deal room and the rules of engagement.

A partner sees the deals its organisation is on; conflict evidence, review notes and the vendor's
account ids are for vendor users only, so no answer tells a partner who else registered a customer.
"""

from typing import Annotated

from django.http import FileResponse
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile

from allied.accounts import selectors as account_selectors
from allied.core.api import ERRORS, PageQuery, error_body, page, resolve_ref
from allied.core.errors import DomainError
from allied.core.permissions import require_perm
from allied.partners import selectors as partner_selectors

from . import selectors, services
from .models import DealSource, DealStatus, EngagementRules
from .schemas import (
    DealApproveIn,
    DealBulkDecideIn,
    DealBulkDecideOut,
    DealCloseIn,
    DealConflictPage,
    DealDeclineIn,
    DealExtensionIn,
    DealExtensionOut,
    DealExtensionPage,
    DealFileOut,
    DealFilePage,
    DealFilters,
    DealImportOut,
    DealIn,
    DealNoteIn,
    DealNoteOut,
    DealNotePage,
    DealOut,
    DealPage,
    DealParticipantPage,
    DealParticipantsIn,
    DealPatchIn,
    DealRulesOut,
    DealRulesPatchIn,
)

router = Router(tags=["deals"])
rules_router = Router(tags=["deals"])

MAX_IMPORT_BYTES = 10 * 1024 * 1024
DOWNLOAD = {200: {"description": "The file, as an attachment.",
                    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


def _deal(request, id: str):
    return selectors.deal_get(actor=request.auth, public_id=id)


def _partner(request, public_id: str | None, field: str = "partner"):
    if not public_id:
        return None
    return resolve_ref(partner_selectors.partner_get, field=field, actor=request.auth, public_id=public_id)


def _all(qs) -> dict:
    """A short list (a deal's conflicts or partners) in the shape of a last page."""
    return {"items": list(qs), "next_cursor": None}


# --- registrations --------------------------------------------------------------------------------


@router.post("", response={200: DealOut, 201: DealOut, **ERRORS}, summary="Register a deal",
             description="Registers the deal and decides it at once: the answer's `status` (approved, declined or pending "
                         "review), `decision_code` and `decision_reason` say what happened. Partner users register for their "
                         "own organisation; vendor reviewers name the `partner`. With an `Idempotency-Key` header, a repeat "
                         "of the same request by the same user within 24 hours answers 200 with the first deal; the same key "
                         "with a different body answers 409.")
def deal_register(request, payload: DealIn, idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None):
    actor = request.auth
    partner = _partner(request, payload.partner)
    data = payload.dict(exclude={"partner"})
    if idempotency_key is None:
        return Status(201, services.deal_register(actor=actor, data=data, partner=partner, source=DealSource.API))
    deal, created = services.deal_register_once(actor=actor, key=idempotency_key, body=payload.dict(), data=data,
                                                partner=partner, source=DealSource.API)
    if not created:  # a replay: the first request's deal, as it is now
        return Status(200, selectors.deal_get(actor=actor, public_id=deal.public_id))
    return Status(201, deal)


@router.get("", response={200: DealPage, **ERRORS}, summary="List deal registrations, newest first")
def deal_list(request, filters: Query[DealFilters]):
    actor = request.auth
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    if filters.partner:
        data["partner"] = _partner(request, filters.partner).public_id
    if filters.cam:
        data["cam"] = resolve_ref(account_selectors.user_get, field="cam", actor=actor, public_id=filters.cam).public_id
    if filters.status:
        statuses = [s.strip() for s in filters.status.split(",") if s.strip()]
        if bad := [s for s in statuses if s not in DealStatus.values]:
            raise DomainError(f"Unknown status {bad[0]!r}; use {', '.join(DealStatus.values)}.", field="status")
        data["status"] = ",".join(statuses)
    qs = selectors.deal_list(actor=actor, filters=data).select_related("account")
    return page(qs, filters, order=("-submitted_at", "-public_id"))


@router.post("/import", response={201: DealImportOut, **ERRORS}, summary="Register many deals from a CSV file",
             description="Multipart upload: `file` (CSV, UTF-8; a CRM export's headers such as \"Account Name\", \"Website\", "
                         "\"Billing Country\" are understood) and, for vendor reviewers, `partner`. Every row is checked first: "
                         "one bad row and nothing is registered (422, each problem naming its row and column in `fields`).")
def deals_import(request, file: File[UploadedFile | None] = None, partner: Form[str | None] = None):
    partner_obj = _partner(request, partner)
    if file is None:
        raise DomainError("Attach the CSV file in the `file` field.", field="file")
    if file.size > MAX_IMPORT_BYTES:
        raise DomainError("Import files are at most 10 MB; split the file.", field="file")
    try:
        deals = services.deals_import(actor=request.auth, file=file, partner=partner_obj)
    except services.ImportRejected as exc:
        return Status(422, error_body(exc.code, exc.message, [{"field": "file", "message": p} for p in exc.problems]))
    return Status(201, {"registered": len(deals), "items": deals})


@router.post("/bulk-decide", response={200: DealBulkDecideOut, **ERRORS}, summary="Approve or decline several registrations",
             description="Vendor reviewers. All or none: if one registration cannot be decided, none is.")
def deals_bulk_decide(request, payload: DealBulkDecideIn):
    actor = request.auth
    deals = []
    for public_id in dict.fromkeys(payload.deals):
        deals.append(resolve_ref(selectors.deal_get, field="deals", actor=actor, public_id=public_id))
    n = services.deals_bulk_decide(actor=actor, deals=deals, approve=payload.action == "approve", reason=payload.reason)
    fresh = {d.pk: d for d in selectors.deal_list(actor=actor).filter(pk__in=[d.pk for d in deals]).select_related("account")}
    return {"decided": n, "items": [fresh[d.pk] for d in deals]}


@router.get("/{id}", response={200: DealOut, **ERRORS}, summary="Get a deal registration")
def deal_get(request, id: str):
    return _deal(request, id)


@router.patch("/{id}", response={200: DealOut, **ERRORS}, summary="Update an open registration",
              description="The registering partner's sellers or vendor reviewers. Stage, amount, close date, contact, "
                          "products and notes may change; the customer (name, website, country) and the deal type cannot.")
def deal_patch(request, id: str, payload: DealPatchIn):
    deal = _deal(request, id)
    return services.deal_update(actor=request.auth, deal=deal, data=payload.dict(exclude_unset=True))


@router.post("/{id}/approve", response={200: DealOut, **ERRORS}, summary="Approve a registration in review")
def deal_approve(request, id: str, payload: DealApproveIn | None = None):
    deal = _deal(request, id)
    services.deal_approve(actor=request.auth, deal=deal, reason=payload.reason if payload else "")
    return _deal(request, id)


@router.post("/{id}/decline", response={200: DealOut, **ERRORS}, summary="Decline a registration in review")
def deal_decline(request, id: str, payload: DealDeclineIn):
    deal = _deal(request, id)
    services.deal_decline(actor=request.auth, deal=deal, reason=payload.reason)
    return _deal(request, id)


@router.post("/{id}/close", response={200: DealOut, **ERRORS}, summary="Close an approved registration won or lost",
             description="A win records the won amount (default: the registered amount) as partner-sourced revenue.")
def deal_close(request, id: str, payload: DealCloseIn):
    deal = _deal(request, id)
    services.deal_close(actor=request.auth, deal=deal, won=payload.outcome == "won", amount=payload.amount,
                        lost_reason=payload.lost_reason)
    return _deal(request, id)


@router.post("/{id}/withdraw", response={200: DealOut, **ERRORS}, summary="Withdraw an open registration")
def deal_withdraw(request, id: str):
    deal = _deal(request, id)
    services.deal_withdraw(actor=request.auth, deal=deal)
    return _deal(request, id)


@router.get("/{id}/conflicts", response={200: DealConflictPage, **ERRORS}, summary="The conflict evidence of a registration",
            description="Vendor users only (partner users get 404): each candidate the conflict check found, its score, "
                        "the reason in words and whether it decided the outcome.")
def deal_conflicts(request, id: str):
    deal = _deal(request, id)
    return _all(selectors.conflict_list(actor=request.auth, deal=deal))


# --- partners on a deal ---------------------------------------------------------------------------


@router.get("/{id}/participants", response={200: DealParticipantPage, **ERRORS}, summary="The partners on a deal")
def participant_list(request, id: str):
    deal = _deal(request, id)
    return _all(selectors.participant_list(actor=request.auth, deal=deal))


@router.put("/{id}/participants", response={200: DealParticipantPage, **ERRORS}, summary="Set the partners on a deal",
            description="Vendor reviewers. Replaces the list: the registering partner stays as the one sourcing partner, "
                        "each partner appears once and the credit splits add up to exactly 100.")
def participants_set(request, id: str, payload: DealParticipantsIn):
    deal = _deal(request, id)
    # Checked before the partner ids are resolved: a partner user is told "forbidden", not "no such partner".
    require_perm(request.auth, "deals.review")
    rows = [{"partner": _partner(request, p.partner, f"participants[{i}].partner"), "role": p.role, "split_pct": p.split_pct}
            for i, p in enumerate(payload.participants)]
    services.participants_set(actor=request.auth, deal=deal, participants=rows)
    return _all(selectors.participant_list(actor=request.auth, deal=deal))


# --- deal room -------------------------------------------------------------------------------------


@router.get("/{id}/notes", response={200: DealNotePage, **ERRORS}, summary="The notes of a deal room, oldest first")
def note_list(request, id: str, params: Query[PageQuery]):
    deal = _deal(request, id)
    return page(selectors.note_list(actor=request.auth, deal=deal), params, order=("created_at", "public_id"))


@router.post("/{id}/notes", response={201: DealNoteOut, **ERRORS}, summary="Add a note to a deal room",
             description="Anyone on the deal: the vendor and the partners on it.")
def note_add(request, id: str, payload: DealNoteIn):
    deal = _deal(request, id)
    return Status(201, services.note_add(actor=request.auth, deal=deal, body=payload.body))


@router.get("/{id}/files", response={200: DealFilePage, **ERRORS}, summary="The files of a deal room")
def file_list(request, id: str, params: Query[PageQuery]):
    deal = _deal(request, id)
    return page(selectors.file_list(actor=request.auth, deal=deal), params, order=("created_at", "public_id"))


@router.post("/{id}/files", response={201: DealFileOut, **ERRORS}, summary="Upload a file to a deal room",
             description="Multipart upload, field `file`: pdf, png, jpg, docx, xlsx, pptx, csv or txt, at most 10 MB.")
def file_add(request, id: str, file: File[UploadedFile | None] = None):
    deal = _deal(request, id)
    if file is None:
        raise DomainError("Attach the file in the `file` field.", field="file")
    return Status(201, services.file_add(actor=request.auth, deal=deal, upload=file))


@router.get("/{id}/files/{file_id}", response=ERRORS, openapi_extra={"responses": DOWNLOAD}, summary="Download a deal-room file")
def file_download(request, id: str, file_id: str):
    deal = _deal(request, id)
    row = selectors.file_get(actor=request.auth, deal=deal, public_id=file_id)
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- extensions ------------------------------------------------------------------------------------


@router.get("/{id}/extensions", response={200: DealExtensionPage, **ERRORS}, summary="Extension requests of a registration")
def extension_list(request, id: str, params: Query[PageQuery]):
    deal = _deal(request, id)
    return page(selectors.extension_list(actor=request.auth, deal=deal), params, order=("-created_at", "-public_id"))


@router.post("/{id}/extensions", response={201: DealExtensionOut, **ERRORS}, summary="Ask for a longer protection",
             description="The registering partner's sellers, for an approved registration.")
def extension_request(request, id: str, payload: DealExtensionIn):
    deal = _deal(request, id)
    return Status(201, services.extension_request(actor=request.auth, deal=deal, days=payload.days, reason=payload.reason))


@router.post("/{id}/extensions/{ext_id}/approve", response={200: DealExtensionOut, **ERRORS}, summary="Approve an extension request")
def extension_approve(request, id: str, ext_id: str):
    deal = _deal(request, id)
    ext = selectors.extension_get(actor=request.auth, deal=deal, public_id=ext_id)
    return services.extension_decide(actor=request.auth, request=ext, approve=True)


@router.post("/{id}/extensions/{ext_id}/decline", response={200: DealExtensionOut, **ERRORS}, summary="Decline an extension request")
def extension_decline(request, id: str, ext_id: str):
    deal = _deal(request, id)
    ext = selectors.extension_get(actor=request.auth, deal=deal, public_id=ext_id)
    return services.extension_decide(actor=request.auth, request=ext, approve=False)


# --- rules of engagement ---------------------------------------------------------------------------


@rules_router.get("", response={200: DealRulesOut, **ERRORS}, summary="The rules of engagement",
                  description="Everyone: partners may read the rules their registrations are decided by.")
def rules_get(request):
    return EngagementRules.current()


@rules_router.patch("", response={200: DealRulesOut, **ERRORS}, summary="Change the rules of engagement",
                    description="Program admins. Changes apply to registrations from now on.")
def rules_update(request, payload: DealRulesPatchIn):
    return services.rules_update(actor=request.auth, data=payload.dict(exclude_unset=True))
