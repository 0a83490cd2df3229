"""Registering over the API with an ``Idempotency-Key``: a client that retries after a timeout gets the first deal.

The key is the user's own (two users may use the same key) and lives for a day. The unique
constraint on (user, key) settles two identical requests racing each other: the second one's
registration is rolled back and it answers with the first one's deal.
"""

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from allied.core.errors import Conflict, DomainError

from ..models import DealRegistration, DealSource, IdempotencyKey
from .registration import deal_register

KEY_LIFETIME = timedelta(hours=24)
FIELD = "Idempotency-Key"


def request_hash(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _earlier(actor, key: str, digest: str) -> DealRegistration | None:
    row = (IdempotencyKey.objects.select_related("deal").filter(user=actor, key=key, created_at__gte=timezone.now() - KEY_LIFETIME)
           .first())
    if row is None:
        return None
    if row.request_hash != digest:
        raise Conflict("This Idempotency-Key was already used with a different request; use a new key for a new registration.",
                       field=FIELD)
    return row.deal


def deal_register_once(*, actor, key: str, body: dict, data: dict, partner=None,
                       source: str = DealSource.API) -> tuple[DealRegistration, bool]:
    """``(deal, created)``: the deal registered for ``key`` in the last 24 hours, or a new registration.

    ``body`` is the request as sent (it decides whether a replay is the same request); ``data`` and
    ``partner`` go to ``deal_register``.
    """
    key = (key or "").strip()
    if not key or len(key) > 255 or not key.isprintable():
        raise DomainError("Send 1 to 255 printable characters, such as a UUID.", field=FIELD)
    digest = request_hash(body)
    if (deal := _earlier(actor, key, digest)) is not None:
        return deal, False
    try:
        with transaction.atomic():
            # An expired use of the key makes way; a fresh one (a concurrent twin) is left for the constraint.
            IdempotencyKey.objects.filter(user=actor, key=key, created_at__lt=timezone.now() - KEY_LIFETIME).delete()
            deal = deal_register(actor=actor, data=data, partner=partner, source=source)
            IdempotencyKey.objects.create(user=actor, key=key, request_hash=digest, deal=deal)
    except IntegrityError:
        # The same key committed by a concurrent request while this one registered: answer with its deal.
        if (deal := _earlier(actor, key, digest)) is None:
            raise
        return deal, False
    return deal, True


def idempotency_keys_purge(*, now=None) -> int:
    """Forget keys older than their lifetime (hourly housekeeping)."""
    return IdempotencyKey.objects.filter(created_at__lt=(now or timezone.now()) - KEY_LIFETIME).delete()[0]
