"""An approved registration's life: updates, stages, close won/lost, withdrawal, extensions, expiry and reminders."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allied.core import hooks
from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.permissions import has_perm, require_perm
from allied.customers.models import AccountSource, CustomerAccount
from allied.customers.services import account_keys_refresh
from allied.partners.models import Achievement, AchievementKind

from .. import events
from ..models import OPEN, DealRegistration, DealStatus, EngagementRules, ExtensionRequest, ExtensionStatus
from .registration import keys_drop
from .validation import clean_amount, clean_registration

UPDATABLE = ("stage", "amount", "currency", "expected_close_date", "contact_name", "contact_email", "contact_phone",
             "contact_title", "products", "notes")


def can_work(actor, deal: DealRegistration) -> bool:
    """The registering partner's sellers and the vendor's deal reviewers may work a registration."""
    if has_perm(actor, "deals.review"):
        return True
    return actor.partner_id == deal.partner_id and has_perm(actor, "partner.deals.register")


def _require_work(actor, deal):
    if not can_work(actor, deal):
        raise PermissionDenied("Only the registering partner's sales team or the vendor can change this registration.")


def _locked(deal):
    return DealRegistration.objects.select_for_update().select_related("partner").get(pk=deal.pk)


@transaction.atomic
def deal_update(*, actor, deal: DealRegistration, data: dict) -> DealRegistration:
    """Change what may change after registering. The customer itself cannot change: withdraw and register again."""
    deal = _locked(deal)
    _require_work(actor, deal)
    if bad := sorted(set(data) - set(UPDATABLE)):
        raise DomainError("The customer of a registration cannot change; withdraw it and register again.", field=bad[0])
    if deal.status not in OPEN:
        raise Conflict("Only open registrations can be changed.")
    fields = clean_registration(data, today=timezone.localdate(), partial=True)
    before = snapshot(deal, list(fields))
    for k, v in fields.items():
        setattr(deal, k, v)
    deal.save()
    changed = {k: v for k, v in snapshot(deal, list(fields)).items() if before[k] != v}
    if changed:
        audit_record(actor=actor, action="deal.updated", obj=deal, partner_id=deal.partner_id,
                     before={k: before[k] for k in changed}, after=changed)
    return deal


def _record_customer(deal: DealRegistration, closed_at) -> CustomerAccount:
    """A won deal makes the customer a vendor customer, with the sourcing partner as its partner of record."""
    account = deal.account
    if account is None:
        account = CustomerAccount.objects.filter(domain=deal.domain).first() if deal.domain else None
    if account is None:
        account = CustomerAccount.objects.create(
            name=deal.customer_name, name_normalized=deal.customer_name_normalized, website=deal.website, domain=deal.domain,
            country=deal.country, is_customer=True, customer_since=closed_at.date(), incumbent_partner=deal.partner,
            source=AccountSource.DEAL)
    else:
        account.is_customer = True
        account.customer_since = account.customer_since or closed_at.date()
        if account.incumbent_partner_id is None or deal.deal_type == "new_logo":
            account.incumbent_partner = deal.partner
        account.save(update_fields=["is_customer", "customer_since", "incumbent_partner", "updated_at"])
    account_keys_refresh([account])
    return account


@transaction.atomic
def deal_close(*, actor, deal: DealRegistration, won: bool, amount=None, lost_reason: str = "", closed_at=None) -> DealRegistration:
    """Close an approved registration. A win records partner-sourced revenue (a tier fact) and the customer."""
    deal = _locked(deal)
    _require_work(actor, deal)
    if deal.status != DealStatus.APPROVED:
        raise Conflict("Only approved registrations can be closed.")
    closed_at = closed_at or timezone.now()
    before = {"status": deal.status}
    deal.closed_at = closed_at
    if won:
        deal.won_amount = clean_amount(amount if amount not in (None, "") else deal.amount, "amount")
        deal.status = DealStatus.WON
        deal.account = _record_customer(deal, closed_at)
        Achievement.objects.create(partner=deal.partner, kind=AchievementKind.DEAL_WON, name=deal.customer_name[:200],
                                   amount=deal.won_amount, currency=deal.currency, occurred_at=closed_at)
    else:
        reason = (lost_reason or "").strip()
        if not reason:
            raise DomainError("Say why the deal was lost.", field="lost_reason")
        deal.status, deal.lost_reason = DealStatus.LOST, reason[:200]
    deal.save()
    keys_drop(deal)
    audit_record(actor=actor, action="deal.won" if won else "deal.lost", obj=deal, partner_id=deal.partner_id, before=before,
                 after=snapshot(deal, ["status", "won_amount", "lost_reason", "closed_at"]))
    events.deal_closed(deal, actor)
    if won:
        hooks.publish("deal.won", deal=deal, actor=actor)  # incentives accrue in this same transaction
    return deal


@transaction.atomic
def deal_withdraw(*, actor, deal: DealRegistration) -> DealRegistration:
    deal = _locked(deal)
    _require_work(actor, deal)
    if deal.status not in OPEN:
        raise Conflict("Only open registrations can be withdrawn.")
    before = deal.status
    deal.status = DealStatus.WITHDRAWN
    deal.closed_at = timezone.now()
    deal.save(update_fields=["status", "closed_at", "updated_at"])
    keys_drop(deal)
    audit_record(actor=actor, action="deal.withdrawn", obj=deal, partner_id=deal.partner_id, before={"status": before},
                 after={"status": "withdrawn"})
    return deal


@transaction.atomic
def extension_request(*, actor, deal: DealRegistration, days, reason: str) -> ExtensionRequest:
    deal = _locked(deal)
    if not (actor.partner_id == deal.partner_id and has_perm(actor, "partner.deals.register")):
        raise PermissionDenied("Only the registering partner's sales team can ask for an extension.")
    if deal.status != DealStatus.APPROVED:
        raise Conflict("Only approved registrations can be extended.")
    rules = EngagementRules.current()
    if deal.extensions >= rules.max_extensions:
        raise Conflict(f"This registration has already been extended {deal.extensions} times, the most the program allows.")
    if ExtensionRequest.objects.filter(deal=deal, status=ExtensionStatus.PENDING).exists():
        raise Conflict("An extension request is already waiting for a decision.")
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise DomainError("Enter a number of days.", field="days")
    if not 1 <= days <= rules.extension_days:
        raise DomainError(f"Ask for 1 to {rules.extension_days} days.", field="days")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you need more time.", field="reason")
    ext = ExtensionRequest.objects.create(deal=deal, requested_by=actor, days=days, reason=reason[:2000])
    audit_record(actor=actor, action="deal.extension_requested", obj=deal, partner_id=deal.partner_id,
                 after={"days": days, "reason": ext.reason, "request": ext.public_id})
    events.extension_requested(ext)
    return ext


@transaction.atomic
def extension_decide(*, actor, request: ExtensionRequest, approve: bool) -> ExtensionRequest:
    require_perm(actor, "deals.review")
    ext = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if ext.status != ExtensionStatus.PENDING:
        raise Conflict("This extension request has already been decided.")
    deal = _locked(ext.deal)
    if approve and deal.status != DealStatus.APPROVED:
        raise Conflict("The registration is no longer approved; it cannot be extended.")
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DECLINED
    ext.decided_by, ext.decided_at = actor, timezone.now()
    ext.save()
    if approve:
        before = deal.protection_expires_at
        deal.protection_expires_at = max(deal.protection_expires_at or ext.decided_at, ext.decided_at) + timedelta(days=ext.days)
        deal.extensions += 1
        deal.reminded_days = None
        deal.save(update_fields=["protection_expires_at", "extensions", "reminded_days", "updated_at"])
        audit_record(actor=actor, action="deal.extended", obj=deal, partner_id=deal.partner_id,
                     before={"protection_expires_at": before}, after={"protection_expires_at": deal.protection_expires_at})
    else:
        audit_record(actor=actor, action="deal.extension_declined", obj=deal, partner_id=deal.partner_id,
                     after={"request": ext.public_id})
    ext.deal = deal
    events.extension_decided(ext)
    return ext


@transaction.atomic
def deals_expire(*, now=None) -> int:
    """Approved registrations past their protection end expire; the customer is free to register again."""
    now = now or timezone.now()
    expired = list(DealRegistration.objects.select_for_update().select_related("partner").filter(
        status=DealStatus.APPROVED, protection_expires_at__lt=now).order_by("pk"))
    for deal in expired:
        deal.status, deal.closed_at = DealStatus.EXPIRED, now
        deal.save(update_fields=["status", "closed_at", "updated_at"])
        keys_drop(deal)
        audit_record(actor=None, action="deal.expired", obj=deal, partner_id=deal.partner_id, before={"status": "approved"},
                     after={"status": "expired"})
        events.deal_expired(deal)
    return len(expired)


@transaction.atomic
def deals_remind_expiring(*, now=None) -> int:
    """One reminder per configured threshold (e.g. 14 and 3 days before the protection ends)."""
    now = now or timezone.now()
    thresholds = sorted({int(d) for d in EngagementRules.current().reminder_days or [] if int(d) > 0}, reverse=True)
    if not thresholds:
        return 0
    sent = 0
    due = DealRegistration.objects.select_for_update().select_related("partner").filter(
        status=DealStatus.APPROVED, protection_expires_at__gte=now,
        protection_expires_at__lte=now + timedelta(days=thresholds[0])).order_by("pk")
    for deal in due:
        left = deal.protection_expires_at - now
        crossed = [d for d in thresholds if left <= timedelta(days=d)]
        threshold = min(crossed)
        if deal.reminded_days is not None and deal.reminded_days <= threshold:
            continue
        deal.reminded_days = threshold
        deal.save(update_fields=["reminded_days", "updated_at"])
        events.deal_expiring(deal, max(left.days, 0) + (1 if left.seconds else 0))
        sent += 1
    return sent

