"""Registering a deal: validate, check for conflicts under one lock, decide by the rules of engagement."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import DomainError, PermissionDenied
from allied.core.permissions import has_perm
from allied.core.scope import is_vendor
from allied.partners.models import Partner, PartnerStatus

from .. import events
from ..conflicts import conflict_check, keys_for
from ..models import (
    ConflictKind,
    DealConflict,
    DealParticipant,
    DealRegistration,
    DealSource,
    DealStatus,
    Decision,
    EngagementRules,
    ParticipantRole,
    RegistrationKey,
)
from ..rules import APPROVE, DECLINE, RuleSet, decide
from .validation import clean_registration

REGISTERING_STATUSES = (PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING)


def rule_set(rules: EngagementRules) -> RuleSet:
    return RuleSet(
        auto_approve_clean=rules.auto_approve_clean, registration_conflict=rules.registration_conflict,
        named_account_policy=rules.named_account_policy, direct_opportunity_policy=rules.direct_opportunity_policy,
        existing_customer_policy=rules.existing_customer_policy, renewal_to_incumbent=rules.renewal_to_incumbent,
        tie_window_minutes=rules.tie_window_minutes)


def registering_partner(actor, partner: Partner | None) -> Partner:
    """The partner a registration is for: the actor's own organisation, or any partner for the vendor team."""
    if is_vendor(actor):
        if not has_perm(actor, "deals.review"):
            raise PermissionDenied()
        if partner is None:
            raise DomainError("Choose the partner this deal is registered for.", field="partner")
        return partner
    if not has_perm(actor, "partner.deals.register"):
        raise PermissionDenied("Your role cannot register deals; ask your partner admin.")
    if partner is not None and partner.pk != actor.partner_id:
        raise PermissionDenied("You can register deals only for your own organisation.")
    return Partner.objects.get(pk=actor.partner_id)


def keys_write(deals: list[DealRegistration]) -> None:
    RegistrationKey.objects.bulk_create([RegistrationKey(registration=d, key=k) for d in deals for k in keys_for(d)],
                                        ignore_conflicts=True)


def keys_drop(deal: DealRegistration) -> None:
    RegistrationKey.objects.filter(registration=deal).delete()


@transaction.atomic
def deal_register(*, actor, data: dict, partner: Partner | None = None, source: str = DealSource.PORTAL,
                  now=None) -> DealRegistration:
    """Register a deal and decide it at once: approved, declined or sent to CAM review — always with a reason.

    All registrations take one lock on the rules-of-engagement row, so two partners registering the
    same customer at the same moment are decided one after the other: the first valid one wins.
    """
    partner = registering_partner(actor, partner)
    if partner.status not in REGISTERING_STATUSES:
        raise DomainError("This partner is not active and cannot register deals.", field="partner")
    now = now or timezone.now()
    fields = clean_registration(data, today=timezone.localdate(now))
    fields.setdefault("currency", "USD")
    fields.setdefault("deal_type", "new_logo")

    rules = EngagementRules.objects.select_for_update().get(pk=EngagementRules.current().pk)
    evidence = conflict_check(name=fields["customer_name"], domain=fields.get("domain", ""), country=fields["country"],
                              partner_id=partner.pk)
    outcome = decide(evidence, deal_type=fields["deal_type"], partner_id=partner.pk, rules=rule_set(rules), now=now)

    deal = DealRegistration(partner=partner, registered_by=actor if getattr(actor, "pk", None) else None, source=source,
                            submitted_at=now, decision_code=outcome.code, decision_reason=outcome.partner_reason,
                            review_notes=outcome.review_notes, **fields)
    if outcome.action == APPROVE:
        deal.status, deal.decision, deal.decided_at = DealStatus.APPROVED, Decision.AUTO_APPROVED, now
        deal.protection_expires_at = now + timedelta(days=rules.protection_days)
    elif outcome.action == DECLINE:
        deal.status, deal.decision, deal.decided_at = DealStatus.DECLINED, Decision.AUTO_DECLINED, now
    else:
        deal.status, deal.decision = DealStatus.PENDING, Decision.REVIEW
        deal.sla_due_at = now + timedelta(hours=rules.approval_sla_hours)
    deal.account_id = next((e.obj for e in evidence if e.strong and e.kind in (ConflictKind.CUSTOMER, ConflictKind.NAMED_ACCOUNT)),
                           None)
    deal.save()

    decisive = {id(e) for e in outcome.decisive}
    DealConflict.objects.bulk_create([
        DealConflict(deal=deal, kind=e.kind, score=round(e.score, 3), reason=e.reason[:500], decisive=id(e) in decisive,
                     other_deal_id=e.obj if e.kind in (ConflictKind.REGISTRATION, ConflictKind.OWN_REGISTRATION) else None,
                     account_id=e.obj if e.kind in (ConflictKind.CUSTOMER, ConflictKind.NAMED_ACCOUNT) else None,
                     opportunity_id=e.obj if e.kind == ConflictKind.DIRECT_OPPORTUNITY else None)
        for e in evidence[:20]
    ])
    DealParticipant.objects.create(deal=deal, partner=partner, role=ParticipantRole.SOURCING, split_pct=100)
    if deal.status in (DealStatus.PENDING, DealStatus.APPROVED):
        keys_write([deal])
    audit_record(actor=actor, action="deal.registered", obj=deal, partner_id=partner.pk,
                 after=snapshot(deal, ["customer_name", "domain", "country", "amount", "currency", "deal_type", "status",
                                       "decision_code"]))
    events.deal_registered(deal)
    return deal
