"""The reference engine: every rule kind and condition, brackets, accelerator, caps, splits, clawbacks.

Each case runs on both engines (the ``run`` fixture in conftest.py).
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from allied.accrual import RULE_KINDS, evaluate

from .helpers import amounts, credit, event, rule

DAY = date(2025, 1, 10)


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_every_rule_kind_accrues_a_percent(run, kind):
    got = run([rule(kind=kind, percent="7.5")], [event("e1", "12000.00")])
    assert [(a.amount, a.basis, a.currency) for a in got] == [(D("900.00"), D("12000.00"), "USD")]


def test_explanation_names_rate_basis_credit_and_rule_version(run):
    got = run([rule(id="rul_gold@2", name="Gold rebate", percent="7.5")],
              [event("e1", "20000.00", credit(1, 60), credit(2, 40))])
    assert got[0].explanation == "7.5 % of 12,000.00 USD (60 % credit of 20,000.00) under 'Gold rebate' v2"
    assert got[0].amount == D("900.00") and got[1].amount == D("600.00")


def test_public_evaluate_defaults_to_fast_and_refuses_unknown_engines():
    rules, events = [rule()], [event("e1", "100.00")]
    assert evaluate(rules, events) == evaluate(rules, events, engine="reference")
    with pytest.raises(ValueError, match="engine"):
        evaluate(rules, events, engine="slow")


def test_half_up_rounding_once_per_accrual(run):
    rules = [rule(percent="7.5")]
    got = amounts(run(rules, [event("e1", "0.10"), event("e2", "0.06"), event("e3", "0.20")]))
    # 0.0075 → 0.01; 0.0045 → 0 (not emitted); 0.015 → 0.02 (half goes up)
    assert got == {("e1", "rul_r@1", 1): D("0.01"), ("e3", "rul_r@1", 1): D("0.02")}


def test_brackets_are_marginal_on_cumulative_volume_per_quarter(run):
    r = rule(brackets=[(0, 5), (10000, "7.5"), (50000, 10)], period="quarter")
    events = [
        event("e1", "8000.00", day=date(2025, 1, 5)),
        event("e2", "4000.00", day=date(2025, 2, 5)),  # 2,000 at 5 % + 2,000 at 7.5 %
        event("e3", "40000.00", day=date(2025, 3, 5)),  # 38,000 at 7.5 % + 2,000 at 10 %
        event("e4", "8000.00", day=date(2025, 4, 5)),  # a new quarter starts at 5 % again
    ]
    got = run([r], events)
    assert [a.amount for a in got] == [D("400.00"), D("250.00"), D("3050.00"), D("400.00")]
    assert got[1].explanation.startswith("5 % on 2,000.00 + 7.5 % on 2,000.00 of 4,000.00 USD")


def test_brackets_are_per_partner_and_apply_in_their_currency_only(run):
    r = rule(brackets=[(0, 5), (1000, 10)], currency="USD")
    events = [event("e1", "1000.00", credit(1)), event("e2", "1000.00", credit(2)),
              event("e3", "1000.00", credit(1), currency="EUR"), event("e4", "1000.00", credit(1))]
    got = run([r], events)
    assert [(a.event_id, a.amount) for a in got] == [("e1", D("50.00")), ("e2", D("50.00")), ("e4", D("100.00"))]


def test_a_percent_rule_without_currency_accrues_in_each_events_currency(run):
    got = run([rule(percent=5)], [event("e1", "1000.00"), event("e2", "1000", currency="JPY")])
    assert [(a.currency, a.amount) for a in got] == [("USD", D("50.00")), ("JPY", D("50"))]


def test_below_the_first_bracket_earns_nothing(run):
    r = rule(brackets=[(1000, 10)])
    assert [a.amount for a in run([r], [event("e1", "600.00"), event("e2", "600.00")])] == [D("20.00")]


def test_accelerator_multiplies_the_rate_above_the_threshold(run):
    r = rule(percent=10, accelerator=(10000, "1.5"))
    got = run([r], [event("e1", "8000.00"), event("e2", "4000.00"), event("e3", "1000.00")])
    assert [a.amount for a in got] == [D("800.00"), D("500.00"), D("150.00")]
    assert "10 % × 1.5 on 2,000.00" in got[1].explanation


def test_accelerator_on_brackets(run):
    r = rule(brackets=[(0, 4), (5000, 6)], accelerator=(8000, 2))
    got = run([r], [event("e1", "10000.00")])
    # 5,000 at 4 % + 3,000 at 6 % + 2,000 at 12 %
    assert got[0].amount == D("200.00") + D("180.00") + D("240.00")


def test_thresholds_count_in_whole_minor_units_of_the_currency(run):
    # in JPY a start of 100.5 is 101 yen: of 150 yen, 49 earn 100 %
    r = rule(brackets=[(0, 0), ("100.5", 100)], currency="JPY")
    assert run([r], [event("e1", "150", currency="JPY")])[0].amount == D("49")
    # in USD it is 100.50: of 150.00, 49.50 earn 100 %
    r = rule(brackets=[(0, 0), ("100.5", 100)], currency="USD")
    assert run([r], [event("e1", "150.00")])[0].amount == D("49.50")


def test_cap_limits_one_partner_under_one_rule_per_period(run):
    r = rule(percent=10, cap="1000.00", period="quarter")
    events = [event(f"e{i}", "6000.00", credit(1), day=date(2025, 1, 1 + i)) for i in range(3)]
    events += [event("f1", "6000.00", credit(2)), event("g1", "6000.00", credit(1), day=date(2025, 4, 1))]
    got = run([r], events)
    assert amounts(got) == {("e0", "rul_r@1", 1): D("600.00"), ("e1", "rul_r@1", 1): D("400.00"),
                            ("f1", "rul_r@1", 2): D("600.00"), ("g1", "rul_r@1", 1): D("600.00")}
    assert "capped at 1,000.00 USD for 2025-Q1" in got[1].explanation


def test_cap_on_fixed_rule(run):
    r = rule(kind="spif", fixed="300.00", currency="USD", cap="700.00", period="month")
    got = run([r], [event(f"e{i}", "10.00", day=date(2025, 1, 1 + i)) for i in range(4)])
    assert [a.amount for a in got] == [D("300.00"), D("300.00"), D("100.00")]


def test_split_largest_remainder_ties_to_the_first_credit(run):
    got = run([rule(percent=100)], [event("e1", "0.05", credit(1, "33.33"), credit(2, "33.33"), credit(3, "33.34"))])
    # exact 1.6665, 1.6665, 1.667 cents: floors 1,1,1; two cents left: to the 3rd (.667), then the 1st (tie)
    assert [(a.partner_id, a.basis) for a in got] == [(1, D("0.02")), (2, D("0.01")), (3, D("0.02"))]
    assert sum(a.basis for a in got) == D("0.05")


def test_split_thirds_of_an_even_amount(run):
    got = run([rule(percent=100)], [event("e1", "100.00", credit(1, "33.34"), credit(2, "33.33"), credit(3, "33.33"))])
    assert [a.basis for a in got] == [D("33.34"), D("33.33"), D("33.33")]


def test_fixed_split_between_qualifying_credits_only(run):
    r = rule(kind="referral", fixed="100.01", currency="USD", roles={"referral"})
    ev = event("e1", "5000.00", credit(1, 50), credit(2, 25, role="referral"), credit(3, 25, role="referral"))
    got = run([r], [ev])
    assert [(a.partner_id, a.amount) for a in got] == [(2, D("50.01")), (3, D("50.00"))]
    assert sum(a.amount for a in got) == D("100.01")
    single = run([r], [event("e2", "5000.00", credit(1, 50), credit(2, 50, role="referral"))])
    assert [(a.partner_id, a.amount) for a in single] == [(2, D("100.01"))]


def test_fixed_rule_only_for_events_in_its_currency_percent_in_any(run):
    fixed = rule(id="rul_fixed@1", kind="new_logo", fixed="500.00", currency="USD")
    percent = rule(id="rul_pct@1", percent=5)
    got = amounts(run([fixed, percent], [event("e1", "1000.00"), event("e2", "1000.00", currency="EUR"),
                                         event("e3", "1000", currency="JPY")]))
    assert got == {("e1", "rul_fixed@1", 1): D("500.00"), ("e1", "rul_pct@1", 1): D("50.00"),
                   ("e2", "rul_pct@1", 1): D("50.00"), ("e3", "rul_pct@1", 1): D("50")}


def test_effective_dating_from_inclusive_to_exclusive(run):
    r = rule(effective_from=date(2025, 2, 1), effective_to=date(2025, 3, 1))
    events = [event("a", "100.00", day=date(2025, 1, 31)), event("b", "100.00", day=date(2025, 2, 1)),
              event("c", "100.00", day=date(2025, 2, 28)), event("d", "100.00", day=date(2025, 3, 1))]
    assert [a.event_id for a in run([r], events)] == ["b", "c"]


def test_versions_of_a_rule_hand_over_on_a_date(run):
    v1 = rule(id="rul_r@1", percent=5, effective_to=date(2025, 2, 1))
    v2 = rule(id="rul_r@2", percent=6, effective_from=date(2025, 2, 1))
    got = run([v1, v2], [event("a", "100.00", day=date(2025, 1, 31)), event("b", "100.00", day=date(2025, 2, 1))])
    assert [(a.rule_id, a.amount) for a in got] == [("rul_r@1", D("5.00")), ("rul_r@2", D("6.00"))]


@pytest.mark.parametrize(("condition", "matching", "other"), [
    ({"triggers": {"invoice_paid"}}, {"kind": "invoice_paid"}, {"kind": "deal_won"}),
    ({"deal_types": {"renewal"}}, {"deal_type": "renewal"}, {"deal_type": "new"}),
    ({"products": {"EDR", "SIEM"}}, {"products": {"SIEM", "Backup"}}, {"products": {"Backup"}}),
    ({"milestones": {"10k"}, "triggers": {"usage_milestone"}},
     {"milestone": "10k", "kind": "usage_milestone"}, {"milestone": "1k", "kind": "usage_milestone"}),
])
def test_event_conditions(run, condition, matching, other):
    r = rule(**condition)
    assert len(run([r], [event("e1", "100.00", **matching)])) == 1
    assert run([r], [event("e1", "100.00", **other)]) == []


@pytest.mark.parametrize(("condition", "field", "good", "bad"), [
    ({"tiers": {"Gold"}}, "tier", "Gold", "Silver"),
    ({"partner_types": {"msp"}}, "partner_type", "msp", "reseller"),
    ({"roles": {"fulfillment"}}, "role", "fulfillment", "sourcing"),
])
def test_credit_conditions_are_per_credited_partner(run, condition, field, good, bad):
    got = run([rule(**condition)], [event("e1", "100.00", credit(1, 50, **{field: good}), credit(2, 50, **{field: bad}))])
    assert [(a.partner_id, a.amount, a.basis) for a in got] == [(1, D("5.00"), D("50.00"))]


def test_holdback_sets_releasable_on(run):
    got = run([rule(holdback_days=45)], [event("e1", "100.00")])
    assert got[0].releasable_on == DAY + timedelta(days=45)


def clawback_setup(**kw):
    kw.setdefault("clawback_days", 90)
    return [rule(percent=10, **kw)], [event("e1", "9000.00", credit(1, 60), credit(2, 40))]


def test_refund_within_the_window_claws_back_pro_rata(run):
    rules, events = clawback_setup(holdback_days=30)
    refund_day = DAY + timedelta(days=90)
    got = run(rules, events + [event("r1", "3000.00", kind="refund", refers_to="e1", day=refund_day)])
    assert amounts(got) == {("e1", "rul_r@1", 1): D("540.00"), ("e1", "rul_r@1", 2): D("360.00"),
                            ("r1", "rul_r@1", 1): D("-180.00"), ("r1", "rul_r@1", 2): D("-120.00")}
    assert got[2].basis == D("-1800.00") and got[2].releasable_on == refund_day + timedelta(days=30)
    assert got[2].explanation.startswith("clawback (refund of 3,000.00 of 9,000.00 USD) of 540.00 USD accrued on e1")


def test_refund_outside_the_window_or_without_clawback_days_claws_nothing(run):
    rules, events = clawback_setup()
    late = event("r1", "3000.00", kind="refund", refers_to="e1", day=DAY + timedelta(days=91))
    assert [a.event_id for a in run(rules, events + [late])] == ["e1", "e1"]
    rules, events = clawback_setup(clawback_days=0)
    same_day = event("r1", "3000.00", kind="refund", refers_to="e1", day=DAY)
    assert [a.event_id for a in run(rules, events + [same_day])] == ["e1", "e1"]


def test_refund_rounding_and_refunds_beyond_the_amount(run):
    rules = [rule(percent=10, clawback_days=30)]
    events = [event("e1", "10.00"), event("r1", "3.33", kind="refund", refers_to="e1")]
    assert amounts(run(rules, events))[("r1", "rul_r@1", 1)] == D("-0.33")
    events = [event("e1", "10.00"), event("r1", "25.00", kind="refund", refers_to="e1")]
    assert amounts(run(rules, events))[("r1", "rul_r@1", 1)] == D("-1.00")


def test_churn_claws_back_what_is_left_after_partial_refunds(run):
    rules, events = clawback_setup()
    events += [event("r1", "4500.00", kind="refund", refers_to="e1", day=DAY + timedelta(days=1)),
               event("r2", "9000.00", kind="refund", refers_to="e1", day=DAY + timedelta(days=2)),
               event("r3", "1.00", kind="churn", refers_to="e1", day=DAY + timedelta(days=3))]
    got = amounts(run(rules, events))
    assert got[("r1", "rul_r@1", 1)] == D("-270.00") and got[("r2", "rul_r@1", 1)] == D("-270.00")
    assert ("r3", "rul_r@1", 1) not in got  # nothing left to claw back
    assert sum(got.values()) == 0


def test_churn_claws_back_everything_once(run):
    rules, events = clawback_setup()
    churn = event("c1", "0.00", kind="churn", refers_to="e1", day=DAY + timedelta(days=60))
    got = run(rules, events + [churn])
    assert [(a.event_id, a.amount) for a in got] == [("e1", D("540.00")), ("e1", D("360.00")),
                                                     ("c1", D("-540.00")), ("c1", D("-360.00"))]


def test_refunds_do_not_change_volume_or_free_the_cap(run):
    r = rule(brackets=[(0, 5), (10000, 10)], cap="700.00", clawback_days=30)
    events = [event("e1", "10000.00", day=date(2025, 1, 1)),
              event("r1", "10000.00", kind="refund", refers_to="e1", day=date(2025, 1, 2)),
              event("e2", "1000.00", day=date(2025, 1, 3)), event("e3", "5000.00", day=date(2025, 1, 4))]
    got = amounts(run([r], events))
    assert got == {("e1", "rul_r@1", 1): D("500.00"), ("r1", "rul_r@1", 1): D("-500.00"),
                   ("e2", "rul_r@1", 1): D("100.00"), ("e3", "rul_r@1", 1): D("100.00")}


def test_clawback_of_a_fixed_rule(run):
    r = rule(kind="spif", fixed="250.00", currency="USD", clawback_days=10)
    events = [event("e1", "1000.00"), event("r1", "500.00", kind="refund", refers_to="e1", day=DAY + timedelta(days=10))]
    assert amounts(run([r], events))[("r1", "rul_r@1", 1)] == D("-125.00")


def test_output_order_and_determinism(run):
    rules = [rule(id="rul_b@1"), rule(id="rul_a@1", percent=2)]
    events = [event("z", "100.00", day=date(2025, 1, 1)), event("b", "100.00", day=date(2025, 1, 2)),
              event("a", "100.00", day=date(2025, 1, 2))]
    got = run(rules, events)
    assert [(a.event_id, a.rule_id) for a in got] == [("z", "rul_b@1"), ("z", "rul_a@1"), ("a", "rul_b@1"),
                                                      ("a", "rul_a@1"), ("b", "rul_b@1"), ("b", "rul_a@1")]
    assert run(rules, list(reversed(events))) == got


@pytest.mark.parametrize(("rules", "events", "message"), [
    ([rule()], [event("e1", "100.00", credit(1, 60), credit(2, 30))], "add up to 100"),
    ([rule()], [event("e1", "100.00", credit(1, 50), credit(1, 50))], "credited twice"),
    ([rule()], [event("e1", "-1.00")], "negative"),
    ([rule()], [event("e1", "1.001")], "more decimals"),
    ([rule()], [event("e1", "1.00"), event("e1", "2.00")], "twice"),
    ([rule()], [event("r1", "1.00", kind="refund", refers_to="nope")], "not an earlier event"),
    ([rule()], [event("e1", "1.00"), event("r1", "1.00", kind="refund", refers_to="e1", currency="EUR")], "EUR"),
    ([rule(fixed="1.00", percent=None, currency=None)], [], "need a currency"),
    ([rule(brackets=[(0, 1), (500, 2)], currency=None)], [], "need a currency"),
    ([rule(fixed="1.00", percent=5, currency="USD")], [], "not both"),
    ([rule(fixed="1.001", percent=None, currency="USD")], [], "more decimals"),
    ([rule(period="week")], [], "period"),
    ([rule(brackets=[(10, 1), (5, 2)])], [], "increase"),
    ([rule(kind="bonus")], [], "kind"),
    ([rule(triggers={"deal_won", "refund"})], [], "only claw back"),
])
def test_bad_input_names_the_rule_or_event(run, rules, events, message):
    with pytest.raises(ValueError, match=message):
        run(rules, events)


def test_exponents_mirror_core_money():
    from allied.accrual import money
    from allied.core import money as core

    assert money._EXPONENTS == core._EXPONENTS
    assert money.fmt(123456789, "USD") == core.format_money(D("1234567.89"), "USD").split()[0]


def test_the_engine_imports_no_django():
    import subprocess
    import sys

    code = ("import sys, allied.accrual, allied.accrual.engine\n"
            "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\nprint('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
