"""A partner's lead inbox: only the leads it holds now, offered first with their deadline; accept, decline, work, convert."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration
from allied.leads.models import LeadOffer, LeadStatus, OfferOutcome
from allied.leads.services import lead_accept, lead_decline

from .conftest import nyc_lead

pytestmark = pytest.mark.django_db


def test_inbox_shows_offered_leads_with_deadline_and_explanation(client, world, field):
    lead = nyc_lead(world.cam)
    client.force_login(field["sales"]["near"])
    r = client.get("/portal/leads/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Globex Corporation" in body and "Answer within 23 h" in body
    r = client.get(f"/portal/leads/{lead.public_id}/")
    assert r.status_code == 200
    offer = LeadOffer.objects.get(lead=lead)
    assert offer.explanation in r.content.decode() and "Why it came to you" in r.content.decode()


def test_a_close_deadline_is_highlighted(client, world, field):
    lead = nyc_lead(world.cam)
    LeadOffer.objects.filter(lead=lead).update(sla_due_at=timezone.now() + timedelta(hours=2, minutes=30))
    client.force_login(field["sales"]["near"])
    body = client.get("/portal/leads/").content.decode()
    assert 'class="urgent"' in body and "Answer within 2 h" in body


def test_other_partners_never_see_the_lead(client, world, field):
    lead = nyc_lead(world.cam)
    for user in (field["sales"]["far"], world.a_admin):
        client.force_login(user)
        assert "Globex" not in client.get("/portal/leads/").content.decode()
        assert client.get(f"/portal/leads/{lead.public_id}/").status_code == 404


def test_accept_then_working_then_convert_into_a_deal(client, world, field):
    lead = nyc_lead(world.cam)
    client.force_login(field["sales"]["near"])
    url = f"/portal/leads/{lead.public_id}/"
    assert client.post(url, {"action": "accept"}).status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ACCEPTED
    assert client.post(url, {"action": "working"}).status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.WORKING
    assert "Yours to work" in client.get("/portal/leads/").content.decode()
    r = client.post(url, {"action": "convert", "convert-amount": "", "convert-expected_close_date": "soon"})
    assert r.status_code == 400 and set(r.context["forms"]["convert"].errors) == {"amount", "expected_close_date"}
    close = (timezone.localdate() + timedelta(days=30)).isoformat()
    r = client.post(url, {"action": "convert", "convert-amount": "30000", "convert-expected_close_date": close})
    deal = DealRegistration.objects.get()
    assert r.status_code == 302 and r.url == f"/portal/deals/{deal.public_id}/"
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.deal == deal
    assert "Open the deal registration" in client.get(url).content.decode()


def test_decline_needs_a_reason_and_reroutes(client, world, field):
    lead = nyc_lead(world.cam)
    client.force_login(field["sales"]["near"])
    url = f"/portal/leads/{lead.public_id}/"
    r = client.post(url, {"action": "decline", "decline-reason": ""})
    assert r.status_code == 400 and "reason" in r.context["forms"]["decline"].errors
    r = client.post(url, {"action": "decline", "decline-reason": "No capacity this month"})
    assert r.status_code == 302 and r.url == "/portal/leads/"
    lead.refresh_from_db()
    assert lead.partner == field["far"] and lead.status == LeadStatus.OFFERED
    assert LeadOffer.objects.get(lead=lead, partner=field["near"]).outcome == OfferOutcome.DECLINED
    # the decliner no longer holds it: gone from the inbox, and its page is a missing page
    assert "Globex" not in client.get("/portal/leads/").content.decode()
    assert client.get(url).status_code == 404
    client.force_login(field["sales"]["far"])
    assert "Globex" in client.get("/portal/leads/").content.decode()


def test_disqualify_needs_a_note(client, world, field):
    lead = nyc_lead(world.cam)
    sales = field["sales"]["near"]
    lead_accept(actor=sales, lead=lead)
    client.force_login(sales)
    url = f"/portal/leads/{lead.public_id}/"
    r = client.post(url, {"action": "disqualify", "disqualify-note": " "})
    assert r.status_code == 400 and "note" in r.context["forms"]["disqualify"].errors
    assert client.post(url, {"action": "disqualify", "disqualify-note": "Student project"}).status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DISQUALIFIED and lead.status_note == "Student project"


def test_an_action_that_no_longer_fits_is_explained(client, world, field):
    lead = nyc_lead(world.cam)
    sales = field["sales"]["near"]
    lead_accept(actor=sales, lead=lead)
    client.force_login(sales)
    r = client.post(f"/portal/leads/{lead.public_id}/", {"action": "accept"})
    assert r.status_code == 400 and "Only offered leads can be accepted." in r.content.decode()


def test_partner_marketing_reads_only(client, world, field):
    lead = nyc_lead(world.cam)
    client.force_login(field["marketing"])
    r = client.get(f"/portal/leads/{lead.public_id}/")
    assert r.status_code == 200 and "Accept lead" not in r.content.decode() and "read your company" in r.content.decode()
    assert client.post(f"/portal/leads/{lead.public_id}/", {"action": "accept"}).status_code == 403
    lead.refresh_from_db()
    assert lead.status == LeadStatus.OFFERED


def test_vendors_have_no_inbox(client, world, field):
    lead = nyc_lead(world.cam)
    client.force_login(world.cam)
    assert client.get("/portal/leads/").status_code == 404
    assert client.get(f"/portal/leads/{lead.public_id}/").status_code == 404


def test_declined_lead_of_another_partner_is_404_for_the_decliner(client, world, field):
    lead = nyc_lead(world.cam)
    lead_decline(actor=field["sales"]["near"], lead=lead, reason="Too far")
    client.force_login(field["sales"]["near"])
    assert client.get(f"/portal/leads/{lead.public_id}/").status_code == 404
    assert client.post(f"/portal/leads/{lead.public_id}/", {"action": "accept"}).status_code == 404


def test_partner_admin_pauses_and_resumes_new_leads(client, world, field):
    from allied.leads.models import PartnerLeadSettings
    from tests.conftest import make_user

    admin = make_user("admin@near.example", "partner_admin", field["near"])
    client.force_login(admin)
    body = client.get("/portal/leads/").content.decode()
    assert "You hold <strong>0</strong> of up to <strong>5</strong> open leads" in body and "Pause new leads" in body
    r = client.post("/portal/leads/", {"action": "pause", "partner": field["near"].public_id})
    assert r.status_code == 302 and PartnerLeadSettings.objects.get(partner=field["near"]).paused
    assert nyc_lead(world.cam).partner != field["near"]  # paused: the lead goes elsewhere
    client.post("/portal/leads/", {"action": "resume", "partner": field["near"].public_id})
    assert not PartnerLeadSettings.objects.get(partner=field["near"]).paused


def test_sales_cannot_pause_nor_pause_another_partner(client, world, field):
    client.force_login(field["sales"]["near"])
    assert "Pause new leads" not in client.get("/portal/leads/").content.decode()
    assert client.post("/portal/leads/", {"action": "pause", "partner": field["near"].public_id}).status_code == 403
    from tests.conftest import make_user

    client.force_login(make_user("admin@near2.example", "partner_admin", field["near"]))
    assert client.post("/portal/leads/", {"action": "pause", "partner": field["far"].public_id}).status_code == 404
