"""Every read of the payouts app.

Payout runs are the vendor's (a partner user gets "not found" for every one). Payouts, statements and
payee profiles belong to a partner and go through the visibility scope: a partner user reads its own
(a distributor that may, its sub-partners' too), never another partner's — those answer like missing
rows. Reading money needs ``money.view`` (vendor) or ``partner.money.view`` (partner admins); a
row is looked up first and the permission checked second, so a foreign row answers 404 and an own
row the reader may not read 403.
"""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.core.permissions import has_perm
from allied.core.scope import is_vendor, scope_queryset
from allied.funds import selectors as funds_selectors
from allied.ledger.selectors import balances_by_partner

from .models import (
    OPEN_RUN_STATUSES,
    PayeeProfile,
    Payout,
    PayoutClaim,
    PayoutRun,
    PayoutStatus,
    RunStatus,
    Statement,
)


def can_read_money(actor) -> bool:
    return has_perm(actor, "money.view" if is_vendor(actor) else "partner.money.view")


def require_money_view(actor) -> None:
    if not can_read_money(actor):
        raise PermissionDenied("Your role cannot see payouts and statements; ask your company's admin.")


# --- runs (vendor only) ---------------------------------------------------------------------------

def payout_run_list(*, actor, filters: dict | None = None) -> QuerySet:
    if not is_vendor(actor):
        raise NotFound("payout run")
    require_money_view(actor)
    filters = filters or {}
    qs = PayoutRun.objects.select_related("created_by", "approved_by", "executed_by")
    if v := filters.get("status"):
        statuses = [s for s in str(v).split(",") if s]
        if bad := [s for s in statuses if s not in RunStatus.values]:
            raise DomainError(f"Unknown status {bad[0]!r}; use {', '.join(RunStatus.values)}.", field="status")
        qs = qs.filter(status__in=statuses)
    return qs


def payout_run_get(*, actor, public_id: str) -> PayoutRun:
    if not is_vendor(actor):
        raise NotFound("payout run")
    run = PayoutRun.objects.select_related("created_by", "approved_by", "executed_by", "cancelled_by").filter(public_id=public_id).first()
    if run is None:
        raise NotFound("payout run")
    require_money_view(actor)
    return run


def with_progress(qs: QuerySet) -> QuerySet:
    """Runs with their payout counts per status in the same query (lists)."""
    return qs.annotate(**{f"n_{s}": Count("payouts", filter=Q(payouts__status=s)) for s in PayoutStatus.values})


def run_progress(run: PayoutRun) -> dict:
    """Counts per payout status, straight from the database (the execution page polls this)."""
    if hasattr(run, f"n_{PayoutStatus.PAID}"):
        counts = {s: getattr(run, f"n_{s}") for s in PayoutStatus.values}
    else:
        counts = {s: 0 for s in PayoutStatus.values}
        for r in run.payouts.order_by().values("status").annotate(n=Count("id")):
            counts[r["status"]] = r["n"]
    live = sum(n for s, n in counts.items() if s != PayoutStatus.CANCELLED)
    return {**counts, "total": live, "done": counts[PayoutStatus.PAID],
            "percent": round(100 * counts[PayoutStatus.PAID] / live) if live else 100}


def payable_now(*, actor) -> list[dict]:
    """What a new run would pay, per currency: approved claims outside open runs and payable incentives not yet in one."""
    if not is_vendor(actor):
        raise NotFound("payout run")
    out: dict[str, dict] = {}

    def row(cur):
        return out.setdefault(cur, {"currency": cur, "claims": 0, "mdf": 0, "incentive": 0, "partners": set()})

    claims = funds_selectors.claims_payable().filter(payout_link__isnull=True).order_by()
    for r in claims.values("currency", "partner_id").annotate(n=Count("id"), total=Sum("approved_minor")):
        t = row(r["currency"])
        t["claims"] += r["n"]
        t["mdf"] += int(r["total"] or 0)
        t["partners"].add(r["partner_id"])
    reserved = {(r["partner_id"], r["currency"]): int(r["total"]) for r in
                Payout.objects.filter(run__status__in=OPEN_RUN_STATUSES, status__in=(PayoutStatus.PENDING, PayoutStatus.FAILED))
                .values("partner_id", "currency").annotate(total=Sum("incentive_minor"))}
    for (pid, cur, _code), minor in balances_by_partner(codes=["incentive.payable"]).items():
        left = minor - reserved.get((pid, cur), 0)
        if left > 0:
            t = row(cur)
            t["incentive"] += left
            t["partners"].add(pid)
    return [{**t, "partners": len(t["partners"]), "total": t["mdf"] + t["incentive"]} for _, t in sorted(out.items())]


# --- payouts ---------------------------------------------------------------------------------------

def _payouts() -> QuerySet:
    return Payout.objects.select_related("partner", "run", "ledger_txn")


def payout_list(*, actor, filters: dict | None = None) -> QuerySet:
    """Payouts the actor may see; partner users only those of runs that were approved (drafts are finance's)."""
    require_money_view(actor)
    filters = filters or {}
    qs = scope_queryset(_payouts(), actor)
    if not is_vendor(actor):
        qs = qs.exclude(run__status__in=(RunStatus.DRAFT, RunStatus.CANCELLED)).exclude(status=PayoutStatus.CANCELLED)
    if v := filters.get("run"):
        qs = qs.filter(run__public_id=v)
    if v := filters.get("partner"):
        qs = qs.filter(partner__public_id=v)
    if v := filters.get("status"):
        statuses = [s for s in str(v).split(",") if s]
        if bad := [s for s in statuses if s not in PayoutStatus.values]:
            raise DomainError(f"Unknown status {bad[0]!r}; use {', '.join(PayoutStatus.values)}.", field="status")
        qs = qs.filter(status__in=statuses)
    if v := filters.get("currency"):
        qs = qs.filter(currency=str(v).upper())
    return qs


def payout_get(*, actor, public_id: str) -> Payout:
    qs = scope_queryset(_payouts(), actor)
    if not is_vendor(actor):
        qs = qs.exclude(run__status__in=(RunStatus.DRAFT, RunStatus.CANCELLED)).exclude(status=PayoutStatus.CANCELLED)
    payout = qs.filter(public_id=public_id).first()
    if payout is None:
        raise NotFound("payout")
    require_money_view(actor)
    return payout


def payout_claims(payouts) -> dict[int, list[PayoutClaim]]:
    """The claims of each payout (one query), keyed by payout id."""
    out: dict[int, list[PayoutClaim]] = {}
    links = PayoutClaim.objects.filter(payout__in=payouts).select_related("claim", "claim__request").order_by("claim_id")
    for link in links:
        out.setdefault(link.payout_id, []).append(link)
    return out


def with_claims(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(Prefetch("claim_links", queryset=PayoutClaim.objects.select_related("claim", "claim__request")
                                        .order_by("claim_id")))


# --- statements --------------------------------------------------------------------------------------

def statement_list(*, actor, filters: dict | None = None) -> QuerySet:
    require_money_view(actor)
    filters = filters or {}
    qs = scope_queryset(Statement.objects.select_related("partner"), actor)
    if v := filters.get("partner"):
        qs = qs.filter(partner__public_id=v)
    if v := filters.get("period_start"):
        qs = qs.filter(period_start=v)
    if v := filters.get("period_end"):
        qs = qs.filter(period_end=v)
    if v := filters.get("currency"):
        qs = qs.filter(currency=str(v).upper())
    return qs


def statement_get(*, actor, public_id: str) -> Statement:
    st = scope_queryset(Statement.objects.select_related("partner"), actor).filter(public_id=public_id).first()
    if st is None:
        raise NotFound("statement")
    require_money_view(actor)
    return st


def statement_periods(*, actor) -> list[dict]:
    """The periods statements exist for, newest first, with how many statements each."""
    rows = (statement_list(actor=actor).order_by().values("period_start", "period_end")
            .annotate(n=Count("id")).order_by("-period_end", "-period_start"))
    return list(rows)


# --- payee profiles ------------------------------------------------------------------------------------

def payee_profile_get(*, actor, partner) -> PayeeProfile | None:
    """The partner's payee profile (None when it has none yet); the partner must be visible to the actor."""
    visible = scope_queryset(PayeeProfile.objects.select_related("partner", "updated_by"), actor)
    require_money_view(actor)
    return visible.filter(partner=partner).first()


def payee_profile_list(*, actor) -> QuerySet:
    require_money_view(actor)
    return scope_queryset(PayeeProfile.objects.select_related("partner"), actor).order_by("partner__name")
