"""accounts/services.py::mfa_enable"""

import pyotp
import pytest

from allied.accounts.services import mfa_code_valid, mfa_enable, mfa_setup_begin
from allied.core.errors import DomainError
from tests.factories import audit_actions


def test_valid_code_turns_mfa_on(world):
    secret = mfa_setup_begin(user=world.a_admin)
    mfa_enable(user=world.a_admin, code=pyotp.TOTP(secret).now())
    world.a_admin.refresh_from_db()
    assert world.a_admin.mfa_enabled is True
    assert "user.mfa_enabled" in audit_actions(object_id=world.a_admin.public_id)


def test_wrong_code_names_code_and_leaves_mfa_off(world):
    secret = mfa_setup_begin(user=world.a_admin)
    good = pyotp.TOTP(secret).now()
    bad = f"{(int(good) + 500000) % 1000000:06d}"
    with pytest.raises(DomainError) as exc:
        mfa_enable(user=world.a_admin, code=bad)
    assert exc.value.field == "code"
    world.a_admin.refresh_from_db()
    assert world.a_admin.mfa_enabled is False


def test_code_from_another_secret_fails(world):
    mfa_setup_begin(user=world.a_admin)
    with pytest.raises(DomainError):
        mfa_enable(user=world.a_admin, code=pyotp.TOTP(pyotp.random_base32()).now())


def test_without_setup_no_code_is_valid(world):
    assert not mfa_code_valid(user=world.a_admin, code="000000")
    with pytest.raises(DomainError):
        mfa_enable(user=world.a_admin, code="000000")
