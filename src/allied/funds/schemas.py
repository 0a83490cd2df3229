"""Input and output shapes of the MDF operations (/api/v1/fund-periods, /fund-allocations, /fund-requests, /claims).

What a partner must never learn through them: another partner's allocations, requests or claims (the
scope hides them) and the program's pool and totals (period figures are for vendor users only).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema

from allied.core.api import PageQuery, PublicOut, Ref

DecimalInput = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}],
                                              "description": "A decimal string such as \"2500.50\", or an integer; "
                                                             "floating-point numbers are refused."})]


class Money(Schema):
    amount: Decimal
    currency: str


# --- periods ----------------------------------------------------------------------------------


class FundPeriodIn(Schema):
    name: str
    starts_on: date
    ends_on: date
    currency: str = Field("USD", description="ISO 4217 code; fixed once created.")
    pool: DecimalInput = Field("0", description="The program's pool for the period, funded from the vendor's MDF budget.")
    claim_deadline_days: int = Field(60, description="Claims are due this many days after an activity ends.")
    min_pipeline_ratio: DecimalInput = Field("5", description="Expected pipeline must be at least this multiple of the amount.")
    target_segments: list[str] = Field([], description="Customer segments the program funds (empty: any).")
    allow_proposals: bool = Field(True, description="Partners without an allocation may propose activities funded from the pool.")


class FundPeriodPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    pool: DecimalInput = Field(None, description="A new pool: the difference is funded or taken back (only what is unallocated).")
    claim_deadline_days: int | None = None
    min_pipeline_ratio: DecimalInput = None
    target_segments: list[str] | None = None
    allow_proposals: bool | None = None


class FundPeriodOut(PublicOut):
    id: str = Field(..., description="Public id, `fp_...`.")
    name: str
    starts_on: date
    ends_on: date
    currency: str
    claim_deadline_days: int
    min_pipeline_ratio: Decimal
    target_segments: list[str]
    allow_proposals: bool
    status: str = Field(..., description="open or closed.")
    closed_at: datetime | None


class FundPeriodFigures(Schema):
    funded: Decimal = Field(..., description="Everything put into the period's pool.")
    pool: Decimal = Field(..., description="Not allocated to any partner.")
    allocated: Decimal = Field(..., description="Allocated to partners, not yet committed to a request.")
    committed: Decimal = Field(..., description="Approved for requests, not yet claimed.")
    claimed: Decimal = Field(..., description="Approved claims, not yet paid.")
    paid: Decimal


class TierAllocation(Schema):
    tier: str
    partners: int
    total: Decimal


class FundPeriodDetailOut(FundPeriodOut):
    figures: FundPeriodFigures | None = Field(None, description="Vendor users only: the period's money per bucket, from the ledger.")
    allocation_by_tier: list[TierAllocation] | None = Field(None, description="Vendor users only.")


class FundPeriodPage(Schema):
    items: list[FundPeriodOut]
    next_cursor: str | None


class FundPeriodFilters(PageQuery):
    status: Literal["open", "closed"] | None = None


class AllocateByTierIn(Schema):
    amounts: dict[str, DecimalInput] = Field(..., description="Tier name (or id) → amount for every active partner of that tier.")


class AllocationPage(Schema):
    items: list["FundAllocationOut"]
    next_cursor: str | None


# --- activity types ---------------------------------------------------------------------------


class ActivityTypeIn(Schema):
    code: str
    name: str
    description: str = ""
    reimbursement_percent: DecimalInput = Field(..., description="Share of the actual spend the vendor reimburses, 0-100.")
    active: bool = True


class ActivityTypeOut(Schema):
    code: str
    name: str
    description: str
    reimbursement_percent: Decimal
    active: bool


class ActivityTypePage(Schema):
    items: list[ActivityTypeOut]
    next_cursor: str | None


# --- allocations ------------------------------------------------------------------------------


class FundAllocationIn(Schema):
    partner: str = Field(..., description="Public id of the partner.")
    period: str | None = Field(None, description="Public id of the period (default: the open period covering today).")
    amount: DecimalInput
    method: Literal["tier", "plan", "performance", "proposal"] = "plan"
    note: str = ""


class FundAllocationOut(PublicOut):
    id: str = Field(..., description="Public id, `fa_...`.")
    period: Ref
    partner: Ref
    amount: Decimal
    currency: str
    method: str
    note: str
    updated_at: datetime


class AllocationFilters(PageQuery):
    period: str | None = Field(None, description="Public id of a period.")
    partner: str | None = Field(None, description="Public id of a partner.")


AllocationPage.model_rebuild()


# --- requests ---------------------------------------------------------------------------------


class Criterion(Schema):
    name: str
    passed: bool
    detail: str


class FundRequestIn(Schema):
    period: str | None = Field(None, description="Public id of the period (default: the open period covering today).")
    activity_type: str = Field(..., description="Activity type code: events, digital_ads, content, workshops, trade_show, webinar, …")
    title: str
    description: str = ""
    plan: str = ""
    total_budget: DecimalInput = Field(..., description="The partner's full cost of the activity.")
    requested: DecimalInput = Field(..., description="The share asked of the vendor.")
    expected_leads: int = 0
    expected_pipeline: DecimalInput = "0"
    starts_on: date
    ends_on: date
    target_segment: str = ""
    measurement_plan: str = ""
    submit: bool = Field(False, description="Submit for review at once (otherwise a draft).")


class FundRequestPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    activity_type: str | None = None
    title: str | None = None
    description: str | None = None
    plan: str | None = None
    total_budget: DecimalInput = None
    requested: DecimalInput = None
    expected_leads: int | None = None
    expected_pipeline: DecimalInput = None
    starts_on: date | None = None
    ends_on: date | None = None
    target_segment: str | None = None
    measurement_plan: str | None = None


class FundRequestOut(PublicOut):
    id: str = Field(..., description="Public id, `fr_...`; also the tracking code leads carry in `campaign` (MDF ROI).")
    partner: Ref
    period: Ref
    activity_type: str
    title: str
    description: str
    plan: str
    currency: str
    total_budget: Decimal
    requested: Decimal
    approved_amount: Decimal | None
    expected_leads: int
    expected_pipeline: Decimal
    starts_on: date
    ends_on: date
    target_segment: str
    measurement_plan: str
    status: str = Field(..., description="draft, submitted, approved, partially_approved, rejected, cancelled or completed.")
    criteria: list[Criterion] = Field(..., description="The approval criteria as last evaluated.")
    decision_note: str
    submitted_at: datetime | None
    decided_at: datetime | None
    completed_at: datetime | None
    claim_deadline: date
    created_at: datetime

    @staticmethod
    def resolve_activity_type(obj) -> str:
        return obj.activity_type.code

    @staticmethod
    def resolve_claim_deadline(obj) -> date:
        from .services import claim_deadline

        return claim_deadline(obj)


class FundRequestPage(Schema):
    items: list[FundRequestOut]
    next_cursor: str | None


class FundRequestFilters(PageQuery):
    q: str | None = Field(None, description="Part of the title or partner name, or an exact request id.")
    status: str | None = Field(None, description="One or more statuses, comma-separated.")
    period: str | None = None
    partner: str | None = None
    activity_type: str | None = None


class ApproveIn(Schema):
    amount: DecimalInput = Field(None, description="Approve this much (default: all of it); less is a partial approval and needs a note.")
    note: str = Field("", description="Required for a partial approval or when a criterion is not met.")


class RejectIn(Schema):
    note: str = Field(..., description="Why; the partner reads it.")


class NoteIn(Schema):
    note: str = ""


class RoiOut(Schema):
    currency: str
    funded: Decimal = Field(..., description="Vendor money approved on claims.")
    spent: Decimal = Field(..., description="The partner's reported spend on approved claims.")
    leads: int = Field(..., description="Leads whose `campaign` is the request's id.")
    deals: int = Field(..., description="Open or won deals converted from those leads (in the request's currency).")
    pipeline: Decimal
    won: Decimal
    pipeline_per_unit: Decimal | None = Field(..., description="Pipeline per unit funded (null before anything is funded).")
    won_per_unit: Decimal | None
    cost_per_lead: Decimal | None
    deals_in_other_currencies: int


# --- claims -----------------------------------------------------------------------------------


class ClaimProofOut(PublicOut):
    id: str = Field(..., description="Public id, `prf_...`.")
    kind: str = Field(..., description="invoice, photo, attendee_list, lead_list or other.")
    name: str
    content_type: str
    size: int = Field(..., description="Bytes.")
    uploaded_at: datetime

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name


class ClaimProofPage(Schema):
    items: list[ClaimProofOut]
    next_cursor: str | None


class FundClaimOut(PublicOut):
    id: str = Field(..., description="Public id, `clm_...`.")
    request: Ref
    partner: Ref
    currency: str
    spent: Decimal
    claimed: Decimal = Field(..., description="The activity type's share of the spend, capped at what was left of the approval.")
    approved_amount: Decimal | None
    leads: int
    pipeline: Decimal
    note: str
    final: bool
    status: str = Field(..., description="submitted, approved, partially_approved, rejected or paid.")
    deadline: date
    submitted_at: datetime
    decided_at: datetime | None
    decision_note: str
    paid_at: datetime | None
    payment_reference: str


class FundClaimPage(Schema):
    items: list[FundClaimOut]
    next_cursor: str | None


class ClaimFilters(PageQuery):
    q: str | None = None
    status: str | None = Field(None, description="One or more statuses, comma-separated.")
    period: str | None = None
    partner: str | None = None
    request: str | None = None
