"""Run inside a separate process (``python -c``) against the crash test's own database: partners with
payable incentives and a few MDF claims, then a payout run created, approved and handed to the worker."""

import sys
from datetime import date


def build(partners: int, second_currency_every: int = 5) -> None:
    from allied.accounts.models import User
    from allied.partners.models import Partner, PartnerStatus
    from allied.payouts.services import payout_run_approve, payout_run_create, payout_run_start
    from allied.program.models import PartnerType, Tier
    from tests.payouts.factories import incentive_payable

    finance = User.objects.create_user("finance@vendor.example", "x", role="finance")
    finance2 = User.objects.create_user("finance2@vendor.example", "x", role="finance")
    kind, tier = PartnerType.objects.get(code="reseller"), Tier.objects.order_by("rank").first()
    Partner.objects.bulk_create([Partner(name=f"Crash Partner {i:05d}", partner_type=kind, tier=tier, country="US", region="na",
                                         status=PartnerStatus.ACTIVE) for i in range(partners)], batch_size=1000)
    for i, partner in enumerate(Partner.objects.order_by("pk")):
        incentive_payable(partner, f"{1 + i % 900}.{i % 100:02d}")
        if i % second_currency_every == 0:
            incentive_payable(partner, f"{2 + i % 50}.{(3 * i) % 100:02d}", currency="EUR")
    from tests.funds.factories import approved_claim

    for partner in Partner.objects.order_by("pk")[:10]:
        approved_claim(partner, f"{500 + partner.pk}.{partner.pk % 100:02d}")
    run = payout_run_create(actor=finance, starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31), period_label="Crash test")
    run = payout_run_approve(actor=finance2, run=run)
    payout_run_start(actor=finance, run=run)  # queued for the worker: the database task queue holds it
    print(run.public_id, run.payouts.count())


if __name__ == "__main__":
    build(int(sys.argv[1]))
