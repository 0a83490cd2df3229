"""The double-entry ledger that holds every unit of partner money.

Money moves between accounts ("buckets"). An account belongs to the vendor (``partner`` is
null) or to one partner, and holds one currency. A transaction is a set of entries that sums
to zero per currency: money leaves one bucket (negative entry) and enters another (positive
entry). An account's balance is the sum of its entries in sealed transactions; nothing stores a
balance.

The database enforces the rules, not only Python (see migration 0002): entries can be neither
changed nor deleted; a transaction is written unsealed, given its entries and then sealed, and
sealing fails unless every currency sums to zero; a sealed transaction can be neither changed nor
deleted. A correction is a new transaction (``reverses`` points at the one it undoes).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from allied.core.ids import PublicIdField


class AccountCode(models.TextChoices):
    # vendor accounts (no partner); their balances go negative as money flows out to partners
    MDF_FUNDING = "mdf.funding", "MDF funding (vendor)"
    MDF_POOL = "mdf.pool", "MDF pool, unallocated (vendor)"
    INCENTIVE_EXPENSE = "incentive.expense", "Incentive expense (vendor)"
    INCENTIVE_CLAWBACK = "incentive.clawback", "Incentive clawbacks recovered (vendor)"
    # partner accounts
    MDF_ALLOCATED = "mdf.allocated", "MDF allocated"
    MDF_COMMITTED = "mdf.committed", "MDF committed to approved requests"
    MDF_CLAIMED = "mdf.claimed", "MDF claims approved, to be paid"
    MDF_PAID = "mdf.paid", "MDF paid"
    INCENTIVE_ACCRUED = "incentive.accrued", "Incentives accrued"
    INCENTIVE_HELD = "incentive.held", "Incentives held back"
    INCENTIVE_PAYABLE = "incentive.payable", "Incentives payable"
    INCENTIVE_PAID = "incentive.paid", "Incentives paid"


VENDOR_CODES = frozenset({AccountCode.MDF_FUNDING, AccountCode.MDF_POOL, AccountCode.INCENTIVE_EXPENSE,
                          AccountCode.INCENTIVE_CLAWBACK})


class LedgerAccount(models.Model):
    code = models.CharField(max_length=32, choices=AccountCode.choices)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts")
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "partner", "currency"], condition=Q(partner__isnull=False),
                                    name="ledger_account_once_per_partner"),
            models.UniqueConstraint(fields=["code", "currency"], condition=Q(partner__isnull=True),
                                    name="ledger_account_once_for_vendor"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.currency} ({self.partner_id or 'vendor'})"


class LedgerTransaction(models.Model):
    public_id = PublicIdField(prefix="txn")
    kind = models.CharField(max_length=40, db_index=True, help_text="What happened, e.g. mdf.claim_paid.")
    memo = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    body_hash = models.CharField(max_length=64, help_text="SHA-256 of what was posted: a reused key with another body is refused.")
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="The partner the money belongs to (for its history and statements).")
    source = models.CharField(max_length=80, blank=True, db_index=True, help_text="What caused it, e.g. claim:clm_…")
    effective_at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When it counts (statement period).")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals")
    sealed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["partner", "effective_at"], name="ledger_txn_partner_time_idx")]

    def __str__(self) -> str:
        return self.public_id


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField(help_text="Minor units (cents): positive into the account, negative out of it.")

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount_minor=0), name="ledger_entry_not_zero")]
        indexes = [models.Index(fields=["account", "transaction"], name="ledger_entry_account_idx")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_minor} {self.currency}"
