"""Builders for the incentives tests: rules through the service, deals won through the deal services."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from allied.deals.models import DealParticipant, DealRegistration
from allied.deals.services import deal_close, deal_register
from allied.incentives.models import AccrualState, IncentiveAccrual, IncentiveRule
from allied.incentives.services import event_record, rule_create
from allied.ledger.selectors import partner_balances
from tests.factories import deal_data

_customers = iter(range(10**6))


def rule_data(**overrides) -> dict:
    """A 10 % rebate on won deals from the start of last year (override any field)."""
    data = {"name": "Resale rebate", "kind": "rebate", "effective_from": date(timezone.localdate().year - 1, 1, 1).isoformat(),
            "percent": "10"}
    data.update(overrides)
    return data


def rule(world, **overrides) -> IncentiveRule:
    activate = overrides.pop("activate", True)
    return rule_create(actor=world.admin, data=rule_data(**overrides), activate=activate)


def approved_deal(user, amount="10000", **overrides):
    n = next(_customers)
    data = deal_data(**{"customer_name": f"Customer {n} Holdings", "website": f"customer{n}.example",
                        "contact_email": f"buyer@customer{n}.example", "amount": str(amount), **overrides})
    return deal_register(actor=user, data=data)


def won_deal(user, amount="10000", *, splits=None, closed_at=None, actor=None, **overrides):
    """A deal registered by ``user``'s partner and closed won for ``amount``; ``splits`` = [(partner, role, pct)]."""
    deal_type = overrides.pop("deal_type", "new_logo")
    deal = approved_deal(user, amount, **overrides)
    if deal_type != "new_logo":  # renewals and upsells belong to an incumbent: set the type once approved
        DealRegistration.objects.filter(pk=deal.pk).update(deal_type=deal_type)
    if splits:
        DealParticipant.objects.filter(deal=deal).delete()
        for partner, role, pct in splits:
            DealParticipant.objects.create(deal=deal, partner=partner, role=role, split_pct=Decimal(str(pct)))
    return deal_close(actor=actor or user, deal=deal, won=True, amount=str(amount), closed_at=closed_at)


def accruals(partner=None, **lookup) -> list[IncentiveAccrual]:
    qs = IncentiveAccrual.objects.filter(**lookup).order_by("pk")
    if partner is not None:
        qs = qs.filter(partner=partner)
    return list(qs)


def amounts(partner=None, **lookup) -> list[Decimal]:
    return [a.amount for a in accruals(partner, **lookup)]


def balances(partner, currency="USD") -> dict[str, Decimal]:
    """{bucket: balance} of the partner's incentive accounts (zero buckets left out)."""
    found = partner_balances(partner_id=partner.pk).get(currency, {})
    return {code.split(".")[1]: v for code, v in found.items() if code.startswith("incentive.") and v}


def record(world, **data):
    data.setdefault("external_ref", f"ext-{next(_customers)}")
    data.setdefault("currency", "USD")
    event, _ = event_record(actor=world.finance, data=data)
    return event


def days_ago(n: int):
    return timezone.now() - timedelta(days=n)


STATES = AccrualState
