"""Writing incentive rules: create, change (a new version), activate a draft, retire.

A rule never changes under the accruals it earned. A draft is edited in place (it never applied);
changing an active rule writes version n+1 from a day on, and version n ends that day. Retiring ends
every version on a day (versions that would only start later never apply). Events already
accrued keep their accruals until their period is replayed (``incentives_replay``), which the
console offers right after a change that reaches into the past.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError
from allied.core.ids import new_public_id
from allied.core.permissions import require_perm

from ..models import IncentiveRule, RuleStatus
from .rule_params import clean_date, clean_rule

SNAPSHOT = ("name", "kind", "status", "version", "effective_from", "effective_to", "params")


def _snapshot(rule: IncentiveRule) -> dict:
    return {f: getattr(rule, f) for f in SNAPSHOT}


def _versions(rule: IncentiveRule) -> list[IncentiveRule]:
    return list(IncentiveRule.objects.select_for_update().filter(rule_key=rule.rule_key).order_by("version"))


@transaction.atomic
def rule_create(*, actor, data: dict, activate: bool = True, now=None) -> IncentiveRule:
    """A new rule (version 1), active at once or kept as a draft."""
    require_perm(actor, "incentives.manage")
    now = now or timezone.now()
    fields, params = clean_rule(data)
    public_id = new_public_id("rul")
    rule = IncentiveRule.objects.create(
        public_id=public_id, rule_key=public_id, version=1, params=params, created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now, status=RuleStatus.ACTIVE if activate else RuleStatus.DRAFT, activated_at=now if activate else None,
        **fields)
    audit_record(actor=actor, action="incentive_rule.created", obj=rule, after=_snapshot(rule))
    return rule


@transaction.atomic
def rule_revise(*, actor, rule: IncentiveRule, data: dict, now=None) -> IncentiveRule:
    """Change a rule: a draft in place; an active rule as a new version from ``effective_from`` (default today)."""
    require_perm(actor, "incentives.manage")
    now = now or timezone.now()
    versions = _versions(rule)
    latest = versions[-1]
    if latest.status == RuleStatus.RETIRED:
        raise Conflict("This rule is retired; create a new rule instead.")
    if rule.pk != latest.pk:
        raise Conflict(f"Version {latest.version} is the current one; change that version.")
    if latest.status == RuleStatus.DRAFT:
        fields, params = clean_rule(data, partial_of=latest)
        before = _snapshot(latest)
        for k, v in fields.items():
            setattr(latest, k, v)
        latest.params = params
        latest.save()
        audit_record(actor=actor, action="incentive_rule.updated", obj=latest, before=before, after=_snapshot(latest))
        return latest
    data = dict(data)
    if not data.get("effective_from"):
        data["effective_from"] = timezone.localdate(now)
    start = clean_date(data["effective_from"], "effective_from")
    if start <= latest.effective_from:
        raise DomainError(f"Version {latest.version} applies from {latest.effective_from.isoformat()}; the new version must "
                          "start after that (to replace the rule from its first day, retire it and create a new one).",
                          field="effective_from")
    if "effective_to" not in data and latest.effective_to is not None and latest.effective_to <= start:
        data["effective_to"] = None  # the old end is before the new start: the new version runs open-ended
    fields, params = clean_rule(data, partial_of=latest)
    before = {"version": latest.version, "effective_to": latest.effective_to}
    if latest.effective_to is None or latest.effective_to > fields["effective_from"]:
        latest.effective_to = fields["effective_from"]
        latest.save(update_fields=["effective_to"])
    new = IncentiveRule.objects.create(
        public_id=new_public_id("rul"), rule_key=latest.rule_key, version=latest.version + 1, params=params,
        status=RuleStatus.ACTIVE, activated_at=now, created_by=actor if getattr(actor, "pk", None) else None, created_at=now,
        **fields)
    audit_record(actor=actor, action="incentive_rule.versioned", obj=new, before=before, after=_snapshot(new))
    return new


@transaction.atomic
def rule_activate(*, actor, rule: IncentiveRule, now=None) -> IncentiveRule:
    """A draft starts to apply (from its ``effective_from``)."""
    require_perm(actor, "incentives.manage")
    rule = IncentiveRule.objects.select_for_update().get(pk=rule.pk)
    if rule.status != RuleStatus.DRAFT:
        raise Conflict("Only a draft can be activated.")
    rule.status, rule.activated_at = RuleStatus.ACTIVE, now or timezone.now()
    rule.save(update_fields=["status", "activated_at"])
    audit_record(actor=actor, action="incentive_rule.activated", obj=rule, before={"status": "draft"}, after={"status": "active"})
    return rule


@transaction.atomic
def rule_retire(*, actor, rule: IncentiveRule, effective_to=None, now=None) -> IncentiveRule:
    """End the rule: no event from ``effective_to`` on (default tomorrow, so today's events still earn) accrues under it."""
    require_perm(actor, "incentives.manage")
    now = now or timezone.now()
    versions = _versions(rule)
    latest = versions[-1]
    if latest.status == RuleStatus.RETIRED:
        raise Conflict("This rule is already retired.")
    end = clean_date(effective_to, "effective_to") if effective_to not in (None, "") else timezone.localdate(now) + timedelta(days=1)
    applied = [v for v in versions if v.activated_at is not None]
    if applied and end <= applied[0].effective_from and applied[0].effective_from <= timezone.localdate(now):
        raise DomainError(f"The rule has applied since {applied[0].effective_from.isoformat()}; it can end the day after at "
                          "the earliest.", field="effective_to")
    before = {v.version: [v.status, v.effective_to] for v in versions}
    for v in versions:
        if v.activated_at is not None and v.effective_from >= end:
            v.activated_at = None  # would only start after the end: it never applies
        elif v.effective_to is None or v.effective_to > end:
            v.effective_to = end
        v.status = RuleStatus.RETIRED
        v.retired_at, v.retired_by = now, actor if getattr(actor, "pk", None) else None
        v.save(update_fields=["activated_at", "effective_to", "status", "retired_at", "retired_by"])
    latest.refresh_from_db()
    audit_record(actor=actor, action="incentive_rule.retired", obj=latest, before={"versions": before},
                 after={"effective_to": end})
    return latest
