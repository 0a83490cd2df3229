"""POST /api/v1/deals: a partner registers a deal and learns the outcome in the answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration, IdempotencyKey
from allied.program.models import Product
from tests.api_helpers import error_fields, missing_id

from .builders import URL, body, named_direct_account

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["a_admin", "a_sales", "b_sales", "a1_admin"])
def test_partner_sellers_register_for_their_own_organisation(world, api_client, role):
    user = getattr(world, role)

    resp = api_client.as_user(user).post(URL, body())

    assert resp.status_code == 201, resp.content
    deal = resp.json()
    assert deal["id"].startswith("deal_")
    assert deal["partner"] == {"id": user.partner.public_id, "name": user.partner.name}
    assert deal["registered_by"]["id"] == user.public_id
    assert (deal["status"], deal["decision"], deal["decision_code"]) == ("approved", "auto_approved", "clean")
    assert deal["decision_reason"].startswith("Approved")
    assert deal["amount"] == "48000.00" and deal["currency"] == "USD"
    assert deal["domain"] == "contoso.example" and deal["source"] == "api"
    assert deal["protection_expires_at"] is not None
    assert deal["review_notes"] is None and deal["account"] is None
    assert not any(isinstance(v, int) and k.endswith("id") for k, v in deal.items())


@pytest.mark.parametrize("role", ["admin", "cam"])
def test_vendor_reviewers_register_on_a_partners_behalf(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).post(URL, body(partner=world.partner_b.public_id))

    assert resp.status_code == 201, resp.content
    assert resp.json()["partner"]["id"] == world.partner_b.public_id
    assert resp.json()["review_notes"] == ""  # vendor users see the (empty) review notes


def test_vendor_must_name_the_partner(world, api_client):
    resp = api_client.as_user(world.cam).post(URL, body())

    assert resp.status_code == 400
    assert error_fields(resp) == ["partner"]


@pytest.mark.parametrize("role", ["a_marketing", "pmm", "finance"])
def test_roles_without_the_permission_are_refused(world, api_client, role):
    extra = {"partner": world.partner_a.public_id} if role in ("pmm", "finance") else {}

    resp = api_client.as_user(getattr(world, role)).post(URL, body(**extra))

    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "forbidden"
    assert not DealRegistration.objects.exists()


def test_a_partner_naming_another_partner_gets_the_answer_of_a_missing_one(world, api_client):
    client = api_client.as_user(world.b_sales)

    foreign = client.post(URL, body(partner=world.partner_a.public_id))
    missing = client.post(URL, body(partner=missing_id("ptn")))

    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    assert error_fields(foreign) == ["partner"]


def test_a_distributor_cannot_register_for_its_sub_partner(world, api_client):
    resp = api_client.as_user(world.a_sales).post(URL, body(partner=world.partner_a1.public_id))
    assert resp.status_code == 403


def test_two_partners_register_the_same_customer_first_wins_second_never_learns_who(world, api_client):
    first = api_client.as_user(world.a_sales).post(URL, body()).json()

    resp = api_client.as_user(world.b_sales).post(URL, body(customer_name="CONTOSO LTD", website="contoso.example/about"))

    assert first["status"] == "approved"
    assert resp.status_code == 201
    second = resp.json()
    assert (second["status"], second["decision_code"]) == ("declined", "already_registered")
    text = resp.content.decode()
    assert world.partner_a.name not in text and first["id"] not in text
    assert world.partner_a.public_id not in text
    assert second["review_notes"] is None
    # ... and not by reading the deal back either
    again = api_client.as_user(world.b_sales).get(f"{URL}/{second['id']}")
    assert world.partner_a.name not in again.content.decode() and first["id"] not in again.content.decode()
    # the vendor sees who
    vendor = api_client.as_user(world.cam).get(f"{URL}/{second['id']}").json()
    assert world.partner_a.name in vendor["review_notes"]


def test_named_direct_account_is_declined(world, api_client):
    named_direct_account("Contoso")

    resp = api_client.as_user(world.a_sales).post(URL, body())

    assert resp.status_code == 201
    deal = resp.json()
    assert (deal["status"], deal["decision_code"]) == ("declined", "direct_account")
    assert deal["account"] is None  # the vendor's account id is not for partners
    vendor = api_client.as_user(world.cam).get(f"{URL}/{deal['id']}").json()
    assert vendor["account"]["id"].startswith("acct_")


@pytest.mark.parametrize(("amount", "field_ok"), [(48000.0, False), (48000.5, False), (True, False), ("48,000.50", True), (48000, True)])
def test_amounts_are_decimal_strings_or_integers_never_floats(world, api_client, amount, field_ok):
    resp = api_client.as_user(world.a_sales).post(URL, body(amount=amount))

    if field_ok:
        assert resp.status_code == 201, resp.content
    else:
        assert resp.status_code == 400, resp.content
        assert error_fields(resp) == ["amount"]
        assert not DealRegistration.objects.exists()


def test_float_amount_message_says_why(world, api_client):
    resp = api_client.as_user(world.a_sales).post(URL, body(amount=1.5))
    assert "floating-point" in resp.json()["error"]["message"]


@pytest.mark.parametrize(("overrides", "status", "field"), [
    ({"customer_name": "  "}, 400, "customer_name"),
    ({"country": "Narnia"}, 400, "country"),
    ({"contact_name": " "}, 400, "contact_name"),
    ({"contact_email": "not-an-email"}, 400, "contact_email"),
    ({"currency": "dollars"}, 400, "currency"),
    ({"amount": "-5"}, 400, "amount"),
    ({"amount": "12.345"}, 400, "amount"),
    ({"expected_close_date": "2001-01-01"}, 400, "expected_close_date"),
    ({"expected_close_date": "next week"}, 422, "expected_close_date"),
    ({"deal_type": "rebate"}, 422, "deal_type"),
    ({"products": ["warp-drive"]}, 400, "products"),
    ({"website": "", "contact_email": "someone@gmail.com"}, 400, "website"),
    ({"website": "not a website"}, 400, "website"),
    ({"customer_name": None}, 422, "customer_name"),
])
def test_bad_input_names_the_field_and_registers_nothing(world, api_client, overrides, status, field):
    resp = api_client.as_user(world.a_sales).post(URL, body(**overrides))

    assert resp.status_code == status, resp.content
    assert field in error_fields(resp)
    assert not DealRegistration.objects.exists()


def test_missing_required_fields_are_named(world, api_client):
    data = body()
    del data["amount"], data["country"]

    resp = api_client.as_user(world.a_sales).post(URL, data)

    assert resp.status_code == 422
    assert set(error_fields(resp)) == {"amount", "country"}


def test_known_products_are_kept(world, api_client):
    Product.objects.create(code="edge-gateway", name="Edge Gateway")

    resp = api_client.as_user(world.a_sales).post(URL, body(products=["Edge-Gateway"]))

    assert resp.status_code == 201
    assert resp.json()["products"] == ["edge-gateway"]


# --- Idempotency-Key --------------------------------------------------------------------------


def test_the_same_key_and_body_answers_with_the_first_deal(world, api_client):
    client = api_client.as_user(world.a_sales)

    first = client.post(URL, body(), HTTP_IDEMPOTENCY_KEY="retry-1")
    again = client.post(URL, body(), HTTP_IDEMPOTENCY_KEY="retry-1")

    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert DealRegistration.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(world, api_client):
    client = api_client.as_user(world.a_sales)
    client.post(URL, body(), HTTP_IDEMPOTENCY_KEY="retry-1")

    resp = client.post(URL, body(amount="99"), HTTP_IDEMPOTENCY_KEY="retry-1")

    assert resp.status_code == 409
    assert error_fields(resp) == ["Idempotency-Key"]
    assert DealRegistration.objects.count() == 1


def test_keys_belong_to_their_user(world, api_client):
    first = api_client.as_user(world.a_sales).post(URL, body(), HTTP_IDEMPOTENCY_KEY="k").json()
    other = api_client.as_user(world.a_admin).post(URL, body(), HTTP_IDEMPOTENCY_KEY="k")

    assert other.status_code == 201
    assert other.json()["id"] != first["id"]
    assert other.json()["decision_code"] == "duplicate"  # the organisation's own earlier registration


def test_a_key_older_than_a_day_registers_again(world, api_client):
    client = api_client.as_user(world.a_sales)
    first = client.post(URL, body(), HTTP_IDEMPOTENCY_KEY="old").json()
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    resp = client.post(URL, body(amount="99"), HTTP_IDEMPOTENCY_KEY="old")

    assert resp.status_code == 201
    assert resp.json()["id"] != first["id"]
    assert IdempotencyKey.objects.get().deal.public_id == resp.json()["id"]


def test_a_refused_registration_does_not_use_up_the_key(world, api_client):
    client = api_client.as_user(world.a_sales)
    assert client.post(URL, body(country="XXX"), HTTP_IDEMPOTENCY_KEY="k").status_code == 400

    assert client.post(URL, body(), HTTP_IDEMPOTENCY_KEY="k").status_code == 201


def test_an_overlong_key_is_refused(world, api_client):
    resp = api_client.as_user(world.a_sales).post(URL, body(), HTTP_IDEMPOTENCY_KEY="x" * 256)

    assert resp.status_code == 400
    assert error_fields(resp) == ["Idempotency-Key"]


def test_register_without_a_key_is_401(world, client):
    resp = client.post(URL, body(), content_type="application/json")
    assert resp.status_code == 401
