"""The straightforward incentives engine: one event at a time, one rule at a time, in ``Decimal``.

This is the executable statement of the contract in ``model`` and what the fast engine is checked
against (tests and ``allied bench accruals``). It favours being obviously right over speed: events
in (date, id) order, and for each event every rule, every credit, with running totals in dicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from .checks import CLAWBACK_KINDS, check_rules, explain_clawback, explain_fixed, explain_percent
from .model import EVENT_KINDS, Accrual, Credit, Event, Rule
from .money import exponent, period_key, period_label, to_minor

HUNDRED = Decimal(100)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-exponent(currency))


def split(total: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """Largest remainder in minor units, ties to the first listed (exact, with Fraction)."""
    q = quantum(currency)
    units = int(total / q)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        return [Decimal(0) * q for _ in weights]
    exact = [Fraction(units) * Fraction(w) / Fraction(weight_sum) for w in weights]
    shares = [int(x) for x in exact]  # floor: all non-negative
    left = units - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return [s * q for s in shares]


def applies(rule: Rule, event: Event) -> bool:
    if event.kind in CLAWBACK_KINDS or event.kind not in rule.triggers:
        return False
    if event.occurred_on < rule.effective_from:
        return False
    if rule.effective_to is not None and event.occurred_on >= rule.effective_to:
        return False
    if rule.currency and event.currency != rule.currency:
        return False
    if rule.deal_types and event.deal_type not in rule.deal_types:
        return False
    if rule.products and not (rule.products & event.products):
        return False
    if rule.milestones and event.milestone not in rule.milestones:
        return False
    return True


def credit_qualifies(rule: Rule, credit: Credit) -> bool:
    return ((not rule.tiers or credit.tier in rule.tiers)
            and (not rule.partner_types or credit.partner_type in rule.partner_types)
            and (not rule.roles or credit.role in rule.roles))


def rate_pieces(rule: Rule, currency: str) -> list[tuple[Decimal, Decimal | None, Decimal, Decimal | None]]:
    """[(percent, multiplier or None, from, to or None)]: the rate on each stretch of cumulative basis."""
    q = quantum(currency)
    if rule.brackets:
        starts = [b.start.quantize(q, rounding=ROUND_CEILING) for b in rule.brackets]
        pieces = [(Decimal(0), None, Decimal(0), starts[0])] if starts[0] > 0 else []
        for i, bracket in enumerate(rule.brackets):
            end = starts[i + 1] if i + 1 < len(starts) else None
            pieces.append((bracket.percent, None, starts[i], end))
    else:
        pieces = [(rule.percent, None, Decimal(0), None)]
    if rule.accelerator is None:
        return pieces
    threshold = rule.accelerator[0].quantize(q, rounding=ROUND_CEILING)
    multiplier = rule.accelerator[1]
    accelerated = []
    for percent, _, start, end in pieces:
        if end is not None and end <= threshold:
            accelerated.append((percent, None, start, end))
        elif start >= threshold:
            accelerated.append((percent, multiplier, start, end))
        else:
            accelerated.append((percent, None, start, threshold))
            accelerated.append((percent, multiplier, threshold, end))
    return accelerated


def check_event(event: Event, position: dict[str, Event]) -> int:
    """Validate one event; answer its amount in minor units."""
    where = f"event {event.id}"
    if event.id in position:
        raise ValueError(f"{where}: the same event id is given twice")
    if event.kind not in EVENT_KINDS:
        raise ValueError(f"{where}: kind {event.kind!r} is not one of {', '.join(EVENT_KINDS)}")
    minor = to_minor(event.amount, event.currency, f"{where} amount")
    if minor < 0:
        raise ValueError(f"{where}: the amount cannot be negative")
    if event.credits:
        if sum(c.percent for c in event.credits) != HUNDRED:
            raise ValueError(f"{where}: credit percents must add up to 100")
        if any(c.percent < 0 for c in event.credits):
            raise ValueError(f"{where}: a credit percent cannot be negative")
        if len({c.partner_id for c in event.credits}) != len(event.credits):
            raise ValueError(f"{where}: a partner is credited twice")
    if event.kind in CLAWBACK_KINDS:
        original = position.get(event.refers_to)
        if original is None:
            raise ValueError(f"{where}: refers to {event.refers_to!r}, which is not an earlier event given")
        if original.kind in CLAWBACK_KINDS:
            raise ValueError(f"{where}: refers to {original.id}, which is itself a {original.kind}")
        if original.currency != event.currency:
            raise ValueError(f"{where}: is in {event.currency}, the event it refers to in {original.currency}")
    return minor


def evaluate(rules: Iterable[Rule], events: Iterable[Event]) -> list[Accrual]:
    rules = list(rules)
    check_rules(rules)
    with localcontext() as ctx:
        ctx.prec = 80  # every product and sum below is exact; divisions are only rounded at 80 digits
        return _evaluate(rules, sorted(events, key=lambda e: (e.occurred_on, e.id)))


def _evaluate(rules: list[Rule], events: list[Event]) -> list[Accrual]:
    volume: dict[tuple, Decimal] = defaultdict(Decimal)  # (rule, partner, currency, period) → basis so far
    earned: dict[tuple, Decimal] = defaultdict(Decimal)  # same key → earned so far (for caps)
    accrued: dict[str, list[dict]] = defaultdict(list)  # event id → its accruals, for clawbacks
    seen: dict[str, Event] = {}
    out: list[Accrual] = []
    for event in events:
        event_minor = check_event(event, seen)
        seen[event.id] = event
        if event.kind in CLAWBACK_KINDS:
            out.extend(_claw_back(rules, event, seen[event.refers_to], accrued))
            continue
        q = quantum(event.currency)
        bases = split(event.amount, [c.percent for c in event.credits], event.currency) if event.credits else []
        for rule_index, rule in enumerate(rules):
            if not applies(rule, event):
                continue
            qualifying = [i for i, c in enumerate(event.credits) if credit_qualifies(rule, c)]
            if not qualifying:
                continue
            if rule.fixed is not None:
                shares = split(rule.fixed, [event.credits[i].percent for i in qualifying], event.currency)
            cap = rule.cap.quantize(q, rounding=ROUND_FLOOR) if rule.cap is not None else None
            for n, i in enumerate(qualifying):
                credit, basis = event.credits[i], bases[i]
                key = (rule_index, credit.partner_id, event.currency, period_key(event.occurred_on, rule.period))
                if rule.fixed is not None:
                    raw = shares[n]
                else:
                    before = volume[key]
                    after = before + basis
                    volume[key] = after
                    segments = []
                    for percent, multiplier, start, end in rate_pieces(rule, event.currency):
                        length = max(Decimal(0), min(after, end if end is not None else after) - max(before, start))
                        segments.append((percent, multiplier, length))
                    exact = sum((length * percent / HUNDRED * (multiplier if multiplier is not None else 1)
                                 for percent, multiplier, length in segments), Decimal(0))
                    raw = exact.quantize(q, rounding=ROUND_HALF_UP)
                amount = raw if cap is None else max(Decimal(0), min(raw, cap - earned[key]))
                earned[key] += amount
                if amount == 0:
                    continue
                cap_minor = None if cap is None else to_minor(cap, event.currency, "cap")
                label = period_label(event.occurred_on, rule.period)
                if rule.fixed is not None:
                    text = explain_fixed(
                        rule, event.currency, to_minor(rule.fixed, event.currency, "fixed"), credit.percent,
                        sum((event.credits[j].percent for j in qualifying), Decimal(0)), len(qualifying),
                        to_minor(raw, event.currency, "raw"), to_minor(amount, event.currency, "amount"), cap_minor, label)
                else:
                    text = explain_percent(
                        rule, event.currency, [(p, m, to_minor(n, event.currency, "length")) for p, m, n in segments],
                        to_minor(basis, event.currency, "basis"), event_minor, credit.percent, len(event.credits),
                        to_minor(raw, event.currency, "raw"), to_minor(amount, event.currency, "amount"), cap_minor, label)
                accrual = Accrual(
                    event_id=event.id, rule_id=rule.id, partner_id=credit.partner_id, currency=event.currency,
                    amount=amount, basis=basis, releasable_on=event.occurred_on + timedelta(days=rule.holdback_days),
                    explanation=text,
                )
                out.append(accrual)
                accrued[event.id].append({"rule": rule_index, "accrual": accrual, "clawed": Decimal(0)})
    return out


def _claw_back(rules: list[Rule], event: Event, original: Event, accrued: dict[str, list[dict]]) -> list[Accrual]:
    out = []
    days = (event.occurred_on - original.occurred_on).days
    q = quantum(event.currency)
    for record in accrued.get(original.id, []):
        rule, accrual = rules[record["rule"]], record["accrual"]
        if rule.clawback_days <= 0 or days > rule.clawback_days:
            continue
        if event.kind == "churn" or event.amount >= original.amount:
            want, basis = accrual.amount, accrual.basis
        else:
            # multiply first: an exact half stays exact (the division is the only rounded step)
            want = (accrual.amount * event.amount / original.amount).quantize(q, rounding=ROUND_HALF_UP)
            basis = (accrual.basis * event.amount / original.amount).quantize(q, rounding=ROUND_HALF_UP)
        take = min(want, accrual.amount - record["clawed"])
        if take <= 0:
            continue
        text = explain_clawback(
            rule, event.kind, event.currency, to_minor(accrual.amount, event.currency, "amount"), original.id,
            to_minor(event.amount, event.currency, "amount"), to_minor(original.amount, event.currency, "amount"),
            -to_minor(take, event.currency, "take"), to_minor(record["clawed"], event.currency, "clawed"))
        record["clawed"] += take
        out.append(Accrual(
            event_id=event.id, rule_id=rule.id, partner_id=accrual.partner_id, currency=event.currency,
            amount=-take, basis=-basis, releasable_on=event.occurred_on + timedelta(days=rule.holdback_days),
            explanation=text,
        ))
    return out
