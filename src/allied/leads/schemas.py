"""Input and output shapes of /api/v1/leads and /api/v1/lead-routing.

What a partner must never learn through them: which other partners a lead was offered to, why, or
who holds it after a decline. Offers, explanations and runners-up therefore have vendor-only
operations, ``LeadOut`` names only the partner holding the lead now (a partner user sees only the
leads its organisation holds), and ``duplicate_of`` is blank for partner users. Integer keys never
leave the server: the stored runners-up carry integer partner ids, mapped here to public ids.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema

from allied.core.api import PageQuery, PublicOut, Ref
from allied.core.scope import is_vendor

from .models import LeadStatus, OfferOutcome

DecimalInput = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}],
                                              "description": "A decimal string such as \"25000.50\", or an integer; "
                                                             "floating-point numbers are refused."})]


def _vendor_reader(context) -> bool:
    request = (context or {}).get("request")
    return request is not None and is_vendor(getattr(request, "auth", None))


# --- leads ---------------------------------------------------------------------------------------


class LeadIn(Schema):
    company_name: str
    website: str = Field("", description="The company's website; its domain identifies the company.")
    country: str = Field(..., description="ISO 3166-1 alpha-2 code (or the country's English name).")
    region: str = ""
    postcode: str = ""
    city: str = ""
    lat: float | None = Field(None, description="Latitude, -90 to 90 (with `lon`): routing by great-circle distance.")
    lon: float | None = Field(None, description="Longitude, -180 to 180 (with `lat`).")
    contact_name: str
    contact_email: str
    contact_phone: str = ""
    contact_title: str = ""
    products: list[str] = Field([], description="Product codes the lead asks about.")
    specialty: str = ""
    segment: str = ""
    estimated_amount: DecimalInput = None
    currency: str = Field("USD", description="ISO 4217 code.")
    message: str = ""
    consent: bool = Field(False, description="The contact agreed to be contacted by a partner.")
    external_ref: str = Field("", description="The lead's id in your CRM.")
    campaign: str = Field("", max_length=40, description="Tracking code of the campaign or MDF activity that produced the lead "
                                                      "(an MDF request's id, `fr_...`, attributes the lead to it).")


class LeadOut(PublicOut):
    id: str = Field(..., description="Public id, `lead_...`.")
    status: str = Field(..., description="new, offered, accepted, working, converted, disqualified, unroutable (no partner "
                                         "available), direct (a named direct account, kept by the vendor) or duplicate.")
    status_note: str = Field(..., description="Why unroutable, direct, duplicate or disqualified.")
    partner: Ref | None = Field(None, description="The partner holding the lead now (null: nobody).")
    offer_due_at: datetime | None = Field(None, description="While offered: when the partner must have accepted or declined.")
    duplicate_of: str | None = Field(None, description="Vendor users only: the open lead this one duplicates.")
    deal: str | None = Field(None, description="The deal registration (`deal_...`) the lead was converted into.")
    source: str = Field(..., description="api, csv, web_form, campaign or console.")
    external_ref: str
    company_name: str
    website: str
    domain: str
    country: str
    region: str
    postcode: str
    city: str
    lat: float | None
    lon: float | None
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_title: str
    products: list[str]
    specialty: str
    segment: str
    estimated_amount: Decimal | None
    currency: str
    message: str
    consent: bool
    campaign: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj):
        return obj.partner if obj.partner_id else None

    @staticmethod
    def resolve_offer_due_at(obj):
        if obj.status != LeadStatus.OFFERED:
            return None
        pending = getattr(obj, "pending_offers", None)
        if pending is None:
            pending = list(obj.offers.filter(outcome=OfferOutcome.PENDING))
        return pending[0].sla_due_at if pending else None

    @staticmethod
    def resolve_duplicate_of(obj, context):
        return obj.duplicate_of.public_id if obj.duplicate_of_id and _vendor_reader(context) else None

    @staticmethod
    def resolve_deal(obj):
        return obj.deal.public_id if obj.deal_id else None


class LeadPage(Schema):
    items: list[LeadOut]
    next_cursor: str | None


class LeadFilters(PageQuery):
    q: str | None = Field(None, description="Part of the company name, domain or contact email, or an exact lead id.")
    status: str | None = Field(None, description="One or more statuses, comma-separated: `offered,accepted`.")
    partner: str | None = Field(None, description="Public id of the partner holding the lead.")
    source: Literal["api", "csv", "web_form", "campaign", "console"] | None = None
    breached: bool = Field(False, description="Only leads that were pulled back from a partner after their SLA.")


class LeadImportOut(Schema):
    imported: int
    items: list[LeadOut]


class LeadDeclineIn(Schema):
    reason: str = Field(..., description="Why you decline; the vendor reads it. The lead goes to another partner.")


class LeadDeclineOut(Schema):
    id: str = Field(..., description="The declined lead. It has left your inbox: reading it again answers 404.")
    outcome: Literal["declined"] = "declined"


class LeadStatusIn(Schema):
    status: Literal["working", "disqualified"]
    note: str = Field("", description="Required for disqualified: why.")


class LeadConvertIn(Schema):
    amount: DecimalInput = Field(None, description="The deal's amount (default: the lead's estimated amount).")
    expected_close_date: date
    products: list[str] | None = None
    deal_type: Literal["new_logo", "upsell", "renewal"] | None = None
    notes: str | None = None


class LeadDealOut(Schema):
    id: str = Field(..., description="Public id of the deal registration, `deal_...`.")
    status: str = Field(..., description="pending, approved or declined: the registration was decided at once.")
    decision_reason: str

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.public_id


class LeadConvertOut(Schema):
    lead: LeadOut
    deal: LeadDealOut


class LeadReassignIn(Schema):
    partner: str = Field(..., description="Public id of the partner that gets the lead.")
    reason: str = Field(..., description="Why (audited).")


# --- routing explanations (vendor only) ----------------------------------------------------------


class LeadPartnerRef(Schema):
    """A partner in a routing explanation or statistic: public id and name."""

    id: str
    name: str


class LeadRunnerUpOut(Schema):
    partner: LeadPartnerRef
    total: float = Field(..., description="The runner-up's score.")
    breakdown: dict[str, float] = Field(..., description="Points per scoring factor.")
    distance_km: float | None
    explanation: str


class LeadOfferOut(PublicOut):
    id: str = Field(..., description="Public id, `offer_...`.")
    partner: Ref
    mode: str = Field(..., description="online, batch, manual (assigned by hand) or registration (holds the deal registration).")
    score: Decimal | None
    explanation: str = Field(..., description="Why this partner, in words: \"Gold, 12 km, 3/10 capacity, 41 % conversion\".")
    breakdown: dict[str, float] = Field(..., description="Points per scoring factor.")
    runners_up: list[LeadRunnerUpOut] = Field(..., description="The next best partners and their scores.")
    outcome: str = Field(..., description="pending, accepted, declined, timed_out or reassigned.")
    decline_reason: str
    decided_by: Ref | None
    offered_at: datetime
    sla_due_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_runners_up(obj) -> list[dict]:
        # The stored runners-up name partners by integer key; answer with public ids and drop partners since deleted.
        rows = obj.runners_up or []
        known = getattr(obj, "runner_partners", None)
        if known is None:
            from allied.partners.models import Partner

            ids = [r.get("partner_id") for r in rows if isinstance(r, dict)]
            known = {pk: (pid, name) for pk, pid, name in Partner.objects.filter(pk__in=ids).values_list("pk", "public_id", "name")}
        out = []
        for r in rows:
            if not isinstance(r, dict) or r.get("partner_id") not in known:
                continue
            public_id, name = known[r["partner_id"]]
            out.append({"partner": {"id": public_id, "name": name}, "total": r.get("total") or 0,
                        "breakdown": r.get("breakdown") or {}, "distance_km": r.get("distance_km"),
                        "explanation": r.get("explanation") or ""})
        return out


class LeadOfferPage(Schema):
    items: list[LeadOfferOut]
    next_cursor: str | None


class LeadPartnerStatsOut(Schema):
    partner: LeadPartnerRef
    offers: int
    accepted: int
    declined: int
    timed_out: int
    converted: int
    acceptance_rate: float | None = Field(..., description="accepted / (accepted + declined + timed out); null before any decision.")
    conversion_rate: float | None = Field(..., description="converted / accepted; null before any acceptance.")

    @staticmethod
    def resolve_partner(obj) -> dict:
        return {"id": obj["partner__public_id"], "name": obj["partner__name"]}


class LeadStatsPage(Schema):
    items: list[LeadPartnerStatsOut]
    next_cursor: str | None


# --- routing settings ----------------------------------------------------------------------------


class RoutingSettingsOut(Schema):
    auto_route: bool = Field(..., description="Route each lead as it arrives.")
    accept_sla_hours: int = Field(..., description="Hours a partner has to accept or decline before the lead is pulled back.")
    reminder_hours: int = Field(..., description="Remind the partner this many hours before the deadline (0: never).")
    default_capacity: int = Field(..., description="Most open leads a partner holds at once, unless set per partner.")
    require_country: bool
    require_region: bool
    require_postcode: bool
    max_distance_km: int | None
    require_specialty: bool
    require_products: str = Field(..., description="none (scored only), any or all.")
    allowed_partner_types: list[str] = Field(..., description="Partner type codes that receive leads (empty: all).")
    min_tier_rank: int | None
    weights: dict[str, float] = Field(..., description="Points per scoring factor.")


class RoutingSettingsPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    auto_route: bool | None = None
    accept_sla_hours: int | None = None
    reminder_hours: int | None = None
    default_capacity: int | None = None
    require_country: bool | None = None
    require_region: bool | None = None
    require_postcode: bool | None = None
    max_distance_km: int | None = Field(None, description="null: any distance.")
    require_specialty: bool | None = None
    require_products: Literal["none", "any", "all"] | None = None
    allowed_partner_types: list[str] | None = None
    min_tier_rank: int | None = None
    weights: dict[str, Any] | None = None


class PartnerLeadSettingsOut(Schema):
    partner: Ref
    capacity: int | None = Field(..., description="Most open leads at once (null: the program default).")
    paused: bool = Field(..., description="Receives no new leads while paused.")
    postcode_prefixes: list[str]
    lat: float | None
    lon: float | None
    service_radius_km: int | None


class PartnerLeadSettingsPatchIn(Schema):
    """Vendor lead managers set any field; a partner admin may only pause or resume its own inbox."""

    model_config = ConfigDict(extra="forbid")

    capacity: int | None = None
    paused: bool | None = None
    postcode_prefixes: list[str] | None = None
    lat: float | None = None
    lon: float | None = None
    service_radius_km: int | None = None
