"""accounts/services.py::apikey_revoke"""

import pytest

from allied.accounts.services import apikey_authenticate, apikey_create, apikey_revoke
from allied.core.errors import PermissionDenied
from tests.factories import audit_actions


def test_revoked_key_no_longer_authenticates(world):
    key, secret = apikey_create(actor=None, user=world.a_sales)
    # when
    apikey_revoke(actor=world.a_sales, key=key)
    # then
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert apikey_authenticate(secret) is None
    assert audit_actions(object_id=key.public_id) == ["apikey.created", "apikey.revoked"]


def test_revoking_twice_keeps_first_time_and_one_event(world):
    key, _ = apikey_create(actor=None, user=world.a_sales)
    apikey_revoke(actor=world.a_sales, key=key)
    first = key.revoked_at
    apikey_revoke(actor=world.a_sales, key=key)
    key.refresh_from_db()
    assert key.revoked_at == first
    assert audit_actions(object_id=key.public_id).count("apikey.revoked") == 1


def test_another_user_cannot_revoke_my_key(world):
    key, secret = apikey_create(actor=None, user=world.a_sales)
    with pytest.raises(PermissionDenied):
        apikey_revoke(actor=world.b_sales, key=key)
    assert apikey_authenticate(secret) == world.a_sales


def test_other_keys_of_the_user_keep_working(world):
    key1, _ = apikey_create(actor=None, user=world.a_sales)
    _, secret2 = apikey_create(actor=None, user=world.a_sales)
    apikey_revoke(actor=world.admin, key=key1)
    assert apikey_authenticate(secret2) == world.a_sales
