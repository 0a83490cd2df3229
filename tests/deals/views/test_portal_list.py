"""The portal's deal list: our registrations and the deals we are on, status filters and the pipeline summary."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration, DealStatus
from allied.deals.services import participants_set

from .conftest import register

pytestmark = pytest.mark.django_db
URL = "/portal/deals/"


def test_lists_our_registrations_and_deals_we_are_on_never_others(client, world, deal_a, deal_b):
    other = register(world.b_sales, customer_name="Fabrikam", website="fabrikam.example", contact_email="")
    participants_set(actor=world.cam, deal=other, participants=[
        {"partner": world.partner_b, "role": "sourcing", "split_pct": "70"},
        {"partner": world.partner_a, "role": "implementing", "split_pct": "30"}])
    client.force_login(world.a_sales)
    r = client.get(URL)
    body = r.content.decode()
    assert r.status_code == 200
    assert "Northwind Traders Inc." in body and "Fabrikam" in body and "Contoso" not in body
    assert "Registered by Bravo Systems" in body  # a deal we are on, not ours
    assert 'href="/portal/deals/new/"' in body and 'href="/portal/deals/import/"' in body


def test_status_filter_and_pipeline_summary(client, world, deal_a):
    register(world.a_sales, customer_name="Tailspin Toys", website="tailspin.example", contact_email="", amount="2000")
    declined = register(world.a_sales, customer_name="Northwind Traders", website="northwind.example")  # our own duplicate
    assert declined.status == DealStatus.DECLINED
    client.force_login(world.a_admin)
    r = client.get(URL, {"status": "declined"})
    assert [d.public_id for d in r.context["page"]] == [declined.public_id]
    assert "You already have an open registration" in r.content.decode()
    summary = r.context["summary"]
    assert summary["open_amounts"] == [("USD", 50000)] and summary["expiring_soon"] == 0
    assert ("Approved", 2) in r.context["chart"] and ("Declined", 1) in r.context["chart"]
    assert b"<svg" in r.content and b'data-testid="open-amount"><div class="kpi">50,000 <small>USD</small>' in r.content


def test_amounts_in_different_currencies_are_never_added(client, world, deal_a):
    register(world.a_sales, customer_name="Tailspin Toys", website="tailspin.example", contact_email="", amount="2000",
             currency="EUR")
    client.force_login(world.a_admin)
    summary = client.get(URL).context["summary"]
    assert summary["open_amounts"] == [("USD", 48000), ("EUR", 2000)]


def test_protection_ending_within_14_days_is_highlighted(client, world, deal_a):
    DealRegistration.objects.filter(pk=deal_a.pk).update(protection_expires_at=timezone.now() + timedelta(days=12, hours=2))
    client.force_login(world.a_sales)
    body = client.get(URL).content.decode()
    assert '<span class="badge warn"' in body and "expires in 12 days" in body
    DealRegistration.objects.filter(pk=deal_a.pk).update(protection_expires_at=timezone.now() + timedelta(days=40))
    body = client.get(URL).content.decode()
    assert "expires in" not in body and "protected until" in body


def test_empty_state_invites_a_first_registration(client, world):
    client.force_login(world.b_sales)
    body = client.get(URL).content.decode()
    assert "No registrations yet." in body and "Register your first deal" in body
    client.force_login(world.b_marketing)
    body = client.get(URL).content.decode()
    assert "No registrations yet." in body and "Register your first deal" not in body and "/portal/deals/new/" not in body


def test_vendors_do_not_see_the_portal_list(client, world):
    client.force_login(world.admin)
    assert client.get(URL).status_code == 404
