"""GET|PATCH /api/v1/lead-routing and /api/v1/lead-routing/partners/{partner_id}: routing settings, a partner's lead settings."""

import pytest

from allied.leads.models import PartnerLeadSettings, RoutingSettings
from tests.api_helpers import error_fields, missing_id

from .builders import SETTINGS_URL

pytestmark = pytest.mark.django_db


def _partner_url(partner) -> str:
    return f"{SETTINGS_URL}/partners/{partner.public_id}"


# --- routing settings -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "cam"])
def test_lead_managers_read_the_settings(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).get(SETTINGS_URL)

    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["accept_sla_hours"] == 24 and body["auto_route"] is True and body["require_products"] == "none"
    assert {"distance", "tier"} <= set(body["weights"])


@pytest.mark.parametrize("role", ["pmm", "finance", "a_admin", "b_sales"])
def test_others_may_not_read_them(world, api_client, role):
    assert api_client.as_user(getattr(world, role)).get(SETTINGS_URL).status_code == 403


def test_the_program_admin_changes_only_what_is_sent(world, api_client):
    resp = api_client.as_user(world.admin).patch(SETTINGS_URL, {"accept_sla_hours": 48, "max_distance_km": 250,
                                                                "require_products": "any"})

    assert resp.status_code == 200, resp.content
    settings = RoutingSettings.current()
    assert (settings.accept_sla_hours, settings.max_distance_km, settings.require_products) == (48, 250, "any")
    assert settings.reminder_hours == 4
    assert api_client.as_user(world.admin).patch(SETTINGS_URL, {"max_distance_km": None}).json()["max_distance_km"] is None


@pytest.mark.parametrize("role", ["cam", "pmm", "a_admin"])
def test_only_the_program_admin_changes_them(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).patch(SETTINGS_URL, {"accept_sla_hours": 48})

    assert resp.status_code == 403
    assert RoutingSettings.current().accept_sla_hours == 24


@pytest.mark.parametrize(("body", "status", "fields"), [
    ({"accept_sla_hours": 0}, 400, ["accept_sla_hours"]),
    ({"accept_sla_hours": "soon"}, 422, ["accept_sla_hours"]),
    ({"weights": {"charm": 5}}, 400, ["weights"]),
    ({"weights": {"distance": -1}}, 400, ["weights"]),
    ({"require_products": "some"}, 422, ["require_products"]),
    ({"auto_route": None}, 400, ["auto_route"]),
    ({"colour": "blue"}, 422, ["colour"]),
])
def test_bad_settings_name_the_field(world, api_client, body, status, fields):
    resp = api_client.as_user(world.admin).patch(SETTINGS_URL, body)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == fields
    assert RoutingSettings.current().accept_sla_hours == 24


# --- a partner's lead settings --------------------------------------------------------------------


def test_unset_partner_settings_read_as_the_defaults(world, api_client):
    resp = api_client.as_user(world.cam).get(_partner_url(world.partner_b))

    assert resp.status_code == 200, resp.content
    assert resp.json() == {"partner": {"id": world.partner_b.public_id, "name": "Bravo Systems"}, "capacity": None, "paused": False,
                           "postcode_prefixes": [], "lat": None, "lon": None, "service_radius_km": None}
    assert not PartnerLeadSettings.objects.exists()


@pytest.mark.parametrize("role", ["b_admin", "b_sales", "b_marketing"])
def test_a_partners_users_read_their_own(world, api_client, role):
    assert api_client.as_user(getattr(world, role)).get(_partner_url(world.partner_b)).status_code == 200


def test_another_partners_settings_answer_like_missing(world, api_client):
    client = api_client.as_user(world.b_admin)

    foreign = client.get(_partner_url(world.partner_a))
    missing = client.get(f"{SETTINGS_URL}/partners/{missing_id('ptn')}")

    assert foreign.status_code == 404 and foreign.json() == missing.json()
    assert client.patch(_partner_url(world.partner_a), {"paused": True}).json() == missing.json()


@pytest.mark.parametrize("role", ["pmm", "finance"])
def test_vendor_users_without_lead_rights_may_not_read(world, api_client, role):
    assert api_client.as_user(getattr(world, role)).get(_partner_url(world.partner_b)).status_code == 403


@pytest.mark.parametrize("role", ["admin", "cam"])
def test_lead_managers_set_capacity_and_territory(world, api_client, role):
    body = {"capacity": 3, "lat": 40.7, "lon": -74.0, "postcode_prefixes": ["100", "101"], "service_radius_km": 80}

    resp = api_client.as_user(getattr(world, role)).patch(_partner_url(world.partner_b), body)

    assert resp.status_code == 200, resp.content
    assert {k: resp.json()[k] for k in body} == body
    assert PartnerLeadSettings.objects.get(partner=world.partner_b).capacity == 3


def test_a_partner_admin_pauses_its_own_inbox_only(world, api_client):
    client = api_client.as_user(world.b_admin)

    paused = client.patch(_partner_url(world.partner_b), {"paused": True})
    capacity = client.patch(_partner_url(world.partner_b), {"capacity": 100})

    assert paused.status_code == 200 and paused.json()["paused"] is True
    assert capacity.status_code == 403
    assert PartnerLeadSettings.objects.get(partner=world.partner_b).capacity is None


@pytest.mark.parametrize("role", ["b_sales", "pmm"])
def test_sellers_and_other_vendor_roles_may_not_pause(world, api_client, role):
    assert api_client.as_user(getattr(world, role)).patch(_partner_url(world.partner_b), {"paused": True}).status_code == 403


def test_a_distributor_admin_may_not_pause_its_sub_partner(world, api_client):
    assert api_client.as_user(world.a_admin).patch(_partner_url(world.partner_a1), {"paused": True}).status_code == 403


@pytest.mark.parametrize(("body", "status", "fields"), [
    ({"lat": 95}, 400, ["lat"]),
    ({"capacity": -1}, 400, ["capacity"]),
    ({"capacity": "lots"}, 422, ["capacity"]),
    ({"owner": "me"}, 422, ["owner"]),
])
def test_bad_partner_settings_name_the_field(world, api_client, body, status, fields):
    resp = api_client.as_user(world.cam).patch(_partner_url(world.partner_b), body)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == fields
