from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from allied.core.scope import scope_queryset, scoped_get
from allied.partners.models import Partner
from allied.program.models import Tier

from .models import TierChange, TierProposal
from .rules import RequirementCheck, check
from .services import facts_for, tier_rules


@dataclass
class TierProgress:
    current: Tier
    next_tier: Tier | None
    checks: list[RequirementCheck]
    current_checks: list[RequirementCheck]

    @property
    def missing(self) -> list[RequirementCheck]:
        return [c for c in self.checks if not c.met]

    @property
    def met_count(self) -> int:
        return sum(c.met for c in self.checks)


def tier_list() -> QuerySet:
    return Tier.objects.prefetch_related("requirements").order_by("rank")


def tier_progress(*, actor, partner: Partner) -> TierProgress:
    """Where the partner stands: its tier, the next tier and exactly what is missing."""
    partner = scoped_get(Partner.objects.select_related("tier"), actor, what="partner", partner_field="self", pk=partner.pk)
    rules = tier_rules()
    keys = {k for r in rules for k, _ in r.requirements}
    facts = facts_for([partner.pk], timezone.now(), keys).get(partner.pk, {})
    tiers = list(Tier.objects.order_by("rank"))
    nxt = next((t for t in tiers if t.rank > partner.tier.rank), None)
    rule_by_id = {r.tier_id: r for r in rules}
    checks = check(rule_by_id[nxt.pk], facts) if nxt else []
    current_checks = check(rule_by_id[partner.tier_id], facts) if partner.tier_id in rule_by_id else []
    return TierProgress(partner.tier, nxt, checks, current_checks)


def proposal_list(*, actor, status: str | None = None, partner: Partner | None = None) -> QuerySet:
    qs = scope_queryset(TierProposal.objects.select_related("partner", "from_tier", "to_tier", "decided_by"), actor)
    if status:
        qs = qs.filter(status=status)
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs.order_by("-created_at", "-id")


def proposal_get(*, actor, public_id: str) -> TierProposal:
    return scoped_get(TierProposal.objects.select_related("partner", "from_tier", "to_tier", "partner__cam"), actor,
                      what="tier proposal", public_id=public_id)


def tier_history(*, actor, partner: Partner) -> QuerySet:
    return scope_queryset(TierChange.objects.select_related("from_tier", "to_tier", "actor"), actor).filter(partner=partner)
