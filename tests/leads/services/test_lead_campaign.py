"""Lead.campaign: the tracking code of the campaign or MDF activity that produced a lead (MDF ROI attribution)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allied.core.errors import DomainError
from allied.leads.models import Lead
from allied.leads.services import lead_create, leads_import
from tests.api_helpers import API
from tests.factories import lead_data

pytestmark = pytest.mark.django_db


def test_api_and_service_keep_the_campaign(world, api_client):
    lead = lead_create(actor=world.admin, data=lead_data(campaign=" fr_abc "), route=False)
    assert lead.campaign == "fr_abc"
    resp = api_client.as_user(world.admin).post(f"{API}/leads", lead_data(company_name="Initech", website="initech.example",
                                                                           contact_email="b@initech.example", campaign="fr_xyz"))
    assert resp.status_code == 201 and resp.json()["campaign"] == "fr_xyz"
    with pytest.raises(DomainError) as exc:
        lead_create(actor=world.admin, data=lead_data(campaign="x" * 41), route=False)
    assert exc.value.field == "campaign"


def test_csv_campaign_column(world):
    csv = (b"company,country,contact,email,campaign\n"
           b"Umbrella Corp,US,Alice Umbrella,alice@umbrella.example,fr_csv1\n")
    [lead] = leads_import(actor=world.admin, file=SimpleUploadedFile("leads.csv", csv, content_type="text/csv"))
    assert Lead.objects.get(pk=lead.pk).campaign == "fr_csv1"


def test_web_form_carries_the_campaign_of_the_page(client):
    body = client.get("/forms/lead/?campaign=fr_web123").content.decode()
    assert 'name="campaign" value="fr_web123"' in body
