"""allied.incentives.handlers.on_deal_won → event_from_deal: a won deal accrues in the transaction that wins it."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration
from allied.incentives.models import IncentiveAccrual, IncentiveEvent
from allied.incentives.services import incentives_replay
from allied.ledger.models import LedgerEntry
from allied.ledger.selectors import trial_balance, vendor_balances
from allied.program.models import Product
from tests.factories import set_tier

from ..factories import accruals, amounts, balances, rule, won_deal

pytestmark = pytest.mark.django_db


def test_a_won_deal_is_an_event_with_its_credits_frozen(world):
    # given a 10 % rebate
    rule(world)
    # when partner A wins a deal
    deal = won_deal(world.a_sales, "12345.67")
    # then the event is recorded with partner A credited 100 % as sourcing, tier and type as of now
    event = IncentiveEvent.objects.get(deal=deal)
    assert (event.kind, event.source, event.external_ref, event.amount, event.currency) == ("deal_won", "deal", deal.public_id,
                                                                                           D("12345.67"), "USD")
    assert [(c["partner_id"], c["percent"], c["role"], c["tier_name"], c["partner_type"]) for c in event.credits] == [
        (world.partner_a.public_id, "100.00", "sourcing", "Registered", "distributor")]
    assert event.deal_type == "new_logo"
    # and the accrual is posted: expense → partner A's accrued bucket, rounded half-up once
    (accrual,) = accruals()
    assert (accrual.partner, accrual.amount, accrual.basis, accrual.state) == (world.partner_a, D("1234.57"), D("12345.67"), "accrued")
    assert accrual.explanation == "10 % of 12,345.67 USD under 'Resale rebate' v1"
    assert balances(world.partner_a) == {"accrued": D("1234.57")}
    assert vendor_balances()["USD"]["incentive.expense"] == D("-1234.57")
    assert trial_balance() == {"USD": 0}


def test_without_rules_the_event_is_recorded_and_nothing_is_posted(world):
    deal = won_deal(world.a_sales, "5000")

    assert IncentiveEvent.objects.filter(deal=deal).count() == 1
    assert not IncentiveAccrual.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_a_failing_accrual_rolls_the_win_back(world, monkeypatch):
    # given an accrual that cannot be posted
    rule(world)
    from allied.incentives.services import accruals as module

    def broken(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(module, "ledger_post", broken)
    # when the deal is closed won
    with pytest.raises(RuntimeError):
        won_deal(world.a_sales, "5000")
    # then neither the win nor the event exists: they commit together or not at all
    assert not DealRegistration.objects.filter(status="won").exists()
    assert not IncentiveEvent.objects.exists()


def test_multi_partner_credit_split_sums_exactly(world):
    # given a 7.5 % rebate and a deal shared 33.34 / 33.33 / 33.33 between A (sourcing), B and A1
    rule(world, percent="7.5")
    won_deal(world.a_sales, "1000.01", splits=[(world.partner_a, "sourcing", "33.34"), (world.partner_b, "influencing", "33.33"),
                                               (world.partner_a1, "reselling", "33.33")])
    # then each basis is the largest-remainder share of 1000.01 and the bases add up to it exactly
    rows = {a.partner: a for a in accruals()}
    assert [rows[p].basis for p in (world.partner_a, world.partner_b, world.partner_a1)] == [D("333.41"), D("333.30"), D("333.30")]
    assert sum(a.basis for a in rows.values()) == D("1000.01")
    # and each accrual is 7.5 % of its basis, rounded half-up once
    assert [rows[p].amount for p in (world.partner_a, world.partner_b, world.partner_a1)] == [D("25.01"), D("25.00"), D("25.00")]
    assert "33.34 % credit of 1,000.01" in rows[world.partner_a].explanation
    assert trial_balance() == {"USD": 0}


def test_a_fixed_spif_is_shared_by_credit_and_sums_exactly(world):
    rule(world, name="Q-end SPIF", kind="spif", percent=None, fixed="100.00", currency="USD")
    won_deal(world.a_sales, "50000", splits=[(world.partner_a, "sourcing", "33.34"), (world.partner_b, "influencing", "33.33"),
                                             (world.partner_a1, "reselling", "33.33")])

    assert sorted(amounts()) == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(amounts()) == D("100.00")


def test_a_deal_whose_splits_do_not_add_up_credits_its_registering_partner(world):
    rule(world)
    won_deal(world.a_sales, "1000", splits=[(world.partner_a, "sourcing", "60"), (world.partner_b, "influencing", "30")])

    assert [(a.partner, a.amount) for a in accruals()] == [(world.partner_a, D("100.00"))]


# --- each rule kind end to end --------------------------------------------------------------------


def test_rebate_with_volume_brackets_sees_earlier_deals_of_the_period(world):
    # given a quarterly rebate: 2 % up to 10,000 of revenue, 4 % to 50,000, 6 % beyond
    rule(world, percent=None, currency="USD", brackets=[{"start": "0", "percent": "2"}, {"start": "10000", "percent": "4"},
                                        {"start": "50000", "percent": "6"}])
    # when partner A wins 8,000 then 12,000 then 40,000
    for amount in ("8000", "12000", "40000"):
        won_deal(world.a_sales, amount)
    # then each deal earns the marginal rates of where it falls in the quarter's volume
    assert amounts(world.partner_a) == [D("160.00"), D("40.00") + D("400.00"), D("1200.00") + D("600.00")]
    assert "2 % on 2,000.00 + 4 % on 10,000.00 of 12,000.00 USD" in accruals(world.partner_a)[1].explanation
    # and another partner's volume is its own
    won_deal(world.b_sales, "8000")
    assert amounts(world.partner_b) == [D("160.00")]


def test_rebate_accelerator_multiplies_above_its_threshold(world):
    rule(world, percent="5", currency="USD", accelerator={"threshold": "10000", "multiplier": "1.5"})
    won_deal(world.a_sales, "8000")
    won_deal(world.a_sales, "4000")

    assert amounts(world.partner_a) == [D("400.00"), D("100.00") + D("150.00")]


def test_cap_limits_a_partner_per_period(world):
    rule(world, percent="10", cap="1500", currency="USD")
    won_deal(world.a_sales, "10000")
    won_deal(world.a_sales, "10000")
    won_deal(world.a_sales, "10000")

    assert amounts(world.partner_a) == [D("1000.00"), D("500.00")]  # the third earns nothing: no row at all
    assert "capped at 1,500.00 USD" in accruals(world.partner_a)[1].explanation


def test_referral_commission_goes_to_the_referral_role_only(world):
    rule(world, name="Referral fee", kind="referral", percent="5", conditions={"roles": ["influencing"]})
    won_deal(world.a_sales, "10000", splits=[(world.partner_a, "sourcing", "80"), (world.partner_b, "influencing", "20")])

    assert [(a.partner, a.amount) for a in accruals()] == [(world.partner_b, D("100.00"))]


def test_fixed_referral_fee(world):
    rule(world, name="Referral bounty", kind="referral", percent=None, fixed="250", currency="USD")
    won_deal(world.a_sales, "10000")

    assert amounts(world.partner_a) == [D("250.00")]


def test_new_logo_bonus_only_for_new_logos(world):
    rule(world, name="New logo bonus", kind="new_logo", percent=None, fixed="1000", currency="USD",
         conditions={"deal_types": ["new_logo"]})
    won_deal(world.a_sales, "10000", deal_type="new_logo")
    won_deal(world.a_sales, "10000", deal_type="upsell")

    assert amounts(world.partner_a) == [D("1000.00")]


@pytest.mark.parametrize(("kind", "deal_type"), [("renewal", "renewal"), ("upsell", "upsell")])
def test_renewal_and_upsell_rewards_follow_the_deal_type(world, kind, deal_type):
    rule(world, name=f"{kind} reward", kind=kind, percent="3", conditions={"deal_types": [deal_type]})
    won_deal(world.a_sales, "10000", deal_type="new_logo")
    won_deal(world.a_sales, "20000", deal_type=deal_type)

    assert amounts(world.partner_a) == [D("600.00")]


def test_spif_by_tier_and_product_uses_the_tier_when_the_deal_was_won(world):
    Product.objects.create(code="cloud-suite", name="Cloud Suite")
    rule(world, name="Gold cloud SPIF", kind="spif", percent=None, fixed="500", currency="USD",
         conditions={"tiers": ["Gold"], "products": ["cloud-suite"]})
    won_deal(world.a_sales, "10000", products=["cloud-suite"])  # Registered tier: nothing
    set_tier(world.partner_a, "Gold")
    won_deal(world.a_sales, "10000")  # Gold, no product: nothing
    won_deal(world.a_sales, "10000", products=["cloud-suite"])  # Gold and the product: 500

    assert amounts(world.partner_a) == [D("500.00")]
    set_tier(world.partner_a, "Registered")  # a later tier change does not rewrite what was earned
    today = timezone.localdate()
    incentives_replay(actor=world.admin, period_start=today.replace(month=1, day=1), period_end=today)
    assert amounts(world.partner_a) == [D("500.00")]


def test_fixed_rules_apply_only_to_their_currency_percentages_to_any(world):
    rule(world, name="Bonus", kind="spif", percent=None, fixed="100", currency="EUR")
    rule(world, name="Rebate", percent="10")
    won_deal(world.a_sales, "1000", currency="USD")
    won_deal(world.a_sales, "2000", currency="EUR")

    got = sorted((a.currency, a.amount) for a in accruals(world.partner_a))
    assert got == [("EUR", D("100.00")), ("EUR", D("200.00")), ("USD", D("100.00"))]
    assert balances(world.partner_a, "EUR") == {"accrued": D("300.00")}


def test_draft_rules_earn_nothing(world):
    rule(world, activate=False)
    won_deal(world.a_sales, "1000")

    assert not IncentiveAccrual.objects.exists()


def test_a_percentage_rule_with_a_currency_applies_to_that_currency_only(world):
    rule(world, percent="10", currency="EUR")
    won_deal(world.a_sales, "1000", currency="USD")
    won_deal(world.a_sales, "1000", currency="EUR")

    assert [(a.currency, a.amount) for a in accruals(world.partner_a)] == [("EUR", D("100.00"))]
