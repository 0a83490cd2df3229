"""Evaluating events with the accrual engine and posting what changed to the ledger.

``reconcile`` is the one place money for incentives is accrued. It evaluates whole rule periods
(volume brackets, accelerators and caps need every earlier event of the period), asks
``allied.accrual.evaluate`` for the accruals the rules give, and compares them with what is
already posted for each (event, rule version, partner):

- nothing changed: nothing is posted (replaying a period twice leaves the ledger as it was);
- more is due: vendor ``incentive.expense`` → the partner bucket the accrual sits in;
- less is due (a refund or churn clawback, or a rule that no longer gives it): that bucket →
  vendor ``incentive.clawback``.

A new accrual sits in ``incentive.accrued``; ``services.release`` moves it to held or payable. A
clawback takes from the bucket where the accrual it claws back sits, and is then held and released
together with it, so a partner is never paid what has been clawed back. After a payout the payable
bucket can go below zero: the partner owes it, and it nets against what they earn next.

Each posting's idempotency key names the fact (event, rule version, partner), the accrual's
revision and the target amount: a retry of the same change returns the first posting, and a
change back and forth still gets a key of its own.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from allied.accrual import Credit, Event, evaluate
from allied.core.errors import DomainError
from allied.core.money import from_minor, to_minor
from allied.ledger.services import ledger_post, move
from allied.partners.models import Partner

from ..models import (
    CLAWBACK_KINDS,
    STATE_ACCOUNT,
    AccrualState,
    IncentiveAccrual,
    IncentiveEvent,
    IncentiveRule,
    RuleStatus,
)
from .rule_params import to_engine_rule

PERIOD_ORDER = ("month", "quarter", "year")
IN_CHUNK = 900  # ids per IN (...) list: below SQLite's oldest parameter limit


@dataclass
class Outcome:
    """What one evaluation did."""

    evaluated_from: date
    evaluated_to: date  # exclusive
    events: int = 0
    accruals: int = 0
    changed: int = 0
    net: dict[str, int] = field(default_factory=dict)  # currency → minor units posted (clawbacks negative)
    rows: list[IncentiveAccrual] = field(default_factory=list)  # every accrual row evaluated


def period_start(day: date, period: str) -> date:
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def period_end(day: date, period: str) -> date:
    """The first day after the period that holds ``day``."""
    if period == "year":
        return date(day.year + 1, 1, 1)
    months = 1 if period == "month" else 3
    start = period_start(day, period)
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def applied_rules() -> list[IncentiveRule]:
    """Every rule version that ever applied, in the order they were written (the engine's rule order)."""
    return list(IncentiveRule.objects.filter(activated_at__isnull=False).exclude(status=RuleStatus.DRAFT).order_by("pk"))


def engine_event_id(event: IncentiveEvent) -> str:
    """The engine orders a day's events by id: the time they happened (a refund after what it refunds at the same
    instant), then the public id, so the order is the real one."""
    stamp = event.occurred_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}:{1 if event.is_clawback else 0}:{event.public_id}"


def to_engine_event(event: IncentiveEvent, ids: dict[int, str]) -> Event:
    credits = () if event.is_clawback else tuple(
        Credit(partner_id=c["partner"], percent=_decimal(c["percent"]), role=c.get("role") or "sourcing", tier=c.get("tier") or "",
               partner_type=c.get("partner_type") or "") for c in event.credits)
    return Event(id=ids[event.pk], kind=event.kind, occurred_on=event.occurred_on, currency=event.currency,
                 amount=from_minor(event.amount_minor, event.currency), credits=credits, deal_type=event.deal_type or "",
                 products=frozenset(event.products or ()), milestone=event.milestone or "",
                 refers_to=ids.get(event.refers_to_id, "") if event.refers_to_id else "")


def _decimal(text) -> Decimal:
    return Decimal(str(text))


def _largest_period(rules: list[IncentiveRule]) -> str:
    periods = {r.params.get("period") or "quarter" for r in rules} or {"month"}
    return max(periods, key=PERIOD_ORDER.index)


def _events_in(lo: date, hi: date, partner_ids) -> list[IncentiveEvent]:
    qs = IncentiveEvent.objects.filter(occurred_on__gte=lo, occurred_on__lt=hi)
    if partner_ids is not None:
        qs = qs.filter(partners__in=partner_ids).distinct()
    return list(qs.order_by("occurred_on", "pk"))


def _load(lo: date, hi: date, largest: str, partner_ids) -> tuple[date, list[IncentiveEvent]]:
    """Events of whole periods, widened until every refund or churn finds the event it refers to, plus later
    refunds and churns of those events (their amounts follow the originals)."""
    while True:
        scope = IncentiveEvent.objects.filter(occurred_on__gte=lo, occurred_on__lt=hi, kind__in=CLAWBACK_KINDS)
        if partner_ids is not None:
            scope = scope.filter(partners__in=partner_ids)
        earliest = scope.aggregate(first=Min("refers_to__occurred_on"))["first"]
        if earliest is None or earliest >= lo:
            break
        lo = period_start(earliest, largest)
    events = _events_in(lo, hi, partner_ids)
    later = IncentiveEvent.objects.filter(kind__in=CLAWBACK_KINDS, occurred_on__gte=hi, refers_to__occurred_on__gte=lo,
                                          refers_to__occurred_on__lt=hi)
    if partner_ids is not None:
        later = later.filter(partners__in=partner_ids).distinct()
    return lo, events + list(later.order_by("occurred_on", "pk"))


def _existing(event_pks: list[int], partner_ids) -> dict[tuple[int, int, int], IncentiveAccrual]:
    rows = {}
    for i in range(0, len(event_pks), IN_CHUNK):
        qs = IncentiveAccrual.objects.select_for_update().filter(event_id__in=event_pks[i:i + IN_CHUNK])
        if partner_ids is not None:
            qs = qs.filter(partner_id__in=partner_ids)
        for row in qs.order_by("pk"):
            rows[(row.event_id, row.rule_id, row.partner_id)] = row
    return rows


def reconcile(*, start: date, end: date, partner_ids: set[int] | None = None, actor=None, now=None) -> Outcome:
    """Evaluate the rule periods that hold ``[start, end)`` and post the differences (for ``partner_ids`` only, if given).

    Call inside a transaction. The partners concerned are locked (in key order) first, so two evaluations
    touching the same partner run one after the other.
    """
    posting_at = now  # None: the ledger's clock (real time, or the demo seed's ledger_clock)
    now = now or timezone.now()
    rules = applied_rules()
    largest = _largest_period(rules)
    lo, hi = period_start(start, largest), period_end(end - timedelta(days=1), largest)
    if partner_ids is not None:
        partner_ids = set(partner_ids)
        list(Partner.objects.select_for_update().filter(pk__in=partner_ids).order_by("pk").values_list("pk", flat=True))
    lo, events = _load(lo, hi, largest, partner_ids)
    outcome = Outcome(evaluated_from=lo, evaluated_to=hi, events=len(events))
    if not events:
        return outcome
    existing = _existing([e.pk for e in events], partner_ids)
    if not rules and not existing:
        return outcome
    ids = {e.pk: engine_event_id(e) for e in events}
    by_engine_event = {ids[e.pk]: e for e in events}
    by_engine_rule = {r.engine_id: r for r in rules}
    try:
        wanted = evaluate([to_engine_rule(r) for r in rules], [to_engine_event(e, ids) for e in events])
    except ValueError as exc:  # the input was validated when written; this names what still went wrong
        raise DomainError(f"The incentives engine refused the events: {exc}")
    if partner_ids is not None:
        wanted = [a for a in wanted if a.partner_id in partner_ids]
    if partner_ids is None:
        list(Partner.objects.select_for_update().filter(pk__in={a.partner_id for a in wanted} | {k[2] for k in existing})
             .order_by("pk").values_list("pk", flat=True))
    public = dict(Partner.objects.filter(pk__in={a.partner_id for a in wanted} | {k[2] for k in existing})
                  .values_list("pk", "public_id"))
    rows = dict(existing)  # every row by key, the ones made now included (a clawback finds its original)
    left = dict(existing)  # rows the rules no longer give
    event_by_pk = {e.pk: e for e in events}
    today = timezone.localdate(now)
    net: dict[str, int] = defaultdict(int)
    for accrual in wanted:
        event, rule = by_engine_event[accrual.event_id], by_engine_rule[accrual.rule_id]
        key = (event.pk, rule.pk, accrual.partner_id)
        left.pop(key, None)
        original = rows.get((event.refers_to_id, rule.pk, accrual.partner_id)) if event.is_clawback else None
        explanation = accrual.explanation
        if event.is_clawback:  # the engine names the original by its engine id; people know its public id
            explanation = explanation.replace(ids[event.refers_to_id], event_by_pk[event.refers_to_id].public_id)
        row = rows.get(key)
        if row is None:
            row = IncentiveAccrual(event=event, rule=rule, partner_id=accrual.partner_id, currency=accrual.currency,
                                   state=original.state if original is not None else AccrualState.ACCRUED, clawback_of=original,
                                   releasable_on=accrual.releasable_on, created_at=now, updated_at=now)
            rows[key] = row
        before = (row.pk, row.basis_minor, row.explanation, row.releasable_on)
        row.basis_minor = to_minor(accrual.basis, accrual.currency)
        row.explanation = explanation
        if row.state != AccrualState.PAYABLE:  # held and released together with what it claws back
            row.releasable_on = original.releasable_on if original is not None else accrual.releasable_on
        target = to_minor(accrual.amount, accrual.currency)
        if _post(row, target, event=event, rule=rule, partner_public_id=public[accrual.partner_id], actor=actor, now=now,
                 posting_at=posting_at, net=net):
            outcome.changed += 1
        elif before != (row.pk, row.basis_minor, row.explanation, row.releasable_on):
            row.updated_at = now
            row.save()
        outcome.rows.append(row)
    for key, row in left.items():
        if row.amount_minor == 0:
            continue
        row.explanation = (f"Reversed on {today.isoformat()}: the rules in force no longer give this. Was: {row.explanation}")[:2000]
        _post(row, 0, event=event_by_pk[key[0]], rule=row.rule, partner_public_id=public[row.partner_id], actor=actor, now=now,
              posting_at=posting_at, net=net)
        outcome.changed += 1
        outcome.rows.append(row)
    outcome.accruals = len(wanted)
    outcome.net = {k: v for k, v in net.items() if v}
    return outcome


def _post(row: IncentiveAccrual, target: int, *, event, rule, partner_public_id: str, actor, now, posting_at, net) -> bool:
    """Post ``target - row.amount_minor`` for ``row``; False when nothing is due."""
    delta = target - row.amount_minor
    if delta == 0:
        return False
    if row.pk is None:
        row.save()  # its public id names the posting's source
    bucket = (STATE_ACCOUNT[row.state], row.partner_id)
    amount = from_minor(abs(delta), row.currency)
    if delta > 0:
        kind, legs = "incentive.accrual", move(amount, source=("incentive.expense", None), to=bucket)
    else:
        kind, legs = "incentive.clawback", move(amount, source=bucket, to=("incentive.clawback", None))
    key = f"incentive:{event.public_id}:{rule.public_id}:{partner_public_id}:{row.revision}:{target}"
    txn = ledger_post(kind=kind, idempotency_key=key, currency=row.currency, legs=legs, memo=row.explanation[:500],
                      partner_id=row.partner_id, source=f"incentive-accrual:{row.public_id}", effective_at=posting_at, actor=actor)
    row.amount_minor = target
    row.revision += 1
    row.txn = txn
    row.updated_at = now
    row.save()
    net[row.currency] += delta
    return True
