"""accounts/services.py::user_deactivate"""

import pytest

from allied.accounts.models import ApiKey
from allied.accounts.services import apikey_authenticate, apikey_create, user_deactivate
from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent


def test_deactivating_revokes_every_api_key(world):
    # given a user with two keys
    _, secret1 = apikey_create(actor=None, user=world.a_sales)
    _, secret2 = apikey_create(actor=None, user=world.a_sales, name="second")
    assert apikey_authenticate(secret1) == world.a_sales
    # when A's admin deactivates them
    user_deactivate(actor=world.a_admin, user=world.a_sales)
    # then the account is inactive and no key works
    world.a_sales.refresh_from_db()
    assert world.a_sales.is_active is False
    assert ApiKey.objects.filter(user=world.a_sales, revoked_at__isnull=True).count() == 0
    assert apikey_authenticate(secret1) is None
    assert apikey_authenticate(secret2) is None
    event = AuditEvent.objects.get(action="user.deactivated", object_id=world.a_sales.public_id)
    assert event.before == {"is_active": True} and event.after == {"is_active": False}


def test_other_users_keys_are_untouched(world):
    _, mine = apikey_create(actor=None, user=world.a_marketing)
    apikey_create(actor=None, user=world.a_sales)
    user_deactivate(actor=world.a_admin, user=world.a_sales)
    assert apikey_authenticate(mine) == world.a_marketing


def test_cannot_deactivate_yourself(world):
    with pytest.raises(DomainError):
        user_deactivate(actor=world.a_admin, user=world.a_admin)
    world.a_admin.refresh_from_db()
    assert world.a_admin.is_active


def test_partner_admin_cannot_deactivate_another_partners_user(world):
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=world.b_admin, user=world.a_sales)
    world.a_sales.refresh_from_db()
    assert world.a_sales.is_active


def test_cam_cannot_deactivate_vendor_users(world):
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=world.cam, user=world.pmm)
