"""The partner portal by role: a distributor's sub-partners, the team page, the company profile and its logo."""

import io
import random

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .conftest import login, logout, main_nav, messages, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _png(size: int, noisy: bool) -> bytes:
    """A real PNG; noise does not compress, so a noisy one is large."""
    img = Image.new("RGB", (size, size), (29, 78, 216))
    if noisy:
        rnd = random.Random(7)
        img.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(size * size)])
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def media_on_disk(settings, tmp_path):
    """Uploaded logos go to disk in a temporary MEDIA_ROOT, which the live server serves at MEDIA_URL."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.ALLIED_LOGO_MAX_BYTES = 2048
    return tmp_path


def test_portal_by_role_team_profile_and_logo(page, world, media_on_disk):
    # The distributor's admin sees its sub-partner.
    login(page, "admin@alpha.example", PASSWORD)
    main_nav(page, "Sub-partners")
    expect(page.get_by_role("heading", name="Your sub-partners")).to_be_visible()
    rows = page.get_by_role("row").filter(has_text="Alpha One Resale")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Reseller")
    expect(page.get_by_role("row").filter(has_text="Bravo Systems")).to_have_count(0)
    shot(page, "portal-subpartners")

    # The admin deactivates a colleague, who then cannot sign in.
    main_nav(page, "Team")
    expect(page.get_by_role("heading", name="Invite a colleague")).to_be_visible()
    expect(page.get_by_role("button", name="Deactivate Admin")).to_have_count(0)  # not oneself
    page.get_by_role("button", name="Deactivate Marketing").click()
    expect(messages(page)).to_contain_text("marketing@alpha.example can no longer sign in.")
    expect(page.get_by_role("row").filter(has_text="marketing@alpha.example")).to_contain_text("inactive")
    expect(page.get_by_role("button", name="Deactivate Marketing")).to_have_count(0)
    assert not get_user_model().objects.get(email="marketing@alpha.example").is_active
    shot(page, "portal-team")

    # The logo: an image over the size limit is refused; a small real PNG is kept and shown.
    main_nav(page, "Company profile")
    big = _png(64, noisy=True)
    assert len(big) > 2048
    page.get_by_label("Logo").set_input_files({"name": "big.png", "mimeType": "image/png", "buffer": big})
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".errorlist")).to_contain_text("The logo must be at most 2 KB.")
    expect(page.get_by_role("img", name="Alpha Distribution logo")).to_have_count(0)
    small = _png(48, noisy=False)
    assert len(small) < 2048
    page.get_by_label("Logo").set_input_files({"name": "alpha.png", "mimeType": "image/png", "buffer": small})
    page.get_by_role("button", name="Save profile").click()
    expect(messages(page)).to_contain_text("Profile saved.")
    main_nav(page, "Home")
    logo = page.get_by_role("img", name="Alpha Distribution logo")
    expect(logo).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 48", arg=logo.element_handle())
    shot(page, "portal-home-logo")
    logout(page)

    login(page, "marketing@alpha.example", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Email or password is not right.")

    # A sales rep reads the profile but cannot edit it, and cannot invite.
    login(page, "sales@alpha.example", PASSWORD)
    main_nav(page, "Company profile")
    expect(page.get_by_text("Only your partner admin or marketer can edit the profile.")).to_be_visible()
    expect(page.get_by_role("button", name="Save profile")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Alpha Distribution")
    shot(page, "portal-profile-readonly")
    main_nav(page, "Team")
    expect(page.get_by_role("heading", name="Your team at Alpha Distribution")).to_be_visible()
    expect(page.get_by_role("heading", name="Invite a colleague")).to_have_count(0)
    expect(page.get_by_role("button", name="Send invitation")).to_have_count(0)
    expect(page.get_by_role("button", name="Deactivate", exact=False)).to_have_count(0)
    logout(page)

    # A reseller's admin has no sub-partners page in its navigation.
    login(page, "admin@alphaone.example", PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Admin")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sub-partners")).to_have_count(0)
