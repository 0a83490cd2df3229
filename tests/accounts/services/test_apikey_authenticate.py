"""accounts/services.py::apikey_authenticate"""

from allied.accounts.models import ApiKey, User
from allied.accounts.services import apikey_authenticate, apikey_create


def test_valid_key_returns_its_user_and_marks_use(world):
    key, secret = apikey_create(actor=None, user=world.pmm)
    assert key.last_used_at is None
    assert apikey_authenticate(secret) == world.pmm
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_wrong_or_malformed_secrets_fail(world):
    _, secret = apikey_create(actor=None, user=world.pmm)
    assert apikey_authenticate(secret + "x") is None
    assert apikey_authenticate(secret[len("allied_"):]) is None  # no prefix
    assert apikey_authenticate("") is None
    assert apikey_authenticate(None) is None


def test_hash_itself_is_not_a_credential(world):
    key, _ = apikey_create(actor=None, user=world.pmm)
    assert apikey_authenticate("allied_" + ApiKey.objects.get(pk=key.pk).secret_hash) is None


def test_inactive_user_key_fails(world):
    _, secret = apikey_create(actor=None, user=world.pmm)
    User.objects.filter(pk=world.pmm.pk).update(is_active=False)
    assert apikey_authenticate(secret) is None
