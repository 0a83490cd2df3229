"""accounts/services.py::user_create"""

import pytest

from allied.accounts.models import User
from allied.accounts.services import user_create
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent


def test_program_admin_creates_vendor_user(world):
    # when
    user = user_create(actor=world.admin, email="  New.CAM@Vendor.example ", role="cam", full_name="New Cam")
    # then the email is normalised and the creation is audited
    user.refresh_from_db()
    assert user.email == "new.cam@vendor.example"
    assert user.role == "cam" and user.partner is None and user.is_active
    event = AuditEvent.objects.get(action="user.created", object_id=user.public_id)
    assert event.actor == world.admin
    assert event.after == {"email": "new.cam@vendor.example", "role": "cam", "full_name": "New Cam"}


def test_partner_admin_creates_user_in_own_org(world):
    user = user_create(actor=world.a_admin, email="rep2@alpha.example", role="partner_sales", partner=world.partner_a,
                       password="a-long-unusual-passphrase-42")
    assert user.partner == world.partner_a
    assert user.check_password("a-long-unusual-passphrase-42")
    assert AuditEvent.objects.filter(action="user.created", partner_id=world.partner_a.pk).exists()


@pytest.mark.parametrize(("role", "side"), [("partner_admin", "vendor"), ("cam", "partner")])
def test_role_must_match_side(world, role, side):
    # given a partner role without a partner, or a vendor role with one
    partner = world.partner_a if side == "partner" else None
    # when / then
    with pytest.raises(DomainError) as exc:
        user_create(actor=world.admin, email="x@x.example", role=role, partner=partner)
    assert exc.value.field == "role"
    assert not User.objects.filter(email="x@x.example").exists()


def test_duplicate_email_is_a_conflict_on_email(world):
    with pytest.raises(Conflict) as exc:
        user_create(actor=world.admin, email="CAM@vendor.example", role="pmm")
    assert exc.value.field == "email"
    assert User.objects.filter(email__iexact="cam@vendor.example").count() == 1


def test_invalid_email_names_email(world):
    with pytest.raises(DomainError) as exc:
        user_create(actor=world.admin, email="not-an-email", role="pmm")
    assert exc.value.field == "email"


def test_weak_password_names_password_and_creates_nothing(world):
    with pytest.raises(DomainError) as exc:
        user_create(actor=world.admin, email="weak@vendor.example", role="pmm", password="123")
    assert exc.value.field == "password"
    assert not User.objects.filter(email="weak@vendor.example").exists()


def test_partner_admin_cannot_create_users_for_another_partner(world):
    with pytest.raises(PermissionDenied):
        user_create(actor=world.a_admin, email="spy@bravo.example", role="partner_sales", partner=world.partner_b)
    assert not User.objects.filter(email="spy@bravo.example").exists()


def test_cam_cannot_create_vendor_users(world):
    with pytest.raises(PermissionDenied):
        user_create(actor=world.cam, email="boss@vendor.example", role="program_admin")


def test_partner_sales_cannot_create_users(world):
    with pytest.raises(PermissionDenied):
        user_create(actor=world.a_sales, email="friend@alpha.example", role="partner_sales", partner=world.partner_a)


def test_overlong_name_names_full_name(world):
    with pytest.raises(DomainError) as exc:
        user_create(actor=world.admin, email="long@vendor.example", role="pmm", full_name="N" * 151)
    assert exc.value.field == "full_name"
    assert not User.objects.filter(email="long@vendor.example").exists()
