"""statements_generate: opening balances, the period's lines and closing balances per partner and currency, from the ledger."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allied.core.errors import DomainError, PermissionDenied
from allied.ledger.services import Leg, ledger_post, move
from allied.payouts.models import STATEMENT_BUCKETS, Statement
from allied.payouts.services import statements_generate
from tests.conftest import make_partner
from tests.factories import audit_actions
from tests.payouts.factories import incentive_payable

pytestmark = pytest.mark.django_db

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def post(partner, key, legs, when, currency="USD", memo=""):
    return ledger_post(kind="test.move", idempotency_key=key, currency=currency, legs=legs, partner_id=partner.pk, memo=memo,
                       source=f"test:{key}", effective_at=when)


def test_opening_lines_closing_and_totals(world):
    a = world.partner_a
    incentive_payable(a, "100.00", effective_at=at("2025-12-20"))  # before: opening balance
    post(a, "accrue", [Leg("incentive.expense", None, -Decimal("40.10")),
                       Leg("incentive.accrued", a.pk, Decimal("40.10"))], at("2026-01-05"), memo="Rebate")
    post(a, "hold", move(Decimal("10.00"), source=("incentive.accrued", a.pk), to=("incentive.held", a.pk)),
         at("2026-02-01"))
    post(a, "pay", move(Decimal("100.00"), source=("incentive.payable", a.pk), to=("incentive.paid", a.pk)),
         at("2026-03-31", 23))
    incentive_payable(a, "7.00", effective_at=at("2026-04-01", 0))  # after: not in Q1
    incentive_payable(a, "9.00", currency="EUR", effective_at=at("2026-03-01"))
    n = statements_generate(actor=world.finance, period_start=Q1[0], period_end=Q1[1])
    assert n == 2
    st = Statement.objects.get(partner=a, currency="USD")
    assert st.opening == {**dict.fromkeys(STATEMENT_BUCKETS, 0), "incentive.payable": 10000}
    assert st.closing == {**dict.fromkeys(STATEMENT_BUCKETS, 0), "incentive.accrued": 3010, "incentive.held": 1000,
                          "incentive.paid": 10000}
    assert [(ln["date"], ln["memo"], ln["amounts"]) for ln in st.lines] == [
        ("2026-01-05", "Rebate", {"incentive.accrued": 4010}),
        ("2026-02-01", "", {"incentive.accrued": -1000, "incentive.held": 1000}),
        ("2026-03-31", "", {"incentive.payable": -10000, "incentive.paid": 10000}),
    ]
    assert st.totals == {"accrued": 4010, "held": 1000, "payable": 0, "mdf_payable": 0, "incentive_paid": 10000, "mdf_paid": 0,
                         "paid": 10000}
    assert Statement.objects.get(partner=a, currency="EUR").closing["incentive.payable"] == 900
    assert audit_actions(action="statements.generated") == ["statements.generated"]


def test_regenerating_replaces_and_keeps_ids(world):
    incentive_payable(world.partner_a, "1.00", effective_at=at("2026-01-10"))
    incentive_payable(world.partner_b, "2.00", effective_at=at("2026-01-10"))
    statements_generate(actor=None, period_start=Q1[0], period_end=Q1[1])
    ids = dict(Statement.objects.values_list("partner_id", "public_id"))
    incentive_payable(world.partner_a, "3.00", effective_at=at("2026-02-10"))
    statements_generate(actor=None, period_start=Q1[0], period_end=Q1[1], partner_ids=[world.partner_a.pk])
    assert dict(Statement.objects.values_list("partner_id", "public_id")) == ids
    assert Statement.objects.get(partner=world.partner_a).closing["incentive.payable"] == 400


def test_partners_without_money_get_none_and_queries_do_not_grow(world):
    for i in range(3):
        incentive_payable(make_partner(f"Few {i}"), "1.00", effective_at=at("2026-01-10"))
    with CaptureQueriesContext(connection) as few:
        statements_generate(actor=None, period_start=Q1[0], period_end=Q1[1])
    assert Statement.objects.count() == 3
    for i in range(30):
        p = make_partner(f"Many {i}")
        incentive_payable(p, "1.00", effective_at=at("2026-01-10"))
        incentive_payable(p, "1.00", effective_at=at("2026-02-10"))
    with CaptureQueriesContext(connection) as many:
        statements_generate(actor=None, period_start=Q1[0], period_end=Q1[1])
    assert Statement.objects.count() == 33
    assert len(many.captured_queries) <= len(few.captured_queries) + 1  # +1: a second bulk batch at most


def test_only_finance_and_periods_are_checked(world):
    with pytest.raises(PermissionDenied):
        statements_generate(actor=world.admin, period_start=Q1[0], period_end=Q1[1])
    with pytest.raises(DomainError) as exc:
        statements_generate(actor=world.finance, period_start=Q1[1], period_end=Q1[0])
    assert exc.value.field == "period_end"
    with pytest.raises(DomainError) as exc:
        statements_generate(actor=world.finance, period_start=Q1[0], period_end=Q1[0] + timedelta(days=400))
    assert exc.value.field == "period_end"
