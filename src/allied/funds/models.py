"""Market development funds: periods and their pool, allocations, fund requests, claims and their proofs.

Money lives in the ledger (``allied.ledger``); the amounts stored here say what was decided
(allocated, requested, approved, claimed) and are posted to the ledger by ``funds.services``:

    period funding       mdf.funding   -> mdf.pool        (vendor)
    allocation           mdf.pool      -> mdf.allocated   (partner)
    request approval     mdf.allocated -> mdf.committed
    claim approval       mdf.committed -> mdf.claimed
    request completion   mdf.committed -> mdf.allocated   (what was approved but not claimed)
    period close         mdf.allocated -> mdf.pool        (what was allocated but not committed)
    payment (payouts)    mdf.claimed   -> mdf.paid

Amounts are integer minor units next to the period's currency; Python sees ``Decimal``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from allied.core.ids import PublicIdField
from allied.core.money import from_minor


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class FundPeriod(models.Model):
    """A budget period of the MDF program (a quarter, a half, a year) with its pool in one currency."""

    public_id = PublicIdField(prefix="fp")
    name = models.CharField(max_length=80, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    currency = models.CharField(max_length=3, default="USD")
    pool_minor = models.BigIntegerField(default=0, help_text="The program's pool for the period (minor units).")
    pool_version = models.PositiveIntegerField(default=0, help_text="Counts changes of the pool (each is its own posting).")
    claim_deadline_days = models.PositiveIntegerField(default=60, validators=[MaxValueValidator(730)],
                                                      help_text="Claims are due this many days after the activity ends.")
    min_pipeline_ratio = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("5"),
                                             validators=[MinValueValidator(Decimal("0"))],
                                             help_text="Expected pipeline must be at least this multiple of the requested amount.")
    target_segments = models.JSONField(default=list, blank=True, help_text="Customer segments the program funds (empty: any).")
    allow_proposals = models.BooleanField(default=True, help_text="Partners without an allocation may propose activities funded from the pool.")
    status = models.CharField(max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="fund_period_dates_in_order"),
                       models.CheckConstraint(condition=Q(pool_minor__gte=0), name="fund_period_pool_not_negative")]

    def __str__(self) -> str:
        return self.name

    @property
    def pool(self) -> Decimal:
        return from_minor(self.pool_minor, self.currency)


class FundActivityType(models.Model):
    """What MDF pays for (events, digital ads, ...), and the share of the spend the vendor reimburses."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    reimbursement_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("50"),
                                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
                                                help_text="Share of the partner's actual spend the vendor reimburses.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AllocationMethod(models.TextChoices):
    TIER = "tier", "By tier"
    PLAN = "plan", "By business plan"
    PERFORMANCE = "performance", "By performance"
    PROPOSAL = "proposal", "Proposal-based (funded per approved request)"


class FundAllocation(models.Model):
    """How much of a period's pool a partner may spend; ``version`` counts changes (each is its own posting)."""

    public_id = PublicIdField(prefix="fa")
    period = models.ForeignKey(FundPeriod, on_delete=models.PROTECT, related_name="allocations")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="fund_allocations")
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField(default=0)
    method = models.CharField(max_length=12, choices=AllocationMethod.choices, default=AllocationMethod.TIER)
    note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period_id", "partner_id"]
        constraints = [models.UniqueConstraint(fields=["period", "partner"], name="fund_allocation_once_per_period"),
                       models.CheckConstraint(condition=Q(amount_minor__gte=0), name="fund_allocation_not_negative")]

    def __str__(self) -> str:
        return self.public_id

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.currency)


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PARTIALLY_APPROVED = "partially_approved", "Partially approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


# Requests holding committed money: claims may be filed against them.
REQUEST_FUNDED = (RequestStatus.APPROVED, RequestStatus.PARTIALLY_APPROVED)


class FundRequest(models.Model):
    """A partner's proposal for a marketing activity and the vendor's decision on it.

    Its ``public_id`` is also the activity's tracking code: leads carrying it in ``Lead.campaign``
    are attributed to it (MDF ROI).
    """

    public_id = PublicIdField(prefix="fr")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="fund_requests")
    period = models.ForeignKey(FundPeriod, on_delete=models.PROTECT, related_name="requests")
    activity_type = models.ForeignKey(FundActivityType, on_delete=models.PROTECT, related_name="requests")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    plan = models.TextField(blank=True, help_text="What will be done, when, for whom.")
    currency = models.CharField(max_length=3)
    total_budget_minor = models.BigIntegerField(help_text="The partner's full cost of the activity.")
    requested_minor = models.BigIntegerField(help_text="The share the partner asks the vendor to fund.")
    approved_minor = models.BigIntegerField(null=True, blank=True)
    expected_leads = models.PositiveIntegerField(default=0)
    expected_pipeline_minor = models.BigIntegerField(default=0)
    starts_on = models.DateField()
    ends_on = models.DateField()
    target_segment = models.CharField(max_length=40, blank=True)
    measurement_plan = models.TextField(blank=True, help_text="How leads and pipeline will be measured.")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT, db_index=True)
    criteria = models.JSONField(default=list, blank=True, help_text="Approval criteria as evaluated: [{name, passed, detail}].")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partner", "status"], name="fund_request_partner_idx"),
                   models.Index(fields=["period", "status"], name="fund_request_period_idx")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="fund_request_dates_in_order"),
                       models.CheckConstraint(condition=Q(requested_minor__gt=0), name="fund_request_requested_positive")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.title}"

    @property
    def total_budget(self) -> Decimal:
        return from_minor(self.total_budget_minor, self.currency)

    @property
    def requested(self) -> Decimal:
        return from_minor(self.requested_minor, self.currency)

    @property
    def approved_amount(self) -> Decimal | None:
        return None if self.approved_minor is None else from_minor(self.approved_minor, self.currency)

    @property
    def expected_pipeline(self) -> Decimal:
        return from_minor(self.expected_pipeline_minor, self.currency)


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PARTIALLY_APPROVED = "partially_approved", "Partially approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"


# Approved claims not yet paid: what the payouts app pays.
CLAIM_PAYABLE = (ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED)


class FundClaim(models.Model):
    """A partner's claim for reimbursement of an approved activity, with its proof of performance."""

    public_id = PublicIdField(prefix="clm")
    request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="claims")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="fund_claims")
    currency = models.CharField(max_length=3)
    spent_minor = models.BigIntegerField(help_text="What the partner actually spent.")
    claimed_minor = models.BigIntegerField(help_text="Reimbursement asked: spend x the activity's percentage, capped at what is left of the approval.")
    approved_minor = models.BigIntegerField(null=True, blank=True)
    leads = models.PositiveIntegerField(default=0, help_text="Leads the activity produced (reported by the partner).")
    pipeline_minor = models.BigIntegerField(default=0, help_text="Pipeline the activity produced (reported by the partner).")
    note = models.TextField(blank=True)
    final = models.BooleanField(default=False, help_text="The partner's last claim for the request: deciding it completes the request.")
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED, db_index=True)
    deadline = models.DateField(help_text="Last day the claim could be filed.")
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["partner", "status"], name="fund_claim_partner_idx")]
        constraints = [models.CheckConstraint(condition=Q(claimed_minor__gt=0), name="fund_claim_claimed_positive")]

    def __str__(self) -> str:
        return self.public_id

    @property
    def spent(self) -> Decimal:
        return from_minor(self.spent_minor, self.currency)

    @property
    def claimed(self) -> Decimal:
        return from_minor(self.claimed_minor, self.currency)

    @property
    def approved_amount(self) -> Decimal | None:
        return None if self.approved_minor is None else from_minor(self.approved_minor, self.currency)

    @property
    def pipeline(self) -> Decimal:
        return from_minor(self.pipeline_minor, self.currency)


class ProofKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    PHOTO = "photo", "Photo"
    ATTENDEE_LIST = "attendee_list", "Attendee list"
    LEAD_LIST = "lead_list", "Lead list"
    OTHER = "other", "Other"


def _proof_path(instance: "ClaimProof", filename: str) -> str:
    # Never the uploader's file name on disk: a random public id and the checked extension.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"claims/{instance.public_id}.{ext}"


class ClaimProof(models.Model):
    """A proof-of-performance file; served only through ``funds:proof_download``, which checks the scope."""

    public_id = PublicIdField(prefix="prf")
    claim = models.ForeignKey(FundClaim, on_delete=models.CASCADE, related_name="proofs")
    kind = models.CharField(max_length=16, choices=ProofKind.choices, default=ProofKind.INVOICE)
    file = models.FileField(upload_to=_proof_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
