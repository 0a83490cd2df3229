"""Every read about incentives, given the acting user.

Rules, events and replays are the vendor's: a partner user gets NotFound. Accruals and earnings
belong to partners and go through the visibility scope (a partner sees its own, a distributor also
its sub-partners' when the program allows it); a foreign row answers exactly like a missing one.
Earnings are ledger balances, never stored figures.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from allied.core.errors import NotFound
from allied.core.money import from_minor
from allied.core.scope import is_vendor, scope_queryset, scoped_get
from allied.ledger.selectors import balances_by_partner
from allied.partners.models import Partner

from .models import AccrualState, IncentiveAccrual, IncentiveEvent, IncentiveReplay, IncentiveRule

BUCKETS = (("accrued", "incentive.accrued"), ("held", "incentive.held"), ("payable", "incentive.payable"),
           ("paid", "incentive.paid"))


def _vendor(actor, what: str) -> None:
    if not is_vendor(actor):
        raise NotFound(what)


# --- rules -----------------------------------------------------------------------------------------


def rule_list(*, actor, filters: dict | None = None) -> QuerySet:
    """The current (latest) version of each rule."""
    _vendor(actor, "incentive rule")
    filters = filters or {}
    latest = IncentiveRule.objects.filter(rule_key=OuterRef("rule_key")).values("rule_key").annotate(v=Max("version")).values("v")
    qs = IncentiveRule.objects.filter(version=Subquery(latest)).select_related("created_by")
    if v := filters.get("status"):
        qs = qs.filter(status__in=[s for s in str(v).split(",") if s])
    if v := filters.get("kind"):
        qs = qs.filter(kind=v)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(rule_key=q) | Q(public_id=q))
    return qs.order_by("name", "rule_key")


def rule_get(*, actor, public_id: str) -> IncentiveRule:
    _vendor(actor, "incentive rule")
    rule = IncentiveRule.objects.select_related("created_by", "retired_by").filter(public_id=public_id).first()
    if rule is None:
        raise NotFound("incentive rule")
    return rule


def rule_versions(*, actor, rule: IncentiveRule) -> list[IncentiveRule]:
    """Every version of the rule, oldest first (its history)."""
    _vendor(actor, "incentive rule")
    return list(IncentiveRule.objects.filter(rule_key=rule.rule_key).select_related("created_by").order_by("version"))


def rules_by_key(*, actor) -> dict[str, IncentiveRule]:
    return {r.rule_key: r for r in rule_list(actor=actor)}


# --- events ----------------------------------------------------------------------------------------


def event_list(*, actor, filters: dict | None = None) -> QuerySet:
    _vendor(actor, "incentive event")
    filters = filters or {}
    qs = IncentiveEvent.objects.select_related("deal", "refers_to")
    if v := filters.get("kind"):
        qs = qs.filter(kind__in=[k for k in str(v).split(",") if k])
    if v := filters.get("partner"):
        qs = qs.filter(partners__public_id=v)
    if v := filters.get("deal"):
        qs = qs.filter(deal__public_id=v)
    if v := filters.get("source"):
        qs = qs.filter(source=v)
    if v := filters.get("since"):
        qs = qs.filter(occurred_on__gte=v)
    if v := filters.get("until"):
        qs = qs.filter(occurred_on__lte=v)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(public_id=q) | Q(external_ref=q) | Q(deal__customer_name__icontains=q))
    return qs


def event_get(*, actor, public_id: str) -> IncentiveEvent:
    _vendor(actor, "incentive event")
    event = IncentiveEvent.objects.select_related("deal", "refers_to").filter(public_id=public_id).first()
    if event is None:
        raise NotFound("incentive event")
    return event


# --- accruals --------------------------------------------------------------------------------------


def accrual_list(*, actor, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    qs = scope_queryset(IncentiveAccrual.objects.select_related("event", "event__deal", "rule", "partner", "clawback_of"), actor)
    if v := filters.get("partner"):
        qs = qs.filter(partner__public_id=v)
    if v := filters.get("state"):
        qs = qs.filter(state__in=[s for s in str(v).split(",") if s])
    if v := filters.get("event"):
        qs = qs.filter(event__public_id=v)
    if v := filters.get("rule"):
        qs = qs.filter(Q(rule__rule_key=v) | Q(rule__public_id=v))
    if v := filters.get("currency"):
        qs = qs.filter(currency=str(v).upper())
    if v := filters.get("kind"):
        qs = qs.filter(event__kind=v)
    if v := filters.get("since"):
        qs = qs.filter(event__occurred_on__gte=v)
    if v := filters.get("until"):
        qs = qs.filter(event__occurred_on__lte=v)
    if filters.get("nonzero"):
        qs = qs.exclude(amount_minor=0)
    return qs


def accrual_get(*, actor, public_id: str) -> IncentiveAccrual:
    return scoped_get(accrual_list(actor=actor), actor, what="accrual", public_id=public_id)


def event_accruals(*, actor, event: IncentiveEvent) -> QuerySet:
    return accrual_list(actor=actor).filter(event=event).order_by("rule_id", "partner_id")


# --- earnings --------------------------------------------------------------------------------------


def earnings_summary(*, actor, partner: Partner | None = None) -> list[dict]:
    """Per currency: accrued, held back, payable and paid (Decimal), from the ledger.

    ``partner`` must be inside the actor's scope (the caller resolves it through the partner selectors);
    a partner user without one gets its own organisation's; a vendor user without one the program's total.
    """
    if partner is None and not is_vendor(actor):
        partner = Partner.objects.get(pk=actor.partner_id)
    if partner is not None:
        scoped_get(Partner.objects.all(), actor, what="partner", partner_field="self", pk=partner.pk)
    codes = [code for _, code in BUCKETS]
    balances = balances_by_partner(codes=codes, partner_ids=[partner.pk] if partner is not None else None)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_, currency, code), minor in balances.items():
        totals[currency][code] += minor
    out = []
    for currency in sorted(totals):
        row = {"currency": currency}
        for name, code in BUCKETS:
            row[name] = from_minor(totals[currency][code], currency)
        row["earned"] = sum((row[name] for name, _ in BUCKETS), Decimal(0))
        out.append(row)
    return out


def held_schedule(*, actor, partner: Partner, today: date | None = None) -> list[dict]:
    """What is held back (or just accrued) and from which day it becomes payable: [{releasable_on, currency, amount}]."""
    today = today or timezone.localdate()
    rows = (accrual_list(actor=actor).filter(partner=partner, state__in=[AccrualState.ACCRUED, AccrualState.HELD])
            .values("releasable_on", "currency").annotate(total=Sum("amount_minor")).order_by("releasable_on", "currency"))
    out = []
    for r in rows:
        if not r["total"]:
            continue
        out.append({"releasable_on": r["releasable_on"], "currency": r["currency"],
                    "amount": from_minor(int(r["total"]), r["currency"]), "due": r["releasable_on"] <= today})
    return out


# --- replays ---------------------------------------------------------------------------------------


def replay_list(*, actor) -> QuerySet:
    _vendor(actor, "replay")
    return IncentiveReplay.objects.select_related("requested_by")
