"""tiering/services.py::tier_proposal_reject"""

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.partners.models import Partner
from allied.tiering.models import ProposalStatus, TierChange, TierProposal
from allied.tiering.services import tier_evaluate, tier_proposal_reject
from tests.factories import make_silver_worthy, tier


@pytest.fixture
def proposal(world) -> TierProposal:
    make_silver_worthy(world.partner_b)
    tier_evaluate(actor=None, partner_ids=[world.partner_b.pk])
    return TierProposal.objects.get(partner=world.partner_b)


@pytest.mark.parametrize("note", ["", "   "])
def test_note_is_required(world, proposal, note):
    with pytest.raises(DomainError) as exc:
        tier_proposal_reject(actor=world.cam, proposal=proposal, note=note)
    assert exc.value.field == "note"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_reject_keeps_the_tier_and_records_why(world, proposal):
    tier_proposal_reject(actor=world.cam, proposal=proposal, note=" Deals under review ")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.decision_note == "Deals under review" and proposal.decided_by == world.cam
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Registered")
    assert not TierChange.objects.exists()
    event = AuditEvent.objects.get(action="tier_proposal.rejected")
    assert event.before == {"status": "pending"} and event.after["status"] == "rejected"


def test_rejecting_twice_is_a_conflict(world, proposal):
    tier_proposal_reject(actor=world.cam, proposal=proposal, note="no")
    with pytest.raises(Conflict):
        tier_proposal_reject(actor=world.cam, proposal=proposal, note="no again")


def test_partner_user_cannot_reject(world, proposal):
    with pytest.raises(PermissionDenied):
        tier_proposal_reject(actor=world.b_admin, proposal=proposal, note="nope")


def test_rejected_upgrade_is_proposed_again_on_next_evaluation(world, proposal):
    tier_proposal_reject(actor=world.cam, proposal=proposal, note="wait a quarter")
    tier_evaluate(actor=None, partner_ids=[world.partner_b.pk])
    statuses = list(TierProposal.objects.filter(partner=world.partner_b).order_by("id").values_list("status", flat=True))
    assert statuses == ["rejected", "pending"]
