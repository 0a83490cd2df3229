"""Lead intake from the API, CSV, the embeddable web form and campaign pages: validate, de-duplicate, route."""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import DomainError
from allied.core.permissions import require_perm
from allied.customers.models import AccountKey, CustomerAccount
from allied.deals.services.validation import clean_amount
from allied.matching import (
    SAME_COMPANY,
    Record,
    compare,
    country_code,
    is_free_mail_domain,
    normalize_company_name,
    normalize_domain,
    prepare,
    query_keys,
)

from ..models import OPEN_STATUSES, Lead, LeadSource, LeadStatus, RoutingSettings
from .routing import lead_route, leads_route_batch

TEXT = {"company_name": 255, "website": 255, "region": 8, "postcode": 20, "city": 100, "contact_name": 200, "contact_phone": 40,
        "contact_title": 120, "specialty": 80, "segment": 20, "message": 5000, "external_ref": 100, "campaign": 40}
MAX_ROWS = 10_000


def lead_clean(data: dict) -> dict:
    """Validated, normalised lead fields; raises DomainError naming the first bad field."""
    out = {}
    for f, limit in TEXT.items():
        value = str(data.get(f) or "").strip()
        if len(value) > limit:
            raise DomainError(f"At most {limit} characters.", field=f)
        out[f] = value
    for f in ("company_name", "contact_name"):
        if not out[f]:
            raise DomainError("This field is required.", field=f)
    email = str(data.get("contact_email") or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("Enter a valid email address.", field="contact_email")
    out["contact_email"] = email.lower()
    out["country"] = country_code(str(data.get("country") or ""))
    if not out["country"]:
        raise DomainError("Give the country as a two-letter ISO code or its English name.", field="country")
    domain = normalize_domain(out["website"]) if out["website"] else ""
    if not domain:
        email_domain = normalize_domain(out["contact_email"])
        domain = "" if is_free_mail_domain(email_domain) else email_domain
    out["domain"] = domain
    out["company_name_normalized"] = normalize_company_name(out["company_name"])[:255]
    out["region"] = out["region"].lower()
    for f, lo, hi in (("lat", -90, 90), ("lon", -180, 180)):
        value = data.get(f)
        if value in (None, ""):
            out[f] = None
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise DomainError("Enter a number.", field=f)
        if not lo <= value <= hi:
            raise DomainError(f"Between {lo} and {hi}.", field=f)
        out[f] = value
    if (out["lat"] is None) != (out["lon"] is None):
        raise DomainError("Give both latitude and longitude, or neither.", field="lat" if out["lat"] is None else "lon")
    amount = data.get("estimated_amount")
    out["estimated_amount"] = None if amount in (None, "") else clean_amount(amount, "estimated_amount")
    currency = str(data.get("currency") or "USD").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise DomainError("Use a three-letter ISO currency code.", field="currency")
    out["currency"] = currency
    products = data.get("products") or []
    if isinstance(products, str):
        products = [p for p in products.replace(";", ",").split(",")]
    out["products"] = sorted({str(p).strip().lower() for p in products if str(p).strip()})
    out["consent"] = bool(data.get("consent"))
    return out


def _duplicate_of(fields: dict) -> Lead | None:
    """An open lead for the same person, or for the same company from the same email domain."""
    open_leads = Lead.objects.filter(status__in=[LeadStatus.NEW, *OPEN_STATUSES])
    same_person = open_leads.filter(contact_email=fields["contact_email"]).order_by("created_at").first()
    if same_person is not None:
        return same_person
    if not fields["domain"]:
        return None
    query = prepare(Record(id="", name=fields["company_name"], domain=fields["domain"], country=fields["country"]))
    for other in open_leads.filter(domain=fields["domain"]).order_by("created_at")[:20]:
        if compare(query, prepare(Record(id=other.public_id, name=other.company_name, domain=other.domain,
                                         country=other.country))).score >= SAME_COMPANY:
            return other
    return None


def _direct_account(fields: dict) -> CustomerAccount | None:
    """A named direct account of the vendor: such leads stay with the vendor's direct team."""
    query = prepare(Record(id="", name=fields["company_name"], domain=fields["domain"], country=fields["country"]))
    ids = AccountKey.objects.filter(key__in=query_keys(query), account__is_named_direct=True).values_list("account_id", flat=True)[:50]
    for acct in CustomerAccount.objects.filter(pk__in=list(ids)):
        if compare(query, prepare(Record(id=acct.public_id, name=acct.name, domain=acct.domain, country=acct.country))).score >= SAME_COMPANY:
            return acct
    return None


def _create(fields: dict, source: str, actor, *, ip=None) -> Lead:
    lead = Lead(source=source, **fields)
    dup = _duplicate_of(fields)
    direct = None if dup else _direct_account(fields)
    if dup is not None:
        lead.status, lead.duplicate_of, lead.status_note = LeadStatus.DUPLICATE, dup, f"duplicate of open lead {dup.public_id}"
    elif direct is not None:
        lead.status, lead.status_note = LeadStatus.DIRECT, f"named direct account {direct.public_id}: kept by the vendor"
    lead.save()
    audit_record(actor=actor, action="lead.created", obj=lead, ip_address=ip,
                 after={"source": source, "company_name": lead.company_name, "country": lead.country, "status": lead.status})
    return lead


@transaction.atomic
def lead_create(*, actor, data: dict, source: str = LeadSource.API, ip=None, route: bool | None = None) -> Lead:
    """Take in one lead: validated, checked for duplicates and direct accounts, then routed (online) if the program says so."""
    if actor is not None:
        require_perm(actor, "leads.manage")
    lead = _create(lead_clean(data), source, actor, ip=ip)
    if lead.status == LeadStatus.NEW and (route if route is not None else RoutingSettings.current().auto_route):
        lead_route(lead=lead)
        lead.refresh_from_db()
    return lead


def _csv_rows(raw: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LeadImportRejected(["the file is not UTF-8 text; export it as CSV UTF-8"])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip() for h in next(reader, [])]
    if not header:
        raise LeadImportRejected(["the file is empty"])
    return header, list(reader)


COLUMNS = {
    "company_name": ["company_name", "company", "company name", "account name"], "website": ["website", "domain", "company domain name"],
    "country": ["country", "country/region", "billing country"], "region": ["region"], "postcode": ["postcode", "zip", "postal code", "zip code"],
    "city": ["city"], "lat": ["lat", "latitude"], "lon": ["lon", "lng", "longitude"],
    "contact_name": ["contact_name", "contact", "name", "full name"], "contact_email": ["contact_email", "email", "e-mail"],
    "contact_phone": ["contact_phone", "phone"], "contact_title": ["contact_title", "title", "job title"],
    "products": ["products", "product"], "specialty": ["specialty", "interest"], "segment": ["segment"],
    "estimated_amount": ["estimated_amount", "amount", "budget"], "currency": ["currency"], "message": ["message", "notes", "description"],
    "external_ref": ["external_ref", "id", "lead id", "record id"], "consent": ["consent"],
    "campaign": ["campaign", "campaign code", "tracking code", "utm_campaign"],
}


class LeadImportRejected(DomainError):
    status = 422

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 50} more)" if len(problems) > 50 else ""
        super().__init__("Nothing was imported. Fix these rows (line 1 is the header): " + "; ".join(problems[:50]) + more,
                         field="file", code="import_rejected")


@transaction.atomic
def leads_import(*, actor, file) -> list[Lead]:
    """Every row checked first (row and column named); one bad row and nothing is imported. New leads are routed together (batch)."""
    require_perm(actor, "leads.manage")
    header, rows = _csv_rows(file.read())
    lowered = [h.lower() for h in header]
    cols = {f: lowered.index(n) for f, names in COLUMNS.items() for n in names[::-1] if n in lowered}
    missing = [f for f in ("company_name", "country", "contact_name", "contact_email") if f not in cols]
    if missing:
        raise LeadImportRejected([f"missing column {m!r}" for m in missing])
    if len(rows) > MAX_ROWS:
        raise LeadImportRejected([f"the file has {len(rows)} rows; import at most {MAX_ROWS} at a time"])
    problems, cleaned = [], []
    for line, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        data = {f: row[i].strip() if i < len(row) else "" for f, i in cols.items()}
        data["consent"] = data.get("consent", "").lower() in ("1", "yes", "true", "y", "x")
        try:
            cleaned.append(lead_clean(data))
        except DomainError as exc:
            problems.append(f"row {line}, column {header[cols[exc.field]] if exc.field in cols else exc.field!r}: {exc.message}")
    if problems:
        raise LeadImportRejected(problems)
    if not cleaned:
        raise LeadImportRejected(["the file has no data rows"])
    leads = [_create(fields, LeadSource.CSV, actor) for fields in cleaned]
    if RoutingSettings.current().auto_route:
        leads_route_batch(leads=[ld for ld in leads if ld.status == LeadStatus.NEW], now=timezone.now())
    return leads


@transaction.atomic
def lead_submit_public(*, data: dict, source: str = LeadSource.WEB_FORM, ip=None) -> Lead:
    """A lead from the embeddable form (spam checks are the view's): consent is required."""
    if not data.get("consent"):
        raise DomainError("Please agree to be contacted.", field="consent")
    lead = _create(lead_clean(data), source, None, ip=ip)
    if lead.status == LeadStatus.NEW and RoutingSettings.current().auto_route:
        lead_route(lead=lead)
        lead.refresh_from_db()
    return lead
