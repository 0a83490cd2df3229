"""Holdback and release: accrued incentives become payable when their holdback ends.

``incentives_release(today)`` runs in the worker every hour. Each accrual still in ``accrued``
moves to ``payable`` when its ``releasable_on`` has come, otherwise to ``held`` (the partner sees
"held back until …"); each ``held`` one moves to ``payable`` on its day. One posting per partner,
currency and move; a clawback moves with the accrual it claws back, so the two net out.
"""

import hashlib
from collections import defaultdict
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from allied.core.money import from_minor
from allied.ledger.services import ledger_post, move
from allied.partners.models import Partner

from ..models import STATE_ACCOUNT, AccrualState, IncentiveAccrual

MOVES = {  # (from, due) → to
    (AccrualState.ACCRUED, True): AccrualState.PAYABLE,
    (AccrualState.ACCRUED, False): AccrualState.HELD,
    (AccrualState.HELD, True): AccrualState.PAYABLE,
}
KINDS = {AccrualState.HELD: "incentive.hold", AccrualState.PAYABLE: "incentive.release"}


def _moment(today: date, now=None):
    """When the postings count: ``now``, the end of ``today`` when releasing for a day gone by, else the ledger's
    clock (real time, or the demo seed's ``ledger_clock``)."""
    if now is not None:
        return now
    if today < timezone.localdate():
        return timezone.make_aware(datetime.combine(today, time(23, 59, 59)))
    return None


@transaction.atomic
def incentives_release(*, today: date | None = None, now=None) -> dict:
    """Move accrued → held or payable and held → payable as of ``today``; answers how many of each moved."""
    today = today or timezone.localdate(now)
    at = _moment(today, now)
    rows = list(IncentiveAccrual.objects.select_for_update().filter(state=AccrualState.ACCRUED).order_by("pk")) + list(
        IncentiveAccrual.objects.select_for_update().filter(state=AccrualState.HELD, releasable_on__lte=today).order_by("pk"))
    groups: dict[tuple[int, str, str, str], list[IncentiveAccrual]] = defaultdict(list)
    for row in rows:
        to = MOVES[(row.state, row.releasable_on <= today)]
        groups[(row.partner_id, row.currency, row.state, to)].append(row)
    public = dict(Partner.objects.filter(pk__in={k[0] for k in groups}).values_list("pk", "public_id"))
    counts = {"held": 0, "payable": 0, "postings": 0}
    for (partner_id, currency, source, to), members in sorted(groups.items()):
        total = sum(r.amount_minor for r in members)
        txn = None
        if total:
            digest = hashlib.sha256(",".join(f"{r.pk}:{r.amount_minor}" for r in members).encode()).hexdigest()[:16]
            key = f"incentive-release:{public[partner_id]}:{currency}:{source}>{to}:{today.isoformat()}:{digest}"
            txn = ledger_post(
                kind=KINDS[to], idempotency_key=key, currency=currency,
                legs=move(from_minor(total, currency), source=(STATE_ACCOUNT[source], partner_id), to=(STATE_ACCOUNT[to], partner_id)),
                memo=f"{len(members)} incentive accrual{'s' if len(members) != 1 else ''} "
                     + ("held back until their holdback ends" if to == AccrualState.HELD else "released: payable"),
                partner_id=partner_id, source=f"incentive-release:{today.isoformat()}", effective_at=at)
            counts["postings"] += 1
        ids = [r.pk for r in members]
        update = {"state": to, "updated_at": at or timezone.now()}
        if txn is not None:
            update["release_txn"] = txn
        for i in range(0, len(ids), 900):
            IncentiveAccrual.objects.filter(pk__in=ids[i:i + 900]).update(**update)
        counts["held" if to == AccrualState.HELD else "payable"] += len(members)
    return counts
