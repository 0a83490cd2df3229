"""tiering/services.py::tier_proposal_approve"""

import pytest

from allied.core.errors import Conflict, PermissionDenied
from allied.core.models import AuditEvent
from allied.partners.models import Partner
from allied.tiering.models import ProposalStatus, TierChange, TierProposal
from allied.tiering.services import tier_evaluate, tier_proposal_approve
from tests.conftest import make_user
from tests.factories import make_silver_worthy, set_tier, tier


@pytest.fixture
def proposal(world) -> TierProposal:
    """A pending Registered -> Silver proposal for B (owned by world.cam)."""
    make_silver_worthy(world.partner_b)
    tier_evaluate(actor=None, partner_ids=[world.partner_b.pk])
    return TierProposal.objects.get(partner=world.partner_b, status=ProposalStatus.PENDING)


def test_owning_cam_approves_and_the_tier_changes(world, proposal):
    # when
    tier_proposal_approve(actor=world.cam, proposal=proposal, note=" Well earned ")
    # then
    partner = Partner.objects.get(pk=world.partner_b.pk)
    assert partner.tier == tier("Silver")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPLIED
    assert proposal.decided_by == world.cam and proposal.decided_at is not None
    assert proposal.decision_note == "Well earned"
    change = TierChange.objects.get(partner=partner)
    assert (change.from_tier, change.to_tier, change.actor, change.proposal) == (tier("Registered"), tier("Silver"), world.cam, proposal)
    assert "2 of 2 closed-won deals (trailing 12 months)" in change.reason and change.reason.endswith("— Well earned")
    assert partner.tier_since == change.changed_at
    actions = set(AuditEvent.objects.filter(partner_id=partner.pk, actor=world.cam).values_list("action", flat=True))
    assert actions == {"tier_proposal.approved", "partner.tier_changed"}
    event = AuditEvent.objects.get(action="partner.tier_changed")
    assert event.before == {"tier": "Registered"} and event.after == {"tier": "Silver"}


def test_program_admin_may_approve_any_partner(world, proposal):
    tier_proposal_approve(actor=world.admin, proposal=proposal)
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Silver")


def test_cam_who_does_not_own_the_partner_is_denied(world, proposal):
    other_cam = make_user("cam2@vendor.example", "cam")
    with pytest.raises(PermissionDenied):
        tier_proposal_approve(actor=other_cam, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Registered")
    assert not TierChange.objects.exists()


@pytest.mark.parametrize("who", ["b_admin", "pmm", "finance"])
def test_partner_users_and_other_roles_are_denied(world, proposal, who):
    with pytest.raises(PermissionDenied):
        tier_proposal_approve(actor=getattr(world, who), proposal=proposal)
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Registered")


def test_approving_twice_is_a_conflict(world, proposal):
    tier_proposal_approve(actor=world.cam, proposal=proposal)
    with pytest.raises(Conflict):
        tier_proposal_approve(actor=world.cam, proposal=proposal)
    assert TierChange.objects.count() == 1


def test_stale_proposal_is_a_conflict(world, proposal):
    # given the partner's tier changed after the proposal was made
    set_tier(world.partner_b, "Gold")
    with pytest.raises(Conflict):
        tier_proposal_approve(actor=world.cam, proposal=proposal)
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Gold")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
