"""From parsed CSV rows to the values an import writes: every cell checked, every problem kept.

Each function returns ``[(external_id, {model field: value})]`` holding only the fields the file has
columns for (a column the export lacks never clears what is stored), and appends a ``Problem`` per bad
cell, so the person importing sees every row and column at fault at once.
"""

import re
from collections import defaultdict

from allied.matching import normalize_company_name, normalize_domain
from allied.partners.models import Partner

from . import imports
from .imports import Parsed, Problem
from .models import CustomerAccount, OpportunityStatus
from .rules import (
    country_clean,
    currency_clean,
    domain_clean,
    name_clean,
    segment_clean,
    status_clean,
    status_from_stage,
    text_clean,
    website_clean,
)

BATCH = 1000


class _Row:
    """One row being checked: reads a cell through a rule and records a problem instead of raising."""

    def __init__(self, line: int, raw: dict, columns: dict, problems: list[Problem]):
        self.line, self.raw, self.columns, self.problems = line, raw, columns, problems
        self.ok = True

    def has(self, field: str) -> bool:
        return field in self.raw

    def get(self, field: str, rule=None, *args):
        value = self.raw.get(field, "")
        if rule is None:
            return value
        try:
            return rule(value, *args)
        except ValueError as exc:
            self.fail(field, str(exc))
            return None

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.line, self.columns[field], message))
        self.ok = False


def _ids_unique(parsed: Parsed, problems: list[Problem]) -> None:
    first: dict[str, int] = {}
    column = parsed.columns["external_id"]
    for line, values in parsed.rows:
        ext = values["external_id"]
        if not ext:
            problems.append(Problem(line, column, "is empty: every row needs its id from the CRM."))
        elif len(ext) > 64:
            problems.append(Problem(line, column, "is longer than 64 characters."))
        elif ext in first:
            problems.append(Problem(line, column, f'"{ext}" appears again (first on row {first[ext]}): one row per id.'))
        else:
            first[ext] = line


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _partners(refs: set[str]) -> dict[str, int]:
    """Partners named by public id or exact name."""
    refs = sorted(r for r in refs if r)
    found: dict[str, int] = {}
    for chunk in _chunks(refs):
        for pk, public_id in Partner.objects.filter(public_id__in=chunk).values_list("pk", "public_id"):
            found[public_id] = pk
        for pk, name in Partner.objects.filter(name__in=chunk).values_list("pk", "name"):
            found.setdefault(name, pk)
    return found


def accounts_rows(parsed: Parsed, problems: list[Problem], *, date_order: str, owners: dict) -> list[tuple[str, dict]]:
    """``owners``: vendor users by lower-cased email and full name; an owner not found is kept as text only."""
    order, found = imports.date_order_decide(parsed, ("customer_since",), date_order)
    problems += found
    _ids_unique(parsed, problems)
    partners = _partners({v.get("incumbent_partner", "") for _, v in parsed.rows}) if "incumbent_partner" in parsed.columns else {}
    out = []
    for line, raw in parsed.rows:
        row = _Row(line, raw, parsed.columns, problems)
        values: dict = {}
        name = row.get("name", _account_name)
        if name is not None:
            values["name"], values["name_normalized"] = name, normalize_company_name(name)
        if row.has("website"):
            values["website"] = row.get("website", website_clean)
        if row.has("website") or row.has("domain"):
            domain = row.get("domain", domain_clean) if row.has("domain") else ""
            values["domain"] = normalize_domain(values["website"]) if values.get("website") else (domain or "")
        if row.has("country"):
            values["country"] = row.get("country", country_clean)
        if row.has("segment"):
            values["segment"] = row.get("segment", segment_clean)
        if row.has("industry"):
            values["industry"] = row.get("industry", text_clean, 100)
        if row.has("owner"):
            owner_name = row.get("owner", text_clean, 200)
            owner = owners.get((owner_name or "").lower())
            values["owner_name"], values["owner_id"] = owner_name, owner.pk if owner else None
        if row.has("type"):  # Salesforce: "Customer - Direct", "Customer - Channel", "Prospect", "Partner"...
            values["is_customer"] = row.get("type").lower().startswith("customer")
        if row.has("lifecycle"):  # HubSpot: "customer" (internal value) or "Customer" (label)
            values["is_customer"] = imports.stage_key(row.get("lifecycle")) == "customer"
        if row.has("is_customer"):
            values["is_customer"] = row.get("is_customer", imports.parse_flag)
        if row.has("named"):
            values["is_named_direct"] = row.get("named", imports.parse_flag)
        if row.has("customer_since"):
            values["customer_since"] = row.get("customer_since", imports.parse_date, order)
        if row.has("incumbent_partner"):
            ref = row.get("incumbent_partner")
            values["incumbent_partner_id"] = partners.get(ref) if ref else None
            if ref and ref not in partners:
                row.fail("incumbent_partner", f'no partner has the id or name "{ref}".')
        if row.ok and raw["external_id"]:
            out.append((raw["external_id"], values))
    return out


def _account_ids(value: str) -> list[str]:
    """HubSpot lists every associated company: ``"123;456"``. The first that is in the account master counts."""
    return [v.strip() for v in re.split(r"[;,]", value) if v.strip()]


def _accounts_by_id(parsed: Parsed) -> dict[str, int]:
    refs = sorted({ref for _, v in parsed.rows for ref in _account_ids(v.get("account_id", ""))})
    found: dict[str, int] = {}
    for chunk in _chunks(refs):
        for pk, ext in CustomerAccount.objects.filter(external_id__in=chunk).values_list("pk", "external_id"):
            found[ext] = pk
        if parsed.layout.key == "allied":  # our own format may name accounts by their public id
            for pk, public_id in CustomerAccount.objects.filter(public_id__in=chunk).values_list("pk", "public_id"):
                found.setdefault(public_id, pk)
    return found


def _accounts_by_name(parsed: Parsed) -> dict[str, list[int]]:
    names = sorted({normalize_company_name(v.get("account_name", "")) for _, v in parsed.rows} - {""})
    found: dict[str, list[int]] = defaultdict(list)
    for chunk in _chunks(names):
        for pk, norm in CustomerAccount.objects.filter(name_normalized__in=chunk).values_list("pk", "name_normalized"):
            found[norm].append(pk)
    return found


def _flag(row: _Row, field: str) -> bool | None:
    """A yes/no cell; None when the file has no such column or the cell is empty."""
    return row.get(field, imports.parse_flag) if row.has(field) and row.get(field) else None


def _status(row: _Row) -> str | None:
    """An explicit status, else Salesforce's Closed/Won flags, else the stage name (Closed Won, closedwon...)."""
    if row.has("status") and row.get("status"):
        return row.get("status", status_clean)
    stage = row.get("stage") if row.has("stage") else ""
    won, closed = _flag(row, "won"), _flag(row, "closed")
    if won:
        return OpportunityStatus.WON
    if closed:
        return OpportunityStatus.WON if won is None and status_from_stage(stage) == OpportunityStatus.WON else OpportunityStatus.LOST
    if closed is False:
        return OpportunityStatus.OPEN
    return status_from_stage(stage) if row.has("stage") else None


def _account_name(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty: every account needs a name.")
    return name_clean(value)


def _opportunity_name(value: str) -> str:
    return text_clean(value, 255, required="is empty: every opportunity needs a name.")


def opportunities_rows(parsed: Parsed, problems: list[Problem], *, date_order: str) -> list[tuple[str, dict]]:
    order, found = imports.date_order_decide(parsed, ("close_date",), date_order)
    problems += found
    _ids_unique(parsed, problems)
    by_id = _accounts_by_id(parsed) if "account_id" in parsed.columns else {}
    by_name = _accounts_by_name(parsed) if "account_name" in parsed.columns else {}
    out = []
    for line, raw in parsed.rows:
        row = _Row(line, raw, parsed.columns, problems)
        values: dict = {"name": row.get("name", _opportunity_name)}
        values["account_id"] = _account(row, by_id, by_name)
        if row.has("amount"):
            parsed_amount = row.get("amount", imports.parse_amount)
            amount, code = parsed_amount if parsed_amount else (None, "")
            values["amount"] = amount
            currency = row.get("currency", currency_clean) if row.has("currency") and row.get("currency") else None
            if code and currency and code != currency:
                row.fail("amount", f'is in {code} but the currency column says {currency}.')
            if currency or code:
                values["currency"] = currency or code
        elif row.has("currency") and row.get("currency"):
            values["currency"] = row.get("currency", currency_clean)
        if row.has("stage"):
            values["stage"] = row.get("stage", text_clean, 80)
        status = _status(row)
        if status:
            values["status"] = status
        if row.has("close_date"):
            values["close_date"] = row.get("close_date", imports.parse_date, order)
        if row.has("owner"):
            values["owner_name"] = row.get("owner", text_clean, 200)
        if row.ok and raw["external_id"]:
            out.append((raw["external_id"], values))
    return out


def _account(row: _Row, by_id: dict[str, int], by_name: dict[str, list[int]]) -> int | None:
    ids = _account_ids(row.get("account_id")) if row.has("account_id") else []
    if ids:
        for ref in ids:
            if ref in by_id:
                return by_id[ref]
        shown = ", ".join(f'"{r}"' for r in ids[:3])
        row.fail("account_id", f"no account has the id {shown}: import the accounts first.")
        return None
    name = row.get("account_name") if row.has("account_name") else ""
    if name:
        pks = by_name.get(normalize_company_name(name), [])
        if len(pks) == 1:
            return pks[0]
        if not pks:
            row.fail("account_name", f'no account is named "{name}": import the accounts first.')
        else:
            row.fail("account_name", f'{len(pks)} accounts are named "{name}": give the account id instead.')
        return None
    row.fail("account_id" if row.has("account_id") else "account_name", "is empty: every opportunity needs its account.")
    return None
