"""Validation of rules and the explanation texts, shared by the reference and the fast engine."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .model import EVENT_KINDS, PERIODS, RULE_KINDS, Rule
from .money import fmt, minor_ceil, pct, rule_label, to_minor

CLAWBACK_KINDS = frozenset({"refund", "churn"})


def check_rules(rules: Sequence[Rule]) -> None:
    seen = set()
    for rule in rules:
        where = f"rule {rule.id}"
        if rule.id in seen:
            raise ValueError(f"{where}: the same rule id is given twice")
        seen.add(rule.id)
        if rule.kind not in RULE_KINDS:
            raise ValueError(f"{where}: kind {rule.kind!r} is not one of {', '.join(RULE_KINDS)}")
        if rule.period not in PERIODS:
            raise ValueError(f"{where}: period {rule.period!r} is not one of {', '.join(PERIODS)}")
        unknown = set(rule.triggers) - set(EVENT_KINDS)
        if unknown:
            raise ValueError(f"{where}: triggers {sorted(unknown)} are not event kinds")
        if set(rule.triggers) & CLAWBACK_KINDS:
            raise ValueError(f"{where}: refunds and churn only claw back; they cannot trigger a rule")
        if rule.effective_to is not None and rule.effective_to <= rule.effective_from:
            raise ValueError(f"{where}: effective_to must be after effective_from")
        is_percent = rule.percent is not None or bool(rule.brackets)
        if rule.fixed is not None and is_percent:
            raise ValueError(f"{where}: give either a fixed amount or a percent/brackets, not both")
        if rule.fixed is None and not is_percent:
            raise ValueError(f"{where}: give a fixed amount, a percent or brackets")
        if not rule.currency and (rule.fixed is not None or rule.brackets or rule.accelerator or rule.cap is not None):
            # thresholds and amounts mean nothing without their currency: 500,000 yen is not 500,000 dollars
            raise ValueError(f"{where}: a fixed amount, brackets, an accelerator or a cap need a currency")
        if rule.fixed is not None:
            _decimal(rule.fixed, where, "fixed", minimum=Decimal(0))
            to_minor(rule.fixed, rule.currency, f"{where} fixed")
        for name in ("percent", "cap"):
            value = getattr(rule, name)
            if value is not None:
                _decimal(value, where, name, minimum=Decimal(0))
        previous = None
        for i, bracket in enumerate(rule.brackets):
            _decimal(bracket.start, where, f"brackets[{i}].start", minimum=Decimal(0))
            _decimal(bracket.percent, where, f"brackets[{i}].percent", minimum=Decimal(0))
            if previous is not None and bracket.start <= previous:
                raise ValueError(f"{where}: bracket starts must increase")
            previous = bracket.start
        if rule.accelerator is not None:
            threshold, multiplier = rule.accelerator
            _decimal(threshold, where, "accelerator threshold", minimum=Decimal(0))
            _decimal(multiplier, where, "accelerator multiplier", minimum=Decimal(0))
        if rule.holdback_days < 0 or rule.clawback_days < 0:
            raise ValueError(f"{where}: holdback_days and clawback_days cannot be negative")


def _decimal(value, where: str, name: str, minimum: Decimal) -> None:
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise ValueError(f"{where}: {name} must be a Decimal, not {type(value).__name__}")
    if not Decimal(value).is_finite() or value < minimum:
        raise ValueError(f"{where}: {name} must be a finite number ≥ {minimum}")


def minor_pieces(rule: Rule, currency: str) -> list[tuple[Decimal, Decimal | None, int, int | None]]:
    """``reference.rate_pieces`` in whole minor units: [(percent, multiplier, from, to)]."""
    if rule.brackets:
        starts = [minor_ceil(b.start, currency) for b in rule.brackets]
        pieces = [(Decimal(0), None, 0, starts[0])] if starts[0] > 0 else []
        pieces += [(b.percent, None, starts[i], starts[i + 1] if i + 1 < len(starts) else None)
                   for i, b in enumerate(rule.brackets)]
    else:
        pieces = [(rule.percent, None, 0, None)]
    if rule.accelerator is None:
        return pieces
    threshold, multiplier = minor_ceil(rule.accelerator[0], currency), rule.accelerator[1]
    out = []
    for percent, _, start, end in pieces:
        if end is not None and end <= threshold:
            out.append((percent, None, start, end))
        elif start >= threshold:
            out.append((percent, multiplier, start, end))
        else:
            out += [(percent, None, start, threshold), (percent, multiplier, threshold, end)]
    return out


# ---- explanation texts -------------------------------------------------------------------------

def _credit_text(credit_percent: Decimal, n_credits: int, event_minor: int, currency: str) -> str:
    if n_credits <= 1 and credit_percent == 100:
        return ""
    return f" ({pct(credit_percent)} % credit of {fmt(event_minor, currency)})"


def _cap_text(rule: Rule, raw: int, amount: int, cap_minor: int | None, currency: str, period: str) -> str:
    if cap_minor is None or amount == raw:
        return ""
    return f"; capped at {fmt(cap_minor, currency)} {currency} for {period}, {fmt(raw, currency)} before the cap"


def explain_percent(rule: Rule, currency: str, segments, basis: int, event_minor: int, credit_percent: Decimal,
                    n_credits: int, raw: int, amount: int, cap_minor: int | None, period: str) -> str:
    """``segments``: [(percent, multiplier or None, length in minor units)] of this basis."""
    parts = [s for s in segments if s[2]]
    if len(parts) == 1 and parts[0][2] == basis:
        p, m, _ = parts[0]
        rate = f"{pct(p)} %" + (f" × {pct(m)}" if m is not None else "")
        head = f"{rate} of {fmt(basis, currency)} {currency}"
    else:
        pieces = " + ".join(
            f"{pct(p)} %" + (f" × {pct(m)}" if m is not None else "") + f" on {fmt(n, currency)}" for p, m, n in parts
        )
        head = f"{pieces or '0 %'} of {fmt(basis, currency)} {currency}"
    return (head + _credit_text(credit_percent, n_credits, event_minor, currency) + f" under {rule_label(rule)}"
            + _cap_text(rule, raw, amount, cap_minor, currency, period))


def explain_fixed(rule: Rule, currency: str, fixed_minor: int, credit_percent: Decimal, qualifying_percent: Decimal,
                  n_qualifying: int, raw: int, amount: int, cap_minor: int | None, period: str) -> str:
    head = f"fixed {fmt(fixed_minor, currency)} {currency} per event"
    if n_qualifying > 1:
        head += f", {pct(credit_percent)} of {pct(qualifying_percent)} credit points"
    return head + f" under {rule_label(rule)}" + _cap_text(rule, raw, amount, cap_minor, currency, period)


def explain_clawback(rule: Rule, kind: str, currency: str, original: int, original_event: str, refunded: int,
                     event_minor: int, amount: int, already: int) -> str:
    if kind == "churn":
        why = "churn"
    else:
        why = f"refund of {fmt(refunded, currency)} of {fmt(event_minor, currency)} {currency}"
    text = f"clawback ({why}) of {fmt(original, currency)} {currency} accrued on {original_event} under {rule_label(rule)}"
    if already:
        text += f"; {fmt(already, currency)} already clawed back"
    return text
