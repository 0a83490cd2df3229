"""PATCH /api/v1/deals/{id}: what may change after registering; the customer itself cannot."""

from decimal import Decimal

import pytest

from allied.deals.models import DealRegistration, DealStatus
from tests.api_helpers import error_fields, missing_id

from .builders import URL, registered

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["a_sales", "a_admin", "cam", "admin"])
def test_sellers_and_reviewers_update_an_open_registration(world, api_client, role):
    deal = registered(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).patch(f"{URL}/{deal.public_id}", {
        "stage": "proposal", "amount": "52000.50", "contact_title": "CIO"})

    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["stage"], body["amount"], body["contact_title"]) == ("proposal", "52000.50", "CIO")
    deal.refresh_from_db()
    assert deal.amount == Decimal("52000.50")


def test_only_the_fields_sent_change(world, api_client):
    deal = registered(world.a_sales, notes="Keep me")

    api_client.as_user(world.a_sales).patch(f"{URL}/{deal.public_id}", {"stage": "discovery"})

    deal.refresh_from_db()
    assert deal.notes == "Keep me" and deal.stage == "discovery" and deal.amount == Decimal("48000")


@pytest.mark.parametrize("field", ["customer_name", "website", "country", "deal_type", "partner"])
def test_the_customer_cannot_change(world, api_client, field):
    deal = registered(world.a_sales)

    resp = api_client.as_user(world.a_sales).patch(f"{URL}/{deal.public_id}", {field: "XX", "stage": "proposal"})

    assert resp.status_code == 400
    assert error_fields(resp) == [field]
    assert "withdraw it and register again" in resp.json()["error"]["message"]
    deal.refresh_from_db()
    assert deal.stage == "qualification"  # nothing half-saved


@pytest.mark.parametrize(("data", "status", "field"), [
    ({"amount": 5.5}, 400, "amount"),
    ({"amount": None}, 400, "amount"),
    ({"currency": "euros"}, 400, "currency"),
    ({"contact_name": "  "}, 400, "contact_name"),
    ({"contact_email": "nope"}, 400, "contact_email"),
    ({"expected_close_date": "2001-01-01"}, 400, "expected_close_date"),
    ({"stage": "won"}, 422, "stage"),
    ({"colour": "blue"}, 422, "colour"),
])
def test_bad_input_names_the_field(world, api_client, data, status, field):
    deal = registered(world.a_sales)

    resp = api_client.as_user(world.a_sales).patch(f"{URL}/{deal.public_id}", data)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]


@pytest.mark.parametrize("role", ["a_marketing", "pmm", "finance"])
def test_roles_that_cannot_work_deals_are_refused(world, api_client, role):
    deal = registered(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).patch(f"{URL}/{deal.public_id}", {"stage": "proposal"})

    assert resp.status_code == 403


def test_a_distributor_cannot_change_its_sub_partners_deal(world, api_client):
    deal = registered(world.a1_admin)
    assert api_client.as_user(world.a_sales).patch(f"{URL}/{deal.public_id}", {"stage": "proposal"}).status_code == 403


def test_another_partners_deal_answers_like_a_missing_one(world, api_client):
    deal = registered(world.a_sales)
    client = api_client.as_user(world.b_sales)

    foreign = client.patch(f"{URL}/{deal.public_id}", {"stage": "proposal"})
    missing = client.patch(f"{URL}/{missing_id('deal')}", {"stage": "proposal"})

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_a_closed_registration_cannot_change(world, api_client):
    deal = registered(world.a_sales)
    DealRegistration.objects.filter(pk=deal.pk).update(status=DealStatus.WON)

    resp = api_client.as_user(world.a_sales).patch(f"{URL}/{deal.public_id}", {"stage": "proposal"})

    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "conflict"
