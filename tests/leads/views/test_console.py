"""Console lead pages: the queue and its filters, a lead's routing history and manual reassignment, partner
statistics, routing settings and CSV import."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allied.core.models import AuditEvent
from allied.leads.models import Lead, LeadOffer, LeadStatus, OfferOutcome, RoutingSettings
from allied.leads.services import lead_decline, leads_pull_back

from .conftest import nyc_lead

pytestmark = pytest.mark.django_db


def test_queue_lists_and_filters(client, world, field):
    lead = nyc_lead(world.cam)
    other = nyc_lead(world.cam, company_name="Initech", website="initech.example", contact_email="bill@initech.example")
    lead_decline(actor=field["sales"]["near"], lead=other, reason="busy")
    client.force_login(world.cam)
    r = client.get("/console/leads/")
    assert r.status_code == 200 and "Globex" in r.content.decode() and "Initech" in r.content.decode()
    body = client.get(f"/console/leads/?partner={field['far'].public_id}").content.decode()
    assert "Initech" in body and "Globex" not in body
    assert "Globex" not in client.get("/console/leads/?status=accepted").content.decode()
    assert "Globex" in client.get("/console/leads/?source=api&q=globex").content.decode()
    assert "No leads match" in client.get("/console/leads/?overdue=on").content.decode()
    LeadOffer.objects.filter(lead=lead).update(sla_due_at=timezone.now() - timedelta(minutes=5))
    body = client.get("/console/leads/?overdue=on").content.decode()
    assert "Globex" in body and "Initech" not in body
    leads_pull_back()
    body = client.get("/console/leads/?breached=on").content.decode()
    assert "Globex" in body and "Initech" not in body
    assert client.get("/console/leads/?status=nonsense").status_code == 200


def test_detail_shows_history_explanations_breakdown_and_runners_up(client, world, field):
    lead = nyc_lead(world.cam)
    lead_decline(actor=field["sales"]["near"], lead=lead, reason="No capacity this month")
    client.force_login(world.pmm)
    r = client.get(f"/console/leads/{lead.public_id}/")
    assert r.status_code == 200
    body = r.content.decode()
    first = LeadOffer.objects.filter(lead=lead).first()
    assert first.explanation in body and "No capacity this month" in body
    assert "Score breakdown" in body and "Runners-up" in body and "Far Silver" in body
    assert body.count('data-testid="offer"') == 2
    assert "Reassign by hand" not in body  # partner marketing managers read only


def test_manual_reassignment(client, world, field):
    lead = nyc_lead(world.cam)
    client.force_login(world.cam)
    url = f"/console/leads/{lead.public_id}/"
    r = client.post(url, {"partner": field["third"].public_id, "reason": ""})
    assert r.status_code == 400 and "reason" in r.context["form"].errors
    r = client.post(url, {"partner": field["near"].public_id, "reason": "because"})
    assert r.status_code == 400 and "already with this partner" in str(r.context["form"].errors["partner"])
    r = client.post(url, {"partner": field["third"].public_id, "reason": "Customer asked for them"})
    assert r.status_code == 302
    lead.refresh_from_db()
    assert lead.partner == field["third"]
    assert list(lead.offers.values_list("outcome", flat=True)) == [OfferOutcome.REASSIGNED, OfferOutcome.PENDING]
    assert AuditEvent.objects.filter(action="lead.reassigned", object_id=lead.public_id).exists()


def test_reassign_refused_for_read_only_roles(client, world, field):
    lead = nyc_lead(world.cam)
    client.force_login(world.finance)
    r = client.post(f"/console/leads/{lead.public_id}/", {"partner": field["third"].public_id, "reason": "x"})
    assert r.status_code == 403
    lead.refresh_from_db()
    assert lead.partner == field["near"]


def test_partner_pages_are_not_for_partners(client, world, field):
    lead = nyc_lead(world.cam)
    client.force_login(field["sales"]["near"])
    for url in ("/console/leads/", f"/console/leads/{lead.public_id}/", "/console/leads/partners/", "/console/leads/settings/",
                "/console/leads/import/", "/console/leads/embed/"):
        assert client.get(url).status_code == 404, url


def test_partner_stats(client, world, field):
    lead = nyc_lead(world.cam)
    lead_decline(actor=field["sales"]["near"], lead=lead, reason="busy")
    client.force_login(world.cam)
    r = client.get("/console/leads/partners/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Near Gold" in body and "Far Silver" in body and "<svg" in body and "Acceptance rate" in body


def test_routing_settings(client, world, field):
    client.force_login(world.admin)
    r = client.get("/console/leads/settings/")
    assert r.status_code == 200
    data = {"auto_route": "on", "accept_sla_hours": "12", "reminder_hours": "2", "default_capacity": "7", "require_country": "on",
            "max_distance_km": "500", "require_products": "none", "min_tier_rank": "", "weight_distance": "40", "weight_fit": "20",
            "weight_tier": "10", "weight_acceptance": "10", "weight_conversion": "10", "weight_fairness": "10",
            "allowed_partner_types": ["reseller"]}
    assert client.post("/console/leads/settings/", data).status_code == 302
    s = RoutingSettings.current()
    assert s.accept_sla_hours == 12 and s.max_distance_km == 500 and s.weights["distance"] == 40 and s.allowed_partner_types == ["reseller"]
    r = client.post("/console/leads/settings/", {**data, "accept_sla_hours": "0", "weight_fit": "-1"})
    assert r.status_code == 400 and {"accept_sla_hours", "weight_fit"} <= set(r.context["form"].errors)
    zeros = {**data, **{k: "0" for k in data if k.startswith("weight_")}}
    r = client.post("/console/leads/settings/", zeros)
    assert r.status_code == 400 and "not all zero" in r.content.decode()
    client.force_login(world.cam)
    assert client.get("/console/leads/settings/").status_code == 404


def test_import_reports_rows_and_columns(client, world, field):
    client.force_login(world.cam)
    assert client.get("/console/leads/import/").status_code == 200
    bad = b"company,country,contact,email\nGlobex,US,Hank,not-an-email\n,US,Kim,kim@initech.example\n"
    r = client.post("/console/leads/import/", {"file": SimpleUploadedFile("leads.csv", bad, "text/csv")})
    assert r.status_code == 400
    problems = r.context["problems"]
    assert any("row 2, column 'email'" in p for p in problems) and any("row 3, column 'company'" in p for p in problems)
    assert not Lead.objects.exists()
    good = b"company,country,contact,email,lat,lon,interest\nGlobex,US,Hank,hank@globex.example,40.7,-74.0,security\n"
    r = client.post("/console/leads/import/", {"file": SimpleUploadedFile("leads.csv", good, "text/csv")})
    assert r.status_code == 200 and "Imported 1 lead" in r.content.decode()
    assert Lead.objects.get().status == LeadStatus.OFFERED
    r = client.post("/console/leads/import/", {})
    assert r.status_code == 400 and "file" in r.context["form"].errors


def test_import_refused_for_read_only_roles(client, world, field):
    client.force_login(world.finance)
    assert client.get("/console/leads/import/").status_code == 200
    r = client.post("/console/leads/import/", {"file": SimpleUploadedFile("l.csv", b"company\n", "text/csv")})
    assert r.status_code == 403
