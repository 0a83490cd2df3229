"""program/services.py::tier_save"""

from decimal import Decimal

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.program.models import Tier
from allied.program.services import tier_save
from tests.factories import tier


def test_creates_a_tier(world):
    t = tier_save(actor=world.admin, tier=None, data={"name": " Diamond ", "rank": "5", "discount_pct": "30.5",
                                                      "support_level": "dedicated", "color": "#112233", "mdf_eligible": 1})
    t = Tier.objects.get(pk=t.pk)
    assert (t.name, t.rank, t.discount_pct, t.support_level, t.color, t.mdf_eligible) == (
        "Diamond", 5, Decimal("30.50"), "dedicated", "#112233", True)
    event = AuditEvent.objects.get(action="tier.saved", object_id=t.public_id)
    assert event.before == {} and event.after["name"] == "Diamond"


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "silver", "rank": 9}, "name"),
    ({"name": "Diamond", "rank": 2}, "rank"),
])
def test_name_and_rank_stay_unique(world, data, field):
    with pytest.raises(Conflict) as exc:
        tier_save(actor=world.admin, tier=None, data=data)
    assert exc.value.field == field
    assert Tier.objects.count() == 4


def test_renaming_to_another_tiers_name_is_a_conflict(world):
    with pytest.raises(Conflict) as exc:
        tier_save(actor=world.admin, tier=tier("Gold"), data={"name": "Platinum"})
    assert exc.value.field == "name"
    assert Tier.objects.filter(name="Gold").exists()


def test_updating_a_tier_keeps_its_own_name_and_rank(world):
    gold = tier("Gold")
    tier_save(actor=world.admin, tier=gold, data={"name": "Gold", "rank": 3, "discount_pct": 22})
    gold.refresh_from_db()
    assert gold.discount_pct == Decimal("22")
    event = AuditEvent.objects.get(action="tier.saved")
    assert event.before["discount_pct"] == "20.00" and event.after["discount_pct"] == "22"


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "X"}, "rank"),
    ({"rank": 7}, "name"),
    ({"name": "X", "rank": 0}, "rank"),
    ({"name": "X", "rank": "high"}, "rank"),
    ({"name": "X", "rank": 7, "discount_pct": 101}, "discount_pct"),
    ({"name": "X", "rank": 7, "discount_pct": "NaN"}, "discount_pct"),
    ({"name": "X", "rank": 7, "color": "blue"}, "color"),
    ({"name": "X", "rank": 7, "support_level": "vip"}, "support_level"),
    ({"name": "X", "rank": 7, "lead_priority": -1}, "lead_priority"),
    ({"name": "X", "rank": 7, "lead_priority": 1_000_000}, "lead_priority"),
])
def test_invalid_values_name_the_field(world, data, field):
    with pytest.raises(DomainError) as exc:
        tier_save(actor=world.admin, tier=None, data=data)
    assert exc.value.field == field
    assert not Tier.objects.filter(name="X").exists()


@pytest.mark.parametrize("who", ["cam", "pmm", "a_admin"])
def test_only_program_admin(world, who):
    with pytest.raises(PermissionDenied):
        tier_save(actor=getattr(world, who), tier=None, data={"name": "Diamond", "rank": 5})
