"""program/services.py::tier_delete"""

import pytest

from allied.core.errors import Conflict, PermissionDenied
from allied.core.models import AuditEvent
from allied.program.models import Tier, TierRequirement
from allied.program.services import tier_delete
from tests.conftest import make_user
from tests.factories import set_tier, tier


def test_refuses_while_partners_hold_the_tier(world):
    set_tier(world.partner_b, "Gold")
    with pytest.raises(Conflict) as exc:
        tier_delete(actor=world.admin, tier=tier("Gold"))
    assert exc.value.field == "tier"
    assert "1 partner(s)" in exc.value.message
    assert Tier.objects.filter(name="Gold").exists()
    assert TierRequirement.objects.filter(tier__name="Gold").exists()


def test_deletes_an_empty_tier_with_its_requirements(world):
    gold = tier("Gold")
    tier_delete(actor=world.admin, tier=gold)
    assert not Tier.objects.filter(name="Gold").exists()
    assert not TierRequirement.objects.filter(tier_id=gold.pk).exists()
    assert AuditEvent.objects.get(action="tier.deleted").before["name"] == "Gold"


def test_the_last_tier_cannot_be_deleted(db):
    admin = make_user("admin@vendor.example", "program_admin")
    for name in ("Platinum", "Gold", "Silver"):
        tier_delete(actor=admin, tier=tier(name))
    with pytest.raises(Conflict):
        tier_delete(actor=admin, tier=tier("Registered"))
    assert Tier.objects.count() == 1


def test_only_program_admin(world):
    with pytest.raises(PermissionDenied):
        tier_delete(actor=world.cam, tier=tier("Platinum"))
    assert Tier.objects.filter(name="Platinum").exists()
