"""accounts/services.py::mfa_disable"""

import pyotp
import pytest

from allied.accounts.services import mfa_disable, mfa_enable, mfa_setup_begin
from allied.core.errors import DomainError
from tests.factories import audit_actions


@pytest.fixture
def mfa_on(world):
    secret = mfa_setup_begin(user=world.b_admin)
    mfa_enable(user=world.b_admin, code=pyotp.TOTP(secret).now())
    return secret


def test_valid_code_turns_mfa_off_and_forgets_the_secret(world, mfa_on):
    mfa_disable(user=world.b_admin, code=pyotp.TOTP(mfa_on).now())
    world.b_admin.refresh_from_db()
    assert world.b_admin.mfa_enabled is False
    assert world.b_admin.mfa_secret == ""
    assert audit_actions(object_id=world.b_admin.public_id)[-1] == "user.mfa_disabled"


def test_wrong_code_keeps_mfa_on(world, mfa_on):
    with pytest.raises(DomainError) as exc:
        mfa_disable(user=world.b_admin, code="not-a-code")
    assert exc.value.field == "code"
    world.b_admin.refresh_from_db()
    assert world.b_admin.mfa_enabled is True and world.b_admin.mfa_secret == mfa_on
