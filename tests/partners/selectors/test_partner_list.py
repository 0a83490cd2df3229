"""partners/selectors.py::partner_list"""

import pytest

from allied.accounts.models import User
from allied.partners.models import Partner
from allied.partners.selectors import partner_list
from tests.conftest import make_partner
from tests.factories import program_set, set_tier


def names(qs) -> list[str]:
    return list(qs.values_list("name", flat=True))


def test_vendor_sees_every_partner_ordered_by_name(world):
    assert names(partner_list(actor=world.pmm)) == ["Alpha Distribution", "Alpha One Resale", "Bravo Systems"]


def test_partner_user_sees_only_own_org(world):
    assert names(partner_list(actor=world.b_sales)) == ["Bravo Systems"]
    assert names(partner_list(actor=world.a1_admin)) == ["Alpha One Resale"]


def test_distributor_sees_sub_partner_but_not_others(world):
    assert names(partner_list(actor=world.a_admin)) == ["Alpha Distribution", "Alpha One Resale"]


def test_distributor_sees_only_itself_when_program_hides_sub_partners(world):
    program_set(distributors_see_subpartners=False)
    user = User.objects.get(pk=world.a_admin.pk)
    assert names(partner_list(actor=user)) == ["Alpha Distribution"]


def test_filters_cannot_widen_the_scope(world):
    assert names(partner_list(actor=world.b_admin, filters={"q": "Alpha"})) == []
    assert names(partner_list(actor=world.b_admin, filters={"q": world.partner_a.public_id})) == []


@pytest.mark.parametrize(("filters", "expected"), [
    ({"q": "alpha"}, ["Alpha Distribution", "Alpha One Resale"]),
    ({"q": "bravosystems.example"}, ["Bravo Systems"]),
    ({"partner_type": "distributor"}, ["Alpha Distribution"]),
    ({"partner_type": "si"}, ["Bravo Systems"]),
    ({"status": "suspended"}, ["Charlie Cloud"]),
    ({"region": "emea"}, ["Charlie Cloud"]),
    ({"tier": "silver"}, ["Bravo Systems"]),
    ({"specialty": "security"}, ["Charlie Cloud"]),
    ({"q": "alpha", "partner_type": "reseller"}, ["Alpha One Resale"]),
])
def test_filters(world, filters, expected):
    # given a fourth partner that differs in status, region and specialties, and B at Silver
    make_partner("Charlie Cloud", "msp", region="emea", country="FR", status="suspended", specialties=["security"])
    set_tier(world.partner_b, "Silver")
    assert names(partner_list(actor=world.admin, filters=filters)) == expected


def test_filter_by_cam_and_tier_public_id(world):
    other = User.objects.create_user("cam2@vendor.example", "x", role="cam")
    make_partner("Delta", cam=other)
    assert names(partner_list(actor=world.admin, filters={"cam": other.public_id})) == ["Delta"]
    silver = set_tier(world.partner_b, "Silver").tier
    assert names(partner_list(actor=world.admin, filters={"tier": silver.public_id})) == ["Bravo Systems"]
    assert Partner.objects.count() == 4
