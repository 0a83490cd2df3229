"""POST /api/v1/leads/{id}/reassign: a CAM gives a lead to another partner by hand (audited)."""

import pytest

from allied.leads.models import LeadStatus
from tests.api_helpers import error_fields, missing_id
from tests.factories import audit_actions

from .builders import URL, lead_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["admin", "cam"])
def test_reassign_to_another_partner(world, field, api_client, role):
    lead = lead_in(world.cam)

    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{lead.public_id}/reassign",
                                                          {"partner": field["far"].public_id, "reason": "Customer asked for them"})

    assert resp.status_code == 200, resp.content
    assert resp.json()["partner"]["id"] == field["far"].public_id and resp.json()["status"] == "offered"
    assert "lead.reassigned" in audit_actions(object_id=lead.public_id)
    # the old holder no longer sees it, the new one does
    assert api_client.as_user(field["sales"]["near"]).get(f"{URL}/{lead.public_id}").status_code == 404
    assert api_client.as_user(field["sales"]["far"]).get(f"{URL}/{lead.public_id}").status_code == 200


@pytest.mark.parametrize("role", ["pmm", "finance"])
def test_other_vendor_roles_may_not(world, field, api_client, role):
    lead = lead_in(world.cam)

    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{lead.public_id}/reassign",
                                                          {"partner": field["far"].public_id, "reason": "x"})

    assert resp.status_code == 403


def test_the_holder_may_not_reassign_and_is_not_told_about_partners(world, field, api_client):
    lead = lead_in(world.cam)

    resp = api_client.as_user(field["sales"]["near"]).post(f"{URL}/{lead.public_id}/reassign",
                                                            {"partner": missing_id("ptn"), "reason": "x"})

    assert resp.status_code == 403


@pytest.mark.parametrize(("body", "status", "fields"), [
    ({"partner": missing_id("ptn"), "reason": "x"}, 400, ["partner"]),
    ({"partner": "HOLDER", "reason": "x"}, 400, ["partner"]),
    ({"partner": "FAR", "reason": " "}, 400, ["reason"]),
    ({"reason": "x"}, 422, ["partner"]),
])
def test_bad_input_names_the_field(world, field, api_client, body, status, fields):
    lead = lead_in(world.cam)
    body = {**body, "partner": {"HOLDER": field["near"].public_id, "FAR": field["far"].public_id}.get(body.get("partner"),
                                                                                                        body.get("partner"))}
    if body["partner"] is None:
        del body["partner"]

    resp = api_client.as_user(world.cam).post(f"{URL}/{lead.public_id}/reassign", body)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == fields
    lead.refresh_from_db()
    assert lead.partner == field["near"] and lead.status == LeadStatus.OFFERED
