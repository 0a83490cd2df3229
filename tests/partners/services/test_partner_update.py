"""partners/services.py::partner_update"""

import pytest

from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.partners.models import Partner
from allied.partners.services import partner_update


@pytest.mark.parametrize(("data", "field"), [
    ({"country": "USA"}, "country"),
    ({"country": "1A"}, "country"),
    ({"website": "localhost"}, "website"),
    ({"region": "antarctica"}, "region"),
    ({"team_size": "lots"}, "team_size"),
    ({"team_size": 0}, "team_size"),
    ({"team_size": 2_000_000}, "team_size"),
    ({"customer_segments": ["smb", "galactic"]}, "customer_segments"),
    ({"regions_served": ["na", "moon"]}, "regions_served"),
    ({"specialties": [42]}, "specialties"),
    ({"name": ""}, "name"),
    ({"name": "N" * 201}, "name"),
    ({"city": "C" * 101}, "city"),
    ({"website": "https://bravo.example/" + "p" * 200}, "website"),
])
def test_bad_value_names_the_field_and_changes_nothing(world, data, field):
    # given
    before = Partner.objects.filter(pk=world.partner_b.pk).values().get()
    # when
    with pytest.raises(DomainError) as exc:
        partner_update(actor=world.b_admin, partner=world.partner_b, data={"city": "Lyon", **data})
    # then
    assert exc.value.field == field
    assert Partner.objects.filter(pk=world.partner_b.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="partner.updated").exists()


def test_unknown_segment_message_lists_the_bad_value(world):
    with pytest.raises(DomainError) as exc:
        partner_update(actor=world.admin, partner=world.partner_b, data={"customer_segments": "smb, galactic"})
    assert "galactic" in exc.value.message


def test_audit_records_only_changed_fields(world):
    # given B with a known profile
    partner_update(actor=world.b_admin, partner=world.partner_b, data={"city": "Lyon", "team_size": 10})
    AuditEvent.objects.all().delete()
    # when sending the same city, a new team size and new segments
    partner_update(actor=world.b_admin, partner=world.partner_b,
                   data={"city": "Lyon", "team_size": "25", "customer_segments": ["SMB", "enterprise"]})
    # then
    p = Partner.objects.get(pk=world.partner_b.pk)
    assert p.team_size == 25 and p.customer_segments == ["smb", "enterprise"] and p.city == "Lyon"
    event = AuditEvent.objects.get(action="partner.updated")
    assert event.before == {"team_size": 10, "customer_segments": []}
    assert event.after == {"team_size": 25, "customer_segments": ["smb", "enterprise"]}
    assert event.actor == world.b_admin and event.partner_id == world.partner_b.pk


def test_no_change_writes_no_audit_event(world):
    partner_update(actor=world.b_admin, partner=world.partner_b, data={"name": "Bravo Systems", "country": "us"})
    assert not AuditEvent.objects.filter(action="partner.updated").exists()


def test_website_change_updates_domain(world):
    partner_update(actor=world.admin, partner=world.partner_b, data={"website": "www.bravo-new.example"})
    p = Partner.objects.get(pk=world.partner_b.pk)
    assert p.website == "https://www.bravo-new.example"
    assert p.domain == "bravo-new.example"


def test_partner_user_cannot_edit_another_partner(world):
    with pytest.raises(PermissionDenied):
        partner_update(actor=world.a_admin, partner=world.partner_b, data={"city": "Hacked"})
    assert Partner.objects.get(pk=world.partner_b.pk).city == ""


def test_partner_sales_cannot_edit_own_profile(world):
    with pytest.raises(PermissionDenied):
        partner_update(actor=world.b_sales, partner=world.partner_b, data={"city": "Lyon"})


def test_distributor_cannot_edit_sub_partner_profile(world):
    with pytest.raises(PermissionDenied):
        partner_update(actor=world.a_admin, partner=world.partner_a1, data={"city": "Lyon"})
