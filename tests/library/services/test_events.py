import pytest

from allied.core.errors import DomainError
from allied.library import services
from allied.library.models import AssetEvent
from tests.library.factories import asset, pdf_upload

pytestmark = pytest.mark.django_db


def test_partner_events_carry_partner_user_and_current_version(world):
    a = asset(world.pmm)
    ev = services.event_record(actor=world.b_sales, asset=a, kind="download")
    assert (ev.partner, ev.user, ev.version, ev.kind) == (world.partner_b, world.b_sales, a.current_version, "download")


def test_vendor_previews_are_not_engagement(world):
    a = asset(world.pmm)
    assert services.event_record(actor=world.pmm, asset=a, kind="view") is None
    assert AssetEvent.objects.count() == 0


def test_kind_and_version_are_checked(world):
    a, other = asset(world.pmm), asset(world.pmm, title="Other")
    with pytest.raises(DomainError) as exc:
        services.event_record(actor=world.a_sales, asset=a, kind="like")
    assert exc.value.field == "kind"
    with pytest.raises(DomainError) as exc:
        services.event_record(actor=world.a_sales, asset=a, kind="view", version=other.current_version)
    assert exc.value.field == "version"


def test_an_old_version_download_names_that_version(world):
    a = asset(world.pmm)
    v1 = a.current_version
    services.version_add(actor=world.pmm, asset=a, upload=pdf_upload("v2.pdf"))
    ev = services.event_record(actor=world.a_sales, asset=a, kind="download", version=v1)
    assert ev.version == v1
