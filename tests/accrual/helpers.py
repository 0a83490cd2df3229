"""Small builders for rules and events in the accrual tests."""

from datetime import date
from decimal import Decimal as D

from allied.accrual import Bracket, Credit, Event, Rule


def rule(id="rul_r@1", **kw) -> Rule:
    kw.setdefault("kind", "rebate")
    kw.setdefault("name", "Rebate")
    kw.setdefault("effective_from", date(2024, 1, 1))
    if "fixed" not in kw and "brackets" not in kw:
        kw.setdefault("percent", D("10"))
    if "brackets" in kw:
        kw["brackets"] = tuple(Bracket(D(str(s)), D(str(p))) for s, p in kw["brackets"])
    for name in ("percent", "fixed", "cap"):
        if isinstance(kw.get(name), str | int):
            kw[name] = D(str(kw[name]))
    if kw.get("accelerator"):
        kw["accelerator"] = tuple(D(str(x)) for x in kw["accelerator"])
    for name in ("triggers", "tiers", "partner_types", "roles", "deal_types", "products", "milestones"):
        if name in kw:
            kw[name] = frozenset(kw[name])
    if kw.get("brackets") or kw.get("accelerator") or kw.get("cap") is not None:
        kw.setdefault("currency", "USD")  # thresholds and caps are in a currency
    return Rule(id=id, **kw)


def credit(partner_id=1, percent="100", **kw) -> Credit:
    return Credit(partner_id=partner_id, percent=D(str(percent)), **kw)


def event(id, amount, *credits, day=date(2025, 1, 10), kind="deal_won", currency="USD", **kw) -> Event:
    if "products" in kw:
        kw["products"] = frozenset(kw["products"])
    return Event(id=id, kind=kind, occurred_on=day, currency=currency, amount=D(str(amount)),
                 credits=tuple(credits) if credits else (credit(),), **kw)


def amounts(accruals) -> dict:
    return {(a.event_id, a.rule_id, a.partner_id): a.amount for a in accruals}
