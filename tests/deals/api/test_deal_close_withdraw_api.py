"""POST /api/v1/deals/{id}/close and /withdraw: the end of a registration."""

from decimal import Decimal

import pytest

from allied.customers.models import CustomerAccount
from allied.deals.models import DealStatus
from allied.partners.models import Achievement
from tests.api_helpers import error_fields, missing_id

from .builders import URL, body, pending, registered

pytestmark = pytest.mark.django_db


# --- close ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["a_sales", "a_admin", "cam", "admin"])
def test_sellers_and_reviewers_close_a_deal_won(world, api_client, role):
    deal = registered(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{deal.public_id}/close", {"outcome": "won", "amount": "50500"})

    assert resp.status_code == 200, resp.content
    assert (resp.json()["status"], resp.json()["won_amount"]) == ("won", "50500.00")
    assert resp.json()["closed_at"] is not None
    assert Achievement.objects.get(partner=world.partner_a).amount == Decimal("50500.00")
    assert CustomerAccount.objects.get(domain="contoso.example").incumbent_partner == world.partner_a


def test_won_without_an_amount_takes_the_registered_one(world, api_client):
    deal = registered(world.a_sales)

    resp = api_client.as_user(world.a_sales).post(f"{URL}/{deal.public_id}/close", {"outcome": "won"})

    assert resp.json()["won_amount"] == "48000.00"


def test_close_lost_with_a_reason(world, api_client):
    deal = registered(world.a_sales)

    resp = api_client.as_user(world.a_sales).post(f"{URL}/{deal.public_id}/close", {"outcome": "lost", "lost_reason": "Budget cut"})

    assert resp.status_code == 200
    assert (resp.json()["status"], resp.json()["lost_reason"]) == ("lost", "Budget cut")


@pytest.mark.parametrize(("data", "status", "field"), [
    ({"outcome": "lost"}, 400, "lost_reason"),
    ({"outcome": "won", "amount": 100.5}, 400, "amount"),
    ({"outcome": "won", "amount": "lots"}, 400, "amount"),
    ({"outcome": "tied"}, 422, "outcome"),
    ({}, 422, "outcome"),
])
def test_close_bad_input_names_the_field(world, api_client, data, status, field):
    deal = registered(world.a_sales)

    resp = api_client.as_user(world.a_sales).post(f"{URL}/{deal.public_id}/close", data)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]
    deal.refresh_from_db()
    assert deal.status == DealStatus.APPROVED


def test_only_approved_registrations_close(world, api_client):
    deal = pending(world.a_sales)
    resp = api_client.as_user(world.a_sales).post(f"{URL}/{deal.public_id}/close", {"outcome": "won"})
    assert resp.status_code == 409


@pytest.mark.parametrize("role", ["a_marketing", "pmm", "finance"])
def test_others_cannot_close(world, api_client, role):
    deal = registered(world.a_sales)
    assert api_client.as_user(getattr(world, role)).post(f"{URL}/{deal.public_id}/close", {"outcome": "won"}).status_code == 403


@pytest.mark.parametrize("action", ["close", "withdraw"])
def test_another_partners_or_a_missing_deal_is_404(world, api_client, action):
    deal = registered(world.a_sales)
    client = api_client.as_user(world.b_sales)

    foreign = client.post(f"{URL}/{deal.public_id}/{action}", {"outcome": "won"})
    missing = client.post(f"{URL}/{missing_id('deal')}/{action}", {"outcome": "won"})

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    deal.refresh_from_db()
    assert deal.status == DealStatus.APPROVED


# --- withdraw ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["a_sales", "a_admin", "cam"])
def test_withdraw_frees_the_customer_for_others(world, api_client, role):
    deal = registered(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{deal.public_id}/withdraw")

    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "withdrawn"
    again = api_client.as_user(world.b_sales).post(URL, body())
    assert (again.json()["status"], again.json()["decision_code"]) == ("approved", "clean")


def test_withdraw_a_pending_registration(world, api_client):
    deal = pending(world.a_sales)
    assert api_client.as_user(world.a_sales).post(f"{URL}/{deal.public_id}/withdraw").json()["status"] == "withdrawn"


def test_a_closed_registration_cannot_be_withdrawn(world, api_client):
    deal = registered(world.a_sales)
    client = api_client.as_user(world.a_sales)
    client.post(f"{URL}/{deal.public_id}/close", {"outcome": "lost", "lost_reason": "No budget"})

    assert client.post(f"{URL}/{deal.public_id}/withdraw").status_code == 409


@pytest.mark.parametrize("role", ["a_marketing", "pmm", "a1_admin"])
def test_others_cannot_withdraw(world, api_client, role):
    deal = registered(world.a_sales)
    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{deal.public_id}/withdraw")
    assert resp.status_code == (404 if role == "a1_admin" else 403)
