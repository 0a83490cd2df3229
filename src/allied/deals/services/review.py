"""CAM review: approve or decline registrations (one or many), and escalate those past their SLA."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError
from allied.core.permissions import require_perm

from .. import events
from ..models import DealRegistration, DealStatus, Decision, EngagementRules
from .registration import keys_drop


def _locked(deal: DealRegistration) -> DealRegistration:
    return DealRegistration.objects.select_for_update(of=("self",)).select_related("partner", "partner__cam", "registered_by").get(pk=deal.pk)


@transaction.atomic
def deal_approve(*, actor, deal: DealRegistration, reason: str = "", now=None) -> DealRegistration:
    require_perm(actor, "deals.review")
    deal = _locked(deal)
    if deal.status != DealStatus.PENDING:
        raise Conflict(f"Only registrations in review can be approved; this one is {deal.get_status_display().lower()}.")
    now = now or timezone.now()
    rules = EngagementRules.current()
    deal.status, deal.decision, deal.decided_at, deal.decided_by = DealStatus.APPROVED, Decision.APPROVED, now, actor
    deal.protection_expires_at = now + timedelta(days=rules.protection_days)
    deal.decision_reason = (reason or "").strip()[:1000] or "Approved by your channel manager."
    deal.save(update_fields=["status", "decision", "decided_at", "decided_by", "protection_expires_at", "decision_reason", "updated_at"])
    audit_record(actor=actor, action="deal.approved", obj=deal, partner_id=deal.partner_id, before={"status": "pending"},
                 after={"status": "approved", "reason": deal.decision_reason, "protection_expires_at": deal.protection_expires_at})
    events.deal_approved(deal)
    return deal


@transaction.atomic
def deal_decline(*, actor, deal: DealRegistration, reason: str, now=None) -> DealRegistration:
    require_perm(actor, "deals.review")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Tell the partner why the registration is declined.", field="reason")
    deal = _locked(deal)
    if deal.status != DealStatus.PENDING:
        raise Conflict(f"Only registrations in review can be declined; this one is {deal.get_status_display().lower()}.")
    deal.status, deal.decision, deal.decided_at, deal.decided_by = DealStatus.DECLINED, Decision.DECLINED, now or timezone.now(), actor
    deal.decision_reason = reason[:1000]
    deal.save(update_fields=["status", "decision", "decided_at", "decided_by", "decision_reason", "updated_at"])
    keys_drop(deal)
    audit_record(actor=actor, action="deal.declined", obj=deal, partner_id=deal.partner_id, before={"status": "pending"},
                 after={"status": "declined", "reason": reason})
    events.deal_declined(deal)
    return deal


@transaction.atomic
def deals_bulk_decide(*, actor, deals: list[DealRegistration], approve: bool, reason: str = "") -> int:
    """Approve or decline several registrations in review; all or none."""
    require_perm(actor, "deals.review")
    if not deals:
        raise DomainError("Select at least one registration.", field="deals")
    for deal in sorted(deals, key=lambda d: d.pk):  # lock in pk order
        if approve:
            deal_approve(actor=actor, deal=deal, reason=reason)
        else:
            deal_decline(actor=actor, deal=deal, reason=reason)
    return len(deals)


@transaction.atomic
def deals_escalate_overdue(*, now=None) -> int:
    """Registrations waiting past their approval SLA: mark escalated and tell the CAM and program admins (once)."""
    now = now or timezone.now()
    overdue = list(DealRegistration.objects.select_for_update(of=("self",)).select_related("partner", "partner__cam").filter(
        status=DealStatus.PENDING, sla_due_at__lt=now, escalated_at__isnull=True).order_by("pk"))
    admins = list(get_user_model().objects.filter(role="program_admin", is_active=True, partner__isnull=True)
                  .values_list("email", flat=True))
    for deal in overdue:
        deal.escalated_at = now
        deal.save(update_fields=["escalated_at", "updated_at"])
        audit_record(actor=None, action="deal.escalated", obj=deal, partner_id=deal.partner_id, after={"sla_due_at": deal.sla_due_at})
        events.deal_escalated(deal, admins)
    return len(overdue)
