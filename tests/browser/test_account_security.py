"""Account security as a person meets it: two-factor sign-in, API keys, lockout and password reset."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from allied.core.models import OutboxEmail
from tests.conftest import PASSWORD

from .conftest import login, logout, messages, shot

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "Quiet-Harbour-Lantern-77"
ME = "/api/v1/users/me"


def _wrong_code(totp: pyotp.TOTP) -> str:
    """A six-digit code that is valid in no window the server accepts."""
    now = time.time()
    valid = {totp.at(now + seconds) for seconds in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def test_two_factor_sign_in_and_api_keys(page, world):
    login(page, "cam@vendor.example", PASSWORD)
    page.get_by_role("banner").get_by_role("link", name="Cam").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()

    # An API key: shown once, it authenticates the API; revoked, it no longer does (even next to a session cookie).
    assert page.request.get(ME, headers={"Authorization": "Bearer allied_not-a-real-key"}).status == 401
    keys = page.get_by_role("region", name="API keys")
    keys.get_by_label("Key name").fill("CRM sync")
    keys.get_by_role("button", name="Create API key").click()
    expect(messages(page)).to_contain_text("API key created. Copy it now")
    key = page.get_by_test_id("new-key").inner_text().strip()
    assert key.startswith("allied_")
    shot(page, "account-api-key-created")
    resp = page.request.get(ME, headers={"Authorization": f"Bearer {key}"})
    assert resp.status == 200 and resp.json()["email"] == "cam@vendor.example"
    page.get_by_role("banner").get_by_role("link", name="Cam").click()
    expect(page.get_by_test_id("new-key")).to_have_count(0)  # shown once
    keys.get_by_role("button", name="Revoke CRM sync").click()
    expect(messages(page)).to_contain_text("API key revoked.")
    expect(keys.get_by_role("listitem").filter(has_text="CRM sync")).to_contain_text("revoked")
    assert page.request.get(ME, headers={"Authorization": f"Bearer {key}"}).status == 401

    # Two-factor: set up with the app's code (a wrong one is refused), then every sign-in asks for a code.
    mfa = page.get_by_role("region", name="Two-factor authentication")
    mfa.get_by_role("button", name="Set up two-factor").click()
    expect(mfa.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    totp = pyotp.TOTP(page.get_by_test_id("mfa-secret").inner_text().strip())
    mfa.get_by_label("Code from the app").fill(_wrong_code(totp))
    mfa.get_by_role("button", name="Turn on").click()
    expect(messages(page)).to_contain_text("That code is not valid")
    shot(page, "account-mfa-setup")
    mfa.get_by_label("Code from the app").fill(totp.now())
    mfa.get_by_role("button", name="Turn on").click()
    expect(messages(page)).to_contain_text("Two-factor authentication is on.")
    expect(mfa).to_contain_text("On")
    expect(mfa.get_by_role("button", name="Turn off")).to_be_visible()
    shot(page, "account-mfa-on")
    logout(page)

    login(page, "cam@vendor.example", PASSWORD)
    expect(page.get_by_role("heading", name="Two-factor check")).to_be_visible()
    assert "/mfa/verify/" in page.url
    assert page.request.get(ME).status == 401  # half signed in: the session cookie does not open the API either
    page.get_by_label("6-digit code").fill(_wrong_code(totp))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".errorlist")).to_contain_text("That code is not valid.")
    shot(page, "mfa-verify-wrong-code")
    page.get_by_label("6-digit code").fill(totp.now())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Vendor Inc. partner program")).to_be_visible()
    assert page.request.get(ME).status == 200


def test_lockout_then_password_reset_lets_the_person_back_in(page, world):
    page.goto("/login/")
    for _ in range(5):
        page.get_by_label("Email").fill("sales@alpha.example")
        page.get_by_label("Password").fill("not-my-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("Email or password is not right.")
    page.get_by_label("Email").fill("sales@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)  # the right password, but too late
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins. Wait 15 minutes or reset your password.")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    shot(page, "login-locked")

    # The message says resetting the password helps: it does.
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill("sales@alpha.example")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    email = OutboxEmail.objects.get(to="sales@alpha.example")
    path = re.search(r"https?://[^/\s]+(/password-reset/[\w-]+/[\w-]+/)", email.body).group(1)
    page.goto(path)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert page.url.endswith("/set-password/")  # Django keeps the token out of the address bar
    page.get_by_label(re.compile(r"^New password:?$")).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    shot(page, "password-reset-set")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    login(page, "sales@alpha.example", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Sales")).to_be_visible()
    # The reset link is single-use.
    logout(page)
    page.goto(path)
    expect(page.get_by_text("This reset link is not valid any more.")).to_be_visible()
