"""Console rule pages: list, create (with brackets), change as a new version, history, activate, retire."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.incentives.models import IncentiveRule

from ..factories import rule

pytestmark = pytest.mark.django_db


def form(**overrides) -> dict:
    data = {"name": "Tiered rebate", "kind": "rebate", "effective_from": "2025-01-01", "rate_type": "brackets", "currency": "USD",
            "bracket_start_0": "0", "bracket_percent_0": "2", "bracket_start_1": "100,000", "bracket_percent_1": "4",
            "period": "quarter", "holdback_days": "30", "clawback_days": "90", "action": "activate"}
    data.update(overrides)
    return data


def test_the_list_shows_current_versions_in_words(world, client):
    rule(world, name="Flat rebate", percent="5")
    rule(world, name="Gold SPIF", kind="spif", percent=None, fixed="500", currency="USD", conditions={"tiers": ["Gold"]})
    client.force_login(world.cam)

    resp = client.get("/console/incentives/")

    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Flat rebate" in body and "5 % of revenue" in body
    assert "500.00 USD per event" in body and "Tiers: Gold" in body
    assert "New rule" not in body  # a CAM reads, does not change


def test_create_a_bracketed_rule(world, client):
    client.force_login(world.finance)

    resp = client.post("/console/incentives/rules/new/", form())

    r = IncentiveRule.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/console/incentives/rules/{r.public_id}/"
    assert r.params["brackets"] == [{"start": "0", "percent": "2"}, {"start": "100000", "percent": "4"}]
    assert (r.status, r.params["holdback_days"], r.params["currency"]) == ("active", 30, "USD")
    page = client.get(resp["Location"]).content.decode()
    assert "2 % from 0, 4 % from 100,000" in page and "created and active" in page


def test_save_as_draft(world, client):
    client.force_login(world.admin)
    client.post("/console/incentives/rules/new/", form(action="draft"))
    assert IncentiveRule.objects.get().status == "draft"


@pytest.mark.parametrize(("overrides", "field", "text"), [
    ({"bracket_start_1": "0"}, "bracket_start_1", "Each bracket starts above the one before"),
    ({"bracket_percent_1": "abc"}, "bracket_percent_1", "Enter a number"),
    ({"currency": ""}, "currency", "Name the currency"),
    ({"name": ""}, "name", "This field is required"),
    ({"rate_type": "fixed"}, "fixed", ""),
    ({"holdback_days": "-3"}, "holdback_days", "Enter 0 to"),
])
def test_errors_show_next_to_their_field(world, client, overrides, field, text):
    client.force_login(world.admin)

    resp = client.post("/console/incentives/rules/new/", form(**overrides))

    assert resp.status_code == 400
    assert field in resp.context["form"].errors, resp.context["form"].errors
    assert text in " ".join(resp.context["form"].errors[field])
    assert not IncentiveRule.objects.exists()
    assert resp.context["form"]["name"].value() == overrides.get("name", "Tiered rebate")  # nothing typed is lost


def test_changing_an_active_rule_writes_version_2(world, client):
    v1 = rule(world, percent="5", effective_from="2024-01-01")
    client.force_login(world.admin)
    edit = client.get(f"/console/incentives/rules/{v1.public_id}/edit/")
    assert "This writes version 2" in edit.content.decode()
    start = timezone.localdate()

    resp = client.post(f"/console/incentives/rules/{v1.public_id}/edit/", {
        "name": v1.name, "kind": "rebate", "effective_from": start.isoformat(), "rate_type": "percent", "percent": "6",
        "period": "quarter", "holdback_days": "0", "clawback_days": "0"})

    v2 = IncentiveRule.objects.get(version=2)
    assert resp.status_code == 302 and resp["Location"] == f"/console/incentives/rules/{v2.public_id}/"
    page = client.get(resp["Location"]).content.decode()
    assert "Version 2 applies from" in page and "6 % of revenue" in page and "5 % of revenue" in page  # history
    old = client.get(f"/console/incentives/rules/{v1.public_id}/").content.decode()
    assert "the current one is" in old


def test_activate_and_retire(world, client):
    draft = rule(world, activate=False)
    client.force_login(world.finance)

    client.post(f"/console/incentives/rules/{draft.public_id}/", {"action": "activate"})
    draft.refresh_from_db()
    assert draft.status == "active"

    end = timezone.localdate() + timedelta(days=3)
    resp = client.post(f"/console/incentives/rules/{draft.public_id}/", {"action": "retire", "effective_to": end.isoformat()})
    draft.refresh_from_db()
    assert resp.status_code == 302 and (draft.status, draft.effective_to) == ("retired", end)

    too_early = rule(world, effective_from="2024-01-01")
    resp = client.post(f"/console/incentives/rules/{too_early.public_id}/", {"action": "retire", "effective_to": "2023-01-01"})
    assert resp.status_code == 400 and "effective_to" in resp.context["retire_form"].errors


@pytest.mark.parametrize("role", ["cam", "pmm"])
def test_rule_changes_are_for_incentive_managers(world, client, role):
    r = rule(world, activate=False)
    client.force_login(getattr(world, role))
    assert client.get("/console/incentives/rules/new/").status_code == 404
    assert client.get(f"/console/incentives/rules/{r.public_id}/edit/").status_code == 404
    assert client.post(f"/console/incentives/rules/{r.public_id}/", {"action": "activate"}).status_code == 403
    r.refresh_from_db()
    assert r.status == "draft"
