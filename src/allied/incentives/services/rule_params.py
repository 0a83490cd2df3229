"""Strict validation of an incentive rule's input, and the translation of a stored rule into the engine's ``Rule``.

Input (the API body and the console form give the same keys)::

    name, kind, description, effective_from, effective_to,
    percent | brackets [{start, percent}] | fixed (+ currency),
    accelerator {threshold, multiplier}, period (month|quarter|year), cap,
    conditions {tiers, partner_types, roles, deal_types, products, milestones},
    holdback_days, clawback_days, triggers [deal_won|invoice_paid|usage_milestone]

Every error is a ``DomainError`` naming the field (``brackets[1].start``, ``conditions.tiers``).
A rule that names a ``currency`` applies only to events in it; ``fixed``, ``brackets``,
``accelerator.threshold`` and ``cap`` are amounts in it, so they need one. A plain percentage
without a currency applies to events in any currency and accrues in each event's.
"""

import re
from decimal import Decimal, InvalidOperation

from allied.accrual import Bracket, Rule
from allied.accrual.checks import check_rules
from allied.core.errors import DomainError
from allied.core.inputs import clean_date
from allied.core.money import clean_currency, clean_money, exponent
from allied.deals.models import DealType, ParticipantRole
from allied.program.models import PartnerTypeCode, Product, Tier

from ..models import TRIGGER_KINDS, IncentiveRule, Period, RuleKind

FIELDS = ("name", "kind", "description", "effective_from", "effective_to", "percent", "brackets", "fixed", "currency",
          "accelerator", "period", "cap", "conditions", "holdback_days", "clawback_days", "triggers")
CONDITIONS = ("tiers", "partner_types", "roles", "deal_types", "products", "milestones")
PARAMS = ("percent", "brackets", "accelerator", "fixed", "currency", "period", "cap", "conditions", "holdback_days",
          "clawback_days", "triggers")
MAX_BRACKETS = 20
MAX_HOLDBACK_DAYS = 730
MAX_CLAWBACK_DAYS = 1095
HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal("999999999999")
MILESTONE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,59}$")
ONLY_FIXED = {"spif"}  # a SPIF is a bonus per qualifying event
NEVER_FIXED = {"rebate"}  # a rebate is a share of revenue


def default_triggers(kind: str) -> list[str]:
    return ["usage_milestone"] if kind == "consumption" else ["deal_won"]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def number(value, field: str, *, places: int, minimum: Decimal = Decimal(0), maximum: Decimal = MAX_AMOUNT,
            above: bool = False) -> Decimal:
    """An exact decimal from a string or an integer; floats are refused (their binary value is not the number typed)."""
    if isinstance(value, float):
        raise DomainError("Send numbers as decimal strings or integers, not floating-point numbers.", field=field)
    if isinstance(value, bool) or value is None:
        raise DomainError("Enter a number such as 5 or 2.5.", field=field)
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace(" ", "").rstrip("%")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError("Enter a number such as 5 or 2.5.", field=field)
    if not number.is_finite():
        raise DomainError("Enter a number such as 5 or 2.5.", field=field)
    if number < minimum or (above and number == minimum):
        raise DomainError(f"Enter a number {'above' if above else 'of at least'} {minimum}.", field=field)
    if number > maximum:
        raise DomainError(f"Enter a number of at most {maximum:,}.", field=field)
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise DomainError(f"At most {places} decimal place{'s' if places != 1 else ''}.", field=field)
    return _plain(number)


def _plain(number: Decimal) -> Decimal:
    """``2.50`` → ``2.5``, ``100.00`` → ``100`` (never ``1E+2``): what is stored and shown."""
    number = number.normalize()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def _percent(value, field: str) -> Decimal:
    return number(value, field, places=4, maximum=HUNDRED)


def _days(value, field: str, maximum: int) -> int:
    if _blank(value):
        return 0
    if isinstance(value, bool) or isinstance(value, float):
        raise DomainError("Enter a whole number of days.", field=field)
    try:
        days = int(str(value).strip())
    except ValueError:
        raise DomainError("Enter a whole number of days.", field=field)
    if not 0 <= days <= maximum:
        raise DomainError(f"Enter 0 to {maximum} days.", field=field)
    return days



def _codes(value, field: str) -> list[str]:
    if _blank(value):
        return []
    if isinstance(value, str):
        value = [v for v in re.split(r"[;,\s]+", value) if v]
    if not isinstance(value, list | tuple | set | frozenset):
        raise DomainError("Give a list.", field=field)
    out = []
    for v in value:
        if not isinstance(v, str) or not v.strip():
            raise DomainError("Each entry is a non-empty text.", field=field)
        if v.strip() not in out:
            out.append(v.strip())
    return out


def _tiers(value) -> list[str]:
    """Tier names or public ids in, public ids out (a tier renamed later still matches)."""
    wanted = _codes(value, "conditions.tiers")
    if not wanted:
        return []
    tiers = list(Tier.objects.all())
    by_id = {t.public_id: t.public_id for t in tiers}
    by_name = {t.name.lower(): t.public_id for t in tiers}
    out = []
    for w in wanted:
        found = by_id.get(w) or by_name.get(w.lower())
        if found is None:
            raise DomainError(f"No tier named {w!r}; the tiers are {', '.join(t.name for t in tiers)}.", field="conditions.tiers")
        if found not in out:
            out.append(found)
    return out


def _choices(value, field: str, allowed) -> list[str]:
    out = _codes(value, field)
    if bad := [v for v in out if v not in allowed]:
        raise DomainError(f"Unknown value {bad[0]!r}; use {', '.join(allowed)}.", field=field)
    return out


def clean_conditions(value) -> dict:
    if _blank(value):
        value = {}
    if not isinstance(value, dict):
        raise DomainError("Give the conditions as an object, e.g. {\"tiers\": [\"Gold\"]}.", field="conditions")
    if unknown := sorted(set(value) - set(CONDITIONS)):
        raise DomainError(f"Unknown condition; use {', '.join(CONDITIONS)}.", field=f"conditions.{unknown[0]}")
    products = [p.lower() for p in _codes(value.get("products"), "conditions.products")]
    if products:
        known = set(Product.objects.filter(code__in=products).values_list("code", flat=True))
        if unknown := [p for p in products if p not in known]:
            raise DomainError(f"Unknown product code {unknown[0]!r}.", field="conditions.products")
    milestones = _codes(value.get("milestones"), "conditions.milestones")
    if bad := [m for m in milestones if not MILESTONE.match(m)]:
        raise DomainError(f"Milestone {bad[0]!r}: lower-case letters, digits and _ . : - only, at most 60.", field="conditions.milestones")
    return {
        "tiers": _tiers(value.get("tiers")),
        "partner_types": _choices(value.get("partner_types"), "conditions.partner_types", PartnerTypeCode.values),
        "roles": _choices(value.get("roles"), "conditions.roles", ParticipantRole.values),
        "deal_types": _choices(value.get("deal_types"), "conditions.deal_types", DealType.values),
        "products": products,
        "milestones": milestones,
    }


def _brackets(value, places: int) -> list[dict]:
    if not isinstance(value, list | tuple):
        raise DomainError("Give the brackets as a list of {start, percent}.", field="brackets")
    if len(value) > MAX_BRACKETS:
        raise DomainError(f"At most {MAX_BRACKETS} brackets.", field="brackets")
    out, previous = [], None
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise DomainError("Each bracket is {start, percent}.", field=f"brackets[{i}]")
        if unknown := sorted(set(item) - {"start", "percent"}):
            raise DomainError("A bracket has a start and a percent only.", field=f"brackets[{i}].{unknown[0]}")
        if _blank(item.get("start")):
            raise DomainError("Where does this bracket start (cumulative revenue in the period)?", field=f"brackets[{i}].start")
        start = number(item["start"], f"brackets[{i}].start", places=places)
        if _blank(item.get("percent")):
            raise DomainError("This field is required.", field=f"brackets[{i}].percent")
        percent = _percent(item["percent"], f"brackets[{i}].percent")
        if previous is not None and start <= previous:
            raise DomainError(f"Each bracket starts above the one before ({previous}).", field=f"brackets[{i}].start")
        previous = start
        out.append({"start": str(start), "percent": str(percent)})
    if not out:
        raise DomainError("Give at least one bracket, or a flat percent.", field="brackets")
    return out


def clean_rule(data: dict, *, partial_of: IncentiveRule | None = None) -> tuple[dict, dict]:
    """``(model fields, params)`` of valid rule input; ``partial_of`` fills what ``data`` leaves out (a new version)."""
    if not isinstance(data, dict):
        raise DomainError("Send the rule as an object.", field="body")
    if unknown := sorted(set(data) - set(FIELDS)):
        raise DomainError(f"Unknown field; rules have {', '.join(FIELDS)}.", field=unknown[0])
    if partial_of is not None:
        base = {"name": partial_of.name, "kind": partial_of.kind, "description": partial_of.description,
                "effective_from": partial_of.effective_from,
                "effective_to": partial_of.effective_to, **partial_of.params}
        if any(k in data for k in ("percent", "brackets", "fixed")):  # a new rate replaces the old one entirely
            for k in ("percent", "brackets", "fixed"):
                base.pop(k, None)
            if not _blank(data.get("fixed")):
                base.pop("accelerator", None)
        data = {**base, **data}

    name = (data.get("name") or "").strip() if isinstance(data.get("name"), str | type(None)) else None
    if not name:
        raise DomainError("Give the rule a name partners will recognise.", field="name")
    if len(name) > 120:
        raise DomainError("At most 120 characters.", field="name")
    kind = data.get("kind")
    if kind not in RuleKind.values:
        raise DomainError(f"Choose one of {', '.join(RuleKind.values)}.", field="kind")
    description = data.get("description") or ""
    if not isinstance(description, str) or len(description) > 2000:
        raise DomainError("At most 2000 characters of text.", field="description")
    if _blank(data.get("effective_from")):
        raise DomainError("From which day does the rule apply?", field="effective_from")
    effective_from = clean_date(data["effective_from"], "effective_from")
    effective_to = None if _blank(data.get("effective_to")) else clean_date(data["effective_to"], "effective_to")
    if effective_to is not None and effective_to <= effective_from:
        raise DomainError("The rule must end after it starts (the end day is the first day it no longer applies).", field="effective_to")

    has = {k: not _blank(data.get(k)) for k in ("percent", "brackets", "fixed")}
    if sum(has.values()) == 0:
        raise DomainError("Give a percent, volume brackets or a fixed amount.", field="percent")
    if sum(has.values()) > 1:
        given = [k for k, v in has.items() if v]
        raise DomainError(f"Give only one of percent, brackets or fixed (got {' and '.join(given)}).", field=given[1])
    if kind in ONLY_FIXED and not has["fixed"]:
        raise DomainError("A SPIF pays a fixed amount per qualifying event.", field="fixed")
    if kind in NEVER_FIXED and has["fixed"]:
        raise DomainError("A rebate is a percent of revenue; use a SPIF or bonus for fixed amounts.", field="fixed")

    params: dict = {"percent": None, "brackets": [], "accelerator": None, "fixed": None, "currency": None}
    currency = None if _blank(data.get("currency")) else clean_currency(data.get("currency"))
    needs = [name for name, given in (("fixed", has["fixed"]), ("brackets", has["brackets"]),
                                      ("accelerator", not _blank(data.get("accelerator"))), ("cap", not _blank(data.get("cap"))))
             if given]
    if needs and currency is None:
        raise DomainError(f"Name the currency of the {' and '.join(needs)}: 500,000 yen is not 500,000 dollars.", field="currency")
    places = exponent(currency) if currency else 2
    if has["percent"]:
        params["percent"] = str(number(data["percent"], "percent", places=4, maximum=HUNDRED, above=True))
    elif has["brackets"]:
        params["brackets"] = _brackets(data["brackets"], places)
    else:
        fixed = clean_money(data["fixed"], currency, "fixed")
        if fixed <= 0:
            raise DomainError("Enter an amount above 0.", field="fixed")
        params["fixed"] = str(fixed)
    params["currency"] = currency

    accelerator = data.get("accelerator")
    if not _blank(accelerator):
        if has["fixed"]:
            raise DomainError("An accelerator multiplies a percentage; a fixed amount has none.", field="accelerator")
        if not isinstance(accelerator, dict) or set(accelerator) - {"threshold", "multiplier"}:
            raise DomainError("Give the accelerator as {threshold, multiplier}.", field="accelerator")
        if _blank(accelerator.get("threshold")):
            raise DomainError("Above which cumulative revenue does the accelerator start?", field="accelerator.threshold")
        if _blank(accelerator.get("multiplier")):
            raise DomainError("By how much does the accelerator multiply the rate (e.g. 1.5)?", field="accelerator.multiplier")
        threshold = number(accelerator["threshold"], "accelerator.threshold", places=places)
        multiplier = number(accelerator["multiplier"], "accelerator.multiplier", places=4, maximum=Decimal(10), above=True)
        params["accelerator"] = {"threshold": str(threshold), "multiplier": str(multiplier)}

    period = data.get("period") or "quarter"
    if period not in Period.values:
        raise DomainError(f"Choose one of {', '.join(Period.values)}.", field="period")
    params["period"] = period
    params["cap"] = None if _blank(data.get("cap")) else str(number(data["cap"], "cap", places=places, above=True))
    params["conditions"] = clean_conditions(data.get("conditions"))
    params["holdback_days"] = _days(data.get("holdback_days"), "holdback_days", MAX_HOLDBACK_DAYS)
    params["clawback_days"] = _days(data.get("clawback_days"), "clawback_days", MAX_CLAWBACK_DAYS)
    triggers = _choices(data.get("triggers"), "triggers", TRIGGER_KINDS) or default_triggers(kind)
    params["triggers"] = triggers

    fields = {"name": name, "kind": kind, "description": description.strip(), "effective_from": effective_from,
              "effective_to": effective_to}
    try:  # the engine's own checks, as the last word (they cannot fail after the checks above)
        check_rules([to_engine_rule_from(key="check", version=1, fields=fields, params=params)])
    except ValueError as exc:
        raise DomainError(str(exc), field="body")
    return fields, params


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def to_engine_rule_from(*, key: str, version: int, fields: dict, params: dict) -> Rule:
    conditions = params.get("conditions") or {}
    accelerator = params.get("accelerator")
    return Rule(
        id=f"{key}@{version}", kind=fields["kind"], name=fields["name"], effective_from=fields["effective_from"],
        effective_to=fields.get("effective_to"), triggers=frozenset(params.get("triggers") or default_triggers(fields["kind"])),
        currency=params.get("currency") or None, percent=_dec(params.get("percent")),
        brackets=tuple(Bracket(Decimal(b["start"]), Decimal(b["percent"])) for b in params.get("brackets") or ()),
        accelerator=(Decimal(accelerator["threshold"]), Decimal(accelerator["multiplier"])) if accelerator else None,
        fixed=_dec(params.get("fixed")), period=params.get("period") or "quarter", cap=_dec(params.get("cap")),
        tiers=frozenset(conditions.get("tiers") or ()), partner_types=frozenset(conditions.get("partner_types") or ()),
        roles=frozenset(conditions.get("roles") or ()), deal_types=frozenset(conditions.get("deal_types") or ()),
        products=frozenset(conditions.get("products") or ()), milestones=frozenset(conditions.get("milestones") or ()),
        holdback_days=int(params.get("holdback_days") or 0), clawback_days=int(params.get("clawback_days") or 0),
    )


def to_engine_rule(rule: IncentiveRule) -> Rule:
    fields = {"kind": rule.kind, "name": rule.name, "effective_from": rule.effective_from, "effective_to": rule.effective_to}
    return to_engine_rule_from(key=rule.rule_key, version=rule.version, fields=fields, params=rule.params)
