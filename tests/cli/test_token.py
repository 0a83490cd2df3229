"""cli token create: prints a new API key alone on its last line."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from allied.accounts.models import ApiKey, User
from allied.accounts.services import apikey_authenticate


def token(*args) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_a_key_that_authenticates(world):
    out = token("create", "--email", "CAM@vendor.example", "--name", "CI")
    secret = out.strip().splitlines()[-1]
    assert apikey_authenticate(secret) == world.cam
    key = ApiKey.objects.get(user=world.cam)
    assert key.name == "CI" and key.public_id in out
    assert key.secret_hash != secret


def test_unknown_email_is_an_error(world):
    with pytest.raises(CommandError, match="nobody@vendor.example"):
        token("create", "--email", "nobody@vendor.example")
    assert not ApiKey.objects.exists()


def test_inactive_user_gets_no_key(world):
    User.objects.filter(pk=world.cam.pk).update(is_active=False)
    with pytest.raises(CommandError):
        token("create", "--email", "cam@vendor.example")
    assert not ApiKey.objects.exists()
