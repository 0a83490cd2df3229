"""partners/services.py::partner_create"""

import pytest

from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.partners.models import Partner, PartnerStatus
from allied.partners.services import partner_create
from allied.program.models import PartnerType
from tests.factories import tier


def ptype(code: str) -> PartnerType:
    return PartnerType.objects.get(code=code)


def test_creates_partner_in_entry_tier_with_normalised_fields(world):
    # when
    p = partner_create(actor=world.admin, name="  Delta Data  ", partner_type=ptype("msp"), country="de", region="emea",
                       website="WWW.Delta-Data.example/about", cam=world.cam, specialties="Security, security, AI/ML")
    # then
    p.refresh_from_db()
    assert p.name == "Delta Data"
    assert p.country == "DE"
    assert p.website == "https://WWW.Delta-Data.example/about"
    assert p.domain == "delta-data.example"
    assert p.specialties == ["security", "ai/ml"]
    assert p.tier == tier("Registered")
    assert p.status == PartnerStatus.ONBOARDING
    assert p.public_id.startswith("ptn_")
    event = AuditEvent.objects.get(action="partner.created", partner_id=p.pk)
    assert event.after["name"] == "Delta Data" and event.after["country"] == "DE"


def test_parent_must_be_a_distributor(world):
    with pytest.raises(DomainError) as exc:
        partner_create(actor=world.admin, name="Child", partner_type=ptype("reseller"), country="US", region="na",
                       parent=world.partner_b)
    assert exc.value.field == "parent"
    assert not Partner.objects.filter(name="Child").exists()


def test_sub_partner_of_distributor(world):
    p = partner_create(actor=world.cam, name="Alpha Two", partner_type=ptype("reseller"), country="US", region="na",
                       parent=world.partner_a)
    assert p.parent == world.partner_a
    assert set(world.partner_a.sub_partners.values_list("name", flat=True)) == {"Alpha One Resale", "Alpha Two"}


@pytest.mark.parametrize(("kw", "field"), [
    ({"country": "Germany"}, "country"),
    ({"region": "mars"}, "region"),
    ({"website": "not a site"}, "website"),
    ({"name": "  "}, "name"),
])
def test_invalid_input_names_the_field_and_saves_nothing(world, kw, field):
    args = dict(name="Echo", partner_type=ptype("reseller"), country="US", region="na", website="")
    args.update(kw)
    before = Partner.objects.count()
    with pytest.raises(DomainError) as exc:
        partner_create(actor=world.admin, **args)
    assert exc.value.field == field
    assert Partner.objects.count() == before


@pytest.mark.parametrize("who", ["pmm", "finance", "a_admin"])
def test_only_partner_managers_create_partners(world, who):
    with pytest.raises(PermissionDenied):
        partner_create(actor=getattr(world, who), name="Foxtrot", partner_type=ptype("reseller"), country="US", region="na")
    assert not Partner.objects.filter(name="Foxtrot").exists()
