"""GET and PATCH /api/v1/deal-rules: the rules of engagement every registration is decided by."""

import pytest

from allied.deals.models import EngagementRules
from tests.api_helpers import error_fields
from tests.factories import audit_actions

from .builders import RULES_URL, URL, body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["admin", "cam", "finance", "a_sales", "b_marketing"])
def test_everyone_reads_the_rules(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).get(RULES_URL)

    assert resp.status_code == 200
    rules = resp.json()
    assert (rules["protection_days"], rules["approval_sla_hours"], rules["registration_conflict"]) == (90, 48, "decline")
    assert rules["reminder_days"] == [14, 3]


def test_program_admin_changes_the_rules_and_they_apply_at_once(world, api_client):
    resp = api_client.as_user(world.admin).patch(RULES_URL, {"protection_days": 120, "reminder_days": [3, 30, 7]})

    assert resp.status_code == 200, resp.content
    assert (resp.json()["protection_days"], resp.json()["reminder_days"]) == (120, [30, 7, 3])
    assert resp.json()["approval_sla_hours"] == 48  # untouched
    assert "deal_rules.updated" in audit_actions(action="deal_rules.updated")
    deal = api_client.as_user(world.a_sales).post(URL, body()).json()
    assert deal["status"] == "approved"
    assert EngagementRules.current().protection_days == 120


def test_review_every_registration(world, api_client):
    api_client.as_user(world.admin).patch(RULES_URL, {"auto_approve_clean": False})

    deal = api_client.as_user(world.a_sales).post(URL, body()).json()

    assert (deal["status"], deal["decision_code"]) == ("pending", "manual_review")


@pytest.mark.parametrize("role", ["cam", "pmm", "a_admin", "b_sales"])
def test_only_the_program_admin_changes_the_rules(world, api_client, role):
    resp = api_client.as_user(getattr(world, role)).patch(RULES_URL, {"protection_days": 10})

    assert resp.status_code == 403
    assert EngagementRules.current().protection_days == 90


@pytest.mark.parametrize(("data", "status", "field"), [
    ({"protection_days": 0}, 400, "protection_days"),
    ({"protection_days": 9999}, 400, "protection_days"),
    ({"registration_conflict": "allow"}, 400, "registration_conflict"),
    ({"existing_customer_policy": "ignore"}, 400, "existing_customer_policy"),
    ({"reminder_days": [0]}, 400, "reminder_days"),
    ({"reminder_days": [1, 2, 3, 4, 5, 6]}, 400, "reminder_days"),
    ({"protection_days": "ninety"}, 422, "protection_days"),
    ({"protection_days": None}, 400, "protection_days"),
    ({"colour": "blue"}, 422, "colour"),
])
def test_bad_rules_name_the_field_and_change_nothing(world, api_client, data, status, field):
    resp = api_client.as_user(world.admin).patch(RULES_URL, {"approval_sla_hours": 24, **data})

    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]
    assert EngagementRules.current().approval_sla_hours == 48


def test_rules_without_key_are_401(world, client):
    assert client.get(RULES_URL).status_code == 401
