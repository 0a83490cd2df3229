"""POST /api/v1/leads/{id}/accept, /decline, /status and /convert: the partner's lead inbox."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration
from allied.leads.models import Lead, LeadStatus
from allied.leads.services import lead_accept
from tests.api_helpers import API, error_fields, missing_id

from .builders import URL, assert_public_ids_only, lead_in

pytestmark = pytest.mark.django_db

CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()


@pytest.fixture
def lead(world, field):
    lead = lead_in(world.cam)
    assert lead.partner == field["near"]
    return lead


def _url(lead, action: str) -> str:
    return f"{URL}/{lead.public_id}/{action}"


# --- accept ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sales", "admins"])
def test_the_holders_sales_team_accepts(world, field, lead, api_client, who):
    resp = api_client.as_user(field[who]["near"]).post(_url(lead, "accept"))

    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "accepted" and resp.json()["offer_due_at"] is None


@pytest.mark.parametrize("user", ["cam", "admin", "marketing"])
def test_others_who_see_the_lead_may_not_accept(world, field, lead, api_client, user):
    actor = field["marketing"]["near"] if user == "marketing" else getattr(world, user)

    resp = api_client.as_user(actor).post(_url(lead, "accept"))

    assert resp.status_code == 403
    lead.refresh_from_db()
    assert lead.status == LeadStatus.OFFERED


def test_another_partner_gets_404_like_a_missing_lead(world, field, lead, api_client):
    client = api_client.as_user(field["sales"]["far"])

    foreign = client.post(_url(lead, "accept"))
    missing = client.post(f"{URL}/{missing_id('lead')}/accept")

    assert foreign.status_code == 404 and foreign.json() == missing.json()


def test_accepting_twice_is_a_conflict(world, field, lead, api_client):
    client = api_client.as_user(field["sales"]["near"])
    client.post(_url(lead, "accept"))

    assert client.post(_url(lead, "accept")).status_code == 409


# --- decline and re-route ------------------------------------------------------------------------


def test_decline_reroutes_and_the_lead_leaves_the_decliners_inbox(world, field, lead, api_client):
    near = api_client.as_user(field["sales"]["near"])

    resp = near.post(_url(lead, "decline"), {"reason": "No capacity this month"})

    assert resp.status_code == 200, resp.content
    assert resp.json() == {"id": lead.public_id, "outcome": "declined"}  # nothing about where it went
    lead.refresh_from_db()
    second = lead.partner
    assert lead.status == LeadStatus.OFFERED and second not in (field["near"], None)
    assert near.get(f"{URL}/{lead.public_id}").status_code == 404
    assert near.post(_url(lead, "accept")).status_code == 404
    assert near.get(URL).json()["items"] == []

    # the next partner sees it in its inbox and declines too: it never comes back to a decliner
    key = next(k for k in ("far", "third", "de") if field[k] == second)
    nxt = api_client.as_user(field["sales"][key])
    assert [i["id"] for i in nxt.get(URL).json()["items"]] == [lead.public_id]
    assert nxt.post(_url(lead, "decline"), {"reason": "Out of our area"}).status_code == 200
    lead.refresh_from_db()
    assert lead.partner not in (field["near"], second)
    assert list(lead.offers.values_list("outcome", flat=True)) == ["declined", "declined", "pending"]

    routing = api_client.as_user(world.cam).get(_url(lead, "routing")).json()["items"]
    assert [o["decline_reason"] for o in routing] == ["No capacity this month", "Out of our area", ""]


@pytest.mark.parametrize(("body", "status"), [({"reason": "  "}, 400), ({}, 422)])
def test_decline_needs_a_reason(world, field, lead, api_client, body, status):
    resp = api_client.as_user(field["sales"]["near"]).post(_url(lead, "decline"), body)

    assert resp.status_code == status
    assert error_fields(resp) == ["reason"]
    lead.refresh_from_db()
    assert lead.partner == field["near"]


def test_vendor_users_do_not_decline_for_the_partner(world, field, lead, api_client):
    assert api_client.as_user(world.cam).post(_url(lead, "decline"), {"reason": "x"}).status_code == 403


def test_an_accepted_lead_cannot_be_declined(world, field, lead, api_client):
    lead_accept(actor=field["sales"]["near"], lead=lead)

    assert api_client.as_user(field["sales"]["near"]).post(_url(lead, "decline"), {"reason": "x"}).status_code == 409


# --- status ---------------------------------------------------------------------------------------


def test_working_then_disqualified_with_a_note(world, field, lead, api_client):
    client = api_client.as_user(field["sales"]["near"])
    client.post(_url(lead, "accept"))

    working = client.post(_url(lead, "status"), {"status": "working"})
    disqualified = client.post(_url(lead, "status"), {"status": "disqualified", "note": "Student project"})

    assert working.status_code == 200 and working.json()["status"] == "working"
    assert disqualified.status_code == 200
    assert (disqualified.json()["status"], disqualified.json()["status_note"]) == ("disqualified", "Student project")


@pytest.mark.parametrize(("body", "status", "fields"), [
    ({"status": "disqualified"}, 400, ["note"]),
    ({"status": "converted"}, 422, ["status"]),
    ({}, 422, ["status"]),
])
def test_bad_status_input_names_the_field(world, field, lead, api_client, body, status, fields):
    client = api_client.as_user(field["sales"]["near"])
    client.post(_url(lead, "accept"))

    resp = client.post(_url(lead, "status"), body)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == fields


def test_status_before_accepting_is_a_conflict(world, field, lead, api_client):
    assert api_client.as_user(field["sales"]["near"]).post(_url(lead, "status"), {"status": "working"}).status_code == 409


# --- convert --------------------------------------------------------------------------------------


def test_convert_into_a_deal_registration(world, field, lead, api_client):
    client = api_client.as_user(field["sales"]["near"])
    client.post(_url(lead, "accept"))

    resp = client.post(_url(lead, "convert"), {"amount": "30000", "expected_close_date": CLOSE, "deal_type": "new_logo",
                                                "notes": "From a lead"})

    assert resp.status_code == 201, resp.content
    body = resp.json()
    deal = DealRegistration.objects.get()
    assert body["deal"]["id"] == deal.public_id and body["deal"]["status"] == "approved"
    assert body["lead"]["status"] == "converted" and body["lead"]["deal"] == deal.public_id
    assert_public_ids_only(body)
    assert deal.partner == field["near"] and deal.customer_name == "Globex Corporation"
    assert client.get(f"{API}/deals/{deal.public_id}").status_code == 200
    assert client.post(_url(lead, "status"), {"status": "working"}).status_code == 409


@pytest.mark.parametrize(("body", "status", "fields"), [
    ({"amount": "30000"}, 422, ["expected_close_date"]),
    ({"amount": "30000", "expected_close_date": "next year"}, 422, ["expected_close_date"]),
    ({"amount": 30000.5, "expected_close_date": CLOSE}, 400, ["amount"]),
    ({"amount": "30000", "expected_close_date": CLOSE, "deal_type": "barter"}, 422, ["deal_type"]),
])
def test_bad_convert_input_names_the_field(world, field, lead, api_client, body, status, fields):
    client = api_client.as_user(field["sales"]["near"])
    client.post(_url(lead, "accept"))

    resp = client.post(_url(lead, "convert"), body)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == fields
    assert not DealRegistration.objects.exists()
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.ACCEPTED


def test_only_an_accepted_lead_converts(world, field, lead, api_client):
    resp = api_client.as_user(field["sales"]["near"]).post(_url(lead, "convert"), {"amount": "1", "expected_close_date": CLOSE})

    assert resp.status_code == 409


def test_the_vendor_does_not_convert_for_the_partner(world, field, lead, api_client):
    resp = api_client.as_user(world.cam).post(_url(lead, "convert"), {"amount": "1", "expected_close_date": CLOSE})

    assert resp.status_code == 403
