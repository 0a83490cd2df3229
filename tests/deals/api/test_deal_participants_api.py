"""GET and PUT /api/v1/deals/{id}/participants: partners on a deal, their roles and credit splits."""

import pytest

from allied.deals.models import DealParticipant
from tests.api_helpers import error_fields, missing_id
from tests.conftest import make_partner, make_user

from .builders import URL, download, post_multipart, put_json, registered, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie(world):
    return make_partner("Charlie Cloud", "msp")


def team(world, charlie, a="33.33", b="33.33", c="33.34") -> dict:
    return {"participants": [
        {"partner": world.partner_a.public_id, "role": "sourcing", "split_pct": a},
        {"partner": world.partner_b.public_id, "role": "implementing", "split_pct": b},
        {"partner": charlie.public_id, "role": "influencing", "split_pct": c},
    ]}


def url(deal) -> str:
    return f"{URL}/{deal.public_id}/participants"


# --- get --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["a_sales", "a_marketing", "pmm"])
def test_parties_list_the_partners_on_a_deal(world, api_client, role):
    deal = registered(world.a_sales)

    resp = api_client.as_user(getattr(world, role)).get(url(deal))

    assert resp.status_code == 200, resp.content
    assert resp.json() == {"items": [{"partner": {"id": world.partner_a.public_id, "name": world.partner_a.name},
                                      "role": "sourcing", "split_pct": "100.00",
                                      "added_at": resp.json()["items"][0]["added_at"]}], "next_cursor": None}


def test_get_of_another_partners_or_a_missing_deal_is_404(world, api_client):
    deal = registered(world.a_sales)
    client = api_client.as_user(world.b_sales)

    foreign, missing = client.get(url(deal)), client.get(f"{URL}/{missing_id('deal')}/participants")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


# --- put --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["cam", "admin"])
def test_reviewers_set_the_team_with_splits_that_sum_to_exactly_100(client, world, api_client, charlie, role):
    deal = registered(world.a_sales)

    resp = put_json(client, api_client.as_user(getattr(world, role)), url(deal), team(world, charlie))

    assert resp.status_code == 200, resp.content
    got = {(p["partner"]["id"], p["role"], p["split_pct"]) for p in resp.json()["items"]}
    assert got == {(world.partner_a.public_id, "sourcing", "33.33"), (world.partner_b.public_id, "implementing", "33.33"),
                   (charlie.public_id, "influencing", "33.34")}


def test_splits_that_do_not_sum_to_100_are_refused(client, world, api_client, charlie):
    deal = registered(world.a_sales)

    resp = put_json(client, api_client.as_user(world.cam), url(deal), team(world, charlie, c="33.33"))

    assert resp.status_code == 400
    assert error_fields(resp) == ["participants"]
    assert "99.99" in resp.json()["error"]["message"]
    assert DealParticipant.objects.filter(deal=deal).count() == 1


@pytest.mark.parametrize(("change", "status", "field"), [
    ({2: {"split_pct": 33.34}}, 400, "participants[2].split_pct"),
    ({2: {"split_pct": "a third"}}, 400, "participants[2].split_pct"),
    ({1: {"partner": "ptn_0000000000000000"}}, 400, "participants[1].partner"),
    ({1: {"role": "cheerleading"}}, 400, "participants[1].role"),
    ({0: {"role": "influencing"}}, 400, "participants"),
    ({1: {"partner": None}}, 422, "participants.1.partner"),
])
def test_bad_participants_name_the_entry(client, world, api_client, charlie, change, status, field):
    deal = registered(world.a_sales)
    data = team(world, charlie)
    for i, fields in change.items():
        data["participants"][i].update(fields)

    resp = put_json(client, api_client.as_user(world.cam), url(deal), data)

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]


def test_the_registering_partner_cannot_be_dropped(client, world, api_client, charlie):
    deal = registered(world.a_sales)
    data = {"participants": [{"partner": world.partner_b.public_id, "role": "sourcing", "split_pct": 100}]}

    resp = put_json(client, api_client.as_user(world.cam), url(deal), data)

    assert resp.status_code == 400
    assert error_fields(resp) == ["participants"]


@pytest.mark.parametrize("role", ["a_admin", "a_sales", "pmm", "finance"])
def test_only_reviewers_set_the_team(client, world, api_client, charlie, role):
    deal = registered(world.a_sales)
    resp = put_json(client, api_client.as_user(getattr(world, role)), url(deal), team(world, charlie))
    assert resp.status_code == 403


def test_put_on_another_partners_or_a_missing_deal_is_404(client, world, api_client, charlie):
    deal = registered(world.a_sales)
    api_client.as_user(world.b_admin)

    foreign = put_json(client, api_client, url(deal), {"participants": []})
    missing = put_json(client, api_client, f"{URL}/{missing_id('deal')}/participants", {"participants": []})

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


# --- who sees the deal room -------------------------------------------------------------------


def test_a_partner_added_to_the_deal_sees_it_and_its_room_a_third_does_not(client, world, api_client, charlie):
    deal = registered(world.a_sales)
    a = api_client.as_user(world.a_sales)
    note = a.post(f"{URL}/{deal.public_id}/notes", {"body": "Kick-off on Monday"}).json()
    file = post_multipart(client, a, f"{URL}/{deal.public_id}/files", {"file": upload()}).json()
    put_json(client, api_client.as_user(world.cam), url(deal), {"participants": [
        {"partner": world.partner_a.public_id, "role": "sourcing", "split_pct": "80"},
        {"partner": world.partner_b.public_id, "role": "implementing", "split_pct": "20"}]})
    paths = [f"{URL}/{deal.public_id}", f"{URL}/{deal.public_id}/notes", f"{URL}/{deal.public_id}/files",
             f"{URL}/{deal.public_id}/files/{file['id']}", f"{URL}/{deal.public_id}/participants",
             f"{URL}/{deal.public_id}/extensions"]

    b = api_client.as_user(world.b_sales)
    assert [b.get(p).status_code for p in paths] == [200] * len(paths)
    assert b.get(f"{URL}/{deal.public_id}/notes").json()["items"][0]["id"] == note["id"]
    assert deal.public_id in {d["id"] for d in b.get(URL).json()["items"]}
    assert b.post(f"{URL}/{deal.public_id}/notes", {"body": "We will implement"}).status_code == 201

    outsider = api_client.as_user(make_user("sales@charlie.example", "partner_sales", charlie))
    missing = outsider.get(f"{URL}/{missing_id('deal')}")
    for path in paths:
        resp = outsider.get(path)
        assert resp.status_code == 404, path
        assert resp.json() == missing.json()
    assert outsider.get(URL).json()["items"] == []


def test_a_partner_removed_from_the_deal_loses_it(client, world, api_client, charlie):
    deal = registered(world.a_sales)
    cam = api_client.as_user(world.cam)
    put_json(client, cam, url(deal), team(world, charlie))
    put_json(client, cam, url(deal), {"participants": [{"partner": world.partner_a.public_id, "role": "sourcing", "split_pct": 100}]})

    assert api_client.as_user(world.b_sales).get(f"{URL}/{deal.public_id}").status_code == 404


def test_a_participant_downloads_the_file(client, world, api_client, charlie):
    deal = registered(world.a_sales)
    file = post_multipart(client, api_client.as_user(world.a_sales), f"{URL}/{deal.public_id}/files", {"file": upload()}).json()
    put_json(client, api_client.as_user(world.cam), url(deal), team(world, charlie))

    resp = api_client.as_user(world.b_sales).get(f"{URL}/{deal.public_id}/files/{file['id']}")

    assert resp.status_code == 200
    assert download(resp).startswith(b"%PDF-")
