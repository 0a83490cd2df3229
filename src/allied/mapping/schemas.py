"""Input and output shapes of account mapping (/api/v1/mapping/...).

The other side's records leave the server only as ``SharedRecord``: a name and the fields the other side
chose to share, never an id. Everything else in these shapes is the viewer's own data.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema

from allied.core.api import PageQuery, PublicOut, Ref

DecimalInput = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}],
                                              "description": "A decimal string such as \"2500.50\", or an integer; "
                                                             "floating-point numbers are refused."})]
SharedRecord = Annotated[dict[str, Any], WithJsonSchema({
    "type": "object", "description": "The other side's record: `name` and only the fields its owner shares (website, country, "
                                     "status, industry, employees, owner_name, opportunity_stage, opportunity_amount).",
    "additionalProperties": True})]


# --- accounts ---------------------------------------------------------------------------------


class MappedAccountIn(Schema):
    name: str
    external_id: str = Field("", description="The account's id in your CRM; an account with this id is updated.")
    website: str = ""
    country: str = Field("", description="ISO code or English name.")
    status: str = Field("", description="customer, opportunity, prospect or other (empty: prospect).")
    industry: str = ""
    employees: int | None = None
    owner_name: str = ""
    opportunity_stage: str = ""
    opportunity_amount: DecimalInput = None


class MappedAccountPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    external_id: str = Field(None, description="The account's id in your CRM.")
    website: str | None = None
    country: str | None = None
    status: str | None = None
    industry: str | None = None
    employees: int | None = None
    owner_name: str | None = None
    opportunity_stage: str | None = None
    opportunity_amount: DecimalInput = None


class MappedAccountOut(PublicOut):
    id: str = Field(..., description="Public id, `macc_...`.")
    name: str
    external_id: str
    website: str
    domain: str
    country: str
    status: str
    industry: str
    employees: int | None
    owner_name: str
    opportunity_stage: str
    opportunity_amount: Decimal | None
    source: str
    created_at: datetime
    updated_at: datetime


class MappedAccountPage(Schema):
    items: list[MappedAccountOut]
    next_cursor: str | None


class MappedAccountFilters(PageQuery):
    q: str | None = Field(None, description="Name, domain or external id.")
    status: str | None = None
    population: str | None = Field(None, description="Only accounts in this population of yours (`pop_...`).")


class ImportOut(Schema):
    format: str
    rows: int
    created: int
    updated: int
    unchanged: int
    removed: int
    run: str = Field("", description="The mapping run the change requested (`mrun_...`), if any.")


# --- populations ------------------------------------------------------------------------------


class PopulationIn(Schema):
    name: str
    filters: dict[str, Any] = Field({}, description="status, country, industry, owner_name, opportunity_stage (lists), "
                                                    "min_employees, max_employees, name_contains.")


class PopulationPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    filters: dict[str, Any] | None = None


class PopulationOut(Schema):
    id: str = Field(..., description="Public id, `pop_...`.")
    name: str
    kind: str
    filters: dict[str, Any]
    size: int | None = Field(None, description="Accounts in it (your own populations; the other side's when shared).")


class PopulationPage(Schema):
    items: list[PopulationOut]


# --- partnerships -----------------------------------------------------------------------------


class PopulationShareOut(Schema):
    id: str
    name: str
    kind: str
    side: str
    level: str = Field(..., description="What its owner shares it as with the other side: hidden, counts, overlaps or full.")
    fields: list[str]


class RunOut(PublicOut):
    id: str = Field(..., description="Public id, `mrun_...`.")
    partner: Ref
    incremental: bool
    status: str
    total: int
    done: int
    matches_added: int
    matches_removed: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class PartnershipOut(Schema):
    partner: Ref
    active: bool
    vendor_opted_in_at: datetime | None
    partner_opted_in_at: datetime | None
    discoverable: bool
    matched_at: datetime | None


class PartnershipPage(Schema):
    items: list[PartnershipOut]
    next_cursor: str | None


class PartnershipDetailOut(PartnershipOut):
    side: str = Field(..., description="The side you act for: vendor or partner.")
    vendor_list_size: int
    partner_list_size: int
    populations: list[PopulationShareOut]
    last_run: RunOut | None


class PartnershipPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    discoverable: bool


class SharingIn(Schema):
    population: str = Field(..., description="One of your side's populations (`pop_...`).")
    level: str = Field(..., description="hidden, counts, overlaps or full.")
    fields: list[str] = Field([], description="Fields shared with records besides the name.")


class SharingOut(Schema):
    population: str
    level: str
    fields: list[str]


class RunIn(Schema):
    incremental: bool = True


# --- the overlap ------------------------------------------------------------------------------


class MatrixPopulationOut(Schema):
    id: str
    name: str
    kind: str
    level: str = Field(..., description="What it is shared as now (hidden while the partnership is not active).")
    size: int | None


class CellOut(Schema):
    vendor_population: str
    partner_population: str
    count: int | None = Field(..., description="null: not shared with you.")


class MatrixOut(Schema):
    partner: Ref
    side: str
    active: bool
    vendor_populations: list[MatrixPopulationOut]
    partner_populations: list[MatrixPopulationOut]
    cells: list[CellOut]


class OverlapRowOut(Schema):
    match: str
    score: float
    method: str
    reason: str
    own: MappedAccountOut
    other: SharedRecord


class RecordsQuery(PageQuery):
    vendor_population: str = Field(..., description="A vendor population (`pop_...`).")
    partner_population: str = Field(..., description="A population of this partner (`pop_...`).")


class RecordsOut(Schema):
    level: str
    count: int | None
    fields: list[str]
    items: list[OverlapRowOut]
    next_cursor: str | None


class SharedListOut(Schema):
    population: str
    level: str
    fields: list[str]
    count: int
    items: list[SharedRecord]
    next_cursor: str | None


# --- co-sell, discovery, introductions --------------------------------------------------------


class CosellOut(Schema):
    match: str
    partner: Ref
    kind: str
    kind_label: str
    score: float
    reason: str
    own: MappedAccountOut
    other: SharedRecord
    other_populations: list[str]
    lead: str | None
    deal: str | None


class CosellPage(Schema):
    items: list[CosellOut]


class CosellFilters(Schema):
    partner: str | None = Field(None, description="Only this partner's (`ptn_...`).")


class CosellLeadIn(Schema):
    contact_name: str = Field(..., description="The person at the customer.")
    contact_email: str
    message: str = ""


class CosellDealIn(Schema):
    contact_name: str = Field(..., description="The person at the customer.")
    contact_email: str = ""
    amount: DecimalInput = Field(None, description="Default: the vendor's open opportunity on the account.")
    currency: str = "USD"
    expected_close_date: date | None = Field(None, description="Default: 90 days from today.")
    notes: str = ""


class CosellActionOut(PublicOut):
    id: str = Field(..., description="Public id, `cosell_...`.")
    kind: str
    partner: Ref
    lead: str | None
    deal: str | None

    @staticmethod
    def resolve_lead(obj) -> str | None:
        return obj.lead.public_id if obj.lead_id else None

    @staticmethod
    def resolve_deal(obj) -> str | None:
        return obj.deal.public_id if obj.deal_id else None


class DiscoveryQuery(Schema):
    deal: str | None = Field(None, description="A deal you can see (`deal_...`): partners who know its customer.")
    account: str | None = Field(None, description="A company name: partners who have it in their account list.")
    specialty: str | None = None
    region: str | None = None
    certification: str | None = None


class CandidateOut(Schema):
    partner: Ref
    country: str
    region: str
    specialties: list[str]
    reasons: list[str]
    overlap: bool


class CandidatePage(Schema):
    items: list[CandidateOut]


class IntroductionIn(Schema):
    to_partner: str
    with_partner: str | None = Field(None, description="Vendor users: the second partner to introduce.")
    deal: str | None = None
    account_name: str = ""
    message: str = ""


class IntroductionOut(PublicOut):
    id: str = Field(..., description="Public id, `intro_...`.")
    from_partner: Ref | None
    to_partner: Ref
    with_partner: Ref | None
    deal: str | None
    account_name: str
    message: str
    created_at: datetime

    @staticmethod
    def resolve_deal(obj) -> str | None:
        return obj.deal.public_id if obj.deal_id else None


class IntroductionPage(Schema):
    items: list[IntroductionOut]
    next_cursor: str | None
