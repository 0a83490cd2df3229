"""Builders for the funds tests, going through the real services (so the ledger holds what they say)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allied.accounts.models import User
from allied.core.ids import new_public_id
from allied.funds import services
from allied.funds.models import FundActivityType, FundClaim, FundPeriod, FundRequest
from allied.partners.models import Partner

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def pdf_upload(name: str = "invoice.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def full_reimbursement_type() -> FundActivityType:
    """An activity type reimbursed at 100 % (claims equal the spend), made on first use."""
    row, _ = FundActivityType.objects.get_or_create(code="test_full", defaults={"name": "Test activity (100 %)",
                                                                               "reimbursement_percent": Decimal("100")})
    return row


def activity_types() -> None:
    """Put back the seeded activity types (transactional tests flush what the data migration wrote)."""
    from importlib import import_module

    from django.apps import apps

    import_module("allied.funds.migrations.0002_seed_activity_types").seed(apps, None)


def _vendor_reviewer() -> User:
    user = User.objects.filter(role="pmm", partner__isnull=True, is_active=True).order_by("pk").first()
    return user or User.objects.create_user(f"pmm-{new_public_id('u', 8)}@vendor.example", "x", role="pmm")


def partner_marketer(partner: Partner) -> User:
    user = User.objects.filter(partner=partner, role__in=("partner_marketing", "partner_admin"), is_active=True).order_by("pk").first()
    return user or User.objects.create_user(f"mdf-{new_public_id('u', 8)}@{partner.domain or 'partner.example'}", "x",
                                            role="partner_marketing", partner=partner)


def period(actor, *, pool="100000", currency="USD", **kw) -> FundPeriod:
    today = timezone.localdate()
    data = {"name": f"Period {new_public_id('p', 8)}", "starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=60),
            "currency": currency, "pool": pool}
    data.update(kw)
    return services.period_create(actor=actor, **data)


def request_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {"activity_type": "events", "title": "Security roadshow", "plan": "Three city breakfasts for IT leaders.",
            "total_budget": "20000", "requested": "10000", "expected_leads": 60, "expected_pipeline": "80000",
            "starts_on": (today - timedelta(days=10)).isoformat(), "ends_on": (today - timedelta(days=1)).isoformat(),
            "target_segment": "mid-market", "measurement_plan": "Leads tagged with the request id; pipeline from deals."}
    data.update(overrides)
    return data


def approved_request(world_or_partner, amount="1000.00", currency="USD", *, period_obj=None) -> FundRequest:
    partner = getattr(world_or_partner, "partner_a", world_or_partner)
    reviewer = getattr(world_or_partner, "pmm", None) or _vendor_reviewer()
    marketer = getattr(world_or_partner, "a_marketing", None) if partner is getattr(world_or_partner, "partner_a", None) else None
    marketer = marketer or partner_marketer(partner)
    kind = full_reimbursement_type()
    amount = Decimal(str(amount))
    p = period_obj
    if p is None:  # a period of its own, with the amount allocated (a given period: the approval draws on what is there)
        p = period(reviewer, pool=str(amount * 2), currency=currency)
        services.allocation_set(actor=reviewer, period=p, partner=partner, amount=str(amount), method="plan")
    req = services.request_create(actor=marketer, period=p, submit=True, data=request_data(
        activity_type=kind.code, total_budget=str(amount), requested=str(amount), expected_pipeline=str(amount * 10)))
    return services.request_approve(actor=reviewer, request=req, note="Approved by the test factory.")


def approved_claim(world_or_partner, amount="1000.00", currency="USD") -> FundClaim:
    """An approved, unpaid claim of ``amount`` (in the partner's ``mdf.claimed``), through the real services.

    ``world_or_partner``: the ``world`` fixture (claims for partner A) or a Partner. Each call makes its own period.
    """
    partner = getattr(world_or_partner, "partner_a", world_or_partner)
    reviewer = getattr(world_or_partner, "pmm", None) or _vendor_reviewer()
    req = approved_request(world_or_partner, amount, currency)
    marketer = req.created_by
    claim = services.claim_create(actor=marketer, request=req, spent=str(amount), leads=5, pipeline="0",
                                  proofs=[("invoice", pdf_upload())])
    claim = services.claim_approve(actor=reviewer, claim=claim)
    assert claim.partner_id == partner.pk
    return claim
