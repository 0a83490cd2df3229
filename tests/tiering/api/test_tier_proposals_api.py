"""/api/v1/tier-proposals: list, get, approve, reject."""

import pytest

from allied.partners.models import Partner
from allied.tiering.models import ProposalStatus, TierChange, TierProposal
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, proposal_make, walk
from tests.conftest import make_partner
from tests.factories import tier

URL = f"{API}/tier-proposals"


def ids(resp) -> list[str]:
    assert resp.status_code == 200, resp.content
    return [p["id"] for p in resp.json()["items"]]


@pytest.fixture
def proposals(world):
    return {key: proposal_make(p) for key, p in (("a", world.partner_a), ("a1", world.partner_a1), ("b", world.partner_b))}


def test_vendor_lists_every_proposal_newest_first(world, api_client, proposals):
    resp = api_client.as_user(world.pmm).get(URL)

    assert ids(resp) == [proposals["b"].public_id, proposals["a1"].public_id, proposals["a"].public_id]
    item = resp.json()["items"][0]
    assert item["partner"] == {"id": world.partner_b.public_id, "name": "Bravo Systems"}
    assert item["from_tier"]["name"] == "Registered" and item["to_tier"]["name"] == "Silver"
    assert item["direction"] == "upgrade" and item["status"] == "pending"
    assert item["reasons"] == ["Meets every Silver requirement"]
    assert item["facts"] == {"deals_won_12m": "2"}


def test_partner_users_list_only_proposals_in_scope(world, api_client, proposals):
    assert set(ids(api_client.as_user(world.a_admin).get(URL))) == {proposals["a"].public_id, proposals["a1"].public_id}
    assert ids(api_client.as_user(world.b_sales).get(URL)) == [proposals["b"].public_id]


def test_list_filters_by_status(world, api_client, proposals):
    TierProposal.objects.filter(pk=proposals["a"].pk).update(status=ProposalStatus.REJECTED)
    api_client.as_user(world.cam)
    assert ids(api_client.get(f"{URL}?status=rejected")) == [proposals["a"].public_id]
    assert set(ids(api_client.get(f"{URL}?status=pending"))) == {proposals["a1"].public_id, proposals["b"].public_id}


def test_list_pages_and_query_count(world, api_client):
    for i in range(17):
        proposal_make(make_partner(f"Partner {i:02d}", cam=world.cam))
    api_client.as_user(world.admin)
    assert len(walk(api_client, URL, limit=5)) == 17
    assert_constant_queries(api_client, URL)


def test_get_proposal(world, api_client, proposals):
    resp = api_client.as_user(world.a1_admin).get(f"{URL}/{proposals['a1'].public_id}")
    assert resp.status_code == 200
    assert resp.json()["id"] == proposals["a1"].public_id


def test_foreign_proposal_answers_like_missing(world, api_client, proposals):
    api_client.as_user(world.a1_admin)
    foreign = api_client.get(f"{URL}/{proposals['a'].public_id}")
    missing = api_client.get(f"{URL}/{missing_id('tpr')}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_cam_approves_and_the_tier_changes(world, api_client, proposals):
    resp = api_client.as_user(world.cam).post(f"{URL}/{proposals['b'].public_id}/approve", {"note": "Well earned"})

    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["status"] == "applied" and body["decision_note"] == "Well earned" and body["decided_at"]
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Silver")
    assert TierChange.objects.filter(partner=world.partner_b).exists()


def test_approve_without_body_is_fine(world, api_client, proposals):
    resp = api_client.as_user(world.admin).post(f"{URL}/{proposals['b'].public_id}/approve")
    assert resp.status_code == 200


def test_approving_a_decided_proposal_is_409(world, api_client, proposals):
    api_client.as_user(world.admin).post(f"{URL}/{proposals['b'].public_id}/approve")
    resp = api_client.post(f"{URL}/{proposals['b'].public_id}/approve")
    assert resp.status_code == 409
    assert error_fields(resp) == ["status"]


def test_reject_needs_a_note(world, api_client, proposals):
    api_client.as_user(world.cam)
    url = f"{URL}/{proposals['b'].public_id}/reject"

    blank = api_client.post(url, {"note": " "})
    wrong_type = api_client.post(url, {"note": ["x"]})
    rejected = api_client.post(url, {"note": "Deals were not yet paid"})

    assert blank.status_code == 400 and error_fields(blank) == ["note"]
    assert wrong_type.status_code == 422 and error_fields(wrong_type) == ["note"]
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert Partner.objects.get(pk=world.partner_b.pk).tier == tier("Registered")


@pytest.mark.parametrize("role", ["pmm", "finance", "b_admin"])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_deciding_needs_permission(world, api_client, proposals, role, action):
    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{proposals['b'].public_id}/{action}", {"note": "x"})
    assert resp.status_code == 403
    assert TierProposal.objects.get(pk=proposals["b"].pk).status == ProposalStatus.PENDING


def test_other_cam_cannot_decide(world, api_client, proposals):
    from tests.conftest import make_user

    other = make_user("cam2@vendor.example", "cam")
    resp = api_client.as_user(other).post(f"{URL}/{proposals['b'].public_id}/approve")
    assert resp.status_code == 403


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_deciding_a_foreign_proposal_answers_like_missing(world, api_client, proposals, action):
    api_client.as_user(world.b_admin)
    foreign = api_client.post(f"{URL}/{proposals['a'].public_id}/{action}", {"note": "x"})
    missing = api_client.post(f"{URL}/{missing_id('tpr')}/{action}", {"note": "x"})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
