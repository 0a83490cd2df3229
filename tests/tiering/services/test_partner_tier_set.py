"""tiering/services.py::partner_tier_set"""

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.partners.models import Partner
from allied.tiering.models import ProposalStatus, TierChange, TierProposal
from allied.tiering.services import partner_tier_set, tier_evaluate
from tests.factories import make_silver_worthy, tier


def test_program_admin_sets_tier_with_reason(world):
    change = partner_tier_set(actor=world.admin, partner=world.partner_b, tier=tier("Gold"), reason=" Strategic account ")
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Gold")
    change = TierChange.objects.get(pk=change.pk)
    assert (change.from_tier, change.to_tier, change.actor) == (tier("Registered"), tier("Gold"), world.admin)
    assert change.reason == "Manual: Strategic account"
    event = AuditEvent.objects.get(action="partner.tier_changed")
    assert event.after == {"tier": "Gold", "reason": "Strategic account"}


def test_open_proposal_is_withdrawn(world):
    make_silver_worthy(world.partner_b)
    tier_evaluate(actor=None, partner_ids=[world.partner_b.pk])
    partner_tier_set(actor=world.admin, partner=world.partner_b, tier=tier("Platinum"), reason="Board decision")
    assert TierProposal.objects.get(partner=world.partner_b).status == ProposalStatus.WITHDRAWN


@pytest.mark.parametrize("who", ["cam", "pmm", "b_admin"])
def test_only_program_admin(world, who):
    with pytest.raises(PermissionDenied):
        partner_tier_set(actor=getattr(world, who), partner=world.partner_b, tier=tier("Gold"), reason="because")
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Registered")


def test_reason_is_required(world):
    with pytest.raises(DomainError) as exc:
        partner_tier_set(actor=world.admin, partner=world.partner_b, tier=tier("Gold"), reason="  ")
    assert exc.value.field == "reason"
    assert not TierChange.objects.exists()


def test_same_tier_is_a_conflict(world):
    with pytest.raises(Conflict) as exc:
        partner_tier_set(actor=world.admin, partner=world.partner_b, tier=tier("Registered"), reason="noop")
    assert exc.value.field == "tier"
