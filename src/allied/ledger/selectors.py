"""Reading the ledger: balances are sums of entries in sealed transactions, never stored figures."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from allied.core.money import from_minor
from allied.core.scope import scope_queryset

from .models import LedgerEntry, LedgerTransaction


def _entries(*, as_of=None, since=None):
    qs = LedgerEntry.objects.filter(transaction__sealed=True)
    if as_of is not None:
        qs = qs.filter(transaction__effective_at__lt=as_of)
    if since is not None:
        qs = qs.filter(transaction__effective_at__gte=since)
    return qs


def partner_balances(*, partner_id: int, as_of=None) -> dict[str, dict[str, Decimal]]:
    """``{currency: {account code: balance}}`` for one partner (before ``as_of`` if given)."""
    rows = (_entries(as_of=as_of).filter(account__partner_id=partner_id)
            .values("account__code", "currency").annotate(total=Sum("amount_minor")))
    out: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        out[row["currency"]][row["account__code"]] = from_minor(int(row["total"]), row["currency"])
    return dict(out)


def balances_by_partner(*, codes: list[str] | None = None, as_of=None, since=None, partner_ids=None) -> dict[tuple[int, str, str], int]:
    """``{(partner_id, currency, code): minor units}`` for many partners in one query."""
    qs = _entries(as_of=as_of, since=since).filter(account__partner__isnull=False)
    if codes:
        qs = qs.filter(account__code__in=codes)
    if partner_ids is not None:
        qs = qs.filter(account__partner_id__in=partner_ids)
    rows = qs.values("account__partner_id", "currency", "account__code").annotate(total=Sum("amount_minor"))
    return {(r["account__partner_id"], r["currency"], r["account__code"]): int(r["total"]) for r in rows}


def vendor_balances(*, as_of=None) -> dict[str, dict[str, Decimal]]:
    rows = (_entries(as_of=as_of).filter(account__partner__isnull=True)
            .values("account__code", "currency").annotate(total=Sum("amount_minor")))
    out: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        out[row["currency"]][row["account__code"]] = from_minor(int(row["total"]), row["currency"])
    return dict(out)


def transaction_list(*, actor, partner_id: int | None = None, source: str | None = None):
    """Sealed transactions visible to ``actor`` (a partner sees only its own), newest first."""
    qs = LedgerTransaction.objects.filter(sealed=True).prefetch_related("entries__account").order_by("-effective_at", "-id")
    qs = scope_queryset(qs, actor)
    if partner_id is not None:
        qs = qs.filter(partner_id=partner_id)
    if source:
        qs = qs.filter(source=source)
    return qs


def trial_balance() -> dict[str, int]:
    """Sum of every entry per currency: zero in a healthy ledger (the database guarantees it)."""
    rows = _entries().values("currency").annotate(total=Sum("amount_minor"))
    return {r["currency"]: int(r["total"]) for r in rows}
