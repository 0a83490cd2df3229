"""POST /api/v1/users/invitations driven as an API client would."""

import pytest

from allied.accounts.models import Invitation
from allied.core.models import OutboxEmail
from tests.api_helpers import API, error_fields, missing_id

URL = f"{API}/users/invitations"


def test_partner_admin_invites_a_colleague(world, api_client):
    resp = api_client.as_user(world.b_admin).post(URL, {
        "email": "New.Rep@Bravo.example", "role": "partner_sales", "partner": world.partner_b.public_id, "full_name": "New Rep",
    })

    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id"].startswith("inv_")
    assert body["email"] == "new.rep@bravo.example"
    assert body["role"] == "partner_sales"
    assert body["partner"]["id"] == world.partner_b.public_id
    assert body["expires_at"]
    assert "token" not in body and "token_hash" not in body
    assert Invitation.objects.filter(public_id=body["id"]).exists()
    assert OutboxEmail.objects.filter(to="new.rep@bravo.example").exists()


def test_program_admin_invites_a_vendor_user(world, api_client):
    resp = api_client.as_user(world.admin).post(URL, {"email": "ops@vendor.example", "role": "finance"})
    assert resp.status_code == 201, resp.content
    assert resp.json()["partner"] is None


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"email": "not-an-email", "role": "partner_sales"}, 400, "email"),
    ({"email": "x@bravo.example", "role": "cam"}, 400, "role"),
    ({"email": "sales@bravo.example", "role": "partner_sales"}, 409, "email"),
    ({"role": "partner_sales"}, 422, "email"),
    ({"email": "x@bravo.example"}, 422, "role"),
])
def test_invitation_names_the_bad_field(world, api_client, body, status, field):
    resp = api_client.as_user(world.b_admin).post(URL, {"partner": world.partner_b.public_id, **body})
    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]


@pytest.mark.parametrize(("actor", "body"), [
    ("b_sales", {"role": "partner_sales", "partner": "b"}),
    ("a_admin", {"role": "partner_sales", "partner": "a1"}),
    ("cam", {"role": "finance", "partner": None}),
])
def test_invitation_without_permission_is_403(world, api_client, actor, body):
    partners = {"a1": world.partner_a1.public_id, "b": world.partner_b.public_id, None: None}
    resp = api_client.as_user(getattr(world, actor)).post(URL, {"email": "x@example.com", **body,
                                                                "partner": partners[body["partner"]]})
    assert resp.status_code == 403
    assert not Invitation.objects.exists()


def test_invitation_into_foreign_partner_answers_like_missing(world, api_client):
    api_client.as_user(world.a_admin)
    foreign = api_client.post(URL, {"email": "x@example.com", "role": "partner_sales", "partner": world.partner_b.public_id})
    missing = api_client.post(URL, {"email": "x@example.com", "role": "partner_sales", "partner": missing_id("ptn")})
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    assert error_fields(foreign) == ["partner"]
    assert not Invitation.objects.exists()
