"""program/services.py::agreement_publish"""

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.program.models import Agreement
from allied.program.services import agreement_publish


def test_new_version_becomes_the_only_current_one(world):
    old = Agreement.objects.get(is_current=True)
    new = agreement_publish(actor=world.admin, name=old.name, version=" 2.0 ", body=" New terms. ")
    old.refresh_from_db()
    assert old.is_current is False
    new = Agreement.objects.get(pk=new.pk)
    assert new.is_current and new.version == "2.0" and new.body == "New terms."
    assert list(Agreement.objects.filter(is_current=True)) == [new]
    assert AuditEvent.objects.get(action="agreement.published").after == {"version": "2.0"}


def test_existing_version_is_a_conflict(world):
    old = Agreement.objects.get(is_current=True)
    with pytest.raises(Conflict) as exc:
        agreement_publish(actor=world.admin, name=old.name, version="1.0", body="Again")
    assert exc.value.field == "version"
    old.refresh_from_db()
    assert old.is_current


@pytest.mark.parametrize(("version", "body", "field"), [("", "text", "version"), ("2.0", "   ", "body"), ("v" * 21, "text", "version")])
def test_version_and_body_are_required(world, version, body, field):
    with pytest.raises(DomainError) as exc:
        agreement_publish(actor=world.admin, name="Partner Program Agreement", version=version, body=body)
    assert exc.value.field == field
    assert Agreement.objects.filter(is_current=True).get().version == "1.0"


def test_only_program_admin(world):
    with pytest.raises(PermissionDenied):
        agreement_publish(actor=world.cam, name="Partner Program Agreement", version="2.0", body="x")
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize("name", ["", "  Partner Program Agreement  "])
def test_existing_version_is_a_conflict_whatever_the_name_spacing(world, name):
    # the name is stored stripped (and blank means the default name): the duplicate check must see the same name
    with pytest.raises(Conflict) as exc:
        agreement_publish(actor=world.admin, name=name, version="1.0", body="Again")
    assert exc.value.field == "version"
    assert Agreement.objects.get(is_current=True).version == "1.0"
