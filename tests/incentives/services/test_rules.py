"""rule_create / rule_revise / rule_activate / rule_retire: rules as data, effective-dated and versioned."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.incentives.models import IncentiveRule
from allied.incentives.services import incentives_replay, rule_activate, rule_create, rule_retire, rule_revise
from tests.factories import audit_actions

from ..factories import amounts, days_ago, rule, rule_data, won_deal

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _error(world, **overrides) -> tuple[str, str]:
    with pytest.raises(DomainError) as exc:
        rule_create(actor=world.admin, data=rule_data(**overrides))
    return exc.value.field, exc.value.message


# --- validation names the field -------------------------------------------------------------------


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": ""}, "name"),
    ({"kind": "bribe"}, "kind"),
    ({"effective_from": None}, "effective_from"),
    ({"effective_from": "2025-13-01"}, "effective_from"),
    ({"effective_to": "2020-01-01"}, "effective_to"),
    ({"percent": None}, "percent"),
    ({"percent": 5.5}, "percent"),
    ({"percent": "0"}, "percent"),
    ({"percent": "101"}, "percent"),
    ({"percent": "2.123456"}, "percent"),
    ({"percent": "five"}, "percent"),
    ({"fixed": "100", "currency": "USD", "kind": "spif"}, "fixed"),  # both a percent and a fixed amount
    ({"percent": None, "kind": "spif", "fixed": "100"}, "currency"),
    ({"percent": None, "kind": "spif", "fixed": "100.001", "currency": "USD"}, "fixed"),
    ({"percent": None, "kind": "spif", "fixed": "100.5", "currency": "JPY"}, "fixed"),
    ({"percent": None, "kind": "rebate", "fixed": "100", "currency": "USD"}, "fixed"),
    ({"percent": "5", "kind": "spif"}, "fixed"),
    ({"percent": None, "brackets": [{"start": "0", "percent": "2"}]}, "currency"),
    ({"cap": "100"}, "currency"),
    ({"accelerator": {"threshold": "1000", "multiplier": "2"}}, "currency"),
    ({"cap": "100.5", "currency": "JPY"}, "cap"),
    ({"percent": None, "brackets": [], "currency": "USD"}, "percent"),
    ({"percent": None, "currency": "USD", "brackets": [{"start": "0", "percent": "2"}, {"start": "0", "percent": "3"}]}, "brackets[1].start"),
    ({"percent": None, "currency": "USD", "brackets": [{"start": "-1", "percent": "2"}]}, "brackets[0].start"),
    ({"percent": None, "currency": "USD", "brackets": [{"start": "0"}]}, "brackets[0].percent"),
    ({"percent": None, "currency": "USD", "brackets": [{"start": "0", "percent": "2", "cap": "1"}]}, "brackets[0].cap"),
    ({"currency": "USD", "accelerator": {"threshold": "1000"}}, "accelerator.multiplier"),
    ({"currency": "USD", "accelerator": {"threshold": "1000", "multiplier": "0"}}, "accelerator.multiplier"),
    ({"currency": "USD", "accelerator": {"threshold": "x", "multiplier": "2"}}, "accelerator.threshold"),
    ({"period": "week"}, "period"),
    ({"cap": "0", "currency": "USD"}, "cap"),
    ({"holdback_days": -1}, "holdback_days"),
    ({"holdback_days": "ten"}, "holdback_days"),
    ({"clawback_days": 5000}, "clawback_days"),
    ({"triggers": ["refund"]}, "triggers"),
    ({"conditions": {"tiers": ["Platinum Plus"]}}, "conditions.tiers"),
    ({"conditions": {"partner_types": ["wizard"]}}, "conditions.partner_types"),
    ({"conditions": {"roles": ["sponsor"]}}, "conditions.roles"),
    ({"conditions": {"deal_types": ["barter"]}}, "conditions.deal_types"),
    ({"conditions": {"products": ["no-such-product"]}}, "conditions.products"),
    ({"conditions": {"milestones": ["Ten K!"]}}, "conditions.milestones"),
    ({"conditions": {"regions": ["emea"]}}, "conditions.regions"),
    ({"color": "blue"}, "color"),
])
def test_bad_input_names_the_field(world, overrides, field):
    assert _error(world, **overrides)[0] == field
    assert not IncentiveRule.objects.exists()


def test_a_valid_rule_is_stored_normalised(world):
    r = rule(world, percent="2.50", currency="usd", accelerator={"threshold": "100000.00", "multiplier": "1.50"}, cap="50000",
             conditions={"tiers": ["Gold"], "partner_types": ["reseller"]}, holdback_days="30", clawback_days=90)

    assert (r.version, r.rule_key, r.status, r.engine_id) == (1, r.public_id, "active", f"{r.public_id}@1")
    assert r.params["percent"] == "2.5"
    assert r.params["accelerator"] == {"threshold": "100000", "multiplier": "1.5"}
    assert r.params["conditions"]["tiers"] == [world.partner_a.tier.__class__.objects.get(name="Gold").public_id]
    assert (r.params["holdback_days"], r.params["clawback_days"], r.params["triggers"]) == (30, 90, ["deal_won"])
    assert audit_actions(object_id=r.public_id) == ["incentive_rule.created"]


def test_consumption_rules_are_earned_on_usage_milestones_by_default(world):
    r = rule(world, kind="consumption", percent=None, fixed="200", currency="USD", conditions={"milestones": ["10k-calls"]})
    assert r.params["triggers"] == ["usage_milestone"]


@pytest.mark.parametrize("role", ["cam", "pmm", "a_admin"])
def test_rule_management_refuses_others(world, role):
    with pytest.raises(PermissionDenied):
        rule_create(actor=getattr(world, role), data=rule_data())


# --- versions and effective dating ---------------------------------------------------------------


def test_changing_an_active_rule_writes_a_version_and_keeps_history(world):
    v1 = rule(world, percent="10", effective_from="2024-01-01")

    v2 = rule_revise(actor=world.finance, rule=v1, data={"percent": "12", "effective_from": "2025-07-01"})

    v1.refresh_from_db()
    assert (v2.rule_key, v2.version, v2.params["percent"], v2.effective_from, v2.effective_to) == (
        v1.rule_key, 2, "12", date(2025, 7, 1), None)
    assert (v1.params["percent"], v1.effective_to, v1.status) == ("10", date(2025, 7, 1), "active")
    assert v2.name == v1.name and v2.params["conditions"] == v1.params["conditions"]
    assert audit_actions(object_id=v2.public_id) == ["incentive_rule.versioned"]


def test_a_version_must_start_after_the_current_one(world):
    v1 = rule(world, effective_from="2025-01-01")
    with pytest.raises(DomainError) as exc:
        rule_revise(actor=world.admin, rule=v1, data={"percent": "12", "effective_from": "2025-01-01"})
    assert exc.value.field == "effective_from"


def test_only_the_current_version_changes(world):
    v1 = rule(world, effective_from="2024-01-01")
    rule_revise(actor=world.admin, rule=v1, data={"percent": "12", "effective_from": "2025-01-01"})
    with pytest.raises(Conflict):
        rule_revise(actor=world.admin, rule=v1, data={"percent": "13", "effective_from": "2025-06-01"})


def test_a_draft_changes_in_place_then_activates(world):
    draft = rule(world, activate=False)
    same = rule_revise(actor=world.admin, rule=draft, data={"percent": "7"})
    assert (same.pk, same.version, same.params["percent"], same.status) == (draft.pk, 1, "7", "draft")

    active = rule_activate(actor=world.admin, rule=draft)
    assert (active.status, active.activated_at is not None) == ("active", True)
    with pytest.raises(Conflict):
        rule_activate(actor=world.admin, rule=draft)


def test_each_event_earns_under_the_version_in_force_on_its_day(world):
    # given a 10 % rebate whose version 2 pays 20 % from ten days ago
    v1 = rule(world, percent="10", effective_from=(TODAY() - timedelta(days=400)).isoformat())
    won_deal(world.a_sales, "1000", closed_at=days_ago(20))
    rule_revise(actor=world.admin, rule=v1, data={"percent": "20", "effective_from": (TODAY() - timedelta(days=10)).isoformat()})
    # when deals are won before and after the change
    won_deal(world.a_sales, "1000", closed_at=days_ago(15))
    won_deal(world.a_sales, "1000", closed_at=days_ago(1))
    # then each is accrued under the version in force on its day, and says so
    assert amounts(world.partner_a) == [D("100.00"), D("100.00"), D("200.00")]
    assert [a.rule.version for a in IncentiveRule.objects.get(pk=v1.pk).accruals.all()] == [1, 1]


def test_a_retroactive_version_changes_accruals_when_the_period_is_replayed(world):
    start = TODAY() - timedelta(days=400)
    v1 = rule(world, percent="10", effective_from=start.isoformat())
    won_deal(world.a_sales, "1000", closed_at=days_ago(3))
    rule_revise(actor=world.admin, rule=v1, data={"percent": "15", "effective_from": (TODAY() - timedelta(days=5)).isoformat()})
    assert amounts(world.partner_a) == [D("100.00")]  # not yet

    replay = incentives_replay(actor=world.finance, period_start=TODAY() - timedelta(days=5), period_end=TODAY())

    assert replay.changed == 2  # the v1 accrual reversed, the v2 one accrued
    assert sorted(amounts(world.partner_a)) == [D("0.00"), D("150.00")]


# --- retiring -------------------------------------------------------------------------------------


def test_retiring_ends_the_rule_tomorrow_by_default(world):
    r = rule(world)
    retired = rule_retire(actor=world.admin, rule=r)

    assert (retired.status, retired.effective_to, retired.retired_by) == ("retired", TODAY() + timedelta(days=1), world.admin)
    won_deal(world.a_sales, "1000")  # today still earns
    assert amounts(world.partner_a) == [D("100.00")]
    with pytest.raises(Conflict):
        rule_revise(actor=world.admin, rule=retired, data={"percent": "5"})
    with pytest.raises(Conflict):
        rule_retire(actor=world.admin, rule=retired)


def test_retiring_from_today_stops_todays_events(world):
    r = rule(world)
    rule_retire(actor=world.admin, rule=r, effective_to=TODAY())
    won_deal(world.a_sales, "1000")
    assert amounts(world.partner_a) == []


def test_a_rule_cannot_be_retired_before_it_started_applying(world):
    r = rule(world, effective_from="2024-01-01")
    with pytest.raises(DomainError) as exc:
        rule_retire(actor=world.admin, rule=r, effective_to="2023-06-01")
    assert exc.value.field == "effective_to"


def test_retiring_withdraws_versions_that_had_not_started(world):
    v1 = rule(world, effective_from="2024-01-01")
    v2 = rule_revise(actor=world.admin, rule=v1, data={"percent": "12", "effective_from": (TODAY() + timedelta(days=30)).isoformat()})

    rule_retire(actor=world.admin, rule=v2, effective_to=TODAY() + timedelta(days=10))

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.effective_to, v1.applies) == (TODAY() + timedelta(days=10), True)
    assert (v2.status, v2.applies) == ("retired", False)
