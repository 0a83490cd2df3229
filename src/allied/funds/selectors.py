"""Every read about market development funds, through the visibility scope.

A partner sees its own allocations, requests, claims and proofs (a distributor that may, its
sub-partners' too); periods are program information everyone signed in may read. Figures per
period are sums of ledger entries (``services.postings``), never stored totals.
"""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from allied.core.errors import NotFound
from allied.core.money import from_minor
from allied.core.scope import scope_queryset, scoped_get
from allied.deals.models import DealStatus
from allied.leads.models import Lead
from allied.ledger.selectors import balances_by_partner

from .models import (
    CLAIM_PAYABLE,
    ClaimProof,
    ClaimStatus,
    FundActivityType,
    FundAllocation,
    FundClaim,
    FundPeriod,
    FundRequest,
    PeriodStatus,
    RequestStatus,
)
from .services.postings import ALLOCATED, CLAIMED, COMMITTED, PAID, POOL, period_minor

REQUEST_FILTERS = ("q", "status", "period", "partner", "activity_type")
CLAIM_FILTERS = ("q", "status", "period", "partner", "request")
BUCKETS = ("pool", "allocated", "committed", "claimed", "paid")


# -- periods and activity types ----------------------------------------------------------------

def period_list(*, actor, status: str | None = None) -> QuerySet:
    qs = FundPeriod.objects.all()
    if status:
        qs = qs.filter(status=status)
    return qs


def period_get(*, actor, public_id: str) -> FundPeriod:
    period = FundPeriod.objects.filter(public_id=public_id).first()
    if period is None or not getattr(actor, "is_authenticated", False):
        raise NotFound("fund period")
    return period


def open_periods_for(*, actor) -> list[FundPeriod]:
    """Open periods in which the actor's partner may request funds (allocated, or taking proposals)."""
    if actor.partner_id is None:
        return []
    allocated = FundAllocation.objects.filter(partner_id=actor.partner_id).values("period_id")
    return list(FundPeriod.objects.filter(status=PeriodStatus.OPEN).filter(Q(allow_proposals=True) | Q(pk__in=allocated))
                .order_by("starts_on", "pk"))


def activity_type_list(*, active_only: bool = False) -> QuerySet:
    qs = FundActivityType.objects.all()
    return qs.filter(active=True) if active_only else qs


def activity_type_get(code: str) -> FundActivityType | None:
    return FundActivityType.objects.filter(code=code).first() if code else None


def period_figures(period: FundPeriod) -> dict[str, Decimal]:
    """What the period holds in each bucket, from its ledger postings: pool (unallocated), allocated (not
    committed), committed (approved, not claimed), claimed (approved claims, unpaid), paid; plus funded."""
    sums: dict[str, int] = dict.fromkeys((*BUCKETS, "funded"), 0)
    for (code, _pid), minor in period_minor(period).items():
        key = {POOL: "pool", ALLOCATED: "allocated", COMMITTED: "committed", CLAIMED: "claimed", PAID: "paid"}.get(code)
        if key:
            sums[key] += minor
    sums["funded"] = sum(sums[b] for b in BUCKETS)
    # Payouts may post the payment under their own source: count paid claims of the period if the ledger has none here.
    if sums["paid"] == 0:
        paid = FundClaim.objects.filter(request__period=period, status=ClaimStatus.PAID).aggregate(s=Sum("approved_minor"))["s"] or 0
        sums["claimed"] -= paid
        sums["paid"] = paid
    return {k: from_minor(v, period.currency) for k, v in sums.items()}


def period_partner_figures(period: FundPeriod, partner_id: int) -> dict[str, Decimal]:
    sums = period_minor(period, partner_id=partner_id)
    return {name: from_minor(sums.get((code, partner_id), 0), period.currency)
            for name, code in (("allocated", ALLOCATED), ("committed", COMMITTED), ("claimed", CLAIMED), ("paid", PAID))}


def allocation_by_tier(period: FundPeriod) -> list[dict]:
    rows = (FundAllocation.objects.filter(period=period).values("partner__tier__name", "partner__tier__rank")
            .annotate(partners=Count("pk"), total=Sum("amount_minor")).order_by("-partner__tier__rank"))
    return [{"tier": r["partner__tier__name"], "partners": r["partners"], "total": from_minor(int(r["total"] or 0), period.currency)}
            for r in rows]


# -- allocations -------------------------------------------------------------------------------

def allocation_list(*, actor, period: FundPeriod | None = None, partner_public_id: str | None = None) -> QuerySet:
    qs = scope_queryset(FundAllocation.objects.select_related("period", "partner", "partner__tier"), actor)
    if period is not None:
        qs = qs.filter(period=period)
    if partner_public_id:
        qs = qs.filter(partner__public_id=partner_public_id)
    return qs


def allocation_get(*, actor, public_id: str) -> FundAllocation:
    return scoped_get(FundAllocation.objects.select_related("period", "partner"), actor, what="fund allocation", public_id=public_id)


def partner_funds(*, partner_id: int) -> dict[str, dict[str, Decimal]]:
    """``{currency: {available, committed, claimed, paid}}`` of one partner over every period (the ledger)."""
    out: dict[str, dict[str, Decimal]] = {}
    codes = {ALLOCATED: "available", COMMITTED: "committed", CLAIMED: "claimed", PAID: "paid"}
    for (_pid, cur, code), minor in balances_by_partner(codes=list(codes), partner_ids=[partner_id]).items():
        out.setdefault(cur, {v: from_minor(0, cur) for v in codes.values()})[codes[code]] = from_minor(minor, cur)
    return out


# -- requests ----------------------------------------------------------------------------------

def _requests(actor) -> QuerySet:
    return scope_queryset(FundRequest.objects.select_related("partner", "partner__tier", "period", "activity_type", "decided_by"), actor)


def request_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = _requests(actor)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(title__icontains=q) | Q(public_id=q) | Q(partner__name__icontains=q))
    if v := filters.get("status"):
        qs = qs.filter(status__in=[s for s in str(v).split(",") if s])
    if v := filters.get("period"):
        qs = qs.filter(period__public_id=v)
    if v := filters.get("partner"):
        qs = qs.filter(partner__public_id=v)
    if v := filters.get("activity_type"):
        qs = qs.filter(activity_type__code=v)
    return qs


def request_get(*, actor, public_id: str) -> FundRequest:
    return scoped_get(_requests(actor), actor, what="fund request", public_id=public_id)


# -- claims ------------------------------------------------------------------------------------

def _claims(actor) -> QuerySet:
    return scope_queryset(FundClaim.objects.select_related("partner", "request", "request__period", "request__activity_type",
                                                           "decided_by"), actor)


def claim_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = _claims(actor)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(public_id=q) | Q(request__public_id=q) | Q(request__title__icontains=q) | Q(partner__name__icontains=q))
    if v := filters.get("status"):
        qs = qs.filter(status__in=[s for s in str(v).split(",") if s])
    if v := filters.get("period"):
        qs = qs.filter(request__period__public_id=v)
    if v := filters.get("partner"):
        qs = qs.filter(partner__public_id=v)
    if v := filters.get("request"):
        qs = qs.filter(request__public_id=v)
    return qs


def claim_get(*, actor, public_id: str) -> FundClaim:
    return scoped_get(_claims(actor), actor, what="claim", public_id=public_id)


def proof_list(*, actor, claim: FundClaim) -> QuerySet:
    claim_get(actor=actor, public_id=claim.public_id)
    return ClaimProof.objects.filter(claim=claim).select_related("uploaded_by")


def proof_get(*, actor, public_id: str) -> ClaimProof:
    return scoped_get(ClaimProof.objects.select_related("claim"), actor, what="proof", partner_field="claim__partner",
                      public_id=public_id)


def claims_payable(*, partner_ids=None) -> QuerySet:
    """Approved claims not yet paid, for the payouts app (a system read: the caller checks ``finance.pay``)."""
    qs = FundClaim.objects.filter(status__in=CLAIM_PAYABLE, paid_at__isnull=True).select_related("partner", "request")
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=list(partner_ids))
    return qs.order_by("pk")


# -- MDF ROI -----------------------------------------------------------------------------------

def _ratio(num: Decimal, den: Decimal, places: str = "0.01") -> Decimal | None:
    return (num / den).quantize(Decimal(places)) if den else None


def _roi(*, currency: str, funded_minor: int, spent_minor: int, leads: int, pipeline: Decimal, won: Decimal, deals: int,
         other_currency: int) -> dict:
    funded, spent = from_minor(funded_minor, currency), from_minor(spent_minor, currency)
    return {
        "currency": currency, "funded": funded, "spent": spent, "leads": leads, "deals": deals, "pipeline": pipeline, "won": won,
        "pipeline_per_unit": _ratio(pipeline, funded), "won_per_unit": _ratio(won, funded),
        "cost_per_lead": _ratio(funded, Decimal(leads)) if leads else None,
        "deals_in_other_currencies": other_currency,
    }


OPEN_OR_WON = (DealStatus.PENDING, DealStatus.APPROVED, DealStatus.WON)


def _attributed(codes: list[str]) -> dict[str, dict]:
    """Per tracking code: attributed leads, and the open-or-won pipeline and won revenue of their deals, by currency."""
    out: dict[str, dict] = {c: {"leads": 0, "deals": {}, "pipeline": {}, "won": {}} for c in codes}
    for row in Lead.objects.filter(campaign__in=codes).values("campaign").annotate(n=Count("pk")):
        out[row["campaign"]]["leads"] = row["n"]
    deals = (Lead.objects.filter(campaign__in=codes, deal__isnull=False, deal__status__in=OPEN_OR_WON)
             .values("campaign", "deal_id", "deal__currency", "deal__amount", "deal__won_amount", "deal__status").distinct())
    for row in deals:
        entry, cur = out[row["campaign"]], row["deal__currency"]
        entry["deals"][cur] = entry["deals"].get(cur, 0) + 1
        entry["pipeline"][cur] = entry["pipeline"].get(cur, Decimal(0)) + (row["deal__amount"] or Decimal(0))
        if row["deal__status"] == DealStatus.WON:
            entry["won"][cur] = entry["won"].get(cur, Decimal(0)) + (row["deal__won_amount"] or row["deal__amount"] or Decimal(0))
    return out


def _claims_spent(request_ids) -> dict[int, tuple[int, int]]:
    rows = (FundClaim.objects.filter(request_id__in=request_ids, status__in=(*CLAIM_PAYABLE, ClaimStatus.PAID))
            .values("request_id").annotate(funded=Sum("approved_minor"), spent=Sum("spent_minor")))
    return {r["request_id"]: (int(r["funded"] or 0), int(r["spent"] or 0)) for r in rows}


def request_roi(request: FundRequest) -> dict:
    """MDF ROI of one request: leads whose ``campaign`` is the request's id, the pipeline (open or won deals
    converted from them) and won revenue, per unit of vendor money paid out on approved claims."""
    attributed = _attributed([request.public_id])[request.public_id]
    funded, spent = _claims_spent([request.pk]).get(request.pk, (0, 0))
    cur = request.currency
    return _roi(currency=cur, funded_minor=funded, spent_minor=spent, leads=attributed["leads"],
                pipeline=attributed["pipeline"].get(cur, Decimal(0)), won=attributed["won"].get(cur, Decimal(0)),
                deals=attributed["deals"].get(cur, 0), other_currency=sum(n for c, n in attributed["deals"].items() if c != cur))


def period_roi(period: FundPeriod, *, limit: int = 500) -> dict:
    """The period's ROI in total and per request (the ``limit`` requests with most funding)."""
    requests = list(FundRequest.objects.filter(period=period, approved_minor__isnull=False).select_related("partner", "activity_type")
                    .order_by("-approved_minor", "pk")[:limit])
    attributed = _attributed([r.public_id for r in requests])
    spent = _claims_spent([r.pk for r in requests])
    cur = period.currency
    rows, totals = [], {"funded": 0, "spent": 0, "leads": 0, "deals": 0, "pipeline": Decimal(0), "won": Decimal(0), "other": 0}
    for r in requests:
        a, (f, s) = attributed[r.public_id], spent.get(r.pk, (0, 0))
        roi = _roi(currency=cur, funded_minor=f, spent_minor=s, leads=a["leads"], pipeline=a["pipeline"].get(cur, Decimal(0)),
                   won=a["won"].get(cur, Decimal(0)), deals=a["deals"].get(cur, 0),
                   other_currency=sum(n for c, n in a["deals"].items() if c != cur))
        rows.append({"request": r, **roi})
        totals["funded"] += f
        totals["spent"] += s
        totals["leads"] += roi["leads"]
        totals["deals"] += roi["deals"]
        totals["pipeline"] += roi["pipeline"]
        totals["won"] += roi["won"]
        totals["other"] += roi["deals_in_other_currencies"]
    total = _roi(currency=cur, funded_minor=totals["funded"], spent_minor=totals["spent"], leads=totals["leads"],
                 pipeline=totals["pipeline"], won=totals["won"], deals=totals["deals"], other_currency=totals["other"])
    return {"total": total, "requests": rows}


def queue_counts() -> dict[str, int]:
    """Requests and claims waiting for a vendor decision (the console's tab badges)."""
    return {"requests": FundRequest.objects.filter(status=RequestStatus.SUBMITTED).count(),
            "claims": FundClaim.objects.filter(status=ClaimStatus.SUBMITTED).count()}
