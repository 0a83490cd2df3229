"""Posting to the ledger: the only way money moves.

``ledger_post`` writes one balanced transaction. Every posting carries an idempotency key: the
same key with the same body returns the first transaction (a retry after a timeout or a worker
that died after committing); the same key with a different body is refused. Callers pick keys
that name the business fact, e.g. ``claim-paid:clm_…``, so that two concurrent requests for the
same fact collide on the key's unique index instead of paying twice.
"""

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from allied.core.errors import Conflict, DomainError
from allied.core.money import clean_currency, from_minor, to_minor

from .models import VENDOR_CODES, AccountCode, LedgerAccount, LedgerEntry, LedgerTransaction

_clock: ContextVar = ContextVar("ledger_clock", default=None)


@contextmanager
def ledger_clock(at):
    """Postings inside count as of ``at`` unless they say otherwise: how the demo seed writes two years of
    history through the real services. ``created_at`` stays the real time of writing."""
    token = _clock.set(at)
    try:
        yield
    finally:
        _clock.reset(token)


@dataclass(frozen=True)
class Leg:
    """One side of a posting: ``amount`` (a signed ``Decimal``) into the account ``code`` of ``partner_id``."""

    code: str
    partner_id: int | None
    amount: Decimal


def move(amount: Decimal, *, source: tuple[str, int | None], to: tuple[str, int | None]) -> list[Leg]:
    """The common posting: ``amount`` leaves ``source`` and enters ``to`` (each a ``(code, partner_id)``)."""
    return [Leg(source[0], source[1], -amount), Leg(to[0], to[1], amount)]


def _body_hash(kind: str, currency: str, legs: list[Leg], source: str) -> str:
    body = {"kind": kind, "currency": currency, "source": source,
            "legs": sorted([leg.code, leg.partner_id or 0, str(leg.amount)] for leg in legs)}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _check(legs: list[Leg], currency: str) -> dict[tuple[str, int | None], int]:
    if not legs:
        raise DomainError("A posting needs at least two legs.")
    net: dict[tuple[str, int | None], int] = {}
    for leg in legs:
        if leg.code not in AccountCode.values:
            raise ValueError(f"unknown ledger account {leg.code!r}")
        if (leg.code in VENDOR_CODES) != (leg.partner_id is None):
            raise ValueError(f"{leg.code} is a {'vendor' if leg.code in VENDOR_CODES else 'partner'} account")
        minor = to_minor(leg.amount, currency)
        net[(leg.code, leg.partner_id)] = net.get((leg.code, leg.partner_id), 0) + minor
    if sum(net.values()) != 0:
        raise ValueError("a ledger posting must sum to zero")
    return {k: v for k, v in net.items() if v != 0}


def accounts_for(keys, currency: str) -> dict[tuple[str, int | None], LedgerAccount]:
    """The accounts for ``(code, partner_id)`` keys in ``currency`` (one query), created on first use."""
    keys = list(keys)
    codes = {code for code, _ in keys}
    partner_ids = {pid for _, pid in keys if pid is not None}
    q = Q(partner__isnull=True) if any(pid is None for _, pid in keys) else Q(pk__in=[])
    if partner_ids:
        q |= Q(partner_id__in=partner_ids)
    found = {(a.code, a.partner_id): a for a in LedgerAccount.objects.filter(q, code__in=codes, currency=currency)}
    for code, partner_id in keys:
        if (code, partner_id) in found:
            continue
        try:
            with transaction.atomic():
                account = LedgerAccount.objects.create(code=code, partner_id=partner_id, currency=currency)
        except IntegrityError:  # created by a concurrent posting
            account = LedgerAccount.objects.get(code=code, partner_id=partner_id, currency=currency)
        found[(code, partner_id)] = account
    return {key: found[key] for key in keys}


@transaction.atomic
def ledger_post(*, kind: str, idempotency_key: str, currency: str, legs: list[Leg], memo: str = "",
                partner_id: int | None = None, source: str = "", effective_at=None, actor=None,
                reverses: LedgerTransaction | None = None) -> LedgerTransaction:
    """Write one balanced transaction, or return the one already written under ``idempotency_key``."""
    currency = clean_currency(currency)
    if not idempotency_key or len(idempotency_key) > 200:
        raise DomainError("Every posting needs an idempotency key of at most 200 characters.", field="idempotency_key")
    body_hash = _body_hash(kind, currency, legs, source)
    existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay(existing, body_hash)
    net = _check(legs, currency)
    if not net:
        raise DomainError("A posting must move money.")
    accounts = accounts_for(sorted(net, key=lambda k: (k[0], k[1] or 0)), currency)
    try:
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(
                kind=kind, memo=memo[:500], idempotency_key=idempotency_key, body_hash=body_hash, partner_id=partner_id,
                source=source[:80], effective_at=effective_at or _clock.get() or timezone.now(),
                created_by=actor if getattr(actor, "pk", None) else None, reverses=reverses)
    except IntegrityError:  # the same key committed by a concurrent request a moment ago
        return _replay(LedgerTransaction.objects.get(idempotency_key=idempotency_key), body_hash)
    LedgerEntry.objects.bulk_create([LedgerEntry(transaction=txn, account=accounts[key], currency=currency, amount_minor=minor)
                                     for key, minor in net.items()])
    LedgerTransaction.objects.filter(pk=txn.pk).update(sealed=True)
    txn.sealed = True
    return txn


def _replay(existing: LedgerTransaction, body_hash: str) -> LedgerTransaction:
    if existing.body_hash != body_hash:
        raise Conflict("This idempotency key was already used for a different posting.", field="idempotency_key")
    return existing


@transaction.atomic
def ledger_reverse(*, txn: LedgerTransaction, idempotency_key: str, memo: str = "", actor=None,
                   effective_at=None) -> LedgerTransaction:
    """Undo ``txn`` with a mirror transaction (the original stays, as every ledger keeps it)."""
    entries = list(txn.entries.select_related("account"))
    currency = entries[0].currency
    legs = [Leg(e.account.code, e.account.partner_id, -from_minor(e.amount_minor, currency)) for e in entries]
    return ledger_post(kind=f"{txn.kind}.reversed"[:40], idempotency_key=idempotency_key, currency=currency, legs=legs,
                       memo=memo or f"Reverses {txn.public_id}", partner_id=txn.partner_id, source=txn.source,
                       effective_at=effective_at, actor=actor, reverses=txn)
