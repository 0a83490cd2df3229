"""accounts/services.py::mfa_setup_begin"""

import pyotp
import pytest

from allied.accounts.services import mfa_enable, mfa_setup_begin
from allied.core.errors import Conflict


def test_stores_a_fresh_secret_without_enabling(world):
    secret = mfa_setup_begin(user=world.cam)
    world.cam.refresh_from_db()
    assert world.cam.mfa_secret == secret and len(secret) >= 16
    assert world.cam.mfa_enabled is False
    # a second start replaces the secret
    assert mfa_setup_begin(user=world.cam) != secret


def test_refuses_when_already_enabled(world):
    secret = mfa_setup_begin(user=world.cam)
    mfa_enable(user=world.cam, code=pyotp.TOTP(secret).now())
    with pytest.raises(Conflict):
        mfa_setup_begin(user=world.cam)
    world.cam.refresh_from_db()
    assert world.cam.mfa_secret == secret
