"""Leads from intake to a partner's inbox: routing with its explanation, decline and pullback re-route, never back to a decliner."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.customers.models import CustomerAccount
from allied.deals.models import DealStatus
from allied.leads import selectors
from allied.leads.models import LeadOffer, LeadStatus, OfferOutcome, PartnerLeadSettings, RoutingSettings
from allied.leads.services import (
    LeadImportRejected,
    lead_accept,
    lead_convert,
    lead_create,
    lead_decline,
    lead_reassign,
    lead_status_set,
    leads_import,
    leads_pull_back,
    leads_remind,
)
from tests.conftest import make_partner, make_user
from tests.factories import lead_data, outbox_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(world):
    """Three US partners near New York at different tiers and distances, and one German partner."""
    from allied.program.models import Tier

    tiers = list(Tier.objects.order_by("rank"))
    near = make_partner("Near Gold", "reseller", cam=world.cam, tier=tiers[-2], specialties=["security"])
    far = make_partner("Far Silver", "reseller", cam=world.cam, tier=tiers[1])
    third = make_partner("Third Registered", "msp", cam=world.cam)
    de = make_partner("Berlin Partner", "reseller", country="DE", region="emea", cam=world.cam)
    for p, lat, lon in ((near, 40.75, -73.99), (far, 41.88, -87.63), (third, 34.05, -118.24), (de, 52.52, 13.40)):
        PartnerLeadSettings.objects.create(partner=p, lat=lat, lon=lon, capacity=5)
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        PartnerLeadSettings.objects.create(partner=p, paused=True)
    users = {p.name: make_user(f"sales@{p.name.split()[0].lower()}.example", "partner_sales", p) for p in (near, far, third, de)}
    return {"near": near, "far": far, "third": third, "de": de, "users": users}


def _nyc(**kw):
    return lead_data(lat=40.71, lon=-74.0, specialty="security", **kw)


def test_a_lead_goes_to_the_best_partner_with_its_explanation(world, field):
    lead = lead_create(actor=world.cam, data=_nyc())
    assert lead.status == LeadStatus.OFFERED and lead.partner == field["near"]
    offer = LeadOffer.objects.get(lead=lead)
    assert offer.mode == "online" and offer.score > 0 and "km" in offer.explanation
    assert set(offer.breakdown) >= {"distance", "tier"} and len(offer.runners_up) >= 2
    assert offer.sla_due_at - offer.offered_at == timedelta(hours=24)
    assert any("New lead" in m.subject for m in outbox_to(field["users"]["Near Gold"].email))


def test_decline_reroutes_to_the_next_partner_never_back(world, field):
    lead = lead_create(actor=world.cam, data=_nyc())
    with pytest.raises(DomainError):
        lead_decline(actor=field["users"]["Near Gold"], lead=lead, reason="")
    lead = lead_decline(actor=field["users"]["Near Gold"], lead=lead, reason="No capacity this month")
    assert lead.status == LeadStatus.OFFERED and lead.partner not in (field["near"], None)
    second = lead.partner
    lead = lead_decline(actor=field["users"][second.name], lead=lead, reason="Out of our area")
    assert lead.partner not in (field["near"], second)
    assert list(lead.offers.values_list("outcome", flat=True)) == ["declined", "declined", "pending"]


def test_a_lead_not_accepted_in_time_is_pulled_back_and_rerouted(world, field):
    lead = lead_create(actor=world.cam, data=_nyc())
    assert leads_pull_back(now=timezone.now() + timedelta(hours=23)) == 0
    assert leads_pull_back(now=timezone.now() + timedelta(hours=25)) == 1
    lead.refresh_from_db()
    first = lead.offers.order_by("offered_at").first()
    assert first.outcome == OfferOutcome.TIMED_OUT and lead.partner not in (field["near"], None)
    assert any("pulled back" in m.subject for m in outbox_to(world.cam.email))


def test_reminder_before_the_deadline_once(world, field):
    lead_create(actor=world.cam, data=_nyc())
    assert leads_remind(now=timezone.now() + timedelta(hours=10)) == 0
    assert leads_remind(now=timezone.now() + timedelta(hours=21)) == 1
    assert leads_remind(now=timezone.now() + timedelta(hours=22)) == 0


def test_no_partner_in_the_territory_is_unroutable_with_a_reason(world, field):
    lead = lead_create(actor=world.cam, data=lead_data(country="JP", contact_email="a@nihon.example", website="nihon.example"))
    assert lead.status == LeadStatus.UNROUTABLE and lead.partner is None and lead.status_note


def test_capacity_is_respected(world, field):
    PartnerLeadSettings.objects.filter(partner=field["near"]).update(capacity=1)
    first = lead_create(actor=world.cam, data=_nyc())
    second = lead_create(actor=world.cam, data=_nyc(company_name="Initech", website="initech.example", contact_email="b@initech.example"))
    assert first.partner == field["near"] and second.partner != field["near"]


def test_accept_work_and_convert_into_a_deal(world, field):
    sales = field["users"]["Near Gold"]
    lead = lead_create(actor=world.cam, data=_nyc())
    with pytest.raises(PermissionDenied):
        lead_accept(actor=field["users"]["Far Silver"], lead=lead)
    lead = lead_accept(actor=sales, lead=lead)
    lead = lead_status_set(actor=sales, lead=lead, status="working")
    deal = lead_convert(actor=sales, lead=lead, data={"amount": "30000",
                                                      "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat()})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.deal == deal and deal.partner == field["near"]
    assert deal.status == DealStatus.APPROVED
    with pytest.raises(Conflict):
        lead_status_set(actor=sales, lead=lead, status="working")


def test_disqualify_needs_a_reason(world, field):
    sales = field["users"]["Near Gold"]
    lead = lead_accept(actor=sales, lead=lead_create(actor=world.cam, data=_nyc()))
    with pytest.raises(DomainError):
        lead_status_set(actor=sales, lead=lead, status="disqualified")
    lead = lead_status_set(actor=sales, lead=lead, status="disqualified", note="Student project")
    assert lead.status == LeadStatus.DISQUALIFIED


def test_duplicates_and_direct_accounts_are_not_routed(world, field):
    first = lead_create(actor=world.cam, data=_nyc())
    again = lead_create(actor=world.cam, data=_nyc())
    assert again.status == LeadStatus.DUPLICATE and again.duplicate_of == first
    acct = CustomerAccount.objects.create(name="Umbrella Corp", name_normalized="umbrella", domain="umbrella.example", country="US",
                                          is_named_direct=True)
    from allied.customers.services import account_keys_refresh

    account_keys_refresh([acct])
    direct = lead_create(actor=world.cam, data=lead_data(company_name="Umbrella Corporation", website="www.umbrella.example",
                                                         contact_email="x@umbrella.example"))
    assert direct.status == LeadStatus.DIRECT and direct.partner is None


def test_manual_reassignment_is_audited(world, field):
    from tests.factories import audit_actions

    lead = lead_create(actor=world.cam, data=_nyc())
    with pytest.raises(PermissionDenied):
        lead_reassign(actor=world.pmm, lead=lead, partner=field["far"], reason="x")
    lead = lead_reassign(actor=world.cam, lead=lead, partner=field["far"], reason="Customer asked for them")
    assert lead.partner == field["far"] and "lead.reassigned" in audit_actions(object_id=lead.public_id)
    assert list(lead.offers.values_list("outcome", flat=True)) == ["reassigned", "pending"]


def test_csv_import_routes_in_batch_or_names_the_bad_row(world, field):
    csv = ("Company,Website,Country,Contact,Email,Latitude,Longitude\n"
           "Hooli,hooli.example,US,Gavin B,gavin@hooli.example,40.7,-74.0\n"
           "Pied Piper,piedpiper.example,US,Richard H,richard@piedpiper.example,40.8,-73.9\n")
    leads = leads_import(actor=world.cam, file=io.BytesIO(csv.encode()))
    assert all(ld.status == LeadStatus.OFFERED for ld in leads)
    assert {o.mode for o in LeadOffer.objects.all()} == {"batch"}
    bad = csv + "Bad Co,bad.example,Narnia,Someone,not-an-email,,\n"
    with pytest.raises(LeadImportRejected) as exc:
        leads_import(actor=world.cam, file=io.BytesIO(bad.encode()))
    assert "row 4, column 'Email'" in exc.value.problems[0]


def test_a_partner_sees_only_the_leads_it_holds(world, field):
    lead = lead_create(actor=world.cam, data=_nyc())
    near_sales, far_sales = field["users"]["Near Gold"], field["users"]["Far Silver"]
    assert [ld.pk for ld in selectors.lead_list(actor=near_sales)] == [lead.pk]
    assert not selectors.lead_list(actor=far_sales).exists()
    lead_decline(actor=near_sales, lead=lead, reason="busy")
    assert not selectors.lead_list(actor=near_sales).exists()  # a declined lead is gone from the decliner's inbox
    from allied.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.offer_list(actor=near_sales, lead=lead)


def test_routing_settings_drive_eligibility(world, field):
    RoutingSettings.objects.filter(pk=RoutingSettings.current().pk).update(max_distance_km=100)
    lead = lead_create(actor=world.cam, data=_nyc())
    lead = lead_decline(actor=field["users"]["Near Gold"], lead=lead, reason="busy")
    assert lead.status == LeadStatus.UNROUTABLE  # the others are farther than 100 km


def test_too_late_to_accept_once_the_sla_has_passed(world, field):
    lead = lead_create(actor=world.cam, data=_nyc())
    LeadOffer.objects.filter(lead=lead).update(sla_due_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Conflict):
        lead_accept(actor=field["users"]["Near Gold"], lead=lead)


def test_a_declined_registration_does_not_convert_the_lead(world, field):
    from allied.deals.services import deal_register
    from tests.factories import deal_data

    deal_register(actor=world.b_sales, data=deal_data(customer_name="Globex Corporation", website="globex.example"))
    sales = field["users"]["Near Gold"]
    lead = lead_create(actor=world.cam, data=_nyc())
    assert lead.partner == field["near"]  # Bravo holds the registration but has paused its inbox
    lead = lead_accept(actor=sales, lead=lead)
    deal = lead_convert(actor=sales, lead=lead, data={"amount": "1000",
                                                      "expected_close_date": (timezone.localdate() + timedelta(days=9)).isoformat()})
    lead.refresh_from_db()
    assert deal.status == DealStatus.DECLINED and lead.status == LeadStatus.ACCEPTED and lead.deal == deal


def test_the_registration_holder_gets_the_lead_first(world, field):
    from allied.deals.services import deal_register
    from tests.factories import deal_data

    far_sales = field["users"]["Far Silver"]
    deal_register(actor=far_sales, data=deal_data(customer_name="Globex Corporation", website="globex.example"))
    lead = lead_create(actor=world.cam, data=_nyc())
    offer = lead.offers.get()
    assert lead.partner == field["far"] and offer.mode == "registration"


def test_reassign_only_to_an_active_unpaused_partner(world, field):
    lead = lead_create(actor=world.cam, data=_nyc())
    with pytest.raises(DomainError):
        lead_reassign(actor=world.cam, lead=lead, partner=world.partner_b, reason="x")  # paused in this field
