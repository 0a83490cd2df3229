"""/api/v1/leads and /api/v1/lead-routing: lead intake, the partner's lead inbox, routing explanations and settings.

A partner user sees only the leads its organisation holds now: once declined (or pulled back) a lead
answers 404 to the partner that had it, exactly like a missing one. Offers, their explanations and
runners-up, and the per-partner statistics are for vendor users only (404 for partner users).
"""

from django.db.models import Prefetch
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from allied.core.api import ERRORS, error_body, page, resolve_ref
from allied.core.errors import DomainError, PermissionDenied
from allied.core.permissions import has_perm, require_perm
from allied.core.scope import is_vendor
from allied.partners import selectors as partner_selectors

from . import selectors, services
from .models import LeadOffer, LeadSource, LeadStatus, OfferOutcome, RoutingSettings
from .schemas import (
    LeadConvertIn,
    LeadConvertOut,
    LeadDeclineIn,
    LeadDeclineOut,
    LeadFilters,
    LeadImportOut,
    LeadIn,
    LeadOfferPage,
    LeadOut,
    LeadPage,
    LeadReassignIn,
    LeadStatsPage,
    LeadStatusIn,
    PartnerLeadSettingsOut,
    PartnerLeadSettingsPatchIn,
    RoutingSettingsOut,
    RoutingSettingsPatchIn,
)

router = Router(tags=["leads"])
settings_router = Router(tags=["leads"])

MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _lead(request, id: str):
    return selectors.lead_get(actor=request.auth, public_id=id)


def _partner(request, public_id: str, field: str = "partner"):
    return resolve_ref(partner_selectors.partner_get, field=field, actor=request.auth, public_id=public_id)


def _with_output_relations(qs):
    """What LeadOut reads, loaded with the page: the deal, the duplicated lead and the pending offer."""
    pending = Prefetch("offers", queryset=LeadOffer.objects.filter(outcome=OfferOutcome.PENDING), to_attr="pending_offers")
    return qs.select_related("deal", "duplicate_of").prefetch_related(pending)


def _fresh(request, leads):
    """The leads as the actor sees them now (after routing), in the given order."""
    rows = {ld.pk: ld for ld in _with_output_relations(selectors.lead_list(actor=request.auth)).filter(pk__in=[ld.pk for ld in leads])}
    return [rows[ld.pk] for ld in leads if ld.pk in rows]


def _all(rows) -> dict:
    return {"items": list(rows), "next_cursor": None}


# --- intake and the lead queue --------------------------------------------------------------------


@router.post("", response={201: LeadOut, **ERRORS}, summary="Take in a lead",
             description="Program admins and CAMs (or an API client / CRM acting as one). The lead is validated, checked "
                         "against open leads and the vendor's named direct accounts, and routed at once when the program "
                         "routes on arrival: the answer's `status` says what happened (offered with `partner`, unroutable, "
                         "duplicate, direct or new) and `status_note` why.")
def lead_create(request, payload: LeadIn):
    lead = services.lead_create(actor=request.auth, data=payload.dict(), source=LeadSource.API)
    return Status(201, _lead(request, lead.public_id))


@router.get("", response={200: LeadPage, **ERRORS}, summary="List leads, newest first",
            description="Vendor users see every lead; partner users see the leads their organisation holds now.")
def lead_list(request, filters: Query[LeadFilters]):
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    if filters.partner:
        data["partner"] = _partner(request, filters.partner).public_id
    if filters.status:
        statuses = [s.strip() for s in filters.status.split(",") if s.strip()]
        if bad := [s for s in statuses if s not in LeadStatus.values]:
            raise DomainError(f"Unknown status {bad[0]!r}; use {', '.join(LeadStatus.values)}.", field="status")
        data["status"] = ",".join(statuses)
    qs = _with_output_relations(selectors.lead_list(actor=request.auth, filters=data))
    return page(qs, filters, order=("-created_at", "-public_id"))


@router.post("/import", response={201: LeadImportOut, **ERRORS}, summary="Take in many leads from a CSV file",
             description="Program admins and CAMs. Multipart upload, field `file` (CSV, UTF-8; headers such as Company, "
                         "Website, Country, Contact, Email, Latitude, Longitude). Every row is checked first: one bad row "
                         "and nothing is imported (422, each problem naming its row and column in `fields`). The new leads "
                         "are routed together, so capacities hold across the file.")
def leads_import(request, file: File[UploadedFile | None] = None):
    require_perm(request.auth, "leads.manage")
    if file is None:
        raise DomainError("Attach the CSV file in the `file` field.", field="file")
    if file.size > MAX_IMPORT_BYTES:
        raise DomainError("Import files are at most 10 MB; split the file.", field="file")
    try:
        leads = services.leads_import(actor=request.auth, file=file)
    except services.LeadImportRejected as exc:
        return Status(422, error_body(exc.code, exc.message, [{"field": "file", "message": p} for p in exc.problems]))
    return Status(201, {"imported": len(leads), "items": _fresh(request, leads)})


@router.get("/stats", response={200: LeadStatsPage, **ERRORS}, summary="Lead acceptance and conversion per partner",
            description="Vendor users only (partner users get 404): offers, accepted, declined, timed out and converted per "
                        "partner, most offers first.")
def lead_stats(request):
    return _all(selectors.partner_lead_stats(actor=request.auth))


@router.get("/{id}", response={200: LeadOut, **ERRORS}, summary="Get a lead")
def lead_get(request, id: str):
    return _lead(request, id)


@router.get("/{id}/routing", response={200: LeadOfferPage, **ERRORS}, summary="How a lead was routed",
            description="Vendor users only (partner users get 404): every offer of the lead, oldest first, with its mode, "
                        "score, explanation, score breakdown, runners-up, outcome and deadlines.")
def lead_routing(request, id: str):
    lead = _lead(request, id)
    offers = list(selectors.offer_list(actor=request.auth, lead=lead))
    runner_ids = {r.get("partner_id") for o in offers for r in (o.runners_up or []) if isinstance(r, dict)}
    known = {p.pk: (p.public_id, p.name) for p in partner_selectors.partner_list(actor=request.auth).filter(pk__in=runner_ids)}
    for offer in offers:
        offer.runner_partners = known
    return _all(offers)


# --- the partner's inbox --------------------------------------------------------------------------


@router.post("/{id}/accept", response={200: LeadOut, **ERRORS}, summary="Accept an offered lead",
             description="The sales team (admins and sellers) of the partner holding the lead, before its deadline.")
def lead_accept(request, id: str):
    services.lead_accept(actor=request.auth, lead=_lead(request, id))
    return _lead(request, id)


@router.post("/{id}/decline", response={200: LeadDeclineOut, **ERRORS}, summary="Decline an offered lead",
             description="The sales team of the partner holding the lead, with a reason. The lead is routed again, never "
                         "back to a partner who declined it, and leaves your inbox: reading it afterwards answers 404.")
def lead_decline(request, id: str, payload: LeadDeclineIn):
    lead = services.lead_decline(actor=request.auth, lead=_lead(request, id), reason=payload.reason)
    return {"id": lead.public_id}


@router.post("/{id}/status", response={200: LeadOut, **ERRORS}, summary="Report progress on an accepted lead",
             description="The sales team of the partner holding the lead: `working`, or `disqualified` with a `note` saying why.")
def lead_status_set(request, id: str, payload: LeadStatusIn):
    services.lead_status_set(actor=request.auth, lead=_lead(request, id), status=payload.status, note=payload.note)
    return _lead(request, id)


@router.post("/{id}/convert", response={201: LeadConvertOut, **ERRORS}, summary="Convert an accepted lead into a deal registration",
             description="The sales team of the partner holding the lead. The registration takes the lead's company and "
                         "contact plus `amount` (default: the lead's estimated amount) and `expected_close_date`, and is "
                         "decided at once like `POST /deals`: the answer gives the deal's id and status.")
def lead_convert(request, id: str, payload: LeadConvertIn):
    data = payload.dict(exclude_none=True)
    deal = services.lead_convert(actor=request.auth, lead=_lead(request, id), data=data)
    return Status(201, {"lead": _lead(request, id), "deal": deal})


@router.post("/{id}/reassign", response={200: LeadOut, **ERRORS}, summary="Give a lead to another partner by hand",
             description="Program admins and CAMs, with a reason (audited). The current offer, if any, is closed as reassigned "
                         "and the named partner gets a new offer with a fresh deadline.")
def lead_reassign(request, id: str, payload: LeadReassignIn):
    lead = _lead(request, id)
    # Checked before the partner id is resolved: a partner user is told "forbidden", not "no such partner".
    require_perm(request.auth, "leads.manage")
    partner = _partner(request, payload.partner)
    services.lead_reassign(actor=request.auth, lead=lead, partner=partner, reason=payload.reason)
    return _lead(request, id)


# --- routing settings -----------------------------------------------------------------------------


@settings_router.get("", response={200: RoutingSettingsOut, **ERRORS}, summary="The lead routing settings",
                     description="Program admins and CAMs.")
def routing_settings_get(request):
    require_perm(request.auth, "leads.manage")
    return RoutingSettings.current()


@settings_router.patch("", response={200: RoutingSettingsOut, **ERRORS}, summary="Change the lead routing settings",
                       description="Program admins. Only the fields sent change; they apply to leads routed from now on.")
def routing_settings_update(request, payload: RoutingSettingsPatchIn):
    return services.routing_settings_update(actor=request.auth, data=payload.dict(exclude_unset=True))


@settings_router.get("/partners/{partner_id}", response={200: PartnerLeadSettingsOut, **ERRORS},
                     summary="A partner's lead settings",
                     description="Program admins and CAMs; a partner's own users (scoped). Capacity null means the "
                                 "program's default capacity.")
def partner_lead_settings_get(request, partner_id: str):
    partner = partner_selectors.partner_get(actor=request.auth, public_id=partner_id)
    if is_vendor(request.auth) and not has_perm(request.auth, "leads.manage"):
        raise PermissionDenied()
    return selectors.partner_lead_settings_get(partner=partner)


@settings_router.patch("/partners/{partner_id}", response={200: PartnerLeadSettingsOut, **ERRORS},
                       summary="Change a partner's lead settings",
                       description="Program admins and CAMs set capacity, coordinates, postcode areas and service radius; "
                                   "a partner admin may only pause or resume its own organisation's inbox (`paused`).")
def partner_lead_settings_update(request, partner_id: str, payload: PartnerLeadSettingsPatchIn):
    partner = partner_selectors.partner_get(actor=request.auth, public_id=partner_id)
    return services.partner_lead_settings_update(actor=request.auth, partner=partner, data=payload.dict(exclude_unset=True))
