"""Registering a deal on the portal: the short form, the outcome at once, errors on the right fields."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration, DealSource, DealStatus
from tests.factories import deal_data

from .conftest import register

pytestmark = pytest.mark.django_db
URL = "/portal/deals/new/"


def _post(client, **overrides):
    data = deal_data(**overrides)
    return client.post(URL, data)


def test_form_offers_countries_currencies_deal_types_and_active_products(client, world, products):
    client.force_login(world.a_sales)
    r = client.get(URL)
    assert r.status_code == 200
    body = r.content.decode()
    for text in ('value="DE"', "Germany (DE)", 'value="EUR"', 'value="new_logo"', "Renewal", "Cloud Suite", "More contact details"):
        assert text in body
    assert "Legacy Box" not in body  # inactive products are not offered


def test_a_clean_registration_is_approved_at_once(client, world, products):
    client.force_login(world.a_sales)
    r = _post(client, products=["cloud-suite"], contact_phone="+1 555 0100")
    deal = DealRegistration.objects.get()
    assert r.status_code == 302 and r.url == f"/portal/deals/{deal.public_id}/"
    assert deal.status == DealStatus.APPROVED and deal.source == DealSource.PORTAL and deal.products == ["cloud-suite"]
    page = client.get(r.url).content.decode()
    assert "Approved" in page and f"Protected until <strong>{deal.protection_expires_at:%Y-%m-%d}</strong>" in page
    assert "Registration submitted for Northwind Traders Inc." in page


def test_second_partner_is_declined_with_a_reason_that_never_names_the_first(client, world):
    register(world.a_sales)
    client.force_login(world.b_sales)
    r = _post(client, customer_name="Northwind Traders", contact_email="lee@northwind.example")
    deal = DealRegistration.objects.get(partner=world.partner_b)
    assert deal.status == DealStatus.DECLINED
    page = client.get(r.url).content.decode()
    assert "Declined" in page and "already registered by another partner" in page
    assert world.partner_a.name not in page


def test_in_review_shows_the_reason_and_the_deadline(client, world):
    from .conftest import review_everything

    review_everything()
    client.force_login(world.a_sales)
    r = _post(client)
    deal = DealRegistration.objects.get()
    page = client.get(r.url).content.decode()
    assert deal.status == DealStatus.PENDING
    assert "In review" in page and f"{deal.sla_due_at:%Y-%m-%d %H:%M} UTC" in page and deal.decision_reason in page


@pytest.mark.parametrize("overrides,field,message", [
    ({"customer_name": ""}, "customer_name", "This field is required."),
    ({"country": "XX"}, "country", "Select a valid choice."),
    ({"amount": "lots"}, "amount", "Enter an amount such as 25000"),
    ({"expected_close_date": (timezone.localdate() - timedelta(days=1)).isoformat()}, "expected_close_date", "cannot be in the past"),
    ({"website": "", "contact_email": "dana@gmail.com"}, "website", "free-mail"),
    ({"contact_email": "not-an-email"}, "contact_email", "Enter a valid email address."),
])
def test_bad_input_is_named_on_its_field_and_nothing_is_lost(client, world, overrides, field, message):
    client.force_login(world.a_sales)
    r = _post(client, **overrides)
    assert r.status_code == 400
    assert not DealRegistration.objects.exists()
    form = r.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    body = r.content.decode()
    assert f'id="id_{field}_error"' in body
    assert 'value="Dana Reyes"' in body  # what was typed is still there


def test_marketing_can_read_but_not_register(client, world):
    client.force_login(world.a_marketing)
    r = client.get(URL)
    assert r.status_code == 200 and "not register new ones" in r.content.decode()
    assert b"register-form" not in r.content
    assert _post(client).status_code == 403
    assert not DealRegistration.objects.exists()


def test_vendor_and_anonymous_users_do_not_get_the_portal_form(client, world):
    assert client.get(URL).status_code == 302
    client.force_login(world.cam)
    assert client.get(URL).status_code == 404
