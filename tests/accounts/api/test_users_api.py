"""/api/v1/users driven as an API client would: list, me, get, deactivate."""

import pytest

from allied.accounts.models import ApiKey, User
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, walk
from tests.conftest import make_user

URL = f"{API}/users"


def emails(resp) -> set[str]:
    assert resp.status_code == 200, resp.content
    return {u["email"] for u in resp.json()["items"]}


def test_vendor_lists_every_user(world, api_client):
    resp = api_client.as_user(world.finance).get(URL)
    assert emails(resp) == set(User.objects.values_list("email", flat=True))
    vendor = next(u for u in resp.json()["items"] if u["email"] == "cam@vendor.example")
    assert vendor["id"] == world.cam.public_id and vendor["partner"] is None and vendor["role"] == "cam"


def test_distributor_lists_own_and_sub_partner_users(world, api_client):
    resp = api_client.as_user(world.a_sales).get(URL)
    assert emails(resp) == {"admin@alpha.example", "sales@alpha.example", "marketing@alpha.example", "admin@alphaone.example"}


def test_partner_lists_only_own_users(world, api_client):
    resp = api_client.as_user(world.b_sales).get(URL)
    assert emails(resp) == {"admin@bravo.example", "sales@bravo.example", "marketing@bravo.example"}
    assert all(u["partner"]["id"] == world.partner_b.public_id for u in resp.json()["items"])


def test_list_filters_by_partner(world, api_client):
    resp = api_client.as_user(world.admin).get(f"{URL}?partner={world.partner_a1.public_id}")
    assert emails(resp) == {"admin@alphaone.example"}


def test_list_filter_by_foreign_partner_answers_like_missing(world, api_client):
    api_client.as_user(world.b_admin)
    foreign = api_client.get(f"{URL}?partner={world.partner_a.public_id}")
    missing = api_client.get(f"{URL}?partner={missing_id('ptn')}")
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    assert error_fields(foreign) == ["partner"]


def test_list_pages_and_query_count(world, api_client):
    for i in range(20):
        make_user(f"rep{i:02d}@alpha.example", "partner_sales", world.partner_a)
    api_client.as_user(world.admin)
    items = walk(api_client, URL, limit=6)
    assert len(items) == User.objects.count()
    assert_constant_queries(api_client, URL)


def test_me(world, api_client):
    resp = api_client.as_user(world.a1_admin).get(f"{URL}/me")
    assert resp.status_code == 200
    body = resp.json()
    assert body["id"] == world.a1_admin.public_id
    assert body["partner"] == {"id": world.partner_a1.public_id, "name": "Alpha One Resale"}
    assert "password" not in body and "mfa_secret" not in body


def test_get_user(world, api_client):
    resp = api_client.as_user(world.b_admin).get(f"{URL}/{world.b_sales.public_id}")
    assert resp.status_code == 200
    assert resp.json()["email"] == "sales@bravo.example"


@pytest.mark.parametrize("target", ["a_admin", "admin"])
def test_foreign_or_vendor_user_answers_like_missing(world, api_client, target):
    api_client.as_user(world.b_admin)
    foreign = api_client.get(f"{URL}/{getattr(world, target).public_id}")
    missing = api_client.get(f"{URL}/{missing_id('usr')}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_partner_admin_deactivates_a_colleague(world, api_client):
    api_client.as_user(world.b_sales)  # the colleague has a key that must stop working
    colleague_key = dict(api_client.headers)
    resp = api_client.as_user(world.b_admin).post(f"{URL}/{world.b_sales.public_id}/deactivate")

    assert resp.status_code == 200, resp.content
    assert resp.json()["is_active"] is False
    assert not ApiKey.objects.filter(user=world.b_sales, revoked_at__isnull=True).exists()
    api_client.headers = colleague_key
    assert api_client.get(f"{URL}/me").status_code == 401


def test_deactivating_yourself_is_refused(world, api_client):
    resp = api_client.as_user(world.admin).post(f"{URL}/{world.admin.public_id}/deactivate")
    assert resp.status_code == 400
    assert world.admin.is_active


@pytest.mark.parametrize(("actor", "target"), [
    ("b_sales", "b_marketing"),  # no users permission
    ("a_admin", "a1_admin"),  # sees the sub-partner's user, may not manage it
    ("cam", "pmm"),  # vendor users are the program admin's
])
def test_deactivate_without_permission_is_403(world, api_client, actor, target):
    resp = api_client.as_user(getattr(world, actor)).post(f"{URL}/{getattr(world, target).public_id}/deactivate")
    assert resp.status_code == 403
    assert User.objects.get(pk=getattr(world, target).pk).is_active


def test_deactivate_foreign_user_answers_like_missing(world, api_client):
    api_client.as_user(world.a_admin)
    foreign = api_client.post(f"{URL}/{world.b_sales.public_id}/deactivate")
    missing = api_client.post(f"{URL}/{missing_id('usr')}/deactivate")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert User.objects.get(pk=world.b_sales.pk).is_active
