"""GET/POST /api/v1/deals/{id}/extensions and /extensions/{ext_id}/approve|decline: longer protection."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration, ExtensionRequest
from tests.api_helpers import error_fields, missing_id

from .builders import URL, pending, registered

pytestmark = pytest.mark.django_db


def exts(deal) -> str:
    return f"{URL}/{deal.public_id}/extensions"


def requested(api_client, user, deal, days=14) -> dict:
    resp = api_client.as_user(user).post(exts(deal), {"days": days, "reason": "Procurement needs another board meeting"})
    assert resp.status_code == 201, resp.content
    return resp.json()


# --- request ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["a_sales", "a_admin"])
def test_the_registering_partners_sellers_ask_for_more_time(world, api_client, role):
    deal = registered(world.a_sales)
    user = getattr(world, role)

    ext = requested(api_client, user, deal)

    assert ext["id"].startswith("ext_")
    assert (ext["days"], ext["status"], ext["decided_by"]) == (14, "pending", None)
    assert ext["requested_by"]["id"] == user.public_id
    assert api_client.get(exts(deal)).json()["items"] == [ext]


@pytest.mark.parametrize("role", ["a_marketing", "cam", "admin", "pmm"])
def test_others_cannot_ask(world, api_client, role):
    deal = registered(world.a_sales)
    resp = api_client.as_user(getattr(world, role)).post(exts(deal), {"days": 14, "reason": "x"})
    assert resp.status_code == 403


@pytest.mark.parametrize(("data", "status", "field"), [
    ({"days": 0, "reason": "x"}, 400, "days"),
    ({"days": 31, "reason": "x"}, 400, "days"),
    ({"days": "a month", "reason": "x"}, 422, "days"),
    ({"days": 10, "reason": "  "}, 400, "reason"),
    ({"days": 10}, 422, "reason"),
])
def test_bad_request_names_the_field(world, api_client, data, status, field):
    deal = registered(world.a_sales)

    resp = api_client.as_user(world.a_sales).post(exts(deal), data)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]


def test_one_pending_request_at_a_time_and_only_for_approved_deals(world, api_client):
    deal = registered(world.a_sales)
    requested(api_client, world.a_sales, deal)
    assert api_client.as_user(world.a_sales).post(exts(deal), {"days": 5, "reason": "again"}).status_code == 409

    waiting = pending(world.a_sales, "Fabrikam")
    assert api_client.as_user(world.a_sales).post(exts(waiting), {"days": 5, "reason": "x"}).status_code == 409


@pytest.mark.parametrize("method", ["get", "post"])
def test_extensions_of_another_partners_or_a_missing_deal_are_404(world, api_client, method):
    deal = registered(world.a_sales)
    client = api_client.as_user(world.b_sales)
    kw = {"data": {"days": 5, "reason": "x"}} if method == "post" else {}

    foreign = getattr(client, method)(exts(deal), **kw)
    missing = getattr(client, method)(f"{URL}/{missing_id('deal')}/extensions", **kw)

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


# --- decide -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["cam", "admin"])
def test_reviewers_approve_an_extension(world, api_client, role):
    deal = registered(world.a_sales)
    before = deal.protection_expires_at
    ext = requested(api_client, world.a_sales, deal, days=20)

    resp = api_client.as_user(getattr(world, role)).post(f"{exts(deal)}/{ext['id']}/approve")

    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "approved"
    assert resp.json()["decided_by"]["id"] == getattr(world, role).public_id
    deal.refresh_from_db()
    assert deal.protection_expires_at == before + timedelta(days=20)
    assert api_client.get(f"{URL}/{deal.public_id}").json()["extensions"] == 1


def test_reviewers_decline_an_extension(world, api_client):
    deal = registered(world.a_sales)
    before = deal.protection_expires_at
    ext = requested(api_client, world.a_sales, deal)

    resp = api_client.as_user(world.cam).post(f"{exts(deal)}/{ext['id']}/decline")

    assert resp.status_code == 200
    assert resp.json()["status"] == "declined"
    deal.refresh_from_db()
    assert deal.protection_expires_at == before


@pytest.mark.parametrize("action", ["approve", "decline"])
def test_a_decided_request_cannot_be_decided_again(world, api_client, action):
    deal = registered(world.a_sales)
    ext = requested(api_client, world.a_sales, deal)
    cam = api_client.as_user(world.cam)
    cam.post(f"{exts(deal)}/{ext['id']}/decline")

    assert cam.post(f"{exts(deal)}/{ext['id']}/{action}").status_code == 409


@pytest.mark.parametrize(("role", "action"), [("a_sales", "approve"), ("a_admin", "decline"), ("pmm", "approve")])
def test_others_cannot_decide(world, api_client, role, action):
    deal = registered(world.a_sales)
    ext = requested(api_client, world.a_sales, deal)

    resp = api_client.as_user(getattr(world, role)).post(f"{exts(deal)}/{ext['id']}/{action}")

    assert resp.status_code == 403
    assert ExtensionRequest.objects.get().status == "pending"


@pytest.mark.parametrize("action", ["approve", "decline"])
def test_a_missing_request_or_one_of_another_deal_is_404(world, api_client, action):
    deal = registered(world.a_sales, "Contoso")
    other = registered(world.a_sales, "Fabrikam")
    ext = requested(api_client, world.a_sales, other)
    cam = api_client.as_user(world.cam)

    assert cam.post(f"{exts(deal)}/{missing_id('ext')}/{action}").status_code == 404
    assert cam.post(f"{exts(deal)}/{ext['id']}/{action}").status_code == 404
    assert cam.post(f"{URL}/{missing_id('deal')}/extensions/{ext['id']}/{action}").status_code == 404
    assert ExtensionRequest.objects.get().status == "pending"


def test_another_partners_request_answers_like_a_missing_one(world, api_client):
    deal = registered(world.a_sales)
    ext = requested(api_client, world.a_sales, deal)
    client = api_client.as_user(world.b_admin)

    foreign = client.post(f"{exts(deal)}/{ext['id']}/approve")
    missing = client.post(f"{URL}/{missing_id('deal')}/extensions/{missing_id('ext')}/approve")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_an_expired_registration_cannot_be_extended(world, api_client):
    deal = registered(world.a_sales)
    ext = requested(api_client, world.a_sales, deal)
    DealRegistration.objects.filter(pk=deal.pk).update(status="expired", protection_expires_at=timezone.now())

    resp = api_client.as_user(world.cam).post(f"{exts(deal)}/{ext['id']}/approve")

    assert resp.status_code == 409
