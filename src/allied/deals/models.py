"""Deal registrations, their conflict evidence, partners on a deal, the deal room and the rules of engagement."""


from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from allied.core.ids import PublicIdField


class Policy(models.TextChoices):
    DECLINE = "decline", "Decline automatically"
    REVIEW = "review", "Send to CAM review"
    ALLOW = "allow", "Allow"


class EngagementRules(models.Model):
    """The rules of engagement: one row, edited by the program admin, applied to every registration."""

    protection_days = models.PositiveIntegerField(default=90, validators=[MinValueValidator(1), MaxValueValidator(730)],
                                                  help_text="How long an approved registration protects the partner.")
    approval_sla_hours = models.PositiveIntegerField(default=48, validators=[MinValueValidator(1), MaxValueValidator(720)],
                                                     help_text="A registration waiting longer than this for review is escalated.")
    auto_approve_clean = models.BooleanField(default=True, help_text="Approve registrations with no conflict at all without review.")
    registration_conflict = models.CharField(
        max_length=8, choices=[(Policy.DECLINE, "First registration wins: decline later ones"), (Policy.REVIEW, "Send to CAM review")],
        default=Policy.DECLINE, help_text="When another partner already holds an approved registration for the customer.")
    named_account_policy = models.CharField(max_length=8, choices=[(Policy.DECLINE, "Excluded: decline"), (Policy.REVIEW, "Send to CAM review")],
                                            default=Policy.DECLINE, help_text="Registrations for the vendor's named direct accounts.")
    direct_opportunity_policy = models.CharField(max_length=8, choices=[(Policy.DECLINE, "Decline"), (Policy.REVIEW, "Send to CAM review")],
                                                 default=Policy.REVIEW, help_text="When the direct team has an open opportunity with the customer.")
    existing_customer_policy = models.CharField(
        max_length=8, choices=Policy.choices, default=Policy.REVIEW,
        help_text="New-logo registrations for a customer that already buys from the vendor.")
    renewal_to_incumbent = models.BooleanField(
        default=True, help_text="Renewals and upsells belong to the partner that won the customer; others are declined.")
    tie_window_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(10080)],
        help_text="Registrations for the same customer this close in time are a tie and go to CAM review (0: first wins).")
    max_extensions = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(12)])
    extension_days = models.PositiveIntegerField(default=30, validators=[MinValueValidator(1), MaxValueValidator(365)])
    reminder_days = models.JSONField(default=list, blank=True, help_text="Days before expiry on which the partner is reminded.")

    class Meta:
        verbose_name_plural = "rules of engagement"

    def __str__(self) -> str:
        return "Rules of engagement"

    @classmethod
    def current(cls) -> "EngagementRules":
        obj = cls.objects.order_by("pk").first()
        if obj is None:
            obj, _ = cls.objects.get_or_create(pk=1, defaults={"reminder_days": [14, 3]})
        return obj


class DealType(models.TextChoices):
    NEW_LOGO = "new_logo", "New logo"
    UPSELL = "upsell", "Upsell"
    RENEWAL = "renewal", "Renewal"


class DealStatus(models.TextChoices):
    PENDING = "pending", "In review"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WON = "won", "Closed won"
    LOST = "lost", "Closed lost"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Registrations in these states hold the customer: they are what later registrations conflict with.
HOLDING = (DealStatus.PENDING, DealStatus.APPROVED)
OPEN = (DealStatus.PENDING, DealStatus.APPROVED)


class DealStage(models.TextChoices):
    QUALIFICATION = "qualification", "Qualification"
    DISCOVERY = "discovery", "Discovery"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"


class Decision(models.TextChoices):
    AUTO_APPROVED = "auto_approved", "Approved automatically"
    AUTO_DECLINED = "auto_declined", "Declined automatically"
    REVIEW = "review", "Sent to CAM review"
    APPROVED = "approved", "Approved by the vendor"
    DECLINED = "declined", "Declined by the vendor"


class DealSource(models.TextChoices):
    PORTAL = "portal", "Portal"
    CONSOLE = "console", "Console"
    API = "api", "API"
    CSV = "csv", "CSV import"


class DealRegistration(models.Model):
    public_id = PublicIdField(prefix="deal")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="deal_registrations",
                                help_text="The registering (sourcing) partner.")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=8, choices=DealSource.choices, default=DealSource.PORTAL)
    customer_name = models.CharField(max_length=255)
    customer_name_normalized = models.CharField(max_length=255, editable=False, db_index=True)
    website = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=253, blank=True, db_index=True, editable=False)
    country = models.CharField(max_length=2)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_title = models.CharField(max_length=120, blank=True)
    products = models.JSONField(default=list, blank=True, help_text="Product codes.")
    amount = models.DecimalField(max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="USD")
    expected_close_date = models.DateField()
    deal_type = models.CharField(max_length=10, choices=DealType.choices, default=DealType.NEW_LOGO)
    notes = models.TextField(blank=True)

    status = models.CharField(max_length=10, choices=DealStatus.choices, default=DealStatus.PENDING, db_index=True)
    stage = models.CharField(max_length=16, choices=DealStage.choices, default=DealStage.QUALIFICATION)
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    decision_code = models.CharField(max_length=32, blank=True, help_text="Machine-readable reason, e.g. already_registered.")
    decision_reason = models.TextField(blank=True, help_text="What the partner is told. Never names another partner.")
    review_notes = models.TextField(blank=True, help_text="Vendor-only explanation of the evidence.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    account = models.ForeignKey("customers.CustomerAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals",
                                help_text="The account-master row this deal is for, once known.")

    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    protection_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_days = models.PositiveIntegerField(null=True, blank=True, help_text="The last expiry reminder sent (days before).")
    extensions = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    won_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    lost_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["partner", "status"], name="deal_partner_status_idx")]

    def __str__(self) -> str:
        return f"{self.customer_name} ({self.public_id})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class RegistrationKey(models.Model):
    """Blocking keys of a registration that holds its customer (pending or approved): the conflict check's index."""

    registration = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=80)

    class Meta:
        indexes = [models.Index(fields=["key"], name="registration_key_idx")]
        constraints = [models.UniqueConstraint(fields=["registration", "key"], name="registration_key_unique")]

    def __str__(self) -> str:
        return self.key


class ConflictKind(models.TextChoices):
    OWN_REGISTRATION = "own_registration", "Own earlier registration"
    REGISTRATION = "registration", "Another partner's registration"
    NAMED_ACCOUNT = "named_account", "Named direct account"
    DIRECT_OPPORTUNITY = "direct_opportunity", "Open direct opportunity"
    CUSTOMER = "customer", "Existing customer"


class DealConflict(models.Model):
    """One piece of evidence found at registration time: a candidate, its score and the reason in words."""

    deal = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(max_length=20, choices=ConflictKind.choices)
    other_deal = models.ForeignKey(DealRegistration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    account = models.ForeignKey("customers.CustomerAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opportunity = models.ForeignKey("customers.DirectOpportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.DecimalField(max_digits=4, decimal_places=3)
    reason = models.CharField(max_length=500)
    decisive = models.BooleanField(default=False, help_text="This evidence decided the outcome.")

    class Meta:
        ordering = ["-decisive", "-score", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.score}"


class ParticipantRole(models.TextChoices):
    SOURCING = "sourcing", "Sourcing"
    INFLUENCING = "influencing", "Influencing"
    RESELLING = "reselling", "Reselling / fulfilling"
    IMPLEMENTING = "implementing", "Implementing"


class DealParticipant(models.Model):
    """A partner on a deal, its role and its share of the credit; a deal's shares sum to 100 %."""

    deal = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="participants")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="deal_participations")
    role = models.CharField(max_length=14, choices=ParticipantRole.choices)
    split_pct = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)])
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-split_pct", "id"]
        constraints = [models.UniqueConstraint(fields=["deal", "partner"], name="participant_once_per_deal")]

    def __str__(self) -> str:
        return f"{self.role} {self.split_pct}%"


class DealNote(models.Model):
    public_id = PublicIdField(prefix="note")
    deal = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="room_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.public_id


def _deal_file_path(instance, filename: str) -> str:
    return f"deal_files/{instance.deal.public_id}/{instance.public_id}/{filename}"


class DealFile(models.Model):
    public_id = PublicIdField(prefix="dfile")
    deal = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="room_files")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=_deal_file_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ExtensionRequest(models.Model):
    public_id = PublicIdField(prefix="ext")
    deal = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    days = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(365)])
    reason = models.TextField()
    status = models.CharField(max_length=8, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["deal"], condition=models.Q(status="pending"), name="one_pending_extension")]

    def __str__(self) -> str:
        return f"{self.days} days ({self.status})"


class IdempotencyKey(models.Model):
    """An API registration's ``Idempotency-Key``: the same key from the same user within a day answers with the
    first deal instead of registering the customer again (a client retrying after a timeout)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the request body: a different body with the key is refused.")
    deal = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self) -> str:
        return self.key
