"""incentives_replay: re-evaluating a period gives the same result; the ledger changes only by differences."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from allied.core.errors import DomainError, PermissionDenied
from allied.incentives.models import IncentiveEvent, IncentiveRule
from allied.incentives.services import incentives_release, incentives_replay, rule_retire, rule_revise
from allied.incentives.services.accruals import period_end, period_start
from allied.ledger.models import LedgerEntry, LedgerTransaction
from tests.factories import audit_actions

from ..factories import amounts, balances, days_ago, record, rule, won_deal

pytestmark = pytest.mark.django_db


def _ledger() -> list[tuple]:
    return sorted(LedgerEntry.objects.values_list("transaction__idempotency_key", "account__code", "account__partner_id",
                                                  "currency", "amount_minor"))


def _year():
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


def _mixed_history(world):
    """Brackets, a cap, a split, a holdback, a refund and a churn: everything a replay must reproduce."""
    rule(world, name="Tiered", percent=None, currency="USD", brackets=[{"start": "0", "percent": "2"}, {"start": "5000", "percent": "4"}],
         period="year", clawback_days=365)
    rule(world, name="Capped", percent="3", cap="250", currency="USD", period="month", holdback_days=45)
    rule(world, name="SPIF", kind="spif", percent=None, fixed="99.99", currency="USD")
    won = []
    for i, amount in enumerate(("3000", "4000", "2500.55", "7000")):
        won.append(won_deal(world.a_sales if i % 2 == 0 else world.b_sales, amount,
                            splits=[(world.partner_a, "sourcing", "66.67"), (world.partner_b, "influencing", "33.33")]
                            if i == 2 else None))
    events = [IncentiveEvent.objects.get(deal=d) for d in won]
    record(world, kind="refund", refers_to=events[0], amount="1000")
    record(world, kind="churn", refers_to=events[2])
    incentives_release()


def test_replaying_twice_gives_the_same_ledger(world):
    _mixed_history(world)
    before = _ledger()
    start, end = _year()

    first = incentives_replay(actor=world.finance, period_start=start, period_end=end)
    second = incentives_replay(actor=world.finance, period_start=start, period_end=end)

    assert (first.changed, second.changed, first.net, second.net) == (0, 0, {}, {})
    assert first.events == second.events == 6
    assert _ledger() == before
    assert audit_actions(action="incentives.replayed") == ["incentives.replayed", "incentives.replayed"]


def test_a_replay_after_a_rule_change_posts_the_difference_once(world):
    _mixed_history(world)
    tiered = IncentiveRule.objects.get(name="Tiered")
    start, end = _year()
    rule_revise(actor=world.admin, rule=tiered, data={"effective_from": start.isoformat(), "brackets": [{"start": "0", "percent": "3"}]})
    before = balances(world.partner_a)

    first = incentives_replay(actor=world.finance, period_start=start, period_end=end)
    after_first = _ledger()
    second = incentives_replay(actor=world.finance, period_start=start, period_end=end)

    assert first.changed > 0 and first.net
    assert second.changed == 0 and _ledger() == after_first
    assert balances(world.partner_a) != before


def test_replaying_a_retired_rule_reverses_what_it_no_longer_gives(world):
    spif = rule(world, kind="spif", percent=None, fixed="500", currency="USD")
    won_deal(world.a_sales, "1000", closed_at=days_ago(2))
    rule_retire(actor=world.admin, rule=spif, effective_to=timezone.localdate() - timedelta(days=3))

    replay = incentives_replay(actor=world.finance, period_start=timezone.localdate() - timedelta(days=3),
                               period_end=timezone.localdate())

    assert (replay.changed, replay.net) == (1, {"USD": -50000})
    assert amounts(world.partner_a) == [D("0.00")]
    assert balances(world.partner_a) == {}
    assert LedgerTransaction.objects.filter(kind="incentive.clawback").count() == 1


def test_the_whole_rule_period_is_evaluated(world):
    rule(world, period="quarter")
    today = timezone.localdate()
    replay = incentives_replay(actor=world.finance, period_start=today, period_end=today)
    assert (replay.evaluated_from, replay.evaluated_to) == (period_start(today, "quarter"), period_end(today, "quarter"))


@pytest.mark.parametrize(("start", "end", "field"), [
    (None, "2025-01-31", "period_start"),
    ("2025-02-01", "2025-01-31", "period_end"),
    ("2020-01-01", "2025-01-31", "period_end"),
    ("not a day", "2025-01-31", "period_start"),
    ((date.today() + timedelta(days=40)).isoformat(), (date.today() + timedelta(days=41)).isoformat(), "period_start"),
])
def test_bad_periods_name_the_field(world, start, end, field):
    with pytest.raises(DomainError) as exc:
        incentives_replay(actor=world.finance, period_start=start, period_end=end)
    assert exc.value.field == field


@pytest.mark.parametrize("role", ["cam", "pmm", "a_admin"])
def test_only_incentive_managers_replay(world, role):
    with pytest.raises(PermissionDenied):
        incentives_replay(actor=getattr(world, role), period_start="2025-01-01", period_end="2025-01-31")


@pytest.mark.parametrize(("day", "period", "start", "end"), [
    (date(2025, 2, 14), "month", date(2025, 2, 1), date(2025, 3, 1)),
    (date(2025, 12, 31), "month", date(2025, 12, 1), date(2026, 1, 1)),
    (date(2025, 11, 2), "quarter", date(2025, 10, 1), date(2026, 1, 1)),
    (date(2025, 5, 31), "quarter", date(2025, 4, 1), date(2025, 7, 1)),
    (date(2025, 5, 31), "year", date(2025, 1, 1), date(2026, 1, 1)),
])
def test_period_bounds(day, period, start, end):
    assert (period_start(day, period), period_end(day, period)) == (start, end)
