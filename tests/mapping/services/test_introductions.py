"""Partner-to-partner discovery and introductions."""

import pytest

from allied.core.errors import DomainError
from allied.mapping.selectors import discover_partners, introduction_list
from allied.mapping.services import discoverable_set, introduction_create
from allied.partners.models import Partner
from tests.factories import audit_actions, certification, outbox_to
from tests.mapping.factories import account


def test_discovery_by_specialty_region_certification_and_overlap(world):
    Partner.objects.filter(pk=world.partner_b.pk).update(specialties=["security"], regions_served=["emea"])
    certification(world.partner_b)
    account(world.partner_b, "Globex Corporation", "globex.example", status="customer")
    found = discover_partners(user=world.a_admin, specialty="Security", region="emea", certification="sales")
    assert [c.partner for c in found] == [world.partner_b]
    assert found[0].reasons == ["specialises in Security", "works in emea", "holds the Sales Professional certification"]
    # overlap only with discoverable partners
    assert discover_partners(user=world.a_admin, account_name="Globex Corp") == []
    discoverable_set(actor=world.b_admin, partner=world.partner_b, value=True)
    (hit,) = discover_partners(user=world.a_admin, account_name="Globex Corp")
    assert hit.partner == world.partner_b and hit.overlap and "as a customer" in hit.reasons[0]
    assert discover_partners(user=world.b_admin, account_name="Globex Corp") == []  # never oneself
    with pytest.raises(DomainError):
        discover_partners(user=world.a_admin)


def test_introduction_tells_both_partners_and_the_cam(world):
    intro = introduction_create(actor=world.a_admin, to_partner=world.partner_b, account_name="Globex", message="Let's co-sell")
    assert intro.from_partner == world.partner_a
    assert outbox_to(world.a_admin.email) and outbox_to(world.b_admin.email) and outbox_to(world.cam.email)
    assert "mapping.introduced" in audit_actions(object_id=intro.public_id)
    assert list(introduction_list(user=world.b_sales)) == [intro]
    assert list(introduction_list(user=world.a1_admin)) == []
    vendor_intro = introduction_create(actor=world.cam, to_partner=world.partner_a1, with_partner=world.partner_b, message="Meet")
    assert vendor_intro.from_partner is None
    with pytest.raises(DomainError) as exc:
        introduction_create(actor=world.cam, to_partner=world.partner_b, message="alone")
    assert exc.value.field == "with_partner"
