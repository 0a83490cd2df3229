"""Account lists: the vendor's (synced from the account master, or uploaded) and each partner's (CSV, API).

Imports read Salesforce account exports, HubSpot company exports and a plain CSV (``name``,
``external_id``, ``website``, ``country``, ``status``, ...), with the CSV reader of the account master
(``customers.imports``: encodings, delimiters, report footers, amounts). All or nothing: a file with
any bad row imports nothing and ``ImportRejected.problems`` lists every problem with its row (the
line in the file, the header being row 1) and column.

A row updates the account with the same external id ("Record ID", "Account ID"), else the one with
the same normalised name and domain, else it is new. ``updated_at`` moves only when a value really
changed, and the fingerprint (normalised name, domain, country) says whether matching must look at
the account again. ``replace=True`` treats the file as the whole list: accounts not in it are removed
(their matches with them). Any change requests an incremental mapping run for every active
partnership it concerns.
"""

import hashlib
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import DomainError
from allied.core.models import AuditEvent
from allied.customers import imports
from allied.customers.imports import ImportRejected, Layout, Problem, parse_amount, stage_key
from allied.customers.models import CustomerAccount, DirectOpportunity, OpportunityStatus
from allied.matching import country_code, normalize_company_name, normalize_domain

from ..access import require_list_owner
from ..models import AccountStatus, ListSource, MappedAccount

__all__ = ["ImportRejected", "ImportResult", "Problem", "account_clean", "account_delete", "account_update", "account_upsert",
           "accounts_import", "fingerprint", "vendor_list_sync"]

BATCH = 1000
TEXT_LIMITS = {"external_id": 128, "name": 255, "website": 255, "industry": 100, "owner_name": 200, "opportunity_stage": 80}
FIELDS = ("external_id", "name", "website", "country", "status", "industry", "employees", "owner_name", "opportunity_stage",
          "opportunity_amount")
MAX_EMPLOYEES = 10_000_000

# HubSpot lifecycle stages (internal value or label, compared by stage_key) and Salesforce account types.
STATUS_WORDS = {
    AccountStatus.CUSTOMER: ("customer", "evangelist", "customerdirect", "customerchannel", "client", "active customer"),
    AccountStatus.OPPORTUNITY: ("opportunity", "openopportunity", "salesqualifiedlead", "sql"),
    AccountStatus.PROSPECT: ("prospect", "lead", "subscriber", "marketingqualifiedlead", "mql", "new", "target"),
    AccountStatus.OTHER: ("other", "partner", "competitor", "reseller", "integrator", "installationpartner", "technologypartner",
                          "press", "former customer", "formercustomer", "churned", "vendor", "analyst", "investor"),
}
_STATUS_OF = {stage_key(w): status for status, words in STATUS_WORDS.items() for w in words}
_CLOSED_STAGES = {"closedwon", "closedlost", "won", "lost", "closed"}

_TYPE = ("Type", "Account Type")
_EMPLOYEES = ("Number of Employees", "Employees", "NumberOfEmployees", "Employee Count")
_STAGE = ("Opportunity Stage", "Deal Stage", "Stage")
_AMOUNT = ("Opportunity Amount", "Deal Amount", "Amount")
LAYOUTS = (
    Layout(
        "hubspot", "HubSpot companies export",
        columns={"external_id": ("Record ID", "Company ID", "hs_object_id"), "name": ("Company name", "Name"),
                 "domain": ("Company Domain Name", "Domain"), "website": ("Website URL", "Website"),
                 "country": ("Country/Region", "Country"), "status": ("Lifecycle Stage", "lifecyclestage", *_TYPE),
                 "industry": ("Industry",), "employees": _EMPLOYEES, "owner_name": ("Company owner", "HubSpot Owner", "Owner"),
                 "opportunity_stage": _STAGE, "opportunity_amount": _AMOUNT},
        required=(("name",),),
        signature=(("Record ID", "Company name"), ("Company name", "Company Domain Name"), ("Company name", "Lifecycle Stage"),
                   ("Company ID", "Company name")),
    ),
    Layout(
        "salesforce", "Salesforce accounts export",
        columns={"external_id": ("Account ID", "AccountId", "Account 18 Digit ID", "Id"), "name": ("Account Name", "Name"),
                 "website": ("Website",), "country": ("Billing Country", "BillingCountry", "Billing Country Code",
                                                      "BillingCountryCode", "Shipping Country", "Country"),
                 "status": _TYPE, "industry": ("Industry",), "employees": _EMPLOYEES,
                 "owner_name": ("Account Owner", "Owner Name", "Owner"), "opportunity_stage": _STAGE,
                 "opportunity_amount": _AMOUNT},
        required=(("name",),),
        signature=(("Account Name",), ("Account ID",)),
    ),
    Layout(
        "csv", "account list CSV",
        columns={"external_id": ("external_id", "id"), "name": ("name", "company", "company_name", "account_name"),
                 "domain": ("domain",), "website": ("website", "url"), "country": ("country",), "status": ("status",),
                 "industry": ("industry",), "employees": ("employees", "number_of_employees"),
                 "owner_name": ("owner_name", "owner"), "opportunity_stage": ("opportunity_stage", "stage"),
                 "opportunity_amount": ("opportunity_amount", "amount")},
        required=(("name",),),
        signature=(("name",), ("company",), ("company_name",), ("account_name",)),
    ),
)
FORMATS = ("auto", "hubspot", "salesforce", "csv")
SOURCE_OF = {"hubspot": ListSource.HUBSPOT, "salesforce": ListSource.SALESFORCE, "csv": ListSource.CSV}


@dataclass
class ImportResult:
    format: str  # hubspot | salesforce | csv
    rows: int
    created: int
    updated: int
    unchanged: int
    removed: int = 0
    run: str = ""  # public id of the mapping run the change requested, if any


def fingerprint(name_normalized: str, domain: str, country: str) -> str:
    """What matching looks at; a different fingerprint means the account must be matched again."""
    return hashlib.sha1(f"{name_normalized}\x1f{domain}\x1f{country}".encode()).hexdigest()


# --- validation -------------------------------------------------------------------------------


def _status(value: str, stage: str = "") -> str:
    v = stage_key(value or "")
    if not v:
        status = AccountStatus.PROSPECT
    elif v in _STATUS_OF:
        status = _STATUS_OF[v]
    else:
        raise ValueError(f'"{value}" is not a known status: use customer, opportunity, prospect or other '
                         "(HubSpot lifecycle stages and Salesforce account types are understood).")
    if status == AccountStatus.PROSPECT and stage and stage_key(stage) not in _CLOSED_STAGES:
        status = AccountStatus.OPPORTUNITY  # a prospect with an open opportunity on it
    return status


def _employees(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("give the number of employees as a whole number.")
    text = str(value).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"\d+(\.0+)?", text):
        raise ValueError(f'"{value}" is not a whole number of employees.')
    number = int(text.split(".")[0])
    if number > MAX_EMPLOYEES:
        raise ValueError(f'"{value}" is more employees than any company has.')
    return number


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, float):
        raise ValueError("send amounts as decimal strings or integers, not floating-point numbers.")
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        value = str(value)
    amount, _ = parse_amount(str(value))
    return amount


# What CRM exports write for "no value" in a website or country column: read as empty, not as an error.
_NO_VALUE = frozenset({"n/a", "na", "none", "null", "nil", "-", "--", "---", "unknown", "tbd", "?", "0"})


def _humanize_enum(value: str) -> str:
    """HubSpot exports picklists as their internal values (COMPUTER_SOFTWARE, RETAIL): show them as words.

    Short all-capital values (IT, ICT, B2B) are kept: they are acronyms, not picklist keys."""
    if len(value) > 3 and value.upper() == value and value.replace("_", "").isalpha():
        return value.replace("_", " ").capitalize()
    return value


def _clean_values(data: dict, *, partial: bool = False) -> tuple[dict, dict[str, str]]:
    """(clean fields, {field: problem}) for one account; only the fields present in ``data`` when ``partial``."""
    out: dict = {}
    errors: dict[str, str] = {}
    for f, limit in TEXT_LIMITS.items():
        if f in data or not partial:
            value = str(data.get(f) if data.get(f) is not None else "").strip()
            if len(value) > limit:
                errors[f] = f"at most {limit} characters."
            out[f] = value[:limit]
    if out.get("industry"):
        out["industry"] = _humanize_enum(out["industry"])
    if "name" in out and not out["name"]:
        errors["name"] = "the company name is required."
    elif "name" in out and not normalize_company_name(out["name"]):
        errors["name"] = f'"{out["name"]}" has no letters or digits that make a company name.'
    if "domain" in data and data.get("domain") and not out.get("website"):
        out["website"] = str(data["domain"]).strip()[:255]
    if out.get("website", "").casefold() in _NO_VALUE:
        out["website"] = ""
    if "website" in out and out["website"]:
        if "." not in normalize_domain(out["website"]):
            errors["website"] = f'"{out["website"]}" is not a website or domain, such as example.com.'
    if "country" in data or not partial:
        raw = str(data.get("country") or "").strip()
        raw = "" if raw.casefold() in _NO_VALUE else raw
        code = country_code(raw) if raw else ""
        if raw and not code:
            errors["country"] = f'"{raw}" is not a country: use a two-letter ISO code (DE, US) or its English name.'
        out["country"] = code
    if "status" in data or not partial:
        try:
            out["status"] = _status(str(data.get("status") or ""), str(data.get("opportunity_stage") or ""))
        except ValueError as exc:
            errors["status"] = str(exc)
    if "employees" in data or not partial:
        try:
            out["employees"] = _employees(data.get("employees"))
        except ValueError as exc:
            errors["employees"] = str(exc)
    if "opportunity_amount" in data or not partial:
        try:
            out["opportunity_amount"] = _amount(data.get("opportunity_amount"))
        except ValueError as exc:
            errors["opportunity_amount"] = str(exc)
    return out, errors


def account_clean(data: dict, *, partial: bool = False) -> dict:
    """Validated account fields (API, forms); raises DomainError naming the first bad field."""
    unknown = sorted(set(data) - set(FIELDS) - {"domain"})
    if unknown:
        raise DomainError(f"Unknown field {unknown[0]!r}.", field=unknown[0])
    out, errors = _clean_values(data, partial=partial)
    if errors:
        field = next(iter(errors))
        message = errors[field]
        raise DomainError(message[:1].upper() + message[1:], field=field)
    return out


def _apply(account: MappedAccount, fields: dict, now) -> bool:
    """Set ``fields`` on ``account`` with the derived ones; True when anything changed (then ``updated_at`` moves)."""
    changed = False
    for f, value in fields.items():
        if getattr(account, f) != value:
            setattr(account, f, value)
            changed = True
    name_normalized = normalize_company_name(account.name)[:255]
    domain = normalize_domain(account.website) if account.website else ""
    fp = fingerprint(name_normalized, domain, account.country)
    if (account.name_normalized, account.domain, account.fingerprint) != (name_normalized, domain, fp):
        account.name_normalized, account.domain, account.fingerprint = name_normalized, domain, fp
        changed = True
    if changed and account.pk:
        account.updated_at = now
    return changed


def _side_accounts(partner):
    return MappedAccount.objects.filter(partner=partner) if partner is not None else MappedAccount.objects.filter(partner__isnull=True)


def _after_change(partner, *, actor=None) -> str:
    """Ask for an incremental mapping run of every active partnership the change concerns."""
    from .runs import runs_request_after_change

    return runs_request_after_change(partner=partner, actor=actor)


# --- single accounts (API, pages) ---------------------------------------------------------------


@transaction.atomic
def account_upsert(*, actor, partner, data: dict, source: str = ListSource.API) -> MappedAccount:
    """Create an account in the actor's side's list, or update the one with the same external id (else name and domain)."""
    require_list_owner(actor, partner)
    fields = account_clean(data)
    now = timezone.now()
    side = _side_accounts(partner)
    account = None
    if fields["external_id"]:
        account = side.select_for_update().filter(external_id=fields["external_id"]).first()
    if account is None:
        key_domain = normalize_domain(fields["website"]) if fields["website"] else ""
        account = (side.select_for_update().filter(name_normalized=normalize_company_name(fields["name"])[:255], domain=key_domain)
                   .filter(external_id__in=["", fields["external_id"]]).order_by("pk").first())
    created = account is None
    if created:
        account = MappedAccount(partner=partner, source=source, created_at=now, updated_at=now)
    before = None if created else snapshot(account, FIELDS)
    changed = _apply(account, fields, now)
    if changed or created:
        account.save()
        audit_record(actor=actor, action="mapping.account_changed", obj=account, partner_id=getattr(partner, "pk", None),
                     before=before, after=snapshot(account, FIELDS))
        _after_change(partner, actor=actor)
    return account


@transaction.atomic
def account_update(*, actor, account: MappedAccount, data: dict) -> MappedAccount:
    """Change the fields sent (API PATCH, forms)."""
    require_list_owner(actor, account.partner)
    account = MappedAccount.objects.select_for_update().get(pk=account.pk)
    fields = account_clean(data, partial=True)
    if "status" in fields and "status" not in data:
        del fields["status"]
    if fields.get("external_id") and _side_accounts(account.partner).filter(external_id=fields["external_id"]).exclude(
            pk=account.pk).exists():
        raise DomainError("Another account in this list has that external id.", field="external_id")
    before = snapshot(account, FIELDS)
    if _apply(account, fields, timezone.now()):
        account.save()
        audit_record(actor=actor, action="mapping.account_changed", obj=account, partner_id=account.partner_id,
                     before=before, after=snapshot(account, FIELDS))
        _after_change(account.partner, actor=actor)
    return account


@transaction.atomic
def account_delete(*, actor, account: MappedAccount) -> None:
    """Remove an account from its list; its matches go with it."""
    require_list_owner(actor, account.partner)
    audit_record(actor=actor, action="mapping.account_changed", obj=account, partner_id=account.partner_id,
                 before=snapshot(account, FIELDS), after={"deleted": True})
    partner = account.partner
    account.delete()
    _after_change(partner, actor=actor)


# --- CSV import -------------------------------------------------------------------------------


def _rows(parsed: imports.Parsed, problems: list[Problem]) -> list[tuple[int, dict]]:
    """Clean values per row; every bad cell becomes a Problem naming the row and the column as the file names it."""
    out = []
    first_ext: dict[str, int] = {}
    first_key: dict[tuple[str, str], int] = {}
    for line, values in parsed.rows:
        fields, errors = _clean_values(values)
        for f, message in errors.items():
            column = parsed.columns.get(f) or parsed.columns.get("domain" if f == "website" else f, f)
            problems.append(Problem(line, column, message))
        if errors:
            continue
        ext = fields["external_id"]
        if ext:
            if ext in first_ext:
                problems.append(Problem(line, parsed.columns["external_id"], f'the id "{ext}" is also on row {first_ext[ext]}.'))
                continue
            first_ext[ext] = line
        else:
            key = (normalize_company_name(fields["name"]), normalize_domain(fields["website"]) if fields["website"] else "")
            if key in first_key:
                problems.append(Problem(line, parsed.columns["name"], f'"{fields["name"]}" with the same website is also on row '
                                                                      f"{first_key[key]}; give each row an id or remove one."))
                continue
            first_key[key] = line
        out.append((line, fields))
    return out


@transaction.atomic
def accounts_import(*, actor, partner, file, replace: bool = False, fmt: str = "auto") -> ImportResult:
    """Create or update a side's accounts from a HubSpot, Salesforce or plain CSV; all or nothing.

    ``partner`` None is the vendor's list. ``replace``: the file is the whole list, so accounts missing
    from it are removed.
    """
    require_list_owner(actor, partner)
    if fmt not in FORMATS:
        raise DomainError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.", field="format")
    table = imports.table_read(file)
    layout, where = imports.layout_pick(table, LAYOUTS, "auto" if fmt == "auto" else fmt)
    parsed, problems = imports.rows_extract(table, layout, where)
    del table
    rows = _rows(parsed, problems)
    del parsed
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([Problem(2, "", "the file has a header but no accounts.")])

    now = timezone.now()
    existing = list(_side_accounts(partner).select_for_update().order_by("pk"))
    by_ext = {a.external_id: a for a in existing if a.external_id}
    by_key: dict[tuple[str, str], MappedAccount] = {}
    for a in existing:
        by_key.setdefault((a.name_normalized, a.domain), a)
    source = SOURCE_OF[layout.key]
    new, changed, seen = [], [], set()
    for _line, fields in rows:
        account = by_ext.get(fields["external_id"]) if fields["external_id"] else None
        if account is None:
            key = (normalize_company_name(fields["name"])[:255], normalize_domain(fields["website"]) if fields["website"] else "")
            candidate = by_key.get(key)
            if candidate is not None and candidate.pk not in seen and candidate.external_id in ("", fields["external_id"]):
                account = candidate
        if account is None:
            account = MappedAccount(partner=partner, source=source, created_at=now, updated_at=now)
            _apply(account, fields, now)
            account.public_id = MappedAccount._meta.get_field("public_id").pre_save(account, True)
            new.append(account)
            continue
        seen.add(account.pk)
        if _apply(account, fields, now):
            changed.append(account)
    MappedAccount.objects.bulk_create(new, batch_size=BATCH)
    MappedAccount.objects.bulk_update(changed, ["external_id", *FIELDS[1:], "name_normalized", "domain", "fingerprint", "updated_at"],
                                      batch_size=BATCH)
    removed = 0
    if replace:
        gone = [a.pk for a in existing if a.pk not in seen]
        for i in range(0, len(gone), BATCH):
            removed += MappedAccount.objects.filter(pk__in=gone[i:i + BATCH]).delete()[1].get("mapping.MappedAccount", 0)
    result = ImportResult(format=layout.key, rows=len(rows), created=len(new), updated=len(changed),
                          unchanged=len(rows) - len(new) - len(changed), removed=removed)
    if new or changed or removed:
        result.run = _after_change(partner, actor=actor)
    _import_audit(actor, partner, result, getattr(file, "name", "") or "", replace)
    return result


def _import_audit(actor, partner, result: ImportResult, filename: str, replace: bool) -> None:
    # One event for the whole file: a 100,000-row list would otherwise write 100,000 audit rows.
    actor_user = actor if getattr(actor, "pk", None) else None
    AuditEvent.objects.create(
        occurred_at=timezone.now(), actor=actor_user, actor_label=actor_user.email if actor_user else "system",
        action="mapping.list_imported", object_type="mappedaccount",
        object_id=f"list:{partner.public_id if partner is not None else 'vendor'}", partner_id=getattr(partner, "pk", None),
        after={**asdict(result), "replace": replace, "file": filename[:200]})


# --- the vendor's list from the account master ---------------------------------------------------


@transaction.atomic
def vendor_list_sync(*, actor=None) -> int:
    """Bring the vendor's list in line with the account master; returns how many accounts changed (0 the second time).

    Status: a customer, else an account with an open direct opportunity (its largest open one gives the
    stage and amount), else a prospect. Accounts synced earlier whose master row is gone are removed;
    accounts uploaded by CSV are left alone.
    """
    require_list_owner(actor, None)
    now = timezone.now()
    open_opps: dict[int, tuple[str, Decimal]] = {}
    for account_id, stage, amount in (DirectOpportunity.objects.filter(status=OpportunityStatus.OPEN)
                                      .order_by("account_id", "-amount", "pk").values_list("account_id", "stage", "amount")):
        open_opps.setdefault(account_id, (stage, amount))
    existing = list(MappedAccount.objects.filter(partner__isnull=True).select_for_update().order_by("pk"))
    by_source = {a.source_account_id: a for a in existing if a.source_account_id}
    by_ext = {a.external_id: a for a in existing if a.external_id}
    new, changed, seen = [], [], set()
    masters = (CustomerAccount.objects.order_by("pk").values_list(
        "pk", "external_id", "name", "website", "domain", "country", "industry", "owner_name", "owner__full_name", "is_customer"))
    for pk, ext, name, website, domain, country, industry, owner_name, owner_full, is_customer in masters.iterator(chunk_size=BATCH):
        stage, amount = open_opps.get(pk, ("", None))
        status = (AccountStatus.CUSTOMER if is_customer else AccountStatus.OPPORTUNITY if pk in open_opps else AccountStatus.PROSPECT)
        fields = {"external_id": (ext or "")[:128], "name": name[:255], "website": (website or domain or "")[:255],
                  "country": country or "", "status": status, "industry": (industry or "")[:100],
                  "owner_name": (owner_full or owner_name or "")[:200], "opportunity_stage": (stage or "")[:80],
                  "opportunity_amount": amount, "employees": None}
        account = by_source.get(pk) or (by_ext.get(fields["external_id"]) if fields["external_id"] else None)
        if account is not None and account.pk in seen:
            account = None
        if account is None:
            account = MappedAccount(partner=None, source=ListSource.ACCOUNT_MASTER, source_account_id=pk, created_at=now,
                                    updated_at=now)
            if fields["external_id"] in by_ext:
                fields["external_id"] = ""  # that CRM id is on another row of the list already
            _apply(account, fields, now)
            account.public_id = MappedAccount._meta.get_field("public_id").pre_save(account, True)
            new.append(account)
            continue
        seen.add(account.pk)
        fields["employees"] = account.employees  # the account master does not know it; keep an uploaded value
        relink = account.source_account_id != pk or account.source != ListSource.ACCOUNT_MASTER
        account.source_account_id, account.source = pk, ListSource.ACCOUNT_MASTER
        if _apply(account, fields, now) or relink:
            if relink:
                account.updated_at = now
            changed.append(account)
    MappedAccount.objects.bulk_create(new, batch_size=BATCH)
    MappedAccount.objects.bulk_update(changed, ["external_id", *FIELDS[1:], "name_normalized", "domain", "fingerprint", "updated_at",
                                                "source", "source_account"], batch_size=BATCH)
    gone = [a.pk for a in existing if a.pk not in seen and a.source == ListSource.ACCOUNT_MASTER]
    for i in range(0, len(gone), BATCH):
        MappedAccount.objects.filter(pk__in=gone[i:i + BATCH]).delete()
    count = len(new) + len(changed) + len(gone)
    if count:
        result = ImportResult(format="master", rows=len(new) + len(seen), created=len(new), updated=len(changed),
                              unchanged=len(seen) - len(changed), removed=len(gone))
        result.run = _after_change(None, actor=actor)
        _import_audit(actor, None, result, "account master", False)
    return count
