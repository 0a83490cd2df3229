"""Builders for the payouts tests: payable incentives straight on the ledger, runs ready to pay."""

from datetime import date
from decimal import Decimal

from allied.core.ids import new_public_id
from allied.ledger.services import Leg, ledger_post
from allied.payouts import services
from allied.payouts.models import PayeeProfile, PayoutRun


def incentive_payable(partner, amount: str = "250.00", currency: str = "USD", *, effective_at=None):
    """Accrued and released at once: ``amount`` lands in the partner's incentive.payable."""
    value = Decimal(amount)
    return ledger_post(kind="incentive.accrued", idempotency_key=f"test-incentive:{new_public_id('k', 12)}", currency=currency,
                       legs=[Leg("incentive.expense", None, -value), Leg("incentive.payable", partner.pk, value)],
                       memo="Rebate on a won deal", partner_id=partner.pk, source="test:incentive", effective_at=effective_at)


def payee(partner, **kw) -> PayeeProfile:
    data = {"legal_name": f"{partner.name} Ltd", "payment_method": "ach", "account_last4": "6789", "tax_id": "12-3456789",
            "remittance_email": "ap@partner.example", "erp_vendor_id": f"V{partner.pk:05d}"}
    data.update(kw)
    return PayeeProfile.objects.create(partner=partner, **data)


def run_for(world, *, approve: bool = True, **kw) -> PayoutRun:
    """A run created by finance and (unless told otherwise) approved by a second finance user."""
    run = services.payout_run_create(actor=world.finance, starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31),
                                     period_label="2026-Q1", **kw)
    if approve:
        run = services.payout_run_approve(actor=second_finance(world), run=run)
    return run


def second_finance(world):
    from allied.accounts.models import User
    from tests.conftest import make_user

    return User.objects.filter(email="finance2@vendor.example").first() or make_user("finance2@vendor.example", "finance")
