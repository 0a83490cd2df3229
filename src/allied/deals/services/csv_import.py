"""Registering many deals from one CSV file: every row is checked first; one bad row and nothing is registered."""

import csv
import io

from django.db import transaction
from django.utils import timezone

from allied.core.errors import DomainError
from allied.customers.imports import parse_date, slash_order

from ..models import DealSource
from .registration import deal_register, registering_partner
from .validation import clean_registration

MAX_ROWS = 5000
COLUMNS = {  # our field -> accepted headers (lower case); our own names, CRM export names, common spellings
    "customer_name": ["customer_name", "customer", "customer name", "company", "company name", "account name", "account"],
    "website": ["website", "domain", "company domain name", "website url", "url"],
    "country": ["country", "country/region", "billing country", "country code"],
    "contact_name": ["contact_name", "contact", "contact name", "full name"],
    "contact_email": ["contact_email", "email", "contact email", "e-mail"],
    "contact_phone": ["contact_phone", "phone", "contact phone", "phone number"],
    "contact_title": ["contact_title", "title", "job title"],
    "products": ["products", "product", "product codes"],
    "amount": ["amount", "deal amount", "value", "deal value"],
    "currency": ["currency", "currency code", "deal currency"],
    "expected_close_date": ["expected_close_date", "close date", "expected close date", "close_date"],
    "deal_type": ["deal_type", "deal type", "type"],
    "notes": ["notes", "description", "comments"],
}
DEAL_TYPES = {"new_logo": "new_logo", "new logo": "new_logo", "new business": "new_logo", "new": "new_logo",
              "upsell": "upsell", "upgrade": "upsell", "existing business": "upsell", "existing business - upgrade": "upsell",
              "cross-sell": "upsell", "renewal": "renewal", "existing business - renewal": "renewal"}


class ImportRejected(DomainError):
    status = 422

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:50]
        more = f" (and {len(problems) - 50} more)" if len(problems) > 50 else ""
        super().__init__("Nothing was imported. Fix these rows (line 1 is the header): " + "; ".join(shown) + more,
                         field="file", code="import_rejected")


def _rows(raw: bytes) -> tuple[list[str], list[dict]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(["the file is not UTF-8 text; export it as CSV UTF-8"])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise ImportRejected(["the file is empty"])
    return [h.strip() for h in header], list(reader)


def _columns(header: list[str]) -> dict[str, int]:
    lowered = [h.lower().strip() for h in header]
    found = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in lowered:
                found[field] = lowered.index(name)
                break
    if "contact_name" not in found and {"first name", "last name"} <= set(lowered):
        found["first_name"], found["last_name"] = lowered.index("first name"), lowered.index("last name")
    return found


@transaction.atomic
def deals_import(*, actor, file, partner=None) -> list:
    """Register every row of a CSV file (header names as in docs/user-guide.md) or none of them."""
    partner = registering_partner(actor, partner)
    header, rows = _rows(file.read())
    cols = _columns(header)
    missing = [f for f in ("customer_name", "country", "amount", "expected_close_date") if f not in cols]
    if "contact_name" not in cols and "first_name" not in cols:
        missing.append("contact_name")
    if missing:
        raise ImportRejected([f"missing column {m!r} (accepted headers: {', '.join(COLUMNS[m][:4])})" for m in missing])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([f"the file has {len(rows)} rows; import at most {MAX_ROWS} at a time"])
    today, problems, cleaned = timezone.localdate(), [], []
    close_col = cols["expected_close_date"]
    orders = {slash_order(row[close_col]) for row in rows if close_col < len(row)} - {None}
    if len(orders) > 1:
        raise ImportRejected([f"column {header[close_col]!r} mixes month-first and day-first dates; use one order or YYYY-MM-DD"])
    order = orders.pop() if orders else None
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        data = {f: row[i].strip() if i < len(row) else "" for f, i in cols.items() if f not in ("first_name", "last_name")}
        if "first_name" in cols:
            data["contact_name"] = " ".join(row[cols[k]].strip() for k in ("first_name", "last_name") if cols[k] < len(row)).strip()
        if "deal_type" in data:
            value = data["deal_type"].lower()
            data["deal_type"] = DEAL_TYPES.get(value, value) if value else "new_logo"
        if not data.get("currency"):
            data.pop("currency", None)
        try:  # CRM exports write dates their own way (3/31/2027 from a US Salesforce); the file decides the order
            close = parse_date(data.get("expected_close_date", ""), order)
        except ValueError as exc:
            problems.append(f"row {line}, column {header[close_col]!r}: {exc}")
            continue
        if close is not None:
            data["expected_close_date"] = close.isoformat()
        try:
            clean_registration(data, today=today)
        except DomainError as exc:
            column = header[cols[exc.field]] if exc.field in cols else exc.field
            problems.append(f"row {line}, column {column!r}: {exc.message}")
            continue
        cleaned.append((line, data))
    if problems:
        raise ImportRejected(problems)
    if not cleaned:
        raise ImportRejected(["the file has no data rows"])
    deals = []
    for line, data in cleaned:
        try:
            deals.append(deal_register(actor=actor, data=data, partner=partner, source=DealSource.CSV))
        except DomainError as exc:
            column = header[cols[exc.field]] if exc.field in cols else (exc.field or "-")
            raise ImportRejected([f"row {line}, column {column!r}: {exc.message}"])
    return deals
