"""event_record: invoices paid, usage milestones, refunds and churn from other systems; clawbacks."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.incentives.models import IncentiveEvent
from allied.incentives.services import event_record, incentives_release
from allied.ledger.selectors import trial_balance, vendor_balances

from ..factories import accruals, amounts, balances, days_ago, record, rule, won_deal

pytestmark = pytest.mark.django_db


def test_an_invoice_paid_accrues_for_the_deals_partners(world):
    rule(world, name="Recurring share", percent="5", triggers=["invoice_paid"])
    deal = won_deal(world.a_sales, "10000", splits=[(world.partner_a, "sourcing", "70"), (world.partner_b, "influencing", "30")])
    assert amounts() == []  # the rule pays on invoices, not on the win

    event = record(world, kind="invoice_paid", amount="2000", deal=deal)

    assert [(c["partner_id"], c["percent"]) for c in event.credits] == [(world.partner_a.public_id, "70.00"),
                                                                       (world.partner_b.public_id, "30.00")]
    assert (amounts(world.partner_a), amounts(world.partner_b)) == ([D("70.00")], [D("30.00")])


def test_usage_milestone_pays_a_consumption_reward(world):
    rule(world, name="10k calls", kind="consumption", percent=None, fixed="200", currency="USD", conditions={"milestones": ["10k-calls"]})

    record(world, kind="usage_milestone", partner=world.partner_b, milestone="10k-calls")
    record(world, kind="usage_milestone", partner=world.partner_b, milestone="1k-calls")

    assert amounts(world.partner_b) == [D("200.00")]


def test_explicit_credits_must_add_up_to_100(world):
    with pytest.raises(DomainError) as exc:
        record(world, kind="invoice_paid", amount="100", credits=[{"partner": world.partner_a, "percent": "60"},
                                                                 {"partner": world.partner_b, "percent": "30"}])
    assert exc.value.field == "credits"


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "deal_won"}, "kind"),
    ({"external_ref": ""}, "external_ref"),
    ({"source": "deal"}, "source"),
    ({"currency": ""}, "currency"),
    ({"amount": 10.5}, "amount"),
    ({"amount": "-1"}, "amount"),
    ({"amount": None}, "amount"),
    ({"partner": None}, "credits"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"deal_type": "barter"}, "deal_type"),
    ({"kind": "usage_milestone", "milestone": ""}, "milestone"),
    ({"credits": [{"partner": None, "percent": "100"}]}, "credits[0].partner"),
    ({"credits": [{"percent": "100"}], "partner": None}, "credits[0].partner"),
    ({"bonus": 1}, "bonus"),
])
def test_bad_events_name_the_field(world, data, field):
    body = {"kind": "invoice_paid", "external_ref": "inv-1", "currency": "USD", "amount": "100", "partner": world.partner_a, **data}
    if isinstance(body.get("credits"), list):
        body["credits"] = [{**c, "partner": c.get("partner", world.partner_a)} if "partner" in c else c for c in body["credits"]]
    body = {k: v for k, v in body.items() if v is not None or k == "partner"}
    if body.get("partner") is None:
        body.pop("partner")
    with pytest.raises(DomainError) as exc:
        event_record(actor=world.finance, data=body)
    assert exc.value.field == field
    assert not IncentiveEvent.objects.exists()


def test_intake_is_idempotent_by_source_and_reference(world):
    rule(world, percent="5", triggers=["invoice_paid"])
    body = {"kind": "invoice_paid", "external_ref": "INV-7", "source": "erp", "currency": "USD", "amount": "1000",
            "partner": world.partner_a}

    first, created = event_record(actor=world.finance, data=body)
    again, created_again = event_record(actor=world.finance, data=dict(body))

    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert amounts(world.partner_a) == [D("50.00")]
    with pytest.raises(Conflict) as exc:
        event_record(actor=world.finance, data={**body, "amount": "2000"})
    assert exc.value.field == "external_ref"
    other_source, created = event_record(actor=world.finance, data={**body, "source": "stripe"})
    assert created and other_source.pk != first.pk


@pytest.mark.parametrize("role", ["cam", "pmm", "a_admin"])
def test_only_incentive_managers_record_events(world, role):
    with pytest.raises(PermissionDenied):
        event_record(actor=getattr(world, role), data={"kind": "invoice_paid"})


# --- clawbacks ------------------------------------------------------------------------------------


def _refund(world, original, amount=None, kind="refund", **kw):
    data = {"kind": kind, "refers_to": original, **kw}
    if amount is not None:
        data["amount"] = amount
    return record(world, **data)


def test_a_partial_refund_claws_back_its_share_from_each_partner(world):
    rule(world, percent="10", clawback_days=90)
    deal = won_deal(world.a_sales, "10000", splits=[(world.partner_a, "sourcing", "60"), (world.partner_b, "influencing", "40")])
    won = IncentiveEvent.objects.get(deal=deal)

    refund = _refund(world, won, "2500")

    assert refund.credits == won.credits and refund.deal == deal
    assert (amounts(world.partner_a), amounts(world.partner_b)) == ([D("600.00"), D("-150.00")], [D("400.00"), D("-100.00")])
    claw = accruals(world.partner_a, event=refund)[0]
    assert claw.clawback_of == accruals(world.partner_a, event=won)[0]
    assert claw.explanation.startswith("clawback (refund of 2,500.00 of 10,000.00 USD) of 600.00 USD accrued on " + won.public_id)
    assert balances(world.partner_a) == {"accrued": D("450.00")}
    assert vendor_balances()["USD"]["incentive.clawback"] == D("250.00")
    assert trial_balance() == {"USD": 0}


def test_refund_then_churn_never_takes_back_more_than_was_earned(world):
    rule(world, percent="10", clawback_days=90)
    won = IncentiveEvent.objects.get(deal=won_deal(world.a_sales, "10000"))

    _refund(world, won, "4000")
    _refund(world, won, kind="churn")

    assert amounts(world.partner_a) == [D("1000.00"), D("-400.00"), D("-600.00")]
    assert balances(world.partner_a) == {}


def test_no_clawback_outside_the_window_or_without_one(world):
    rule(world, name="Claws", percent="10", clawback_days=30)
    rule(world, name="Never claws", percent="1")
    won = IncentiveEvent.objects.get(deal=won_deal(world.a_sales, "10000", closed_at=days_ago(45)))

    _refund(world, won, "10000")

    assert sorted(amounts(world.partner_a)) == [D("100.00"), D("1000.00")]


@pytest.mark.parametrize(("data", "field"), [
    ({"refers_to": None}, "refers_to"),
    ({"amount": "20000"}, "amount"),
    ({"amount": None}, "amount"),
    ({"currency": "EUR"}, "currency"),
    ({"occurred_at": "2000-01-01T00:00:00Z"}, "occurred_at"),
])
def test_bad_refunds_name_the_field(world, data, field):
    won = IncentiveEvent.objects.get(deal=won_deal(world.a_sales, "10000"))
    body = {"kind": "refund", "external_ref": "r-1", "refers_to": won, "amount": "100", **data}
    body = {k: v for k, v in body.items() if v is not None}
    with pytest.raises(DomainError) as exc:
        event_record(actor=world.finance, data=body)
    assert exc.value.field == field


def test_a_clawback_comes_out_of_the_bucket_that_holds_the_accrual(world):
    # given an accrual that is payable (no holdback) and one that is held for 60 days
    rule(world, name="Fast", percent="10", clawback_days=90)
    rule(world, name="Slow", percent="5", clawback_days=90, holdback_days=60)
    won = IncentiveEvent.objects.get(deal=won_deal(world.a_sales, "10000"))
    incentives_release()
    assert balances(world.partner_a) == {"payable": D("1000.00"), "held": D("500.00")}
    # when the customer churns
    _refund(world, won, kind="churn")
    # then each clawback takes from where its accrual sits: nothing is left to pay, nothing held
    assert balances(world.partner_a) == {}
    # and the release job moves nothing more (the held clawback goes with its accrual)
    incentives_release(today=timezone.localdate() + timedelta(days=61))
    assert balances(world.partner_a) == {}
    assert vendor_balances()["USD"]["incentive.clawback"] == D("1500.00")
