"""The ledger postings of the MDF program, and what a period holds in each bucket.

Every posting's ``source`` is ``mdf:<period id>:<object id>``, so the postings of one period can be
found by prefix and the period's figures are sums of ledger entries, never stored totals. Keys name
the business fact (``mdf-request-approve:fr_…``): a retry returns the first posting.
"""

from django.db.models import Sum

from allied.ledger.models import AccountCode, LedgerEntry
from allied.ledger.services import Leg, ledger_post

FUNDING, POOL = AccountCode.MDF_FUNDING.value, AccountCode.MDF_POOL.value
ALLOCATED, COMMITTED = AccountCode.MDF_ALLOCATED.value, AccountCode.MDF_COMMITTED.value
CLAIMED, PAID = AccountCode.MDF_CLAIMED.value, AccountCode.MDF_PAID.value


def source_of(period, obj=None) -> str:
    """``mdf:fp_…:clm_…``: the ledger source of a posting about ``obj`` in ``period``."""
    return f"mdf:{period.public_id}:{(obj or period).public_id}"


def period_minor(period, *, partner_id: int | None = None) -> dict[tuple[str, int | None], int]:
    """``{(code, partner_id): minor}`` summed over the period's postings (one query)."""
    qs = LedgerEntry.objects.filter(transaction__source__startswith=f"mdf:{period.public_id}:", transaction__sealed=True)
    if partner_id is not None:
        qs = qs.filter(account__partner_id=partner_id)
    rows = qs.values("account__code", "account__partner_id").annotate(total=Sum("amount_minor"))
    return {(r["account__code"], r["account__partner_id"]): int(r["total"] or 0) for r in rows}


def pool_available_minor(period) -> int:
    return period_minor(period).get((POOL, None), 0)


def allocated_available_minor(period, partner_id: int) -> int:
    return period_minor(period, partner_id=partner_id).get((ALLOCATED, partner_id), 0)


def post(*, kind: str, key: str, period, obj, legs: list[Leg], memo: str, partner_id: int | None, actor):
    return ledger_post(kind=kind, idempotency_key=key, currency=period.currency, legs=legs, memo=memo,
                       partner_id=partner_id, source=source_of(period, obj), actor=actor)
