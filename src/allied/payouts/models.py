"""Payee profiles, payout runs and their payouts, and partner statements.

A payout run gathers what is owed to partners at one moment: every approved, unpaid MDF claim
(``funds.FundClaim``) and every positive ``incentive.payable`` ledger balance, one ``Payout`` per
partner and currency. Finance creates the run, a *second* finance user approves it, then it is
executed: each payout is paid in its own transaction with one ledger posting keyed
``payout:<payout id>`` (``mdf.claimed -> mdf.paid``, ``incentive.payable -> incentive.paid``).

Exactly once, enforced by the database and not only by Python:
- ``PayoutClaim.claim`` is one-to-one: a claim belongs to at most one payout, ever (a cancelled
  payout gives its claims back by deleting its rows);
- ``Payout`` is unique per (run, partner, currency);
- the ledger's idempotency key is unique: a second attempt to pay a payout returns the first
  posting instead of moving the money again.

Amounts are integer minor units next to their currency; Python sees ``Decimal`` (``from_minor``).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from allied.core.ids import PublicIdField
from allied.core.money import from_minor


class PaymentMethod(models.TextChoices):
    ACH = "ach", "ACH (US bank transfer)"
    SEPA = "sepa", "SEPA credit transfer"
    WIRE = "wire", "Wire transfer"
    PAYPAL = "paypal", "PayPal"
    CHECK = "check", "Check"


class PayeeProfile(models.Model):
    """Where a partner is paid. The bank account is never stored whole: only its last four characters."""

    partner = models.OneToOneField("partners.Partner", on_delete=models.PROTECT, related_name="payee_profile")
    legal_name = models.CharField(max_length=200)
    payment_method = models.CharField(max_length=8, choices=PaymentMethod.choices, default=PaymentMethod.ACH)
    account_last4 = models.CharField(max_length=4, blank=True, help_text="Last four characters of the account or IBAN.")
    tax_id = models.CharField(max_length=40, blank=True)
    remittance_email = models.EmailField(blank=True)
    erp_vendor_id = models.CharField(max_length=40, blank=True, help_text="The partner's supplier id in the ERP (set by finance).")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.legal_name

    @property
    def account_masked(self) -> str:
        return f"****{self.account_last4}" if self.account_last4 else ""


class RunStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_RUN_STATUSES = (RunStatus.DRAFT, RunStatus.APPROVED, RunStatus.PROCESSING)


class PayoutRun(models.Model):
    """A batch of payouts: created by finance, approved by another finance user, then executed."""

    public_id = PublicIdField(prefix="prun")
    period_label = models.CharField(max_length=60)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT, db_index=True)
    totals = models.JSONField(default=dict, blank=True,
                              help_text='Per currency: {"USD": {"payouts": n, "mdf": minor, "incentive": minor, "total": minor}}.')
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="payout_run_dates_in_order"),
            # four eyes, in the database too: whoever approves did not create the run
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("created_by")),
                                   name="payout_run_four_eyes"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.period_label}"


class PayoutStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Payout(models.Model):
    """What one partner is paid in one currency by one run: approved MDF claims plus payable incentives."""

    public_id = PublicIdField(prefix="pay")
    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="payouts")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="payouts")
    currency = models.CharField(max_length=3)
    mdf_minor = models.BigIntegerField(default=0)
    incentive_minor = models.BigIntegerField(default=0)
    total_minor = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.PENDING, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reference = models.CharField(max_length=100, blank=True, help_text="Remittance reference (the bank's, or the payout id).")
    failure_reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    ledger_txn = models.OneToOneField("ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["run_id", "partner_id", "currency"]
        indexes = [models.Index(fields=["partner", "status"], name="payout_partner_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["run", "partner", "currency"], name="payout_once_per_run_partner_currency"),
            models.CheckConstraint(condition=Q(mdf_minor__gte=0) & Q(incentive_minor__gte=0)
                                   & Q(total_minor=models.F("mdf_minor") + models.F("incentive_minor")),
                                   name="payout_amounts_add_up"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False, ledger_txn__isnull=False),
                                   name="payout_paid_has_posting"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def mdf(self) -> Decimal:
        return from_minor(self.mdf_minor, self.currency)

    @property
    def incentive(self) -> Decimal:
        return from_minor(self.incentive_minor, self.currency)

    @property
    def total(self) -> Decimal:
        return from_minor(self.total_minor, self.currency)


class PayoutClaim(models.Model):
    """An MDF claim paid by a payout. One-to-one on the claim: the row that makes a claim payable once."""

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="claim_links")
    claim = models.OneToOneField("funds.FundClaim", on_delete=models.PROTECT, related_name="payout_link")
    amount_minor = models.BigIntegerField()

    class Meta:
        ordering = ["payout_id", "claim_id"]
        constraints = [models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_claim_amount_positive")]

    def __str__(self) -> str:
        return f"{self.payout_id}: claim {self.claim_id}"


# The partner buckets a statement shows, in the order it shows them.
STATEMENT_BUCKETS = (
    "mdf.allocated", "mdf.committed", "mdf.claimed", "mdf.paid",
    "incentive.accrued", "incentive.held", "incentive.payable", "incentive.paid",
)


class Statement(models.Model):
    """One partner's money in one currency over a period: opening and closing balances per bucket, the
    period's ledger lines, and totals. Figures are minor units (JSON); regenerating replaces the row."""

    public_id = PublicIdField(prefix="stm")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="statements")
    period_start = models.DateField()
    period_end = models.DateField(help_text="Last day of the period (inclusive).")
    currency = models.CharField(max_length=3)
    opening = models.JSONField(default=dict, help_text="{bucket: minor} at the start of the period.")
    closing = models.JSONField(default=dict, help_text="{bucket: minor} at the end of the period.")
    totals = models.JSONField(default=dict, help_text="accrued, held, payable, paid, mdf_paid, incentive_paid (minor).")
    lines = models.JSONField(default=list, help_text="[{date, txn, kind, memo, source, amounts: {bucket: minor}}] oldest first.")
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-period_end", "partner_id", "currency"]
        indexes = [models.Index(fields=["period_start", "period_end"], name="statement_period_idx")]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period_start", "period_end", "currency"], name="statement_once_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="statement_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.period_start}..{self.period_end} {self.currency}"

    def amount(self, minor: int) -> Decimal:
        return from_minor(int(minor), self.currency)
