"""Input and output shapes of /api/v1/incentive-rules, /incentive-events, /incentive-periods, /accruals and /earnings.

Money is a decimal string with its currency; percentages are decimal strings. Integer keys never
leave the server: frozen credits carry the partner's public id.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from allied.core.api import PageQuery, PublicOut, Ref

DecimalInput = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}],
                                              "description": "A decimal string such as \"2.5\", or an integer; "
                                                             "floating-point numbers are refused."})]
RuleKindIn = Literal["rebate", "referral", "spif", "new_logo", "renewal", "upsell", "consumption"]


# --- rules -----------------------------------------------------------------------------------------


class BracketIn(Schema):
    start: DecimalInput = Field(..., description="Cumulative revenue in the period from which this percent applies.")
    percent: DecimalInput


class AcceleratorIn(Schema):
    threshold: DecimalInput = Field(..., description="Cumulative revenue in the period above which the rate is multiplied.")
    multiplier: DecimalInput = Field(..., description="E.g. \"1.5\".")


class ConditionsIn(Schema):
    tiers: list[str] = Field([], description="Tier names or ids; empty: every tier.")
    partner_types: list[str] = Field([], description="Partner type codes (reseller, msp, si, ...).")
    roles: list[str] = Field([], description="The partner's role on the deal: sourcing, influencing, reselling, implementing.")
    deal_types: list[str] = Field([], description="new_logo, upsell, renewal.")
    products: list[str] = Field([], description="Product codes: the event has at least one of them.")
    milestones: list[str] = Field([], description="Usage milestones (consumption rewards).")


RULE_DOC = {
    "percent": "Percent of the credited revenue (give exactly one of percent, brackets, fixed).",
    "brackets": "Volume brackets: the rate is marginal on the partner's cumulative revenue under the rule in the period.",
    "fixed": "A fixed amount per qualifying event, shared between its qualifying partners by credit.",
    "currency": "The currency of `fixed` (percentages accrue in each event's currency).",
    "period": "month, quarter or year: the window of volume brackets, accelerators and caps.",
    "cap": "The most one partner earns under the rule in one period.",
    "holdback_days": "Days after the event before the accrual becomes payable.",
    "clawback_days": "Days after the event within which a refund or churn claws the accrual back (0: never).",
    "triggers": "Event kinds that earn under the rule (default: deal_won; usage_milestone for consumption).",
}


class RuleIn(Schema):
    name: str
    kind: RuleKindIn
    description: str = ""
    effective_from: date
    effective_to: date | None = Field(None, description="Exclusive: the first day the rule no longer applies.")
    percent: DecimalInput = Field(None, description=RULE_DOC["percent"])
    brackets: list[BracketIn] | None = Field(None, description=RULE_DOC["brackets"])
    fixed: DecimalInput = Field(None, description=RULE_DOC["fixed"])
    currency: str | None = Field(None, description=RULE_DOC["currency"])
    accelerator: AcceleratorIn | None = None
    period: Literal["month", "quarter", "year"] = Field("quarter", description=RULE_DOC["period"])
    cap: DecimalInput = Field(None, description=RULE_DOC["cap"])
    conditions: ConditionsIn | None = None
    holdback_days: int = Field(0, description=RULE_DOC["holdback_days"])
    clawback_days: int = Field(0, description=RULE_DOC["clawback_days"])
    triggers: list[str] | None = Field(None, description=RULE_DOC["triggers"])
    activate: bool = Field(True, description="False keeps the rule as a draft that applies to nothing until activated.")


class RuleVersionIn(Schema):
    """Only what changes; the rest is taken from the current version."""

    effective_from: date | None = Field(None, description="From which day the new version applies (default today); the "
                                                          "current version ends that day.")
    name: str | None = None
    kind: RuleKindIn | None = None
    description: str | None = None
    effective_to: date | None = None
    percent: DecimalInput = Field(None, description=RULE_DOC["percent"])
    brackets: list[BracketIn] | None = None
    fixed: DecimalInput = None
    currency: str | None = None
    accelerator: AcceleratorIn | None = None
    period: Literal["month", "quarter", "year"] | None = None
    cap: DecimalInput = None
    conditions: ConditionsIn | None = None
    holdback_days: int | None = None
    clawback_days: int | None = None
    triggers: list[str] | None = None


class RuleRetireIn(Schema):
    effective_to: date | None = Field(None, description="The first day the rule no longer applies (default tomorrow).")


class BracketOut(Schema):
    start: Decimal
    percent: Decimal


class AcceleratorOut(Schema):
    threshold: Decimal
    multiplier: Decimal


class ConditionsOut(Schema):
    tiers: list[str]
    partner_types: list[str]
    roles: list[str]
    deal_types: list[str]
    products: list[str]
    milestones: list[str]


def _param(name: str):
    def resolve(obj):
        return obj.params.get(name)

    return staticmethod(resolve)


class RuleOut(PublicOut):
    id: str = Field(..., description="Public id of this version, `rul_...`.")
    rule_key: str = Field(..., description="The id of the rule across its versions (its first version's id).")
    version: int
    name: str
    kind: str
    status: str = Field(..., description="draft, active or retired.")
    description: str
    effective_from: date
    effective_to: date | None
    percent: Decimal | None = None
    brackets: list[BracketOut] = []
    fixed: Decimal | None = None
    currency: str | None = None
    accelerator: AcceleratorOut | None = None
    period: str
    cap: Decimal | None = None
    conditions: ConditionsOut
    holdback_days: int
    clawback_days: int
    triggers: list[str]
    applies: bool = Field(..., description="Whether this version takes part in evaluation (drafts and withdrawn versions do not).")
    created_at: datetime
    activated_at: datetime | None
    retired_at: datetime | None

    resolve_percent = _param("percent")
    resolve_brackets = _param("brackets")
    resolve_fixed = _param("fixed")
    resolve_currency = _param("currency")
    resolve_accelerator = _param("accelerator")
    resolve_period = _param("period")
    resolve_cap = _param("cap")
    resolve_conditions = _param("conditions")
    resolve_holdback_days = _param("holdback_days")
    resolve_clawback_days = _param("clawback_days")
    resolve_triggers = _param("triggers")


class RuleDetailOut(RuleOut):
    versions: list[RuleOut] = Field(..., description="Every version of the rule, oldest first.")


class RulePage(Schema):
    items: list[RuleOut]
    next_cursor: str | None


class RuleFilters(PageQuery):
    status: str | None = Field(None, description="draft, active, retired (comma-separated).")
    kind: RuleKindIn | None = None
    q: str | None = Field(None, description="Part of the name, or a rule id.")


# --- events and accruals ---------------------------------------------------------------------------


class CreditIn(Schema):
    partner: str = Field(..., description="Public id of the credited partner.")
    percent: DecimalInput = Field(..., description="Share of the event, percent; the shares add up to exactly 100.")
    role: str = Field("sourcing", description="sourcing, influencing, reselling or implementing.")


class EventIn(Schema):
    kind: Literal["invoice_paid", "usage_milestone", "refund", "churn"]
    external_ref: str = Field(..., description="The event's id in your system: the same source and reference is one event "
                                               "(a retry answers 200 with the first; other values with it answer 409).")
    source: str = Field("api", description="Your system's name, e.g. `stripe` or `erp`.")
    occurred_at: datetime | None = Field(None, description="When it happened (default now).")
    currency: str | None = Field(None, description="ISO 4217; refunds and churn default to their event's.")
    amount: DecimalInput = Field(None, description="Revenue paid (or refunded); usage milestones and churn may leave it out.")
    deal: str | None = Field(None, description="Public id of the deal it belongs to: its partners are credited.")
    partner: str | None = Field(None, description="Public id of a partner credited 100 % (without `credits` or `deal`).")
    credits: list[CreditIn] | None = None
    deal_type: str | None = Field(None, description="new_logo, upsell or renewal (default: the deal's).")
    products: list[str] | None = Field(None, description="Product codes (default: the deal's).")
    milestone: str | None = Field(None, description="usage_milestone: which one, e.g. `10k-api-calls`.")
    refers_to: str | None = Field(None, description="refund and churn: the public id of the event clawed back.")


class CreditPartner(Schema):
    id: str
    name: str


class CreditOut(Schema):
    partner: CreditPartner
    percent: Decimal
    role: str
    tier: str = Field(..., description="The partner's tier when the event was recorded (id).")
    tier_name: str = ""
    partner_type: str

    @staticmethod
    def resolve_partner(obj) -> dict:
        return {"id": obj["partner_id"], "name": obj.get("partner_name", "")}


class RuleRef(Schema):
    id: str
    name: str
    version: int

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.public_id


class AccrualOut(PublicOut):
    id: str = Field(..., description="Public id, `acr_...`.")
    partner: Ref
    event: str = Field(..., description="Public id of the event that earned (or clawed back) it.")
    event_kind: str
    occurred_on: date
    deal: Ref | None = None
    rule: RuleRef
    currency: str
    amount: Decimal = Field(..., description="Negative for a clawback.")
    basis: Decimal = Field(..., description="The partner's credited share of the event's amount.")
    state: str = Field(..., description="accrued, held (until `releasable_on`) or payable.")
    releasable_on: date
    explanation: str
    clawback_of: str | None = None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_event(obj) -> str:
        return obj.event.public_id

    @staticmethod
    def resolve_event_kind(obj) -> str:
        return obj.event.kind

    @staticmethod
    def resolve_occurred_on(obj) -> date:
        return obj.event.occurred_on

    @staticmethod
    def resolve_deal(obj):
        return obj.event.deal

    @staticmethod
    def resolve_clawback_of(obj) -> str | None:
        return obj.clawback_of.public_id if obj.clawback_of_id else None


class AccrualPage(Schema):
    items: list[AccrualOut]
    next_cursor: str | None


class AccrualFilters(PageQuery):
    partner: str | None = Field(None, description="Public id of the partner (vendor users; partner users see their own).")
    state: str | None = Field(None, description="accrued, held, payable (comma-separated).")
    event: str | None = None
    rule: str | None = Field(None, description="A rule id (any version) or a version id.")
    currency: str | None = None
    since: date | None = Field(None, description="Events on or after this day.")
    until: date | None = Field(None, description="Events on or before this day.")


class EventOut(PublicOut):
    id: str = Field(..., description="Public id, `iev_...`.")
    kind: str
    source: str
    external_ref: str
    occurred_at: datetime
    occurred_on: date
    currency: str
    amount: Decimal
    deal: Ref | None = None
    deal_type: str
    products: list[str]
    milestone: str
    refers_to: str | None = None
    credits: list[CreditOut]
    created_at: datetime

    @staticmethod
    def resolve_refers_to(obj) -> str | None:
        return obj.refers_to.public_id if obj.refers_to_id else None


class EventDetailOut(EventOut):
    accruals: list[AccrualOut]

    @staticmethod
    def resolve_accruals(obj, context) -> list:
        return list(getattr(obj, "accrual_rows", []))


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class EventFilters(PageQuery):
    kind: str | None = Field(None, description="Event kinds, comma-separated.")
    partner: str | None = Field(None, description="Public id of a credited partner.")
    deal: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None


class ReplayIn(Schema):
    period_start: date
    period_end: date = Field(..., description="The last day replayed (included).")


class ReplayOut(PublicOut):
    id: str = Field(..., description="Public id, `irp_...`.")
    period_start: date
    period_end: date
    evaluated_from: date = Field(..., description="The whole rule periods evaluated start here …")
    evaluated_to: date = Field(..., description="… and end the day before this one.")
    events: int
    accruals: int
    changed: int = Field(..., description="Accruals whose amount changed (each posted once); 0 when replayed again.")
    net: dict[str, Decimal] = Field(..., description="Net change per currency (clawbacks negative).")
    created_at: datetime

    @staticmethod
    def resolve_net(obj) -> dict:
        from allied.core.money import from_minor

        return {cur: from_minor(int(v), cur) for cur, v in (obj.net or {}).items()}


# --- earnings --------------------------------------------------------------------------------------


class EarningsLine(Schema):
    currency: str
    accrued: Decimal = Field(..., description="Earned, not yet checked against the holdback.")
    held: Decimal = Field(..., description="Held back until the dates in `held_until`.")
    payable: Decimal = Field(..., description="Will be paid in the next payout run (negative: clawed back after payment).")
    paid: Decimal
    earned: Decimal = Field(..., description="All of the above.")


class HeldLine(Schema):
    releasable_on: date
    currency: str
    amount: Decimal


class EarningsOut(Schema):
    partner: Ref | None = Field(None, description="The partner (null: every partner, for vendor users).")
    items: list[EarningsLine]
    held_until: list[HeldLine]


class EarningsQuery(Schema):
    partner: str | None = Field(None, description="Vendor users: public id of a partner (default: the program's total).")
