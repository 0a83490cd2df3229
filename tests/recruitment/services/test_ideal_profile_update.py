"""recruitment/services.py::ideal_profile_update"""

import pytest

from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.recruitment.models import IdealPartnerProfile
from allied.recruitment.services import ideal_profile_update


def stored() -> dict:
    return IdealPartnerProfile.objects.filter(pk=IdealPartnerProfile.current().pk).values().get()


def test_updates_targets_and_weights(world):
    ideal_profile_update(actor=world.admin, data={
        "target_partner_types": ["msp", "si"], "target_regions": "NA, emea", "target_specialties": "security, devops",
        "weight_team_size": "40", "min_team_size": 5,
    })
    p = IdealPartnerProfile.current()
    assert p.target_partner_types == ["msp", "si"]
    assert p.target_regions == ["na", "emea"]
    assert p.target_specialties == ["security", "devops"]
    assert p.weight_team_size == 40 and p.min_team_size == 5
    event = AuditEvent.objects.get(action="ideal_profile.updated")
    assert event.before["weight_team_size"] == 15 and event.after["weight_team_size"] == 40


def test_list_values_are_normalised_like_text_values(world):
    # an API client sends lists; they must match applications, which are stored lower-case
    ideal_profile_update(actor=world.admin, data={"target_regions": [" NA ", "EMEA"], "target_specialties": ["Security", ""],
                                                  "target_partner_types": ["MSP"]})
    p = IdealPartnerProfile.current()
    assert p.target_regions == ["na", "emea"]
    assert p.target_specialties == ["security"]
    assert p.target_partner_types == ["msp"]


def test_non_list_value_names_the_field(world):
    with pytest.raises(DomainError) as exc:
        ideal_profile_update(actor=world.admin, data={"target_specialties": 42})
    assert exc.value.field == "target_specialties"


@pytest.mark.parametrize(("data", "field"), [
    ({"target_regions": ["na", "mars"]}, "target_regions"),
    ({"target_partner_types": ["reseller", "pirate"]}, "target_partner_types"),
    ({"weight_region": 101}, "weight_region"),
    ({"weight_specialties": -1}, "weight_specialties"),
    ({"min_team_size": "ten"}, "min_team_size"),
])
def test_bad_values_name_the_field_and_change_nothing(world, data, field):
    IdealPartnerProfile.current()
    before = stored()
    with pytest.raises(DomainError) as exc:
        ideal_profile_update(actor=world.admin, data={"target_specialties": ["ai/ml"], **data})
    assert exc.value.field == field
    assert stored() == before


@pytest.mark.parametrize("who", ["cam", "pmm", "a_admin"])
def test_only_program_admin(world, who):
    with pytest.raises(PermissionDenied):
        ideal_profile_update(actor=getattr(world, who), data={"weight_region": 50})
