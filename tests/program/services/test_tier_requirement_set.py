"""program/services.py::tier_requirement_set"""

from decimal import Decimal

import pytest

from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.program.models import TierRequirement
from allied.program.services import tier_requirement_set
from tests.factories import tier


def test_adds_a_requirement(world):
    tier_requirement_set(actor=world.admin, tier=tier("Silver"), fact="trainings_12m", threshold="3")
    req = TierRequirement.objects.get(tier=tier("Silver"), fact="trainings_12m")
    assert req.threshold == Decimal("3")
    event = AuditEvent.objects.get(action="tier_requirement.set")
    assert event.after == {"fact": "trainings_12m", "threshold": "3"}


def test_setting_an_existing_fact_updates_it(world):
    tier_requirement_set(actor=world.admin, tier=tier("Silver"), fact="deals_won_12m", threshold=4)
    assert TierRequirement.objects.filter(tier=tier("Silver"), fact="deals_won_12m").count() == 1
    assert TierRequirement.objects.get(tier=tier("Silver"), fact="deals_won_12m").threshold == Decimal("4")


@pytest.mark.parametrize("fact", ["made_up_fact", "", "DEALS_WON_12M"])
def test_unknown_fact_names_fact(world, fact):
    with pytest.raises(DomainError) as exc:
        tier_requirement_set(actor=world.admin, tier=tier("Silver"), fact=fact, threshold=1)
    assert exc.value.field == "fact"
    assert TierRequirement.objects.filter(tier=tier("Silver")).count() == 3


@pytest.mark.parametrize("threshold", ["-1", "abc", "Infinity", "1e20", None])
def test_bad_threshold_names_threshold(world, threshold):
    with pytest.raises(DomainError) as exc:
        tier_requirement_set(actor=world.admin, tier=tier("Silver"), fact="deals_won_12m", threshold=threshold)
    assert exc.value.field == "threshold"
    assert TierRequirement.objects.get(tier=tier("Silver"), fact="deals_won_12m").threshold == Decimal("2")


def test_only_program_admin(world):
    with pytest.raises(PermissionDenied):
        tier_requirement_set(actor=world.cam, tier=tier("Silver"), fact="deals_won_12m", threshold=1)
