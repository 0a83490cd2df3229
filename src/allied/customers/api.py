"""/api/v1/accounts and /api/v1/direct-opportunities: the vendor's account master.

Vendor-only: for a partner user every operation answers 404, as if the rows did not exist.
"""

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal

from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from allied.accounts import selectors as account_selectors
from allied.core.api import (
    ERRORS,
    IMPORT_ERRORS,
    PageQuery,
    PublicOut,
    Ref,
    page,
    resolve_ref,
)
from allied.core.errors import DomainError
from allied.partners import selectors as partner_selectors

from . import selectors, services
from .imports import ImportRejected
from .models import AccountSource

accounts_router = Router(tags=["accounts"])
opportunities_router = Router(tags=["accounts"])


# --- shapes -----------------------------------------------------------------------------------


class AccountOut(PublicOut):
    id: str = Field(..., description="Public id, `acct_...`.")
    external_id: str = Field(..., description="The account's id in the vendor's CRM (Salesforce Account ID, HubSpot Record ID).")
    name: str
    website: str
    domain: str = Field(..., description="Registered web domain, normalised (`example.co.uk`).")
    country: str = Field(..., description="ISO 3166-1 alpha-2 code.")
    segment: str = Field(..., description="enterprise, mid_market, smb, public or empty.")
    industry: str
    owner: Ref | None = Field(None, description="The vendor user who owns the account.")
    owner_name: str = Field(..., description="The owner as the CRM names them.")
    is_customer: bool
    is_named_direct: bool = Field(..., description="A named account worked by the vendor's direct team.")
    customer_since: date | None
    incumbent_partner: Ref | None = Field(None, description="The partner that owns renewals of this customer.")
    source: str = Field(..., description="console, api, csv, salesforce, hubspot or deal.")
    open_opportunities: int = Field(..., description="Open direct opportunities on the account.")
    created_at: datetime
    updated_at: datetime


class AccountPage(Schema):
    items: list[AccountOut]
    next_cursor: str | None


class AccountFilters(PageQuery):
    q: str | None = Field(None, description="Part of the name or domain, or an exact external or public id.")
    is_customer: bool | None = None
    is_named_direct: bool | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code.")
    segment: str | None = Field(None, description="enterprise, mid_market, smb or public.")
    owner: str | None = Field(None, description="Public id of the owning vendor user.")


class AccountCreateIn(Schema):
    name: str
    external_id: str = ""
    website: str = ""
    domain: str = Field("", description="Used when there is no website.")
    country: str = Field("", description="ISO 3166-1 alpha-2 or alpha-3 code, or the English name.")
    segment: str = ""
    industry: str = ""
    owner: str | None = Field(None, description="Public id of a vendor user.")
    owner_name: str = ""
    is_customer: bool = False
    is_named_direct: bool = False
    customer_since: date | None = None
    incumbent_partner: str | None = Field(None, description="Public id of a partner.")


class AccountPatchIn(Schema):
    name: str | None = None
    external_id: str = Field(None, description="The id in the CRM; \"\" removes it.")
    website: str | None = None
    domain: str | None = None
    country: str | None = None
    segment: str | None = None
    industry: str | None = None
    owner: str | None = Field(None, description="Public id of a vendor user; null removes the owner.")
    owner_name: str | None = None
    is_customer: bool | None = None
    is_named_direct: bool | None = None
    customer_since: date | None = None
    incumbent_partner: str | None = Field(None, description="Public id of a partner; null removes it.")


class OpportunityOut(PublicOut):
    id: str = Field(..., description="Public id, `opp_...`.")
    external_id: str
    account: Ref
    name: str
    amount: str = Field(..., description="Decimal, as a string.")
    currency: str
    stage: str
    status: str = Field(..., description="open, won or lost.")
    close_date: date | None
    owner_name: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj.amount)


class OpportunityPage(Schema):
    items: list[OpportunityOut]
    next_cursor: str | None


class OpportunityFilters(PageQuery):
    q: str | None = Field(None, description="Part of the name, or an exact external or public id.")
    status: str | None = Field(None, description="open, won or lost.")


class OpportunityListFilters(OpportunityFilters):
    account: str | None = Field(None, description="Public id of the account.")


class OpportunityCreateIn(Schema):
    account: str = Field(..., description="Public id of the account, `acct_...`.")
    name: str
    external_id: str = ""
    amount: Decimal = Decimal("0")
    currency: str = "USD"
    stage: str = ""
    status: str | None = Field(None, description="open, won or lost; by default read from the stage (Closed Won...).")
    close_date: date | None = None
    owner_name: str = ""


class OpportunityPatchIn(Schema):
    account: str | None = None
    name: str | None = None
    external_id: str = Field(None, description="The id in the CRM; \"\" removes it.")
    amount: Decimal | None = None
    currency: str | None = None
    stage: str | None = None
    status: str | None = None
    close_date: date | None = None
    owner_name: str | None = None


class ImportResultOut(Schema):
    kind: str = Field(..., description="accounts or opportunities.")
    format: str = Field(..., description="The format read: salesforce, hubspot or allied.")
    rows: int
    created: int
    updated: int
    unchanged: int


IMPORT_RESPONSES = {200: ImportResultOut, **IMPORT_ERRORS}
IMPORT_HELP = ("Send `multipart/form-data` with the CSV as `file`. `format`: auto (default), salesforce, hubspot or allied. "
               "`date_order`: auto (default: read from the file), mdy or dmy. All or nothing: a file with any bad row "
               "answers 400 with every problem (`row` is the line in the file, the header being line 1) and imports nothing. "
               "Rows are matched by their CRM id, so importing the same file again changes nothing.")


def _refs(request, data: dict) -> dict:
    """Public ids in the input -> objects (400 naming the field when unknown)."""
    if data.get("owner"):
        data["owner"] = resolve_ref(account_selectors.user_get, field="owner", actor=request.auth, public_id=data["owner"])
    if data.get("incumbent_partner"):
        data["incumbent_partner"] = resolve_ref(partner_selectors.partner_get, field="incumbent_partner", actor=request.auth,
                                                public_id=data["incumbent_partner"])
    if data.get("account"):
        data["account"] = resolve_ref(selectors.account_get, field="account", actor=request.auth, public_id=data["account"])
    return data


def _patch_data(payload: Schema, *, nullable: set[str]) -> dict:
    """The fields sent; ``null`` clears the ``nullable`` ones and is refused for the others."""
    data = payload.dict(exclude_unset=True)
    for key, value in data.items():
        if value is None and key not in nullable:
            raise DomainError("Give a value, or leave the field out to keep it.", field=key)
    return data


def _import(request, service, file, fmt: str, date_order: str, what: str):
    selectors.account_master_check(actor=request.auth, what=what)
    if file is None:
        raise DomainError("Attach the CSV file as `file` (multipart/form-data).", field="file")
    try:
        result = service(actor=request.auth, file=file, fmt=fmt, date_order=date_order)
    except ImportRejected as exc:
        return Status(400, exc.api_body())
    return asdict(result)


# --- /accounts --------------------------------------------------------------------------------


@accounts_router.get("", response={200: AccountPage, **ERRORS}, summary="List accounts")
def account_list(request, filters: Query[AccountFilters]):
    qs = selectors.account_list(actor=request.auth, filters=filters.dict(exclude={"cursor", "limit"}, exclude_none=True))
    return page(qs, filters, order=("name", "public_id"))


@accounts_router.post("", response={201: AccountOut, **ERRORS}, summary="Create an account")
def account_create(request, payload: AccountCreateIn):
    selectors.account_master_check(actor=request.auth)
    data = _refs(request, payload.dict())
    account = services.account_create(actor=request.auth, data={**data, "source": AccountSource.API})
    return Status(201, selectors.account_get(actor=request.auth, public_id=account.public_id))


@accounts_router.post("/import", response=IMPORT_RESPONSES, summary="Import accounts from a Salesforce, HubSpot or Allied CSV",
                      description=IMPORT_HELP)
def accounts_import(request, file: File[UploadedFile] = None, format: Form[str] = "auto", date_order: Form[str] = "auto"):
    return _import(request, services.accounts_import, file, format, date_order, "account")


@accounts_router.get("/{id}", response={200: AccountOut, **ERRORS}, summary="Get an account")
def account_get(request, id: str):
    return selectors.account_get(actor=request.auth, public_id=id)


@accounts_router.patch("/{id}", response={200: AccountOut, **ERRORS}, summary="Update an account",
                       description="Changes only the fields sent; `null` removes `owner` or `incumbent_partner`.")
def account_patch(request, id: str, payload: AccountPatchIn):
    account = selectors.account_get(actor=request.auth, public_id=id)
    data = _patch_data(payload, nullable={"owner", "incumbent_partner", "customer_since"})
    services.account_update(actor=request.auth, account=account, data=_refs(request, data))
    return selectors.account_get(actor=request.auth, public_id=id)


@accounts_router.delete("/{id}", response={204: None, **ERRORS}, summary="Delete an account and its direct opportunities")
def account_delete(request, id: str):
    account = selectors.account_get(actor=request.auth, public_id=id)
    services.account_delete(actor=request.auth, account=account)
    return Status(204, None)


@accounts_router.get("/{id}/opportunities", response={200: OpportunityPage, **ERRORS}, summary="An account's direct opportunities")
def account_opportunities(request, id: str, filters: Query[OpportunityFilters]):
    account = selectors.account_get(actor=request.auth, public_id=id)
    qs = selectors.opportunity_list(actor=request.auth, account=account,
                                    filters=filters.dict(exclude={"cursor", "limit"}, exclude_none=True))
    return page(qs, filters, order=("name", "public_id"))


# --- /direct-opportunities --------------------------------------------------------------------


@opportunities_router.get("", response={200: OpportunityPage, **ERRORS}, summary="List direct opportunities")
def opportunity_list(request, filters: Query[OpportunityListFilters]):
    selectors.account_master_check(actor=request.auth, what="direct opportunity")
    account = None
    if filters.account:
        account = resolve_ref(selectors.account_get, field="account", actor=request.auth, public_id=filters.account)
    qs = selectors.opportunity_list(actor=request.auth, account=account,
                                    filters=filters.dict(exclude={"cursor", "limit", "account"}, exclude_none=True))
    return page(qs, filters, order=("name", "public_id"))


@opportunities_router.post("", response={201: OpportunityOut, **ERRORS}, summary="Create a direct opportunity")
def opportunity_create(request, payload: OpportunityCreateIn):
    selectors.account_master_check(actor=request.auth, what="direct opportunity")
    data = _refs(request, payload.dict())
    return Status(201, services.opportunity_create(actor=request.auth, data=data))


@opportunities_router.post("/import", response=IMPORT_RESPONSES,
                           summary="Import direct opportunities from a Salesforce, HubSpot or Allied CSV",
                           description=IMPORT_HELP + " Each row names its account by CRM id (or name): import accounts first.")
def opportunities_import(request, file: File[UploadedFile] = None, format: Form[str] = "auto", date_order: Form[str] = "auto"):
    return _import(request, services.opportunities_import, file, format, date_order, "direct opportunity")


@opportunities_router.get("/{id}", response={200: OpportunityOut, **ERRORS}, summary="Get a direct opportunity")
def opportunity_get(request, id: str):
    return selectors.opportunity_get(actor=request.auth, public_id=id)


@opportunities_router.patch("/{id}", response={200: OpportunityOut, **ERRORS}, summary="Update a direct opportunity")
def opportunity_patch(request, id: str, payload: OpportunityPatchIn):
    opp = selectors.opportunity_get(actor=request.auth, public_id=id)
    data = _patch_data(payload, nullable={"close_date"})
    return services.opportunity_update(actor=request.auth, opportunity=opp, data=_refs(request, data))


@opportunities_router.delete("/{id}", response={204: None, **ERRORS}, summary="Delete a direct opportunity")
def opportunity_delete(request, id: str):
    opp = selectors.opportunity_get(actor=request.auth, public_id=id)
    services.opportunity_delete(actor=request.auth, opportunity=opp)
    return Status(204, None)
