"""accounts/services.py::apikey_create"""

import pytest

from allied.accounts.models import ApiKey
from allied.accounts.services import apikey_authenticate, apikey_create
from allied.core.errors import PermissionDenied
from allied.core.models import AuditEvent


def test_key_is_stored_hashed_and_the_secret_is_returned_once(world):
    # when
    key, secret = apikey_create(actor=world.b_sales, user=world.b_sales, name="CRM sync")
    # then the secret authenticates
    assert secret.startswith("allied_")
    assert apikey_authenticate(secret) == world.b_sales
    # and it is nowhere in the database: not the hash column, not any column, not the audit trail
    row = ApiKey.objects.filter(pk=key.pk).values().get()
    assert secret not in [str(v) for v in row.values()]
    assert row["secret_hash"] != secret and len(row["secret_hash"]) == 64
    assert row["prefix"] == secret[:14] and row["name"] == "CRM sync"
    event = AuditEvent.objects.get(action="apikey.created", object_id=key.public_id)
    assert secret not in str(event.after) and secret not in str(event.before)


def test_each_key_is_different(world):
    _, s1 = apikey_create(actor=None, user=world.cam)
    _, s2 = apikey_create(actor=None, user=world.cam)
    assert s1 != s2
    assert ApiKey.objects.filter(user=world.cam).count() == 2


def test_user_cannot_create_a_key_for_someone_else(world):
    with pytest.raises(PermissionDenied):
        apikey_create(actor=world.b_sales, user=world.a_sales)
    assert not ApiKey.objects.filter(user=world.a_sales).exists()


def test_user_manager_may_create_a_key_for_someone_else(world):
    key, secret = apikey_create(actor=world.admin, user=world.finance)
    assert apikey_authenticate(secret) == world.finance
