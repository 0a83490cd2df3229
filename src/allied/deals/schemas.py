"""Input and output shapes of /api/v1/deals and /api/v1/deal-rules.

What a partner must never learn through them: another partner's name or registration, the vendor's
account ids and the vendor's review notes. ``DealOut`` therefore blanks ``review_notes`` and
``account`` for partner users, and conflict evidence has no partner-facing shape at all.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema

from allied.core.api import PageQuery, PublicOut, Ref
from allied.core.scope import is_vendor

# Money and shares arrive as decimal strings or integers. The value reaches the service unchanged, so a
# JSON float is refused there with its own message rather than silently rounded here.
DecimalInput = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}],
                                              "description": "A decimal string such as \"25000.50\", or an integer; "
                                                             "floating-point numbers are refused."})]


def _vendor_reader(context) -> bool:
    request = (context or {}).get("request")
    return request is not None and is_vendor(getattr(request, "auth", None))


# --- deals ---------------------------------------------------------------------------------------


class DealIn(Schema):
    customer_name: str
    website: str = Field("", description="The customer's website; its domain identifies the customer.")
    country: str = Field(..., description="ISO 3166-1 alpha-2 country code of the customer.")
    contact_name: str
    contact_email: str = ""
    contact_phone: str = ""
    contact_title: str = ""
    products: list[str] = Field([], description="Product codes.")
    amount: DecimalInput
    currency: str = Field("USD", description="ISO 4217 code.")
    expected_close_date: date
    deal_type: Literal["new_logo", "upsell", "renewal"] = "new_logo"
    notes: str = ""
    partner: str | None = Field(None, description="Vendor users only: public id of the partner this deal is registered for.")


FIXED = "Cannot change after registering (400 naming the field): withdraw the registration and register again."


class DealPatchIn(Schema):
    """Only what may change after registering; the customer itself cannot (withdraw and register again)."""

    model_config = ConfigDict(extra="forbid")

    stage: Literal["qualification", "discovery", "proposal", "negotiation"] | None = None
    amount: DecimalInput = None
    currency: str | None = None
    expected_close_date: date | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    contact_title: str | None = None
    products: list[str] | None = None
    notes: str | None = None
    # Listed so that sending one is answered with why it cannot change, not with "unknown field".
    customer_name: Any = Field(None, description=FIXED)
    website: Any = Field(None, description=FIXED)
    country: Any = Field(None, description=FIXED)
    deal_type: Any = Field(None, description=FIXED)
    partner: Any = Field(None, description=FIXED)


class DealOut(PublicOut):
    id: str = Field(..., description="Public id, `deal_...`.")
    partner: Ref = Field(..., description="The registering (sourcing) partner.")
    registered_by: Ref | None
    source: str = Field(..., description="portal, console, api or csv.")
    customer_name: str
    website: str
    domain: str
    country: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_title: str
    products: list[str]
    amount: Decimal
    currency: str
    expected_close_date: date
    deal_type: str
    notes: str
    status: str = Field(..., description="pending, approved, declined, won, lost, expired or withdrawn.")
    stage: str
    decision: str = Field(..., description="auto_approved, auto_declined, review, approved or declined; empty before a decision.")
    decision_code: str = Field(..., description="Why, for machines: clean, already_registered, direct_account, duplicate, ...")
    decision_reason: str = Field(..., description="Why, in words for the partner. Never names another partner.")
    review_notes: str | None = Field(None, description="Vendor users only (null for partner users): the evidence behind the decision.")
    account: Ref | None = Field(None, description="Vendor users only: the vendor account this deal is for, once known.")
    submitted_at: datetime
    decided_at: datetime | None
    sla_due_at: datetime | None = Field(None, description="When a registration in review is escalated.")
    escalated_at: datetime | None
    protection_expires_at: datetime | None
    extensions: int = Field(..., description="Extensions granted so far.")
    closed_at: datetime | None
    won_amount: Decimal | None
    lost_reason: str
    updated_at: datetime

    @staticmethod
    def resolve_review_notes(obj, context) -> str | None:
        return obj.review_notes if _vendor_reader(context) else None

    @staticmethod
    def resolve_account(obj, context):
        return obj.account if _vendor_reader(context) and obj.account_id else None


class DealPage(Schema):
    items: list[DealOut]
    next_cursor: str | None


class DealFilters(PageQuery):
    q: str | None = Field(None, description="Part of the customer name or domain, or an exact deal id.")
    status: str | None = Field(None, description="One or more statuses, comma-separated: `pending,approved`.")
    partner: str | None = Field(None, description="Public id of the registering partner.")
    cam: str | None = Field(None, description="Public id of the registering partner's CAM.")
    deal_type: Literal["new_logo", "upsell", "renewal"] | None = None
    escalated: bool = Field(False, description="Only registrations in review past their approval SLA.")
    expiring_days: int | None = Field(None, ge=1, le=730, description="Only approved registrations whose protection ends "
                                                                     "within this many days.")
    mine: bool = Field(False, description="Vendor users: only deals of partners you are the CAM of.")


class DealApproveIn(Schema):
    reason: str = Field("", description="What the partner is told (default: approved by your channel manager).")


class DealDeclineIn(Schema):
    reason: str = Field(..., description="What the partner is told. Do not name other partners.")


class DealBulkDecideIn(Schema):
    deals: list[str] = Field(..., min_length=1, max_length=200, description="Public ids of registrations in review.")
    action: Literal["approve", "decline"]
    reason: str = ""


class DealBulkDecideOut(Schema):
    decided: int
    items: list[DealOut]


class DealCloseIn(Schema):
    outcome: Literal["won", "lost"]
    amount: DecimalInput = Field(None, description="Won amount (default: the registered amount).")
    lost_reason: str = ""


class DealImportOut(Schema):
    registered: int
    items: list[DealOut]


# --- conflicts (vendor only) ---------------------------------------------------------------------


class DealConflictDealRef(Schema):
    id: str
    customer_name: str
    status: str
    partner: Ref

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.public_id


class DealConflictOut(Schema):
    kind: str = Field(..., description="own_registration, registration, named_account, direct_opportunity or customer.")
    score: float = Field(..., description="0-1: how sure the match is.")
    reason: str
    decisive: bool = Field(..., description="This evidence decided the outcome.")
    other_deal: DealConflictDealRef | None
    account: Ref | None
    opportunity: Ref | None


class DealConflictPage(Schema):
    items: list[DealConflictOut]
    next_cursor: str | None


# --- partners on a deal --------------------------------------------------------------------------


class DealParticipantOut(Schema):
    partner: Ref
    role: str = Field(..., description="sourcing, influencing, reselling or implementing.")
    split_pct: Decimal = Field(..., description="Share of the credit, percent; a deal's shares sum to 100.")
    added_at: datetime


class DealParticipantPage(Schema):
    items: list[DealParticipantOut]
    next_cursor: str | None


class DealParticipantIn(Schema):
    partner: str = Field(..., description="Public id of the partner.")
    role: str = Field(..., description="sourcing (the registering partner, exactly once), influencing, reselling or implementing.")
    split_pct: DecimalInput = Field(..., description="Percent, at most two decimals, such as \"33.34\".")


class DealParticipantsIn(Schema):
    participants: list[DealParticipantIn] = Field(..., max_length=50)


# --- deal room -----------------------------------------------------------------------------------


class DealNoteIn(Schema):
    body: str


class DealNoteOut(PublicOut):
    id: str = Field(..., description="Public id, `note_...`.")
    author: Ref | None
    body: str
    created_at: datetime


class DealNotePage(Schema):
    items: list[DealNoteOut]
    next_cursor: str | None


class DealFileOut(PublicOut):
    id: str = Field(..., description="Public id, `dfile_...`.")
    name: str
    size: int = Field(..., description="Bytes.")
    content_type: str
    uploaded_by: Ref | None
    created_at: datetime


class DealFilePage(Schema):
    items: list[DealFileOut]
    next_cursor: str | None


# --- extensions ----------------------------------------------------------------------------------


class DealExtensionIn(Schema):
    days: int
    reason: str


class DealExtensionOut(PublicOut):
    id: str = Field(..., description="Public id, `ext_...`.")
    days: int
    reason: str
    status: str = Field(..., description="pending, approved or declined.")
    requested_by: Ref | None
    decided_by: Ref | None
    decided_at: datetime | None
    created_at: datetime


class DealExtensionPage(Schema):
    items: list[DealExtensionOut]
    next_cursor: str | None


# --- rules of engagement -------------------------------------------------------------------------


class DealRulesOut(Schema):
    protection_days: int = Field(..., description="How long an approved registration protects the partner.")
    approval_sla_hours: int = Field(..., description="A registration waiting longer than this for review is escalated.")
    auto_approve_clean: bool
    registration_conflict: str = Field(..., description="decline (first registration wins) or review.")
    named_account_policy: str = Field(..., description="decline or review.")
    direct_opportunity_policy: str = Field(..., description="decline or review.")
    existing_customer_policy: str = Field(..., description="decline, review or allow.")
    renewal_to_incumbent: bool
    tie_window_minutes: int
    max_extensions: int
    extension_days: int = Field(..., description="The most days one extension may ask for.")
    reminder_days: list[int] = Field(..., description="Days before expiry on which the partner is reminded.")


class DealRulesPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    protection_days: int | None = None
    approval_sla_hours: int | None = None
    auto_approve_clean: bool | None = None
    registration_conflict: str | None = None
    named_account_policy: str | None = None
    direct_opportunity_policy: str | None = None
    existing_customer_policy: str | None = None
    renewal_to_incumbent: bool | None = None
    tie_window_minutes: int | None = None
    max_extensions: int | None = None
    extension_days: int | None = None
    reminder_days: list[int] | None = None
