"""Statements: each partner's money per currency over a period, from the ledger alone.

Fast for thousands of partners: one grouped query for the opening balances, one query for the
period's entries (joined with their transactions), then everything is assembled in memory and
written with one bulk upsert. No query per partner.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import DomainError, PermissionDenied
from allied.core.permissions import has_perm
from allied.ledger.models import LedgerEntry
from allied.ledger.selectors import balances_by_partner

from ..models import STATEMENT_BUCKETS, Statement

MAX_PERIOD_DAYS = 366


def period_bounds(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """The period as instants: from the first day's midnight to the midnight after the last day."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(period_start, time.min), tz)
    end = timezone.make_aware(datetime.combine(period_end + timedelta(days=1), time.min), tz)
    return start, end


def clean_period(period_start, period_end) -> tuple[date, date]:
    for name, value in (("period_start", period_start), ("period_end", period_end)):
        if not isinstance(value, date):
            raise DomainError("Enter a date (YYYY-MM-DD).", field=name)
    if period_end < period_start:
        raise DomainError("The period ends before it starts.", field="period_end")
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise DomainError("A statement covers at most one year.", field="period_end")
    return period_start, period_end


def can_generate_statements(actor) -> bool:
    return actor is not None and actor.partner_id is None and has_perm(actor, "finance.pay")


def _empty() -> dict[str, int]:
    return {code: 0 for code in STATEMENT_BUCKETS}


def statements_build(*, period_start: date, period_end: date, partner_ids=None) -> list[Statement]:
    """The statements of a period, unsaved: one per partner and currency with a balance or a movement."""
    start, end = period_bounds(period_start, period_end)
    tz = timezone.get_current_timezone()
    opening: dict[tuple[int, str], dict[str, int]] = defaultdict(_empty)
    for (pid, cur, code), minor in balances_by_partner(codes=list(STATEMENT_BUCKETS), as_of=start, partner_ids=partner_ids).items():
        opening[(pid, cur)][code] = minor
    entries = (LedgerEntry.objects.filter(transaction__sealed=True, transaction__effective_at__gte=start,
                                          transaction__effective_at__lt=end, account__partner__isnull=False,
                                          account__code__in=STATEMENT_BUCKETS)
               .order_by("transaction__effective_at", "transaction_id", "id")
               .values_list("account__partner_id", "currency", "account__code", "amount_minor", "transaction_id",
                            "transaction__public_id", "transaction__kind", "transaction__memo", "transaction__source",
                            "transaction__effective_at"))
    if partner_ids is not None:
        entries = entries.filter(account__partner_id__in=partner_ids)
    lines: dict[tuple[int, str], list[dict]] = defaultdict(list)
    last: dict[tuple[int, str], dict] = {}
    for pid, cur, code, minor, txn_id, txn_public, kind, memo, source, at in entries.iterator(chunk_size=5000):
        key = (pid, cur)
        line = last.get(key)
        if line is None or line["_id"] != txn_id:
            line = {"_id": txn_id, "date": at.astimezone(tz).date().isoformat(), "txn": txn_public, "kind": kind, "memo": memo,
                    "source": source, "amounts": {}}
            lines[key].append(line)
            last[key] = line
        line["amounts"][code] = line["amounts"].get(code, 0) + minor
    now = timezone.now()
    out = []
    for key in sorted(set(lines) | {k for k, v in opening.items() if any(v.values())}):
        pid, cur = key
        open_ = dict(opening[key]) if key in opening else _empty()
        close = dict(open_)
        inflow = _empty()
        rows = lines.get(key, [])
        for line in rows:
            line.pop("_id", None)
            line["amounts"] = {c: m for c, m in line["amounts"].items() if m}
            for code, minor in line["amounts"].items():
                close[code] += minor
                if minor > 0:
                    inflow[code] += minor
        rows = [ln for ln in rows if ln["amounts"]]
        totals = {
            "accrued": inflow["incentive.accrued"], "held": close["incentive.held"], "payable": close["incentive.payable"],
            "mdf_payable": close["mdf.claimed"], "incentive_paid": inflow["incentive.paid"], "mdf_paid": inflow["mdf.paid"],
            "paid": inflow["incentive.paid"] + inflow["mdf.paid"],
        }
        out.append(Statement(partner_id=pid, period_start=period_start, period_end=period_end, currency=cur, opening=open_,
                             closing=close, totals=totals, lines=rows, generated_at=now))
    return out


@transaction.atomic
def statements_generate(*, actor, period_start: date, period_end: date, partner_ids=None) -> int:
    """Compute and store the period's statements (replacing earlier ones of the same period); returns how many.

    ``actor`` None is the system (CLI, benchmark); people need ``finance.pay``.
    """
    if actor is not None and not can_generate_statements(actor):
        raise PermissionDenied("Only the vendor's finance team generates statements.")
    period_start, period_end = clean_period(period_start, period_end)
    built = statements_build(period_start=period_start, period_end=period_end, partner_ids=partner_ids)
    for st in built:
        st.generated_by = actor if getattr(actor, "pk", None) else None
    Statement.objects.bulk_create(built, batch_size=500, update_conflicts=True,
                                  unique_fields=["partner", "period_start", "period_end", "currency"],
                                  update_fields=["opening", "closing", "totals", "lines", "generated_at", "generated_by"])
    stale = Statement.objects.filter(period_start=period_start, period_end=period_end)
    if partner_ids is not None:
        stale = stale.filter(partner_id__in=partner_ids)
    keep = {(st.partner_id, st.currency) for st in built}
    gone = [pk for pk, pid, cur in stale.values_list("pk", "partner_id", "currency") if (pid, cur) not in keep]
    if gone:
        Statement.objects.filter(pk__in=gone).delete()
    if actor is not None:
        from allied.partners.models import Partner

        audit_record(actor=actor, action="statements.generated", obj=actor,
                     after={"period_start": period_start, "period_end": period_end, "statements": len(built),
                            "partners": "all" if partner_ids is None else [p for p in Partner.objects.filter(pk__in=partner_ids)
                                                                           .values_list("public_id", flat=True)]})
    return len(built)
