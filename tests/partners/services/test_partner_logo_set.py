"""partners/services.py::partner_logo_set (validation in partners/logos.py)"""

import io
import os

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.partners.models import Partner
from allied.partners.services import partner_logo_set
from tests.factories import png_bytes, upload


def test_real_png_is_stored_under_a_safe_random_name(world):
    # given a real PNG with a hostile file name
    content = png_bytes(16, 16)
    # when
    partner_logo_set(actor=world.b_admin, partner=world.partner_b, upload=upload(content, name="../../evil.php"))
    # then
    p = Partner.objects.get(pk=world.partner_b.pk)
    assert p.logo.name.startswith("logos/") and p.logo.name.endswith(".png")
    assert "evil" not in p.logo.name
    with default_storage.open(p.logo.name) as f:
        assert f.read() == content
    event = AuditEvent.objects.get(action="partner.logo_changed")
    assert event.before == {"logo": ""} and event.after == {"logo": p.logo.name}


def test_jpeg_is_accepted_with_its_real_extension(world):
    partner_logo_set(actor=world.admin, partner=world.partner_b, upload=upload(png_bytes(fmt="JPEG"), name="logo.png"))
    assert Partner.objects.get(pk=world.partner_b.pk).logo.name.endswith(".jpg")


@pytest.mark.parametrize("content", [
    b"<?php echo 'hi'; ?>",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # PNG signature, garbage body
    b"",
])
def test_non_image_bytes_are_refused_and_nothing_changes(world, content):
    with pytest.raises(DomainError) as exc:
        partner_logo_set(actor=world.b_admin, partner=world.partner_b, upload=upload(content))
    assert exc.value.field == "logo"
    assert Partner.objects.get(pk=world.partner_b.pk).logo.name in ("", None)
    assert not AuditEvent.objects.filter(action="partner.logo_changed").exists()


def test_oversized_file_is_refused(world, settings):
    # given a real image that is over the configured limit (random noise does not compress)
    settings.ALLIED_LOGO_MAX_BYTES = 1024
    buf = io.BytesIO()
    Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(buf, format="PNG")
    big = buf.getvalue()
    assert len(big) > 1024
    with pytest.raises(DomainError) as exc:
        partner_logo_set(actor=world.b_admin, partner=world.partner_b, upload=upload(big))
    assert exc.value.field == "logo"
    assert "1 KB" in exc.value.message
    assert not Partner.objects.get(pk=world.partner_b.pk).logo


def test_too_many_pixels_is_refused(world):
    with pytest.raises(DomainError) as exc:
        partner_logo_set(actor=world.b_admin, partner=world.partner_b, upload=upload(png_bytes(4001, 1)))
    assert exc.value.field == "logo"


def test_failed_replacement_keeps_the_old_logo(world):
    partner_logo_set(actor=world.b_admin, partner=world.partner_b, upload=upload(png_bytes()))
    old = Partner.objects.get(pk=world.partner_b.pk).logo.name
    with pytest.raises(DomainError):
        partner_logo_set(actor=world.b_admin, partner=world.partner_b, upload=upload(b"GIF89a-not-really"))
    assert Partner.objects.get(pk=world.partner_b.pk).logo.name == old


def test_other_partner_cannot_set_logo(world):
    with pytest.raises(PermissionDenied):
        partner_logo_set(actor=world.a_admin, partner=world.partner_b, upload=upload(png_bytes()))
