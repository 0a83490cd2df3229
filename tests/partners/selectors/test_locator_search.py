"""partners/selectors.py::locator_search"""

from allied.partners.models import PartnerStatus
from allied.partners.selectors import locator_search
from tests.conftest import make_partner
from tests.factories import set_tier


def names(qs) -> list[str]:
    return list(qs.values_list("name", flat=True))


def setup_partners(world):
    make_partner("Hidden Partner", listed_in_locator=False)
    make_partner("New Partner", status=PartnerStatus.ONBOARDING)
    make_partner("Gone Partner", status=PartnerStatus.OFFBOARDED)
    make_partner("Euro Secure", "msp", region="emea", country="DE", specialties=["security"],
                 description="Managed SOC for banks")
    set_tier(world.partner_b, "Gold")


def test_public_search_lists_only_listed_active_partners_highest_tier_first(world):
    setup_partners(world)
    assert names(locator_search(public=True)) == ["Bravo Systems", "Alpha Distribution", "Alpha One Resale", "Euro Secure"]


def test_internal_search_includes_unlisted_but_still_only_active(world):
    setup_partners(world)
    got = names(locator_search(public=False))
    assert "Hidden Partner" in got
    assert "New Partner" not in got and "Gone Partner" not in got


def test_filters(world):
    setup_partners(world)
    assert names(locator_search(public=True, filters={"region": "emea"})) == ["Euro Secure"]
    assert names(locator_search(public=True, filters={"specialty": " Security "})) == ["Euro Secure"]
    assert names(locator_search(public=True, filters={"partner_type": "si"})) == ["Bravo Systems"]
    assert names(locator_search(public=True, filters={"tier": "gold"})) == ["Bravo Systems"]
    assert names(locator_search(public=True, filters={"q": "soc for"})) == ["Euro Secure"]
    assert names(locator_search(public=True, filters={"q": "hidden"})) == []
