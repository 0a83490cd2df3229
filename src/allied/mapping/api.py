"""/api/v1/mapping operations: account lists, populations, partnerships and sharing, runs, the overlap, co-sell,
discovery and introductions.

Vendor users act for the vendor side of every partnership (``mapping.view`` to read, ``mapping.manage`` to
change); partner users for their own partner only (``partner.mapping.view`` / ``partner.mapping.manage``):
another partner, a sub-partner included, answers like a missing one. What a viewer may see of the other side
is decided by ``selectors`` alone.
"""

import csv
import io

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from allied.core.api import ERRORS, IMPORT_ERRORS, PageQuery, page, resolve_ref
from allied.core.errors import DomainError, NotFound
from allied.core.inputs import escape_cell
from allied.deals import selectors as deal_selectors
from allied.partners.models import Partner

from . import access, selectors, services
from .models import SHAREABLE_FIELDS, CoSellAction, Population, Side
from .schemas import (
    CandidatePage,
    CosellActionOut,
    CosellDealIn,
    CosellFilters,
    CosellLeadIn,
    CosellPage,
    DiscoveryQuery,
    ImportOut,
    IntroductionIn,
    IntroductionOut,
    IntroductionPage,
    MappedAccountFilters,
    MappedAccountIn,
    MappedAccountOut,
    MappedAccountPage,
    MappedAccountPatchIn,
    MatrixOut,
    PartnershipDetailOut,
    PartnershipPage,
    PartnershipPatchIn,
    PopulationIn,
    PopulationOut,
    PopulationPage,
    PopulationPatchIn,
    RecordsOut,
    RecordsQuery,
    RunIn,
    RunOut,
    SharedListOut,
    SharingIn,
    SharingOut,
)

router = Router(tags=["account mapping"])
CSV_DOWNLOAD = {200: {"description": "CSV, formulas escaped.", "content": {"text/csv": {"schema": {"type": "string"}}}}}
IMPORT_HELP = ("Multipart upload: `file` — a HubSpot companies export (Record ID, Company name, Company Domain Name, Country/Region, "
               "Lifecycle Stage, Industry, Number of Employees, Company owner), a Salesforce accounts export (Account ID, Account "
               "Name, Website, Billing Country, Type, Industry, Employees, Account Owner) or a CSV with `name`, `external_id`, "
               "`website`, `country`, `status`, ...; `replace` (true: accounts missing from the file are removed); `format` "
               "(auto, hubspot, salesforce, csv). All or nothing: a file with a bad row imports nothing and the answer lists "
               "every problem by row and column.")


def _plain(value):
    return str(value) if value is not None and not isinstance(value, str | int | float | bool) else value


def _shared(record: dict) -> dict:
    return {k: _plain(v) for k, v in record.items()}


def _partner(request, partner_id: str, *, manage: bool = False) -> Partner:
    return access.partner_for(request.auth, public_id=partner_id, manage=manage)


# --- accounts ---------------------------------------------------------------------------------


@router.get("/accounts", response={200: MappedAccountPage, **ERRORS}, summary="List your side's accounts",
            description="Vendor users get the vendor's list, partner users their partner's; never the other side's.")
def account_list(request, filters: Query[MappedAccountFilters]):
    population = None
    if filters.population:
        population = resolve_ref(selectors.population_get, field="population", user=request.auth, public_id=filters.population)
    qs = selectors.account_list(user=request.auth, q=filters.q or "", status=filters.status or "", population=population)
    return page(qs, filters, order=("name", "public_id"))


@router.post("/accounts", response={201: MappedAccountOut, **ERRORS}, summary="Add or update an account in your side's list",
             description="Updates the account with the same external id (else the same name and website). Needs `mapping.manage` "
                         "or `partner.mapping.manage`.")
def account_create(request, payload: MappedAccountIn):
    partner = access.own_list_partner(request.auth, manage=True)
    return Status(201, services.account_upsert(actor=request.auth, partner=partner, data=payload.dict()))


@router.post("/accounts/import", response={200: ImportOut, **IMPORT_ERRORS}, summary="Import your side's list from a CRM export",
             description=IMPORT_HELP)
def accounts_import(request, file: File[UploadedFile | None] = None, replace: Form[bool] = False, format: Form[str] = "auto"):
    partner = access.own_list_partner(request.auth, manage=True)
    if file is None:
        raise DomainError("Attach the CSV file as `file`.", field="file")
    try:
        result = services.accounts_import(actor=request.auth, partner=partner, file=file, replace=replace, fmt=format)
    except services.ImportRejected as exc:
        return Status(400, exc.api_body())
    return result.__dict__


@router.patch("/accounts/{id}", response={200: MappedAccountOut, **ERRORS}, summary="Change an account of your side's list")
def account_patch(request, id: str, payload: MappedAccountPatchIn):
    account = selectors.account_get(user=request.auth, public_id=id)
    return services.account_update(actor=request.auth, account=account, data=payload.dict(exclude_unset=True))


@router.delete("/accounts/{id}", response={204: None, **ERRORS}, summary="Remove an account from your side's list",
               description="Its matches go with it.")
def account_delete(request, id: str):
    account = selectors.account_get(user=request.auth, public_id=id)
    services.account_delete(actor=request.auth, account=account)
    return Status(204, None)


# --- populations ------------------------------------------------------------------------------


@router.get("/populations", response={200: PopulationPage, **ERRORS}, summary="List your side's populations",
            description="The defaults (Customers, Open opportunities, Prospects) exist from the first call.")
def population_list(request):
    pops = selectors.population_list(user=request.auth)
    sizes = selectors.population_sizes(pops)
    return {"items": [_population(p, sizes.get(p.pk)) for p in pops]}


def _population(p: Population, size: int | None) -> dict:
    return {"id": p.public_id, "name": p.name, "kind": p.kind, "filters": p.filters, "size": size}


@router.post("/populations", response={201: PopulationOut, **ERRORS}, summary="Make a custom population of your side's list")
def population_create(request, payload: PopulationIn):
    partner = access.own_list_partner(request.auth, manage=True)
    pop = services.population_create(actor=request.auth, partner=partner, name=payload.name, filters=payload.filters)
    return Status(201, _population(pop, selectors.population_sizes([pop])[pop.pk]))


@router.patch("/populations/{id}", response={200: PopulationOut, **ERRORS}, summary="Rename a population or change its filters",
              description="The filters of the default populations are fixed.")
def population_patch(request, id: str, payload: PopulationPatchIn):
    pop = selectors.population_get(user=request.auth, public_id=id)
    data = payload.dict(exclude_unset=True)
    pop = services.population_update(actor=request.auth, population=pop, name=data.get("name"), filters=data.get("filters"))
    return _population(pop, selectors.population_sizes([pop])[pop.pk])


@router.delete("/populations/{id}", response={204: None, **ERRORS}, summary="Delete a custom population")
def population_delete(request, id: str):
    pop = selectors.population_get(user=request.auth, public_id=id)
    services.population_delete(actor=request.auth, population=pop)
    return Status(204, None)


# --- partnerships -----------------------------------------------------------------------------


def _partnership_row(partner: Partner) -> dict:
    row = getattr(partner, "mapping_partnership", None) if _has_partnership(partner) else None
    return {"partner": partner, "active": bool(row and row.active), "vendor_opted_in_at": getattr(row, "vendor_opted_in_at", None),
            "partner_opted_in_at": getattr(row, "partner_opted_in_at", None), "discoverable": bool(row and row.discoverable),
            "matched_at": getattr(row, "matched_at", None)}


def _has_partnership(partner: Partner) -> bool:
    try:
        partner.mapping_partnership  # noqa: B018 - the reverse one-to-one raises when there is none
    except Partner.mapping_partnership.RelatedObjectDoesNotExist:
        return False
    return True


@router.get("/partnerships", response={200: PartnershipPage, **ERRORS}, summary="List partnerships and their opt-in state",
            description="Vendor users: every partner; partner users: their own.")
def partnership_list(request, filters: Query[PageQuery]):
    result = page(selectors.partnership_list(user=request.auth), filters, order=("name", "public_id"))
    return {"items": [_partnership_row(p) for p in result["items"]], "next_cursor": result["next_cursor"]}


def _detail(view: selectors.PartnershipView) -> dict:
    pops = [{"id": p.public_id, "name": p.name, "kind": p.kind, "side": Side.VENDOR if p.partner_id is None else Side.PARTNER,
             "level": view.levels[p.pk], "fields": view.fields[p.pk]} for p in view.vendor_populations + view.partner_populations]
    row = view.partnership
    return {"partner": view.partner, "active": view.active, "vendor_opted_in_at": row.vendor_opted_in_at,
            "partner_opted_in_at": row.partner_opted_in_at, "discoverable": row.discoverable, "matched_at": row.matched_at,
            "side": view.side, "vendor_list_size": view.vendor_list_size, "partner_list_size": view.partner_list_size,
            "populations": pops, "last_run": view.last_run}


@router.get("/partnerships/{partner_id}", response={200: PartnershipDetailOut, **ERRORS}, summary="A partnership as you see it",
            description="Opt-in state, both sides' populations with what each shares, list sizes and the last run.")
def partnership_get(request, partner_id: str):
    return _detail(selectors.partnership_get(user=request.auth, public_id=partner_id))


@router.patch("/partnerships/{partner_id}", response={200: PartnershipDetailOut, **ERRORS},
              summary="Let other partners find you by account overlap", description="Partner admins only.")
def partnership_patch(request, partner_id: str, payload: PartnershipPatchIn):
    partner = _partner(request, partner_id, manage=True)
    services.discoverable_set(actor=request.auth, partner=partner, value=payload.discoverable)
    return _detail(selectors.partnership_get(user=request.auth, partner=partner))


@router.post("/partnerships/{partner_id}/opt-in", response={200: PartnershipDetailOut, **ERRORS}, summary="Opt in to account mapping",
             description="For your side. Nothing is shared until both sides are in; the other side is told by email.")
def partnership_opt_in(request, partner_id: str):
    partner = _partner(request, partner_id, manage=True)
    services.opt_in(actor=request.auth, partner=partner)
    return _detail(selectors.partnership_get(user=request.auth, partner=partner))


@router.post("/partnerships/{partner_id}/opt-out", response={200: PartnershipDetailOut, **ERRORS}, summary="Opt out of account mapping",
             description="For your side: all sharing stops at once.")
def partnership_opt_out(request, partner_id: str):
    partner = _partner(request, partner_id, manage=True)
    services.opt_out(actor=request.auth, partner=partner)
    return _detail(selectors.partnership_get(user=request.auth, partner=partner))


@router.put("/partnerships/{partner_id}/sharing", response={200: SharingOut, **ERRORS},
            summary="Share one of your populations with the other side",
            description=f"Level hidden, counts, overlaps or full; fields from {', '.join(SHAREABLE_FIELDS)}.")
def partnership_sharing(request, partner_id: str, payload: SharingIn):
    partner = _partner(request, partner_id, manage=True)
    pop = resolve_ref(selectors.population_get, field="population", user=request.auth, public_id=payload.population)
    rule = services.sharing_set(actor=request.auth, partner=partner, population=pop, level=payload.level, fields=payload.fields)
    return {"population": pop.public_id, "level": rule.level, "fields": rule.fields}


@router.post("/partnerships/{partner_id}/runs", response={202: RunOut, **ERRORS}, summary="Map the accounts again",
             description="Queues a run for the worker (incremental by default); poll `GET /mapping/runs/{id}` for progress.")
def partnership_run(request, partner_id: str, payload: RunIn | None = None):
    partner = _partner(request, partner_id, manage=True)
    run = services.mapping_run_request(actor=request.auth, partner=partner, incremental=payload.incremental if payload else True)
    return Status(202, run)


@router.get("/runs/{id}", response={200: RunOut, **ERRORS}, summary="A mapping run and its progress")
def run_get(request, id: str):
    return selectors.run_get(user=request.auth, public_id=id)


# --- the overlap ------------------------------------------------------------------------------


@router.get("/partnerships/{partner_id}/overlaps", response={200: MatrixOut, **ERRORS}, summary="The overlap matrix",
            description="Your populations × the other side's: a count where the other side shares its population at least as "
                        "counts, null otherwise.")
def overlap_matrix(request, partner_id: str):
    partner = _partner(request, partner_id)
    m = selectors.overlap_matrix(user=request.auth, partner=partner)

    def pops(items):
        return [{"id": p.public_id, "name": p.name, "kind": p.kind, "level": m.levels[p.pk], "size": m.sizes.get(p.pk)} for p in items]

    ids = {p.pk: p.public_id for p in m.vendor_populations + m.partner_populations}
    return {"partner": m.partner, "side": m.side, "active": m.active, "vendor_populations": pops(m.vendor_populations),
            "partner_populations": pops(m.partner_populations),
            "cells": [{"vendor_population": ids[v], "partner_population": ids[p], "count": n} for (v, p), n in m.cells.items()]}


def _population_pair(request, partner: Partner, vendor_population: str, partner_population: str) -> tuple[Population, Population]:
    vendor_pop = Population.objects.filter(partner__isnull=True, public_id=vendor_population).first()
    if vendor_pop is None:
        raise DomainError("Population: no such id.", field="vendor_population")
    partner_pop = Population.objects.filter(partner=partner, public_id=partner_population).first()
    if partner_pop is None:
        raise DomainError("Population: no such id.", field="partner_population")
    return vendor_pop, partner_pop


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise DomainError("The cursor is not valid; start again without one.", field="cursor")
    return int(cursor)


def _row_out(row: dict, accounts: dict) -> dict:
    return {"match": row["match"], "score": row["score"], "method": row.get("method", ""), "reason": row["reason"],
            "own": accounts[row["own"]["id"]], "other": _shared(row["other"])}


def _own_accounts(rows: list[dict]) -> dict:
    from .models import MappedAccount

    return {a.public_id: a for a in MappedAccount.objects.filter(public_id__in=[r["own"]["id"] for r in rows])}


@router.get("/partnerships/{partner_id}/overlaps/records", response={200: RecordsOut, **ERRORS},
            summary="The records of one cell of the matrix",
            description="Only when the other side shares its population as overlaps or full: each row is your record and the "
                        "other side's reduced to its name and the fields it shares. With counts only, `items` is empty.")
def overlap_records(request, partner_id: str, filters: Query[RecordsQuery]):
    partner = _partner(request, partner_id)
    vendor_pop, partner_pop = _population_pair(request, partner, filters.vendor_population, filters.partner_population)
    result = selectors.overlap_records(user=request.auth, partner=partner, vendor_population=vendor_pop, partner_population=partner_pop)
    start = _offset(filters.cursor)
    rows = result.rows[start:start + filters.limit]
    nxt = str(start + filters.limit) if start + filters.limit < len(result.rows) else None
    accounts = _own_accounts(rows)
    return {"level": result.level, "count": result.count, "fields": result.fields, "items": [_row_out(r, accounts) for r in rows],
            "next_cursor": nxt}


@router.get("/partnerships/{partner_id}/overlaps/export", response={200: None, **ERRORS}, openapi_extra={"responses": CSV_DOWNLOAD},
            summary="Every overlapping record you may see, as CSV")
def overlap_export(request, partner_id: str):
    partner = _partner(request, partner_id)
    rows = selectors.overlap_export_rows(user=request.auth, partner=partner)
    view_side = access.viewer_side(request.auth)
    other = "partner" if view_side == Side.VENDOR else "vendor"
    shared = [f for f in SHAREABLE_FIELDS if any(f in r["other"] for r in rows)]
    out = io.StringIO()
    writer = csv.writer(out)
    own_fields = list(selectors.OWN_FIELDS)
    writer.writerow(["id", *own_fields, "populations", f"{other}_name", *[f"{other}_{f}" for f in shared], f"{other}_populations",
                     "score", "reason"])
    for r in rows:
        writer.writerow([escape_cell(r["own"]["id"]), *[escape_cell(r["own"][f]) for f in own_fields],
                         escape_cell("; ".join(r["own_populations"])), escape_cell(r["other"]["name"]),
                         *[escape_cell(r["other"].get(f, "")) for f in shared], escape_cell("; ".join(r["other_populations"])),
                         f"{r['score']:.3f}", escape_cell(r["reason"])])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overlap-{partner.public_id}.csv"'
    return response


@router.get("/partnerships/{partner_id}/populations/{pop_id}/records", response={200: SharedListOut, **ERRORS},
            summary="The whole of one of the other side's populations",
            description="Only when it is shared as a full list (403 otherwise); shared fields only.")
def shared_population(request, partner_id: str, pop_id: str, filters: Query[PageQuery]):
    partner = _partner(request, partner_id)
    owner = partner if access.viewer_side(request.auth) == Side.VENDOR else None
    population = (Population.objects.filter(partner=owner) if owner else Population.objects.filter(partner__isnull=True)).filter(
        public_id=pop_id).first()
    if population is None:
        raise NotFound("population")
    result = selectors.shared_population_list(user=request.auth, partner=partner, population=population, cursor=filters.cursor,
                                              limit=filters.limit)
    return {"population": population.public_id, "level": result.level, "fields": result.fields, "count": result.count,
            "items": [_shared(r) for r in result.rows], "next_cursor": result.next_cursor}


# --- co-sell ----------------------------------------------------------------------------------


@router.get("/cosell-opportunities", response={200: CosellPage, **ERRORS}, summary="Co-sell opportunities",
            description="Matches where one side has a customer and the other an open opportunity or prospect (or both an "
                        "opportunity), shown only when the other side shares the population holding the record as overlaps or more.")
def cosell_list(request, filters: Query[CosellFilters]):
    partner = None
    if filters.partner:
        partner = resolve_ref(lambda **kw: access.partner_for(request.auth, **kw), field="partner", public_id=filters.partner)
    rows = selectors.cosell_opportunities(user=request.auth, partner=partner)
    accounts = _own_accounts(rows)
    return {"items": [{"match": r["match"], "partner": r["partner"], "kind": r["kind"], "kind_label": r["kind_label"],
                       "score": r["score"], "reason": r["reason"], "own": accounts[r["own"]["id"]], "other": _shared(r["other"]),
                       "other_populations": r["other_populations"],
                       "lead": r["actions"]["lead"].lead.public_id if r["actions"].get("lead") and r["actions"]["lead"].lead_id else None,
                       "deal": r["actions"]["deal"].deal.public_id if r["actions"].get("deal") and r["actions"]["deal"].deal_id else None}
                      for r in rows]}


def _action_out(action: CoSellAction) -> CoSellAction:
    return CoSellAction.objects.select_related("partner", "lead", "deal").get(pk=action.pk)


@router.post("/cosell-opportunities/{match_id}/lead", response={201: CosellActionOut, **ERRORS},
             summary="Turn a co-sell opportunity into a lead for the partner",
             description="Vendor `mapping.manage` (and `leads.manage`). Once per partner and account.")
def cosell_lead(request, match_id: str, payload: CosellLeadIn):
    match, _ = selectors.cosell_get(user=request.auth, public_id=match_id)
    action = services.cosell_to_lead(actor=request.auth, match=match, contact_name=payload.contact_name,
                                     contact_email=payload.contact_email, message=payload.message)
    return Status(201, _action_out(action))


@router.post("/cosell-opportunities/{match_id}/deal", response={201: CosellActionOut, **ERRORS},
             summary="Turn a co-sell opportunity into a deal room",
             description="Registers the deal on the partner's behalf (vendor `mapping.manage` and `deals.review`); decided by the "
                         "rules of engagement like any other. Once per partner and account.")
def cosell_deal(request, match_id: str, payload: CosellDealIn):
    match, _ = selectors.cosell_get(user=request.auth, public_id=match_id)
    data = payload.dict()
    if data.get("expected_close_date"):
        data["expected_close_date"] = data["expected_close_date"].isoformat()
    action = services.cosell_to_deal(actor=request.auth, match=match, data=data)
    return Status(201, _action_out(action))


# --- discovery and introductions --------------------------------------------------------------


@router.get("/discovery", response={200: CandidatePage, **ERRORS}, summary="Find partners for a deal or an account",
            description="By specialty, region, certification and account overlap (overlap only with partners who chose to be "
                        "discoverable); every criterion given must hold, each gives a reason.")
def discovery(request, filters: Query[DiscoveryQuery]):
    access.require(request.auth)
    deal = None
    if filters.deal:
        deal = resolve_ref(deal_selectors.deal_get, field="deal", actor=request.auth, public_id=filters.deal)
    found = selectors.discover_partners(user=request.auth, deal=deal, account_name=filters.account or "",
                                        specialty=filters.specialty or "", region=filters.region or "",
                                        certification=filters.certification or "")
    return {"items": [{"partner": c.partner, "country": c.partner.country, "region": c.partner.region,
                       "specialties": list(c.partner.specialties or []), "reasons": c.reasons, "overlap": c.overlap} for c in found]}


@router.get("/introductions", response={200: IntroductionPage, **ERRORS}, summary="Introductions you made or received")
def introduction_list(request, filters: Query[PageQuery]):
    return page(selectors.introduction_list(user=request.auth), filters, order=("-created_at", "-public_id"))


def _any_partner(public_id: str | None, field: str) -> Partner | None:
    if not public_id:
        return None
    partner = Partner.objects.filter(public_id=public_id).first()
    if partner is None:
        raise DomainError("Partner: no such id.", field=field)
    return partner


@router.post("/introductions", response={201: IntroductionOut, **ERRORS}, summary="Introduce two partners, or ask to be introduced",
             description="Partner admins ask to meet `to_partner`; vendor users introduce `to_partner` and `with_partner`. Both "
                         "partners' admins and their CAM are told by email.")
def introduction_create(request, payload: IntroductionIn):
    access.require(request.auth, manage=True)
    to_partner = _any_partner(payload.to_partner, "to_partner")
    with_partner = _any_partner(payload.with_partner, "with_partner")
    deal = None
    if payload.deal:
        deal = resolve_ref(deal_selectors.deal_get, field="deal", actor=request.auth, public_id=payload.deal)
    intro = services.introduction_create(actor=request.auth, to_partner=to_partner, with_partner=with_partner, deal=deal,
                                         account_name=payload.account_name, message=payload.message)
    return Status(201, intro)
