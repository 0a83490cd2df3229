"""Tier evaluation and decisions on tier proposals."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.core.permissions import has_perm
from allied.partners.models import Partner, PartnerStatus
from allied.program.facts import fact_get
from allied.program.models import ProgramSettings, Tier

from .models import OPEN_STATUSES, ProposalStatus, TierChange, TierProposal
from .rules import TierRule, qualifying_rule, reasons_for

BATCH = 2000


@dataclass
class EvaluationSummary:
    evaluated: int = 0
    upgrades: int = 0
    downgrades: int = 0
    in_grace: int = 0
    applied: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    proposals: list[str] = field(default_factory=list)


def tier_rules() -> list[TierRule]:
    tiers = Tier.objects.prefetch_related("requirements").order_by("rank")
    return [
        TierRule(t.pk, t.name, t.rank, tuple((r.fact, r.threshold) for r in t.requirements.all()))
        for t in tiers
    ]


def facts_for(partner_ids: list[int] | None, as_of: datetime, keys: set[str]) -> dict[int, dict[str, Decimal]]:
    """Every needed fact for the given partners (all when None), computed in bulk per fact."""
    out: dict[int, dict[str, Decimal]] = {}
    for key in sorted(keys):
        fact = fact_get(key)
        if fact is None:
            continue
        for pid, value in fact.compute(partner_ids, as_of).items():
            out.setdefault(pid, {})[key] = value
    return out


def _apply(partner_id: int, from_tier_id: int, to_tier_id: int, *, now, actor, reason: str, proposal=None) -> TierChange:
    Partner.objects.filter(pk=partner_id).update(tier_id=to_tier_id, tier_since=now, updated_at=now)
    return TierChange(partner_id=partner_id, from_tier_id=from_tier_id, to_tier_id=to_tier_id, changed_at=now,
                      reason=reason, actor=actor, proposal=proposal)


@transaction.atomic
def tier_evaluate(*, actor, partner_ids: list[int] | None = None, as_of: datetime | None = None) -> EvaluationSummary:
    """Evaluate tiers for the given partners (all active/onboarding ones when None).

    Upgrades become proposals (or apply at once when the program auto-applies). A partner
    below its tier first gets a grace period; if still below when it ends, the downgrade is
    proposed (or applied). A proposal that no longer applies is withdrawn.
    """
    if actor is not None and not has_perm(actor, "tiers.evaluate"):
        raise PermissionDenied()
    now = timezone.now()
    as_of = as_of or now
    program = ProgramSettings.current()
    rules = tier_rules()
    if not rules:
        raise DomainError("Define at least one tier first.")
    by_id = {r.tier_id: r for r in rules}
    keys = {k for r in rules for k, _ in r.requirements}

    partners_qs = Partner.objects.filter(status__in=[PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE])
    if partner_ids is not None:
        partners_qs = partners_qs.filter(pk__in=partner_ids)
    partners = list(partners_qs.values_list("pk", "tier_id", "public_id"))
    partner_public = {pk: public_id for pk, _, public_id in partners}
    ids_filter = [p[0] for p in partners] if partner_ids is not None else None
    facts = facts_for(ids_filter, as_of, keys)
    open_qs = TierProposal.objects.filter(status__in=OPEN_STATUSES)
    if ids_filter is not None:
        open_qs = open_qs.filter(partner_id__in=ids_filter)
    open_props = {p.partner_id: p for p in open_qs}

    summary = EvaluationSummary()
    new_props: list[TierProposal] = []
    changes: list[TierChange] = []
    withdraw_ids: list[int] = []
    updated_props: list[TierProposal] = []
    events: list[AuditEvent] = []
    label = actor.email if getattr(actor, "pk", None) else "system"

    def event(action, public_id, pid, before=None, after=None):
        events.append(AuditEvent(occurred_at=now, actor=actor if getattr(actor, "pk", None) else None, actor_label=label,
                                 action=action, object_type="tierproposal" if public_id.startswith("tpr") else "partner",
                                 object_id=public_id, partner_id=pid, before=before or {}, after=after or {}))

    for pid, tier_id, ptn_public in partners:
        summary.evaluated += 1
        current = by_id.get(tier_id) or rules[0]
        pfacts = facts.get(pid, {})
        target = qualifying_rule(rules, pfacts)
        existing = open_props.get(pid)
        facts_json = {k: str(v) for k, v in pfacts.items()}

        if target.rank == current.rank:
            summary.unchanged += 1
            if existing:
                withdraw_ids.append(existing.pk)
                summary.withdrawn += 1
                event("tier_proposal.withdrawn", existing.public_id, pid, {"status": existing.status}, {"status": "withdrawn"})
            continue

        reasons = reasons_for(current, target, rules, pfacts)
        upgrade = target.rank > current.rank
        if existing and existing.to_tier_id == target.tier_id and existing.from_tier_id == current.tier_id:
            existing.reasons, existing.facts = reasons, facts_json
            if existing.status == ProposalStatus.GRACE and existing.grace_until and existing.grace_until <= now:
                if program.tier_auto_apply:
                    existing.status, existing.decided_at = ProposalStatus.APPLIED, now
                    changes.append(_apply(pid, current.tier_id, target.tier_id, now=now, actor=None,
                                          reason="; ".join(reasons), proposal=existing))
                    summary.applied += 1
                    event("partner.tier_changed", ptn_public, pid, {"tier": current.name}, {"tier": target.name})
                else:
                    existing.status = ProposalStatus.PENDING
                event("tier_proposal.grace_ended", existing.public_id, pid, {"status": "grace"}, {"status": existing.status})
            if existing.status == ProposalStatus.GRACE:
                summary.in_grace += 1
            updated_props.append(existing)
            summary.upgrades += upgrade
            summary.downgrades += not upgrade
            continue
        if existing:
            withdraw_ids.append(existing.pk)
            summary.withdrawn += 1
            event("tier_proposal.withdrawn", existing.public_id, pid, {"status": existing.status}, {"status": "withdrawn"})

        grace_days = program.downgrade_grace_days
        grace_until = now + timedelta(days=grace_days)
        if existing and not upgrade and existing.from_tier_id == current.tier_id and by_id[existing.to_tier_id].rank < current.rank:
            # Falling further below the same tier does not restart the grace period that already runs (or ran out).
            grace_until = existing.grace_until if existing.status == ProposalStatus.GRACE and existing.grace_until else now
        prop = TierProposal(partner_id=pid, from_tier_id=current.tier_id, to_tier_id=target.tier_id, reasons=reasons,
                            facts=facts_json, created_at=now)
        prop.public_id = TierProposal._meta.get_field("public_id").pre_save(prop, True)
        if not upgrade and grace_days > 0 and grace_until > now:
            prop.status, prop.grace_until = ProposalStatus.GRACE, grace_until
            summary.in_grace += 1
        elif program.tier_auto_apply:
            prop.status, prop.decided_at = ProposalStatus.APPLIED, now
            summary.applied += 1
        else:
            prop.status = ProposalStatus.PENDING
        summary.upgrades += upgrade
        summary.downgrades += not upgrade
        new_props.append(prop)
        event("tier_proposal.created", prop.public_id, pid, {}, {"from": current.name, "to": target.name, "status": prop.status,
                                                                 "reasons": reasons})

    if withdraw_ids:
        for i in range(0, len(withdraw_ids), BATCH):
            TierProposal.objects.filter(pk__in=withdraw_ids[i:i + BATCH]).update(status=ProposalStatus.WITHDRAWN, decided_at=now)
    if updated_props:
        TierProposal.objects.bulk_update(updated_props, ["reasons", "facts", "status", "decided_at"], batch_size=BATCH)
    TierProposal.objects.bulk_create(new_props, batch_size=BATCH)
    for prop in new_props:
        if prop.status == ProposalStatus.APPLIED:
            changes.append(_apply(prop.partner_id, prop.from_tier_id, prop.to_tier_id, now=now, actor=None,
                                  reason="; ".join(prop.reasons), proposal=prop))
            event("partner.tier_changed", partner_public[prop.partner_id], prop.partner_id,
                  {"tier": by_id[prop.from_tier_id].name}, {"tier": by_id[prop.to_tier_id].name})
    for change in changes:
        change.public_id = TierChange._meta.get_field("public_id").pre_save(change, True)
    TierChange.objects.bulk_create(changes, batch_size=BATCH)
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    summary.proposals = [p.public_id for p in new_props]
    return summary


def _lock_open(proposal: TierProposal) -> TierProposal:
    locked = TierProposal.objects.select_for_update().select_related("partner", "from_tier", "to_tier").get(pk=proposal.pk)
    if locked.status not in (ProposalStatus.PENDING, ProposalStatus.GRACE):
        raise Conflict(f"This proposal is already {locked.get_status_display().lower()}.", field="status")
    return locked


def _can_decide(actor, proposal: TierProposal) -> bool:
    if not has_perm(actor, "tiers.decide"):
        return False
    return actor.role == "program_admin" or proposal.partner.cam_id in (None, actor.pk)


@transaction.atomic
def tier_proposal_approve(*, actor, proposal: TierProposal, note: str = "") -> TierProposal:
    proposal = _lock_open(proposal)
    if not _can_decide(actor, proposal):
        raise PermissionDenied("Only the partner's CAM or a program admin can decide this proposal.")
    partner = Partner.objects.select_for_update().get(pk=proposal.partner_id)
    if partner.tier_id != proposal.from_tier_id:
        raise Conflict("The partner's tier changed since this proposal was made; evaluate again.")
    now = timezone.now()
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.decision_note = ProposalStatus.APPLIED, actor, now, note.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    change = _apply(partner.pk, proposal.from_tier_id, proposal.to_tier_id, now=now, actor=actor,
                    reason="; ".join(proposal.reasons) + (f" — {note.strip()}" if note.strip() else ""), proposal=proposal)
    change.save()
    audit_record(actor=actor, action="tier_proposal.approved", obj=proposal, before={"status": "pending"},
                 after={"status": "applied", "note": note}, partner_id=partner.pk)
    audit_record(actor=actor, action="partner.tier_changed", obj=partner, before={"tier": proposal.from_tier.name},
                 after={"tier": proposal.to_tier.name}, partner_id=partner.pk)
    return proposal


@transaction.atomic
def tier_proposal_reject(*, actor, proposal: TierProposal, note: str = "") -> TierProposal:
    proposal = _lock_open(proposal)
    if not _can_decide(actor, proposal):
        raise PermissionDenied("Only the partner's CAM or a program admin can decide this proposal.")
    if not note.strip():
        raise DomainError("Say why the proposal is rejected.", field="note")
    before = proposal.status
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.decision_note = (
        ProposalStatus.REJECTED, actor, timezone.now(), note.strip())
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="tier_proposal.rejected", obj=proposal, before={"status": before},
                 after={"status": "rejected", "note": note}, partner_id=proposal.partner_id)
    return proposal


@transaction.atomic
def partner_tier_set(*, actor, partner: Partner, tier: Tier, reason: str) -> TierChange:
    """Manual override by a program admin, with a reason; any open proposal is withdrawn."""
    if actor is None or actor.role != "program_admin":
        raise PermissionDenied("Only a program admin can set a tier by hand.")
    if not reason.strip():
        raise DomainError("Give a reason for the manual tier change.", field="reason")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.tier_id == tier.pk:
        raise Conflict(f"The partner is already {tier.name}.", field="tier")
    now = timezone.now()
    TierProposal.objects.filter(partner=partner, status__in=OPEN_STATUSES).update(status=ProposalStatus.WITHDRAWN, decided_at=now)
    old = partner.tier
    change = _apply(partner.pk, old.pk, tier.pk, now=now, actor=actor, reason=f"Manual: {reason.strip()}")
    change.save()
    audit_record(actor=actor, action="partner.tier_changed", obj=partner, before={"tier": old.name},
                 after={"tier": tier.name, "reason": reason.strip()}, partner_id=partner.pk)
    return change
