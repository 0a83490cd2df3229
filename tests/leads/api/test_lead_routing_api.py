"""GET /api/v1/leads/{id}/routing and /api/v1/leads/stats: why a lead went where it went; per-partner figures. Vendor only."""

import pytest

from allied.leads.models import LeadOffer
from allied.leads.services import lead_accept, lead_decline
from tests.api_helpers import missing_id

from .builders import URL, assert_public_ids_only, lead_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["admin", "cam", "pmm", "finance"])
def test_the_explanation_with_runners_up_by_public_id(world, field, api_client, role):
    lead = lead_in(world.cam)
    stored = LeadOffer.objects.get(lead=lead).runners_up
    assert stored and all(isinstance(r["partner_id"], int) for r in stored)  # what the server keeps

    resp = api_client.as_user(getattr(world, role)).get(f"{URL}/{lead.public_id}/routing")

    assert resp.status_code == 200, resp.content
    [offer] = resp.json()["items"]
    assert offer["id"].startswith("offer_") and offer["partner"]["id"] == field["near"].public_id
    assert offer["mode"] == "online" and offer["outcome"] == "pending" and "km" in offer["explanation"]
    assert {"distance", "tier"} <= set(offer["breakdown"]) and float(offer["score"]) > 0
    assert offer["sla_due_at"] and offer["offered_at"] and offer["decided_at"] is None
    runner_ids = [r["partner"]["id"] for r in offer["runners_up"]]
    assert len(runner_ids) >= 2 and set(runner_ids) <= {field[k].public_id for k in ("far", "third", "de")}
    assert all(r["total"] <= float(offer["score"]) for r in offer["runners_up"])
    assert_public_ids_only(resp.json())
    assert b"partner_id" not in resp.content


def test_every_offer_in_order_with_its_outcome(world, field, api_client):
    lead = lead_in(world.cam)
    lead = lead_decline(actor=field["sales"]["near"], lead=lead, reason="Busy")

    items = api_client.as_user(world.cam).get(f"{URL}/{lead.public_id}/routing").json()["items"]

    assert [(o["partner"]["id"], o["outcome"]) for o in items] == [(field["near"].public_id, "declined"),
                                                                   (lead.partner.public_id, "pending")]
    assert items[0]["decided_at"] and items[0]["decided_by"]["id"] == field["sales"]["near"].public_id


def test_partners_get_404_even_for_the_lead_they_hold(world, field, api_client):
    lead = lead_in(world.cam)
    client = api_client.as_user(field["sales"]["near"])

    held = client.get(f"{URL}/{lead.public_id}/routing")
    missing = client.get(f"{URL}/{missing_id('lead')}/routing")

    assert held.status_code == 404 and held.json() == missing.json()
    assert api_client.as_user(world.cam).get(f"{URL}/{missing_id('lead')}/routing").status_code == 404


@pytest.mark.parametrize("role", ["admin", "cam", "pmm"])
def test_stats_per_partner(world, field, api_client, role):
    first = lead_in(world.cam, "Globex")
    lead_accept(actor=field["sales"]["near"], lead=first)
    second = lead_in(world.cam, "Initech")
    lead_decline(actor=field["sales"]["near"], lead=second, reason="Busy")

    resp = api_client.as_user(getattr(world, role)).get(f"{URL}/stats")

    assert resp.status_code == 200, resp.content
    rows = {r["partner"]["id"]: r for r in resp.json()["items"]}
    near = rows[field["near"].public_id]
    assert (near["offers"], near["accepted"], near["declined"], near["timed_out"], near["converted"]) == (2, 1, 1, 0, 0)
    assert near["acceptance_rate"] == 0.5 and near["conversion_rate"] == 0.0
    assert near["partner"]["name"] == "Near Gold"
    assert_public_ids_only(resp.json())


@pytest.mark.parametrize("role", ["a_admin", "a_sales", "b_marketing"])
def test_stats_are_not_for_partners(world, field, api_client, role):
    lead_in(world.cam)

    resp = api_client.as_user(getattr(world, role)).get(f"{URL}/stats")

    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"


def test_stats_are_not_for_the_holder_either(world, field, api_client):
    lead_in(world.cam)

    assert api_client.as_user(field["sales"]["near"]).get(f"{URL}/stats").status_code == 404
