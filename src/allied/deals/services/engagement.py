"""Editing the rules of engagement."""

from django.core.exceptions import ValidationError
from django.db import transaction

from allied.core.audit import audit_record, snapshot
from allied.core.errors import DomainError
from allied.core.permissions import require_perm

from ..models import EngagementRules

EDITABLE = ("protection_days", "approval_sla_hours", "auto_approve_clean", "registration_conflict", "named_account_policy",
            "direct_opportunity_policy", "existing_customer_policy", "renewal_to_incumbent", "tie_window_minutes",
            "max_extensions", "extension_days", "reminder_days")


@transaction.atomic
def rules_update(*, actor, data: dict) -> EngagementRules:
    require_perm(actor, "deals.rules")
    rules = EngagementRules.objects.select_for_update().get(pk=EngagementRules.current().pk)
    if bad := sorted(set(data) - set(EDITABLE)):
        raise DomainError("Unknown setting.", field=bad[0])
    if "reminder_days" in data:
        value = data["reminder_days"]
        if isinstance(value, str):
            value = [v for v in value.replace(";", ",").split(",") if v.strip()]
        try:
            days = sorted({int(v) for v in value}, reverse=True)
        except (TypeError, ValueError):
            raise DomainError("List whole numbers of days, such as 14, 3.", field="reminder_days")
        if any(d < 1 or d > 365 for d in days) or len(days) > 5:
            raise DomainError("Up to five reminders, each 1 to 365 days before expiry.", field="reminder_days")
        data = {**data, "reminder_days": days}
    before = snapshot(rules, list(data))
    for k, v in data.items():
        setattr(rules, k, v)
    try:
        rules.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages), field=field)
    rules.save()
    after = snapshot(rules, list(data))
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        audit_record(actor=actor, action="deal_rules.updated", obj=rules, before={k: before[k] for k in changed}, after=changed)
    return rules
