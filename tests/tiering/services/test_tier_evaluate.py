"""tiering/services.py::tier_evaluate (default tiers from program/0002: Silver needs 2 deals, $50,000, 1 cert)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.core.errors import PermissionDenied
from allied.core.models import AuditEvent
from allied.onboarding.models import OnboardingTask, TaskStatus
from allied.partners.models import Achievement, Partner
from allied.tiering.models import ProposalStatus, TierChange, TierProposal
from allied.tiering.services import tier_evaluate
from tests.factories import certification, deal_won, make_silver_worthy, program_set, set_tier, tier


def evaluate(world, partner, **kw):
    return tier_evaluate(actor=world.admin, partner_ids=[partner.pk], **kw)


def proposals(partner):
    return list(TierProposal.objects.filter(partner=partner).order_by("id"))


def test_qualifying_partner_gets_a_pending_upgrade_with_reasons(world):
    # given B meets every Silver requirement
    make_silver_worthy(world.partner_b)
    # when
    summary = evaluate(world, world.partner_b)
    # then one pending proposal Registered -> Silver, explained in words
    [prop] = proposals(world.partner_b)
    assert prop.status == ProposalStatus.PENDING
    assert (prop.from_tier, prop.to_tier) == (tier("Registered"), tier("Silver"))
    assert prop.reasons == [
        "Meets every Silver requirement",
        "1 of 1 active certifications",
        "2 of 2 closed-won deals (trailing 12 months)",
        "$60,000 of $50,000 closed-won revenue (trailing 12 months)",
    ]
    assert prop.facts["deals_won_12m"] == "2"
    assert summary.upgrades == 1 and summary.proposals == [prop.public_id]
    # the tier itself waits for a decision
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Registered")
    assert not TierChange.objects.exists()
    event = AuditEvent.objects.get(action="tier_proposal.created")
    assert event.object_id == prop.public_id and event.partner_id == world.partner_b.pk
    assert event.after["to"] == "Silver"


def test_almost_qualifying_partner_gets_nothing(world):
    deal_won(world.partner_b, 60000)
    certification(world.partner_b)
    summary = evaluate(world, world.partner_b)
    assert proposals(world.partner_b) == []
    assert summary.unchanged == 1


def test_auto_apply_changes_the_tier_at_once(world):
    # given the program applies tier changes without approval
    program_set(tier_auto_apply=True)
    make_silver_worthy(world.partner_b)
    # when
    summary = evaluate(world, world.partner_b)
    # then
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Silver")
    [prop] = proposals(world.partner_b)
    assert prop.status == ProposalStatus.APPLIED
    change = TierChange.objects.get(partner=world.partner_b)
    assert (change.from_tier, change.to_tier, change.proposal) == (tier("Registered"), tier("Silver"), prop)
    assert "2 of 2 closed-won deals (trailing 12 months)" in change.reason
    assert summary.applied == 1
    event = AuditEvent.objects.get(action="partner.tier_changed")
    assert event.object_type == "partner" and event.object_id == world.partner_b.public_id
    assert event.before == {"tier": "Registered"} and event.after == {"tier": "Silver"}


def test_downgrade_starts_a_grace_period(world):
    # given B is Silver but no longer measures up
    set_tier(world.partner_b, "Silver")
    program_set(downgrade_grace_days=30)
    before = timezone.now()
    # when
    summary = evaluate(world, world.partner_b)
    # then a grace proposal, and B keeps Silver for now
    [prop] = proposals(world.partner_b)
    assert prop.status == ProposalStatus.GRACE
    assert (prop.from_tier, prop.to_tier) == (tier("Silver"), tier("Registered"))
    assert before + timedelta(days=30) <= prop.grace_until <= timezone.now() + timedelta(days=30)
    assert prop.reasons[0] == "No longer meets Silver"
    assert "0 of 2 closed-won deals (trailing 12 months)" in prop.reasons
    assert summary.downgrades == 1 and summary.in_grace == 1
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Silver")


def test_grace_period_ending_makes_the_downgrade_pending(world):
    set_tier(world.partner_b, "Silver")
    evaluate(world, world.partner_b)
    [prop] = proposals(world.partner_b)
    # given the grace period has passed
    TierProposal.objects.filter(pk=prop.pk).update(grace_until=timezone.now() - timedelta(minutes=1))
    # when
    evaluate(world, world.partner_b)
    # then the same proposal waits for a decision
    [after] = proposals(world.partner_b)
    assert after.pk == prop.pk and after.status == ProposalStatus.PENDING
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Silver")
    assert AuditEvent.objects.filter(action="tier_proposal.grace_ended", object_id=prop.public_id).exists()


def test_grace_ending_with_auto_apply_downgrades(world):
    program_set(tier_auto_apply=True)
    set_tier(world.partner_b, "Silver")
    evaluate(world, world.partner_b)
    # auto-apply still gives a grace period for downgrades
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Silver")
    TierProposal.objects.filter(partner=world.partner_b).update(grace_until=timezone.now() - timedelta(minutes=1))
    evaluate(world, world.partner_b)
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Registered")
    assert proposals(world.partner_b)[0].status == ProposalStatus.APPLIED
    assert TierChange.objects.filter(partner=world.partner_b, to_tier=tier("Registered")).count() == 1


def test_zero_grace_days_proposes_downgrade_at_once(world):
    program_set(downgrade_grace_days=0)
    set_tier(world.partner_b, "Silver")
    evaluate(world, world.partner_b)
    [prop] = proposals(world.partner_b)
    assert prop.status == ProposalStatus.PENDING and prop.grace_until is None


def test_requalifying_during_grace_withdraws_the_proposal(world):
    # given B is in a downgrade grace period
    set_tier(world.partner_b, "Silver")
    evaluate(world, world.partner_b)
    # when B earns its Silver results back and is evaluated again
    make_silver_worthy(world.partner_b)
    summary = evaluate(world, world.partner_b)
    # then the proposal is withdrawn, B stays Silver, no new proposal
    [prop] = proposals(world.partner_b)
    assert prop.status == ProposalStatus.WITHDRAWN and prop.decided_at is not None
    assert summary.withdrawn == 1
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Silver")
    assert AuditEvent.objects.filter(action="tier_proposal.withdrawn", object_id=prop.public_id).exists()


def test_running_twice_does_not_duplicate_proposals(world):
    make_silver_worthy(world.partner_b)
    evaluate(world, world.partner_b)
    second = evaluate(world, world.partner_b)
    assert TierProposal.objects.filter(partner=world.partner_b).count() == 1
    assert second.proposals == []
    assert AuditEvent.objects.filter(action="tier_proposal.created").count() == 1


def test_evaluating_everyone_twice_is_stable(world):
    make_silver_worthy(world.partner_b)
    set_tier(world.partner_a1, "Silver")
    first = tier_evaluate(actor=None)
    second = tier_evaluate(actor=None)
    assert first.evaluated == second.evaluated == 3
    assert len(first.proposals) == 2 and second.proposals == []
    assert TierProposal.objects.count() == 2


def test_proposal_that_no_longer_applies_is_withdrawn(world):
    # given a pending Registered -> Silver proposal
    make_silver_worthy(world.partner_b)
    evaluate(world, world.partner_b)
    # when B is moved to Silver by other means and evaluated again
    set_tier(world.partner_b, "Silver")
    evaluate(world, world.partner_b)
    # then the proposal is withdrawn and nothing new is proposed
    assert [p.status for p in proposals(world.partner_b)] == [ProposalStatus.WITHDRAWN]


def test_higher_target_replaces_the_open_proposal(world):
    # given a pending Silver proposal
    make_silver_worthy(world.partner_b)
    evaluate(world, world.partner_b)
    # when B goes on to meet Gold (5 deals, $250,000, 2 certifications, onboarding complete)
    for _ in range(3):
        deal_won(world.partner_b, 70000, days_ago=3)
    certification(world.partner_b)
    OnboardingTask.objects.create(partner=world.partner_b, title="Kick-off", due_date=timezone.now().date(),
                                  status=TaskStatus.DONE)
    summary = evaluate(world, world.partner_b)
    # then the Silver proposal is withdrawn and a Gold one is pending
    old, new = proposals(world.partner_b)
    assert old.status == ProposalStatus.WITHDRAWN and old.to_tier == tier("Silver")
    assert new.status == ProposalStatus.PENDING and new.to_tier == tier("Gold")
    assert "onboarding completed: yes" in new.reasons
    assert summary.withdrawn == 1 and summary.proposals == [new.public_id]


def test_deals_older_than_twelve_months_do_not_count(world):
    deal_won(world.partner_b, 30000, days_ago=20)
    deal_won(world.partner_b, 30000, days_ago=370)
    certification(world.partner_b)
    evaluate(world, world.partner_b)
    assert proposals(world.partner_b) == []


def test_as_of_evaluates_at_a_past_moment(world):
    # given deals that were inside the window 100 days ago but one is outside it today
    deal_won(world.partner_b, 30000, days_ago=200)
    deal_won(world.partner_b, 30000, days_ago=300)
    certification(world.partner_b, days_ago=400, expires_in_days=None)
    assert evaluate(world, world.partner_b, as_of=timezone.now() - timedelta(days=500)).unchanged == 1
    evaluate(world, world.partner_b, as_of=timezone.now() - timedelta(days=100))
    assert proposals(world.partner_b)[0].to_tier == tier("Silver")


def test_expired_certifications_do_not_count(world):
    deal_won(world.partner_b, 30000, days_ago=5)
    deal_won(world.partner_b, 30000, days_ago=6)
    certification(world.partner_b, days_ago=400, expires_in_days=-1)
    evaluate(world, world.partner_b)
    assert proposals(world.partner_b) == []


def test_only_active_and_onboarding_partners_are_evaluated(world):
    make_silver_worthy(world.partner_b)
    Partner.objects.filter(pk=world.partner_b.pk).update(status="suspended")
    summary = evaluate(world, world.partner_b)
    assert summary.evaluated == 0
    assert proposals(world.partner_b) == []


@pytest.mark.parametrize("who", ["pmm", "finance", "b_admin"])
def test_only_tier_evaluators_may_run_it(world, who):
    make_silver_worthy(world.partner_b)
    with pytest.raises(PermissionDenied):
        tier_evaluate(actor=getattr(world, who))
    assert not TierProposal.objects.exists()


def test_falling_further_keeps_the_running_grace_period(world):
    # given Gold partner B that still meets Silver: a Gold -> Silver grace period starts
    set_tier(world.partner_b, "Gold")
    make_silver_worthy(world.partner_b)
    evaluate(world, world.partner_b)
    [first] = proposals(world.partner_b)
    assert first.status == ProposalStatus.GRACE and first.to_tier == tier("Silver")
    # when B later loses Silver too
    Achievement.objects.filter(partner=world.partner_b).delete()
    evaluate(world, world.partner_b)
    # then the Gold -> Registered proposal keeps the original deadline instead of a fresh 90 days
    old, new = proposals(world.partner_b)
    assert old.status == ProposalStatus.WITHDRAWN
    assert new.status == ProposalStatus.GRACE and new.to_tier == tier("Registered")
    assert new.grace_until == first.grace_until


def test_falling_further_after_grace_ended_is_pending_at_once(world):
    set_tier(world.partner_b, "Gold")
    make_silver_worthy(world.partner_b)
    evaluate(world, world.partner_b)
    TierProposal.objects.filter(partner=world.partner_b).update(grace_until=timezone.now() - timedelta(days=1))
    evaluate(world, world.partner_b)
    assert proposals(world.partner_b)[0].status == ProposalStatus.PENDING
    # when B loses Silver as well
    Achievement.objects.filter(partner=world.partner_b).delete()
    evaluate(world, world.partner_b)
    # then no new grace period: the downgrade to Registered waits for a decision
    new = proposals(world.partner_b)[-1]
    assert new.to_tier == tier("Registered") and new.status == ProposalStatus.PENDING and new.grace_until is None
