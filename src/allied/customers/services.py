"""Every write to the account master: accounts, direct opportunities, their match keys, CSV imports.

Each write normalises what matching needs (``name_normalized``, ``domain``, ISO-2 ``country``) and
refreshes the account's blocking keys, so the deal-registration conflict check sees the change at once.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from allied.accounts.models import User
from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from allied.core.models import AuditEvent
from allied.core.permissions import has_perm
from allied.core.scope import is_vendor
from allied.matching import Record, blocking_keys, normalize_company_name, normalize_domain, prepare

from . import imports
from .import_rows import accounts_rows, opportunities_rows
from .imports import ImportRejected, Problem
from .models import AccountKey, AccountSource, CustomerAccount, DirectOpportunity
from .rules import (
    amount_clean,
    country_clean,
    currency_clean,
    domain_clean,
    external_id_clean,
    name_clean,
    segment_clean,
    status_clean,
    status_from_stage,
    text_clean,
    website_clean,
)

__all__ = ["ImportRejected", "ImportResult", "Problem"]

BATCH = 1000
ACCOUNT_AUDIT_FIELDS = ["external_id", "name", "website", "domain", "country", "segment", "industry", "owner", "owner_name",
                        "is_customer", "is_named_direct", "customer_since", "incumbent_partner"]
OPPORTUNITY_AUDIT_FIELDS = ["external_id", "account", "name", "amount", "currency", "stage", "status", "close_date", "owner_name"]
KEY_FIELDS = {"name", "domain", "country"}  # what blocking keys are made of


def _require(actor, perm: str, what: str) -> None:
    """Partner users never learn the account master exists (404); vendor users without ``perm`` get 403."""
    if actor is None:
        return  # the system itself: CLI, tasks, seeding
    if not is_vendor(actor):
        raise NotFound(what)
    if not has_perm(actor, perm):
        raise PermissionDenied()


def _owner_check(owner) -> None:
    if owner is not None and (owner.partner_id is not None or not is_vendor(owner)):
        raise DomainError("The owner must be an active vendor user.", field="owner")


def _field(fn, value, name: str):
    try:
        return fn(value)
    except ValueError as exc:
        raise DomainError(str(exc), field=name)


ACCOUNT_RULES = {"external_id": external_id_clean, "name": name_clean, "website": website_clean, "domain": domain_clean,
                 "country": country_clean, "segment": segment_clean, "industry": lambda v: text_clean(v, 100),
                 "owner_name": lambda v: text_clean(v, 200)}


def account_clean(account: CustomerAccount, data: dict) -> list[str]:
    """Apply ``data`` to ``account`` after checking it; returns the changed fields. Raises DomainError naming the field."""
    values = {}
    for name, value in data.items():
        if name in ACCOUNT_RULES:
            values[name] = _field(ACCOUNT_RULES[name], value, name)
        elif name in ("is_customer", "is_named_direct"):
            values[name] = bool(value)
        elif name == "customer_since":
            if value is not None and not isinstance(value, date):
                raise DomainError("Enter a date.", field=name)
            values[name] = value
        elif name == "owner":
            _owner_check(value)
            values[name] = value
        elif name == "source":
            if value not in AccountSource.values:
                raise DomainError(f"Unknown source {value!r}.", field=name)
            values[name] = value
        elif name == "incumbent_partner":
            values[name] = value
        else:
            raise DomainError(f"Unknown field {name}.", field=name)
    website = values.get("website", account.website)
    values["domain"] = normalize_domain(website) if website else values.get("domain", account.domain)
    if "name" in values:
        values["name_normalized"] = normalize_company_name(values["name"])
    changed = []
    for name, value in values.items():
        attr = {"owner": "owner_id", "incumbent_partner": "incumbent_partner_id"}.get(name, name)
        current = getattr(account, attr)
        new = getattr(value, "pk", None) if attr != name else value
        if current != new or account._state.adding:
            setattr(account, name, value)
            changed.append(name)
    return changed


def _external_id_free(model, external_id: str, exclude_pk=None) -> None:
    if external_id and model.objects.filter(external_id=external_id).exclude(pk=exclude_pk).exists():
        raise Conflict(f'Another record already has external id "{external_id}".', field="external_id")


# --- match keys -------------------------------------------------------------------------------


def account_keys_refresh(accounts: list[CustomerAccount]) -> int:
    """Replace the blocking keys of ``accounts`` (saved rows) in bulk; returns how many keys were written."""
    if not accounts:
        return 0
    rows = []
    for account in accounts:
        record = Record(id=account.public_id, name=account.name, domain=account.domain, country=account.country)
        rows += [(account.pk, k) for k in sorted({k[:80] for k in blocking_keys(prepare(record)) if k})]
    for chunk in _chunks([a.pk for a in accounts]):
        AccountKey.objects.filter(account_id__in=chunk).delete()
    # An import writes a million keys: a model instance for each would cost more than the insert itself.
    _rows_insert(AccountKey, [AccountKey._meta.get_field("account").column, "key"], rows)
    return len(rows)


def _rows_insert(model, columns: list[str], rows: list) -> None:
    """Many rows into one table: COPY on PostgreSQL, one prepared INSERT run over all rows elsewhere. Both are
    several times cheaper than bulk_create, whose per-batch SQL compilation dominates a 200,000-row import."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table, cols = qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


# --- accounts ---------------------------------------------------------------------------------


@transaction.atomic
def account_create(*, actor, data: dict) -> CustomerAccount:
    """``data``: the model's fields; ``owner`` a vendor User, ``incumbent_partner`` a Partner (both optional)."""
    _require(actor, "accounts.manage", "account")
    if not (data.get("name") or "").strip():
        raise DomainError("Enter the account name.", field="name")
    account = CustomerAccount(source=AccountSource.CONSOLE)
    account_clean(account, data)
    _external_id_free(CustomerAccount, account.external_id)
    account.save()
    account_keys_refresh([account])
    audit_record(actor=actor, action="account.created", obj=account, after=snapshot(account, ACCOUNT_AUDIT_FIELDS))
    return account


@transaction.atomic
def account_update(*, actor, account: CustomerAccount, data: dict) -> CustomerAccount:
    _require(actor, "accounts.manage", "account")
    before = snapshot(account, ACCOUNT_AUDIT_FIELDS)
    changed = account_clean(account, data)
    if "external_id" in changed:
        _external_id_free(CustomerAccount, account.external_id, exclude_pk=account.pk)
    if not changed:
        return account
    account.save()
    if KEY_FIELDS & set(changed):
        account_keys_refresh([account])
    after = snapshot(account, ACCOUNT_AUDIT_FIELDS)
    diff = {k: v for k, v in after.items() if before.get(k) != v}
    if diff:
        audit_record(actor=actor, action="account.updated", obj=account, before={k: before[k] for k in diff}, after=diff)
    return account


@transaction.atomic
def account_delete(*, actor, account: CustomerAccount) -> None:
    """Deletes the account with its direct opportunities and match keys; partner deals keep their text, lose the link."""
    _require(actor, "accounts.manage", "account")
    audit_record(actor=actor, action="account.deleted", obj=account, before=snapshot(account, ACCOUNT_AUDIT_FIELDS))
    account.delete()


# --- direct opportunities ---------------------------------------------------------------------

OPPORTUNITY_RULES = {"external_id": external_id_clean, "name": lambda v: text_clean(v, 255, required="Enter the opportunity name."),
                     "amount": amount_clean, "currency": currency_clean, "stage": lambda v: text_clean(v, 80),
                     "close_date": lambda v: v, "owner_name": lambda v: text_clean(v, 200)}


def opportunity_clean(opp: DirectOpportunity, data: dict) -> list[str]:
    values = {}
    for name, value in data.items():
        if name in OPPORTUNITY_RULES:
            values[name] = _field(OPPORTUNITY_RULES[name], value, name)
        elif name == "status":
            values[name] = _field(status_clean, value, name) if value else None
        elif name == "account":
            if not isinstance(value, CustomerAccount):
                raise DomainError("Choose the account.", field="account")
            values[name] = value
        else:
            raise DomainError(f"Unknown field {name}.", field=name)
    if values.get("close_date") is not None and not isinstance(values["close_date"], date):
        raise DomainError("Enter a date.", field="close_date")
    if not values.get("status"):
        values.pop("status", None)
        if "stage" in values:
            values["status"] = status_from_stage(values["stage"])
    changed = []
    for name, value in values.items():
        current = opp.account_id if name == "account" else getattr(opp, name)
        new = value.pk if name == "account" else value
        if current != new or opp._state.adding:
            setattr(opp, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def opportunity_create(*, actor, data: dict) -> DirectOpportunity:
    """``data``: ``account`` (a CustomerAccount), ``name``, and optionally amount, currency, stage, status, close_date..."""
    _require(actor, "accounts.manage", "direct opportunity")
    if "account" not in data:
        raise DomainError("Choose the account.", field="account")
    if not (data.get("name") or "").strip():
        raise DomainError("Enter the opportunity name.", field="name")
    opp = DirectOpportunity()
    opportunity_clean(opp, data)
    _external_id_free(DirectOpportunity, opp.external_id)
    opp.save()
    audit_record(actor=actor, action="opportunity.created", obj=opp, after=snapshot(opp, OPPORTUNITY_AUDIT_FIELDS))
    return opp


@transaction.atomic
def opportunity_update(*, actor, opportunity: DirectOpportunity, data: dict) -> DirectOpportunity:
    _require(actor, "accounts.manage", "direct opportunity")
    before = snapshot(opportunity, OPPORTUNITY_AUDIT_FIELDS)
    changed = opportunity_clean(opportunity, data)
    if "external_id" in changed:
        _external_id_free(DirectOpportunity, opportunity.external_id, exclude_pk=opportunity.pk)
    if not changed:
        return opportunity
    opportunity.save()
    after = snapshot(opportunity, OPPORTUNITY_AUDIT_FIELDS)
    diff = {k: v for k, v in after.items() if before.get(k) != v}
    if diff:
        audit_record(actor=actor, action="opportunity.updated", obj=opportunity, before={k: before[k] for k in diff}, after=diff)
    return opportunity


@transaction.atomic
def opportunity_delete(*, actor, opportunity: DirectOpportunity) -> None:
    _require(actor, "accounts.manage", "direct opportunity")
    audit_record(actor=actor, action="opportunity.deleted", obj=opportunity,
                 before=snapshot(opportunity, OPPORTUNITY_AUDIT_FIELDS))
    opportunity.delete()


# --- CSV imports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    kind: str  # accounts | opportunities
    format: str  # salesforce | hubspot | allied
    rows: int
    created: int
    updated: int
    unchanged: int


def _import_audit(actor, result: ImportResult, filename: str) -> None:
    # One event for the whole file: a 200,000-row import would otherwise write 200,000 audit rows.
    actor_user = actor if getattr(actor, "pk", None) else None
    AuditEvent.objects.create(
        occurred_at=timezone.now(), actor=actor_user, actor_label=actor_user.email if actor_user else "system",
        action=f"{result.kind}.imported", object_type="customeraccount" if result.kind == "accounts" else "directopportunity",
        object_id=f"import:{result.format}", after={**asdict(result), "file": filename[:200]},
    )


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _insert(model, objs: list) -> None:
    """Insert new rows (``_rows_insert``), then read their keys back by external id. Values go through the fields
    exactly as bulk_create sends them: pre_save fills public ids and timestamps."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    _rows_insert(model, [f.column for f in fields],
                 [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs])
    pks = dict(model.objects.filter(external_id__in=[o.external_id for o in objs]).values_list("external_id", "pk"))
    for obj in objs:
        obj.pk = pks[obj.external_id]
        obj._state.adding = False


def _update(model, objs: list, names: list[str]) -> None:
    """UPDATE the named fields of ``objs``: one prepared statement run over every row (bulk_update builds a CASE
    per field per batch, which is slow to compile and to plan)."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in names]
    qn = connection.ops.quote_name
    sql = (f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in fields)} "
           f"WHERE {qn(model._meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
                                 for obj in objs])


def _upsert(model, rows: list[tuple[str, dict]], *, defaults: dict, also: tuple[str, ...] = (), what: str,
            written=None) -> tuple[int, int]:
    """Create the rows whose external id is new and update the ones that changed, a slice at a time so memory stays
    flat however long the file. Stored rows are read as plain values (far cheaper than model instances); a changed
    row becomes an instance holding every compared field, since bulk_update writes each field it is given.
    ``written(new, changed)`` runs after each slice (accounts: their match keys). Returns (created, updated)."""
    compared = sorted({f for _, values in rows for f in values} | set(also))
    now = timezone.now()
    created = updated = 0
    try:
        with transaction.atomic():
            for chunk in _chunks(rows, 5 * BATCH):
                existing = {current["external_id"]: current for current in
                            model.objects.filter(external_id__in=[ext for ext, _ in chunk])
                            .values("id", "public_id", "external_id", *compared)}
                new, changed, fields = [], [], {"updated_at"}
                for ext, values in chunk:
                    current = existing.get(ext)
                    if current is None:
                        new.append(model(external_id=ext, created_at=now, updated_at=now, **{**defaults, **values}))
                        continue
                    diff = {f: v for f, v in values.items() if current[f] != v}
                    if diff:
                        changed.append((model(**{**current, **diff}, updated_at=now), diff))
                        fields.update(diff)
                _insert(model, new)
                _update(model, [obj for obj, _ in changed], sorted(fields))
                if written:
                    written(new, changed)
                created, updated = created + len(new), updated + len(changed)
    except IntegrityError:
        raise Conflict(f"Another import or edit changed these {what} at the same time; import the file again.")
    return created, updated


def _vendor_owners() -> dict[str, object]:
    """Vendor users by lower-cased email and by full name (names two people share are left out)."""
    by_key: dict[str, object] = {}
    shared = set()
    for user in User.objects.filter(partner__isnull=True, is_active=True):
        by_key[user.email.lower()] = user
        name = (user.full_name or "").strip().lower()
        if name:
            if name in by_key and by_key[name] != user:
                shared.add(name)
            by_key[name] = user
    for name in shared:
        by_key.pop(name, None)
    return by_key


def _upload_name(file) -> str:
    return getattr(file, "name", "") or ""


@transaction.atomic
def accounts_import(*, actor, file, fmt: str = "auto", date_order: str = "auto") -> ImportResult:
    """Create or update accounts from a Salesforce, HubSpot or Allied CSV, matched by external id.

    All or nothing: every row is checked first; one bad row raises ImportRejected listing every problem
    and nothing is written. Importing the same file twice changes nothing the second time.
    """
    _require(actor, "accounts.manage", "account")
    table = imports.table_read(file)
    layout, where = imports.layout_pick(table, imports.ACCOUNT_LAYOUTS, fmt)
    parsed, problems = imports.rows_extract(table, layout, where)
    del table  # each stage lets go of the one before: a 200,000-row file is hundreds of MB as Python objects
    rows = accounts_rows(parsed, problems, date_order=date_order, owners=_vendor_owners())
    del parsed
    if problems:
        raise ImportRejected(problems)

    source = {"salesforce": AccountSource.SALESFORCE, "hubspot": AccountSource.HUBSPOT}.get(layout.key, AccountSource.CSV)
    created, updated = _upsert(
        CustomerAccount, rows, defaults={"source": source}, also=tuple(KEY_FIELDS), what="accounts",
        written=lambda new, changed: account_keys_refresh(new + [obj for obj, diff in changed if KEY_FIELDS & set(diff)]))
    result = ImportResult(kind="accounts", format=layout.key, rows=len(rows), created=created, updated=updated,
                          unchanged=len(rows) - created - updated)
    _import_audit(actor, result, _upload_name(file))
    return result


@transaction.atomic
def opportunities_import(*, actor, file, fmt: str = "auto", date_order: str = "auto") -> ImportResult:
    """Create or update direct opportunities from a Salesforce, HubSpot or Allied CSV, matched by external id.

    Each row names its account by the account's CRM id (or its name); import the accounts first.
    All or nothing, like ``accounts_import``.
    """
    _require(actor, "accounts.manage", "direct opportunity")
    table = imports.table_read(file)
    layout, where = imports.layout_pick(table, imports.OPPORTUNITY_LAYOUTS, fmt)
    parsed, problems = imports.rows_extract(table, layout, where)
    del table
    rows = opportunities_rows(parsed, problems, date_order=date_order)
    del parsed
    if problems:
        raise ImportRejected(problems)

    created, updated = _upsert(DirectOpportunity, rows, defaults={"currency": "USD"}, what="opportunities")
    result = ImportResult(kind="opportunities", format=layout.key, rows=len(rows), created=created, updated=updated,
                          unchanged=len(rows) - created - updated)
    _import_audit(actor, result, _upload_name(file))
    return result
