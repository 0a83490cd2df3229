"""Replaying a period: every event in it evaluated again with the rules as they are now.

Accruals are data derived from events and rules, so a replay gives the same result whenever it
runs: the first one after a retroactive rule change posts the differences, the next one posts
nothing. The whole rule periods (month, quarter or year) around the dates asked for are evaluated,
since volume brackets and caps depend on every event of their period.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import DomainError
from allied.core.permissions import require_perm

from ..models import IncentiveReplay
from .accruals import reconcile
from .rule_params import clean_date

MAX_DAYS = 3 * 366 + 1


@transaction.atomic
def incentives_replay(*, actor, period_start, period_end, now=None) -> IncentiveReplay:
    """Evaluate ``period_start`` … ``period_end`` (both included) again and post what changed."""
    require_perm(actor, "incentives.manage")
    now = now or timezone.now()
    if period_start in (None, ""):
        raise DomainError("From which day?", field="period_start")
    if period_end in (None, ""):
        raise DomainError("Until which day (included)?", field="period_end")
    start, end = clean_date(period_start, "period_start"), clean_date(period_end, "period_end")
    if end < start:
        raise DomainError("The period ends before it starts.", field="period_end")
    if (end - start).days > MAX_DAYS:
        raise DomainError("Replay at most three years at a time.", field="period_end")
    if start > timezone.localdate(now):
        raise DomainError("Nothing has happened in that period yet.", field="period_start")
    outcome = reconcile(start=start, end=end + timedelta(days=1), actor=actor, now=now)
    replay = IncentiveReplay.objects.create(
        period_start=start, period_end=end, evaluated_from=outcome.evaluated_from, evaluated_to=outcome.evaluated_to,
        events=outcome.events, accruals=outcome.accruals, changed=outcome.changed, net=outcome.net,
        requested_by=actor if getattr(actor, "pk", None) else None, created_at=now)
    audit_record(actor=actor, action="incentives.replayed", obj=replay,
                 after={"period_start": start, "period_end": end, "events": outcome.events, "changed": outcome.changed,
                        "net": outcome.net})
    return replay
