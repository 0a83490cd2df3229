"""partners/services.py::partner_admin_update"""

import pytest

from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.partners.models import Partner, PartnerStatus
from allied.partners.services import partner_admin_update
from allied.program.models import PartnerType
from tests.conftest import make_user


def test_parent_must_be_a_distributor(world):
    # when setting B (an SI) as A1's parent
    with pytest.raises(DomainError) as exc:
        partner_admin_update(actor=world.admin, partner=world.partner_a1, parent=world.partner_b)
    # then refused, and A1 stays under A
    assert exc.value.field == "parent"
    assert Partner.objects.get(pk=world.partner_a1.pk).parent_id == world.partner_a.pk


def test_partner_cannot_be_its_own_parent(world):
    with pytest.raises(DomainError) as exc:
        partner_admin_update(actor=world.admin, partner=world.partner_a, parent=world.partner_a)
    assert exc.value.field == "parent"


def test_moves_partner_under_distributor_and_audits_changes_only(world):
    partner_admin_update(actor=world.cam, partner=world.partner_b, parent=world.partner_a, status="suspended")
    p = Partner.objects.get(pk=world.partner_b.pk)
    assert p.parent == world.partner_a and p.status == PartnerStatus.SUSPENDED
    event = AuditEvent.objects.get(action="partner.admin_updated")
    assert set(event.after) == {"parent", "status"}
    assert event.before == {"parent": None, "status": "active"}
    assert event.after == {"parent": world.partner_a.public_id, "status": "suspended"}


def test_clear_parent(world):
    partner_admin_update(actor=world.admin, partner=world.partner_a1, clear_parent=True)
    assert Partner.objects.get(pk=world.partner_a1.pk).parent is None


def test_cam_must_be_a_vendor_cam(world):
    for bad in (world.pmm, world.b_admin):
        with pytest.raises(DomainError) as exc:
            partner_admin_update(actor=world.admin, partner=world.partner_b, cam=bad)
        assert exc.value.field == "cam"
    other_cam = make_user("cam2@vendor.example", "cam")
    partner_admin_update(actor=world.admin, partner=world.partner_b, cam=other_cam)
    assert Partner.objects.get(pk=world.partner_b.pk).cam == other_cam


def test_unknown_status_names_status(world):
    with pytest.raises(DomainError) as exc:
        partner_admin_update(actor=world.admin, partner=world.partner_b, status="paused")
    assert exc.value.field == "status"
    assert Partner.objects.get(pk=world.partner_b.pk).status == PartnerStatus.ACTIVE


def test_change_type(world):
    partner_admin_update(actor=world.admin, partner=world.partner_b, partner_type=PartnerType.objects.get(code="msp"))
    assert Partner.objects.get(pk=world.partner_b.pk).partner_type.code == "msp"


def test_no_change_no_audit(world):
    partner_admin_update(actor=world.admin, partner=world.partner_b, status="active")
    assert not AuditEvent.objects.filter(action="partner.admin_updated").exists()


@pytest.mark.parametrize("who", ["pmm", "b_admin", "a_admin"])
def test_only_partner_managers(world, who):
    with pytest.raises(PermissionDenied):
        partner_admin_update(actor=getattr(world, who), partner=world.partner_b, status="offboarded")
    assert Partner.objects.get(pk=world.partner_b.pk).status == PartnerStatus.ACTIVE
