"""POST /api/v1/deals/{id}/approve, /decline and /deals/bulk-decide: the CAM decides registrations in review."""

import pytest

from allied.deals.models import DealRegistration, DealStatus
from tests.api_helpers import error_fields, missing_id
from tests.factories import outbox_to

from .builders import URL, pending, registered

pytestmark = pytest.mark.django_db


# --- approve ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "cam"])
def test_reviewers_approve_a_registration_in_review(world, api_client, role):
    deal = pending(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{deal.public_id}/approve", {"reason": "Welcome aboard"})

    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["status"], body["decision"], body["decision_reason"]) == ("approved", "approved", "Welcome aboard")
    assert body["protection_expires_at"] is not None
    assert any("approved" in m.subject for m in outbox_to(world.a_sales.email))


def test_approve_without_a_body_gives_the_default_reason(world, api_client):
    deal = pending(world.a_sales)

    resp = api_client.as_user(world.cam).post(f"{URL}/{deal.public_id}/approve")

    assert resp.status_code == 200, resp.content
    assert resp.json()["decision_reason"] == "Approved by your channel manager."


@pytest.mark.parametrize("role", ["a_admin", "a_sales", "pmm", "finance"])
def test_others_cannot_approve(world, api_client, role):
    deal = pending(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{deal.public_id}/approve", {})

    assert resp.status_code == 403
    deal.refresh_from_db()
    assert deal.status == DealStatus.PENDING


def test_approving_a_decided_registration_is_a_conflict(world, api_client):
    deal = registered(world.a_sales)  # approved automatically
    resp = api_client.as_user(world.cam).post(f"{URL}/{deal.public_id}/approve", {})
    assert resp.status_code == 409


@pytest.mark.parametrize("action", ["approve", "decline"])
def test_another_partners_or_a_missing_deal_is_404(world, api_client, action):
    deal = pending(world.a_sales)
    client = api_client.as_user(world.b_admin)

    foreign = client.post(f"{URL}/{deal.public_id}/{action}", {"reason": "x"})
    missing = client.post(f"{URL}/{missing_id('deal')}/{action}", {"reason": "x"})

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert api_client.as_user(world.cam).post(f"{URL}/{missing_id('deal')}/{action}", {"reason": "x"}).status_code == 404


# --- decline ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "cam"])
def test_reviewers_decline_with_a_reason(world, api_client, role):
    deal = pending(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{deal.public_id}/decline", {"reason": "Direct team owns it"})

    assert resp.status_code == 200, resp.content
    assert (resp.json()["status"], resp.json()["decision_reason"]) == ("declined", "Direct team owns it")


@pytest.mark.parametrize(("data", "status"), [({}, 422), ({"reason": "  "}, 400)])
def test_decline_needs_a_reason(world, api_client, data, status):
    deal = pending(world.a_sales)

    resp = api_client.as_user(world.cam).post(f"{URL}/{deal.public_id}/decline", data)

    assert resp.status_code == status
    assert error_fields(resp) == ["reason"]


@pytest.mark.parametrize("role", ["a_sales", "pmm"])
def test_others_cannot_decline(world, api_client, role):
    deal = pending(world.a_sales)
    assert api_client.as_user(getattr(world, role)).post(f"{URL}/{deal.public_id}/decline", {"reason": "no"}).status_code == 403


# --- bulk -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "status"), [("approve", "approved"), ("decline", "declined")])
def test_reviewers_decide_many_at_once(world, api_client, action, status):
    deals = [pending(world.a_sales, "Contoso"), pending(world.b_sales, "Fabrikam"), pending(world.a1_admin, "Litware")]

    resp = api_client.as_user(world.cam).post(f"{URL}/bulk-decide", {
        "deals": [d.public_id for d in deals], "action": action, "reason": "Quarter-end sweep"})

    assert resp.status_code == 200, resp.content
    assert resp.json()["decided"] == 3
    assert {d["status"] for d in resp.json()["items"]} == {status}
    assert set(DealRegistration.objects.values_list("status", flat=True)) == {status}


def test_bulk_is_all_or_nothing(world, api_client):
    waiting = pending(world.a_sales, "Contoso")
    decided = registered(world.b_sales, "Fabrikam")

    resp = api_client.as_user(world.admin).post(f"{URL}/bulk-decide", {
        "deals": [waiting.public_id, decided.public_id], "action": "approve"})

    assert resp.status_code == 409
    waiting.refresh_from_db()
    assert waiting.status == DealStatus.PENDING


def test_bulk_decline_needs_a_reason(world, api_client):
    deal = pending(world.a_sales)

    resp = api_client.as_user(world.cam).post(f"{URL}/bulk-decide", {"deals": [deal.public_id], "action": "decline"})

    assert resp.status_code == 400
    assert error_fields(resp) == ["reason"]


@pytest.mark.parametrize(("data", "status", "field"), [
    ({"deals": [], "action": "approve"}, 422, "deals"),
    ({"deals": ["deal_0000000000000000"], "action": "approve"}, 400, "deals"),
    ({"deals": "deal_x", "action": "approve"}, 422, "deals"),
    ({"deals": ["x"], "action": "maybe"}, 422, "action"),
])
def test_bulk_bad_input_names_the_field(world, api_client, data, status, field):
    resp = api_client.as_user(world.cam).post(f"{URL}/bulk-decide", data)

    assert resp.status_code == status, resp.content
    assert error_fields(resp)[0] == field


def test_partners_cannot_bulk_decide(world, api_client):
    deal = pending(world.a_sales)

    resp = api_client.as_user(world.a_admin).post(f"{URL}/bulk-decide", {"deals": [deal.public_id], "action": "approve"})

    assert resp.status_code == 403


def test_bulk_with_another_partners_deal_answers_like_a_missing_one(world, api_client):
    deal = pending(world.a_sales)
    client = api_client.as_user(world.b_admin)

    foreign = client.post(f"{URL}/bulk-decide", {"deals": [deal.public_id], "action": "approve"})
    missing = client.post(f"{URL}/bulk-decide", {"deals": [missing_id("deal")], "action": "approve"})

    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
