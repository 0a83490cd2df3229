"""Co-sell: a CAM turns a visible co-sell opportunity into a lead for the partner or a deal room, once each."""

import pytest

from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from allied.deals.models import DealRegistration
from allied.leads.models import Lead, LeadStatus
from allied.mapping.models import AccountMatch, CoSellAction, PopulationKind, ShareLevel
from allied.mapping.selectors import cosell_opportunities
from allied.mapping.services import cosell_to_deal, cosell_to_lead
from tests.factories import audit_actions
from tests.mapping.factories import default_population, overlap_world, share


@pytest.fixture
def mapped(world):
    partner, vendor, theirs = overlap_world(world)
    for kind in (PopulationKind.CUSTOMERS, PopulationKind.OPPORTUNITIES):
        share(world, partner, default_population(partner, kind), ShareLevel.OVERLAPS, fields=["status"])
    return partner, vendor, theirs


def test_opportunities_need_the_other_side_to_share_overlaps(world, mapped):
    partner, vendor, _ = mapped
    rows = cosell_opportunities(user=world.cam)
    assert {(r["own"]["name"], r["kind"]) for r in rows} == {("Acme Inc", "vendor_customer"), ("Globex Corporation", "partner_customer"),
                                                           ("Initech", "partner_customer")}
    assert all(set(r["other"]) == {"name", "status"} for r in rows)
    # the vendor shares nothing: the partner sees none
    assert cosell_opportunities(user=world.a_sales) == []
    share(world, partner, default_population(None, PopulationKind.CUSTOMERS), ShareLevel.COUNTS)
    assert cosell_opportunities(user=world.a_sales) == []
    share(world, partner, default_population(None, PopulationKind.CUSTOMERS), ShareLevel.OVERLAPS, fields=[])
    (row,) = cosell_opportunities(user=world.a_sales)
    assert row["own"]["name"] == "ACME Corp." and row["other"] == {"name": "Acme Inc"}
    assert cosell_opportunities(user=world.b_admin) == []


def test_lead_for_the_partner_once(world, mapped):
    partner, vendor, _ = mapped
    match = AccountMatch.objects.get(vendor_account=vendor["globex"])
    with pytest.raises(DomainError) as exc:
        cosell_to_lead(actor=world.cam, match=match)
    assert exc.value.field == "contact_name"
    action = cosell_to_lead(actor=world.cam, match=match, contact_name="Gina Globex", contact_email="gina@globex.example")
    lead = Lead.objects.get(pk=action.lead_id)
    assert (lead.status, lead.partner_id, lead.company_name) == (LeadStatus.OFFERED, partner.pk, "Globex Corporation")
    assert "mapping.cosell_lead" in audit_actions(object_id=action.public_id)
    with pytest.raises(Conflict):
        cosell_to_lead(actor=world.cam, match=match, contact_name="Other", contact_email="other@globex.example")
    assert CoSellAction.objects.count() == 1
    rows = {r["match"]: r for r in cosell_opportunities(user=world.cam)}
    assert rows[match.public_id]["actions"]["lead"].pk == action.pk


def test_deal_room_on_the_partners_behalf(world, mapped):
    partner, vendor, _ = mapped
    match = AccountMatch.objects.get(vendor_account=vendor["globex"])
    action = cosell_to_deal(actor=world.cam, match=match, data={"contact_name": "Gina Globex"})
    deal = DealRegistration.objects.get(pk=action.deal_id)
    assert deal.partner_id == partner.pk and deal.customer_name == "Globex Corporation" and str(deal.amount) == "50000.00"
    assert deal.participants.get().partner_id == partner.pk
    with pytest.raises(Conflict):
        cosell_to_deal(actor=world.cam, match=match, data={"contact_name": "Gina Globex"})


def test_only_the_vendor_team_acts_and_only_on_visible_opportunities(world, mapped):
    partner, vendor, _ = mapped
    match = AccountMatch.objects.get(vendor_account=vendor["globex"])
    with pytest.raises(PermissionDenied):
        cosell_to_lead(actor=world.pmm, match=match, contact_name="G", contact_email="g@globex.example")
    with pytest.raises(PermissionDenied):
        cosell_to_lead(actor=world.a_admin, match=match, contact_name="G", contact_email="g@globex.example")
    umbrella_like = AccountMatch.objects.get(vendor_account=vendor["acme"])  # partner opportunity, vendor customer: visible
    share(world, partner, default_population(partner, PopulationKind.OPPORTUNITIES), ShareLevel.COUNTS)
    with pytest.raises(NotFound):
        cosell_to_lead(actor=world.cam, match=umbrella_like, contact_name="A", contact_email="a@acme.example")
