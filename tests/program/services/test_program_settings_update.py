"""program/services.py::program_settings_update"""

import pytest

from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.program.models import ProgramSettings
from allied.program.services import program_settings_update


def stored() -> dict:
    return ProgramSettings.objects.filter(pk=ProgramSettings.current().pk).values().get()


def test_updates_settings_and_audits(world):
    program_settings_update(actor=world.admin, data={"vendor_name": " Northwind ", "downgrade_grace_days": "30",
                                                     "tier_auto_apply": True, "distributors_see_subpartners": False})
    ps = ProgramSettings.current()
    assert (ps.vendor_name, ps.downgrade_grace_days, ps.tier_auto_apply, ps.distributors_see_subpartners) == (
        "Northwind", 30, True, False)
    event = AuditEvent.objects.get(action="program.updated")
    assert event.before["downgrade_grace_days"] == 90 and event.after["downgrade_grace_days"] == 30


@pytest.mark.parametrize(("data", "field"), [
    ({"vendor_name": "  "}, "vendor_name"),
    ({"downgrade_grace_days": "ninety"}, "downgrade_grace_days"),
    ({"downgrade_grace_days": -1}, "downgrade_grace_days"),
    ({"downgrade_grace_days": 731}, "downgrade_grace_days"),
    ({"downgrade_grace_days": None}, "downgrade_grace_days"),
])
def test_invalid_values_name_the_field_and_change_nothing(world, data, field):
    before = stored()
    with pytest.raises(DomainError) as exc:
        program_settings_update(actor=world.admin, data={"tier_auto_apply": True, **data})
    assert exc.value.field == field
    assert stored() == before
    assert not AuditEvent.objects.filter(action="program.updated").exists()


def test_bounds_are_inclusive(world):
    program_settings_update(actor=world.admin, data={"downgrade_grace_days": 0})
    assert ProgramSettings.current().downgrade_grace_days == 0
    program_settings_update(actor=world.admin, data={"downgrade_grace_days": 730})
    assert ProgramSettings.current().downgrade_grace_days == 730


@pytest.mark.parametrize("who", ["cam", "finance", "a_admin"])
def test_only_program_admin(world, who):
    with pytest.raises(PermissionDenied):
        program_settings_update(actor=getattr(world, who), data={"tier_auto_apply": True})
    assert ProgramSettings.current().tier_auto_apply is False
