"""/api/v1/partners driven as an API client would: list, create, get, patch, users, audit."""

import pytest

from allied.core.models import AuditEvent
from allied.partners.models import Partner, PartnerStatus
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, walk
from tests.conftest import make_partner

URL = f"{API}/partners"


def ids(resp) -> set[str]:
    return {p["id"] for p in resp.json()["items"]}


# --- list -------------------------------------------------------------------------------------


def test_vendor_lists_every_partner_with_public_ids_only(world, api_client):
    resp = api_client.as_user(world.pmm).get(URL)

    assert resp.status_code == 200
    body = resp.json()
    assert ids(resp) == {world.partner_a.public_id, world.partner_a1.public_id, world.partner_b.public_id}
    assert body["next_cursor"] is None
    a1 = next(p for p in body["items"] if p["id"] == world.partner_a1.public_id)
    assert a1["id"].startswith("ptn_")
    assert a1["parent"] == {"id": world.partner_a.public_id, "name": "Alpha Distribution"}
    assert a1["cam"] == {"id": world.cam.public_id, "name": world.cam.full_name}
    assert a1["tier"]["id"].startswith("tier_")
    assert a1["partner_type"] == "reseller"


def test_distributor_lists_itself_and_its_sub_partner_only(world, api_client):
    resp = api_client.as_user(world.a_sales).get(URL)
    assert ids(resp) == {world.partner_a.public_id, world.partner_a1.public_id}


def test_partner_lists_only_itself(world, api_client):
    assert ids(api_client.as_user(world.b_marketing).get(URL)) == {world.partner_b.public_id}
    assert ids(api_client.as_user(world.a1_admin).get(URL)) == {world.partner_a1.public_id}


@pytest.mark.parametrize(("query", "expected"), [
    ("q=bravo", {"b"}),
    ("partner_type=distributor", {"a"}),
    ("status=suspended", {"s"}),
    ("region=emea", {"s"}),
    ("tier=Registered", {"a", "a1", "b", "s"}),
    ("tier=Gold", set()),
])
def test_list_filters(world, api_client, query, expected):
    suspended = make_partner("Sierra Suspended", "msp", status=PartnerStatus.SUSPENDED, region="emea", country="DE")
    names = {"a": world.partner_a, "a1": world.partner_a1, "b": world.partner_b, "s": suspended}

    resp = api_client.as_user(world.admin).get(f"{URL}?{query}")

    assert resp.status_code == 200
    assert ids(resp) == {names[k].public_id for k in expected}


def test_list_filters_by_cam_public_id(world, api_client):
    other_cam = world.admin
    Partner.objects.filter(pk=world.partner_b.pk).update(cam=other_cam)

    resp = api_client.as_user(world.cam).get(f"{URL}?cam={world.cam.public_id}")

    assert ids(resp) == {world.partner_a.public_id, world.partner_a1.public_id}


def test_list_walks_every_page_without_duplicates_or_gaps(world, api_client):
    for i in range(23):
        make_partner(f"Partner {i:02d}", "reseller")
    api_client.as_user(world.admin)

    items = walk(api_client, URL, limit=5)

    assert {p["id"] for p in items} == set(Partner.objects.values_list("public_id", flat=True))
    assert [p["name"] for p in items] == sorted(p["name"] for p in items)


def test_list_query_count_does_not_grow_with_page_size(world, api_client):
    for i in range(30):
        make_partner(f"Partner {i:02d}", "reseller", parent=world.partner_a, cam=world.cam)
    assert_constant_queries(api_client.as_user(world.admin), URL)


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("limit=201", "limit"), ("cursor=not-a-cursor", "cursor")])
def test_list_rejects_bad_paging_naming_the_parameter(world, api_client, query, field):
    resp = api_client.as_user(world.admin).get(f"{URL}?{query}")

    assert resp.status_code in (400, 422)
    assert error_fields(resp) == [field]


@pytest.mark.parametrize("values", [["x"], [{"a": 1}, "ptn_x"], "not-a-list"])
def test_list_rejects_a_tampered_cursor(world, api_client, values):
    import base64
    import json

    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    resp = api_client.as_user(world.admin).get(f"{URL}?cursor={cursor}")

    assert resp.status_code == 400
    assert error_fields(resp) == ["cursor"]


def test_cursor_carries_no_integer_keys(world, api_client):
    import base64
    import json

    body = api_client.as_user(world.admin).get(f"{URL}?limit=1").json()
    cursor = body["next_cursor"]
    values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert not any(isinstance(v, int) for v in values)
    assert values[-1].startswith("ptn_")


def test_list_without_key_is_401(world, client):
    resp = client.get(URL)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthorized"


# --- create -----------------------------------------------------------------------------------


def create_body(**overrides) -> dict:
    body = {"name": "Nimbus Resale", "partner_type": "reseller", "country": "de", "region": "emea",
            "website": "nimbus.example", "specialties": ["Security"], "team_size": 12}
    body.update(overrides)
    return body


def test_vendor_creates_a_partner(world, api_client):
    resp = api_client.as_user(world.cam).post(URL, create_body(parent=world.partner_a.public_id, cam=world.cam.public_id))

    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id"].startswith("ptn_")
    assert body["country"] == "DE"
    assert body["website"] == "https://nimbus.example"
    assert body["specialties"] == ["security"]
    assert body["parent"]["id"] == world.partner_a.public_id
    assert body["cam"]["id"] == world.cam.public_id
    assert Partner.objects.get(public_id=body["id"]).name == "Nimbus Resale"


@pytest.mark.parametrize(("overrides", "status", "field"), [
    ({"name": ""}, 400, "name"),
    ({"country": "Germany"}, 400, "country"),
    ({"region": "mars"}, 400, "region"),
    ({"partner_type": "wizard"}, 400, "partner_type"),
    ({"team_size": "lots"}, 422, "team_size"),
    ({"name": None}, 422, "name"),
])
def test_create_names_the_bad_field(world, api_client, overrides, status, field):
    resp = api_client.as_user(world.admin).post(URL, create_body(**overrides))

    assert resp.status_code == status, resp.content
    assert field in error_fields(resp)
    assert not Partner.objects.filter(name="Nimbus Resale").exists()


def test_create_with_missing_required_field_names_it(world, api_client):
    body = create_body()
    del body["region"]
    resp = api_client.as_user(world.admin).post(URL, body)

    assert resp.status_code == 422
    assert error_fields(resp) == ["region"]


def test_create_with_null_parent_and_cam(world, api_client):
    resp = api_client.as_user(world.admin).post(URL, create_body(parent=None, cam=None))
    assert resp.status_code == 201, resp.content
    assert resp.json()["parent"] is None and resp.json()["cam"] is None


def test_create_with_a_body_that_is_not_json_is_refused(world, api_client):
    resp = api_client.as_user(world.admin).post(URL, "{not json")
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "invalid"


def test_create_rejects_a_parent_that_is_not_a_distributor(world, api_client):
    resp = api_client.as_user(world.admin).post(URL, create_body(parent=world.partner_b.public_id))
    assert resp.status_code == 400
    assert error_fields(resp) == ["parent"]


def test_create_rejects_an_unknown_parent_or_cam(world, api_client):
    api_client.as_user(world.admin)
    assert error_fields(api_client.post(URL, create_body(parent=missing_id("ptn")))) == ["parent"]
    assert error_fields(api_client.post(URL, create_body(cam=missing_id("usr")))) == ["cam"]


def test_create_rejects_a_partner_user_as_cam(world, api_client):
    resp = api_client.as_user(world.admin).post(URL, create_body(cam=world.b_admin.public_id))
    assert resp.status_code == 400
    assert error_fields(resp) == ["cam"]


@pytest.mark.parametrize("role", ["pmm", "finance", "a_admin", "b_admin"])
def test_create_needs_partners_manage(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).post(URL, create_body())
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "forbidden"


# --- get --------------------------------------------------------------------------------------


def test_get_own_partner(world, api_client):
    resp = api_client.as_user(world.b_sales).get(f"{URL}/{world.partner_b.public_id}")
    assert resp.status_code == 200
    assert resp.json()["name"] == "Bravo Systems"


def test_distributor_gets_its_sub_partner(world, api_client):
    resp = api_client.as_user(world.a_admin).get(f"{URL}/{world.partner_a1.public_id}")
    assert resp.status_code == 200


def test_foreign_partner_answers_exactly_like_a_missing_one(world, api_client):
    api_client.as_user(world.a_admin)
    foreign = api_client.get(f"{URL}/{world.partner_b.public_id}")
    missing = api_client.get(f"{URL}/{missing_id('ptn')}")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"error": {"code": "not_found", "message": "partner not found", "fields": []}}


def test_sub_partner_does_not_see_its_distributor(world, api_client):
    resp = api_client.as_user(world.a1_admin).get(f"{URL}/{world.partner_a.public_id}")
    assert resp.status_code == 404


# --- patch ------------------------------------------------------------------------------------


def test_partner_admin_edits_own_profile(world, api_client):
    resp = api_client.as_user(world.b_admin).patch(f"{URL}/{world.partner_b.public_id}", {
        "description": "Cloud and security integrator", "team_size": 40, "customer_segments": ["enterprise"],
    })

    assert resp.status_code == 200, resp.content
    assert resp.json()["team_size"] == 40
    world.partner_b.refresh_from_db()
    assert world.partner_b.description == "Cloud and security integrator"
    assert AuditEvent.objects.filter(action="partner.updated", object_id=world.partner_b.public_id).exists()


def test_patch_names_the_bad_field(world, api_client):
    resp = api_client.as_user(world.b_admin).patch(f"{URL}/{world.partner_b.public_id}", {"customer_segments": ["galactic"]})
    assert resp.status_code == 400
    assert error_fields(resp) == ["customer_segments"]


def test_partner_user_cannot_change_vendor_only_fields_and_nothing_is_half_saved(world, api_client):
    resp = api_client.as_user(world.b_admin).patch(f"{URL}/{world.partner_b.public_id}",
                                                   {"description": "changed", "status": "active"})

    assert resp.status_code == 403
    world.partner_b.refresh_from_db()
    assert world.partner_b.description == ""


def test_distributor_cannot_edit_its_sub_partner(world, api_client):
    resp = api_client.as_user(world.a_admin).patch(f"{URL}/{world.partner_a1.public_id}", {"description": "x"})
    assert resp.status_code == 403


def test_sales_rep_cannot_edit_the_profile(world, api_client):
    resp = api_client.as_user(world.b_sales).patch(f"{URL}/{world.partner_b.public_id}", {"description": "x"})
    assert resp.status_code == 403


def test_vendor_changes_cam_status_type_and_parent(world, api_client):
    resp = api_client.as_user(world.admin).patch(f"{URL}/{world.partner_b.public_id}", {
        "cam": world.admin.public_id, "status": "suspended", "partner_type": "reseller",
        "parent": world.partner_a.public_id, "city": "Austin",
    })

    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["cam"]["id"], body["status"], body["partner_type"], body["parent"]["id"], body["city"]) == (
        world.admin.public_id, "suspended", "reseller", world.partner_a.public_id, "Austin")


def test_vendor_clears_the_parent_with_null(world, api_client):
    resp = api_client.as_user(world.cam).patch(f"{URL}/{world.partner_a1.public_id}", {"parent": None})
    assert resp.status_code == 200
    assert resp.json()["parent"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "retired"}, "status"),
    ({"cam": None}, "cam"),
    ({"cam": "usr_0000000000000000"}, "cam"),
    ({"partner_type": "wizard"}, "partner_type"),
    ({"parent": "ptn_0000000000000000"}, "parent"),
])
def test_vendor_patch_names_the_bad_field(world, api_client, body, field):
    resp = api_client.as_user(world.admin).patch(f"{URL}/{world.partner_b.public_id}", body)
    assert resp.status_code == 400
    assert error_fields(resp) == [field]


def test_patch_foreign_partner_is_404_like_missing(world, api_client):
    api_client.as_user(world.b_admin)
    foreign = api_client.patch(f"{URL}/{world.partner_a.public_id}", {"description": "x"})
    missing = api_client.patch(f"{URL}/{missing_id('ptn')}", {"description": "x"})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


# --- users ------------------------------------------------------------------------------------


def test_partner_users_list(world, api_client):
    resp = api_client.as_user(world.a_admin).get(f"{URL}/{world.partner_a.public_id}/users")

    assert resp.status_code == 200
    emails = [u["email"] for u in resp.json()["items"]]
    assert emails == ["admin@alpha.example", "marketing@alpha.example", "sales@alpha.example"]
    assert resp.json()["items"][0]["id"].startswith("usr_")


def test_partner_users_have_the_shape_of_the_users_list(world, api_client):
    api_client.as_user(world.b_admin)
    by_partner = api_client.get(f"{URL}/{world.partner_b.public_id}/users").json()["items"]
    by_users = api_client.get(f"{API}/users").json()["items"]
    assert by_partner == by_users


def test_distributor_sees_sub_partner_users_but_not_foreign(world, api_client):
    api_client.as_user(world.a_admin)
    assert api_client.get(f"{URL}/{world.partner_a1.public_id}/users").status_code == 200
    foreign = api_client.get(f"{URL}/{world.partner_b.public_id}/users")
    missing = api_client.get(f"{URL}/{missing_id('ptn')}/users")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_partner_users_paginate(world, api_client):
    from tests.conftest import make_user

    for i in range(12):
        make_user(f"rep{i:02d}@bravo.example", "partner_sales", world.partner_b)
    api_client.as_user(world.cam)
    items = walk(api_client, f"{URL}/{world.partner_b.public_id}/users", limit=4)
    assert len(items) == 15
    assert_constant_queries(api_client, f"{URL}/{world.partner_b.public_id}/users", small=5, large=100)


# --- audit ------------------------------------------------------------------------------------


def test_partner_audit_trail_newest_first(world, api_client):
    api_client.as_user(world.admin)
    api_client.patch(f"{URL}/{world.partner_b.public_id}", {"description": "one"})
    api_client.patch(f"{URL}/{world.partner_b.public_id}", {"description": "two"})

    resp = api_client.as_user(world.b_admin).get(f"{URL}/{world.partner_b.public_id}/audit")

    assert resp.status_code == 200
    updates = [e for e in resp.json()["items"] if e["action"] == "partner.updated"]
    assert [e["after"]["description"] for e in updates] == ["two", "one"]
    assert updates[0]["actor"] == "admin@vendor.example"
    assert updates[0]["object_id"] == world.partner_b.public_id


def test_audit_never_shows_integer_ids(world, api_client):
    api_client.as_user(world.admin).patch(f"{URL}/{world.partner_b.public_id}", {"partner_type": "reseller"})

    resp = api_client.get(f"{URL}/{world.partner_b.public_id}/audit")

    event = next(e for e in resp.json()["items"] if e["action"] == "partner.admin_updated")
    assert event["before"]["partner_type"] == "si"
    assert event["after"]["partner_type"] == "reseller"


def test_audit_paginates_with_constant_queries(world, api_client):
    api_client.as_user(world.admin)
    for i in range(15):
        api_client.patch(f"{URL}/{world.partner_b.public_id}", {"description": f"v{i}"})
    url = f"{URL}/{world.partner_b.public_id}/audit"
    items = walk(api_client, url, limit=4)
    assert len(items) == AuditEvent.objects.filter(partner_id=world.partner_b.pk).count()
    assert_constant_queries(api_client, url, small=3, large=100)


def test_audit_of_foreign_partner_is_404_like_missing(world, api_client):
    api_client.as_user(world.a1_admin)
    foreign = api_client.get(f"{URL}/{world.partner_a.public_id}/audit")
    missing = api_client.get(f"{URL}/{missing_id('ptn')}/audit")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
