"""POST /api/v1/tier-evaluations."""

import pytest

from allied.tiering.models import TierProposal
from tests.api_helpers import API, error_fields, missing_id
from tests.factories import make_silver_worthy

URL = f"{API}/tier-evaluations"


def test_evaluate_all_partners(world, api_client):
    make_silver_worthy(world.partner_b)

    resp = api_client.as_user(world.admin).post(URL, {})

    assert resp.status_code == 200, resp.content
    body = resp.json()
    prop = TierProposal.objects.get(partner=world.partner_b)
    assert body == {"evaluated": 3, "upgrades": 1, "downgrades": 0, "in_grace": 0, "applied": 0, "withdrawn": 0,
                    "unchanged": 2, "proposals": [prop.public_id]}


def test_evaluate_named_partners_only(world, api_client):
    make_silver_worthy(world.partner_b)
    resp = api_client.as_user(world.cam).post(URL, {"partners": [world.partner_a.public_id, world.partner_a1.public_id]})
    assert resp.status_code == 200
    assert resp.json()["evaluated"] == 2 and resp.json()["proposals"] == []
    assert not TierProposal.objects.exists()


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"partners": ["ptn_0000000000000000"]}, 400, "partners.0"),
    ({"partners": "everyone"}, 422, "partners"),
])
def test_bad_partner_list_names_the_field(world, api_client, body, status, field):
    resp = api_client.as_user(world.admin).post(URL, body)
    assert resp.status_code == status
    assert error_fields(resp) == [field]


@pytest.mark.parametrize("role", ["pmm", "finance", "a_admin", "b_sales"])
def test_evaluation_needs_permission(world, api_client, role):
    make_silver_worthy(world.partner_b)
    resp = api_client.as_user(getattr(world, role)).post(URL, {})
    assert resp.status_code == 403
    assert not TierProposal.objects.exists()


def test_foreign_partner_id_answers_like_missing(world, api_client):
    api_client.as_user(world.a_admin)
    foreign = api_client.post(URL, {"partners": [world.partner_b.public_id]})
    missing = api_client.post(URL, {"partners": [missing_id("ptn")]})
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
