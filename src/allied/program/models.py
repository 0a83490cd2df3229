from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from allied.core.ids import PublicIdField


class ProgramSettings(models.Model):
    """The vendor's partner program: one row."""

    vendor_name = models.CharField(max_length=200, default="Vendor Inc.")
    tier_auto_apply = models.BooleanField(default=False, help_text="Apply tier changes without CAM approval.")
    downgrade_grace_days = models.PositiveIntegerField(default=90, validators=[MaxValueValidator(730)])
    distributors_see_subpartners = models.BooleanField(default=True, help_text="Distributors see their sub-partners' rows.")
    public_locator_enabled = models.BooleanField(default=False)
    default_currency = models.CharField(max_length=3, default="USD")

    class Meta:
        verbose_name_plural = "program settings"

    def __str__(self) -> str:
        return f"{self.vendor_name} partner program"

    @classmethod
    def current(cls) -> "ProgramSettings":
        obj = cls.objects.order_by("pk").first()
        if obj is None:
            obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class PartnerTypeCode(models.TextChoices):
    REFERRAL = "referral", "Referral partner"
    RESELLER = "reseller", "Reseller"
    MSP = "msp", "Managed service provider"
    SI = "si", "System integrator"
    ISV = "isv", "ISV / technology partner"
    AGENCY = "agency", "Agency"
    OEM = "oem", "OEM"
    DISTRIBUTOR = "distributor", "Distributor"


class RevenueModel(models.TextChoices):
    REFERRAL_FEE = "referral_fee", "Referral fee on closed business"
    RESALE_MARGIN = "resale_margin", "Buy at discount, resell at margin"
    RECURRING_SHARE = "recurring_share", "Share of recurring revenue"
    SERVICES = "services", "Own services revenue, influence on license"
    MARKETPLACE = "marketplace", "Integration / marketplace revenue share"
    ROYALTY = "royalty", "Per-unit royalty"
    WHOLESALE = "wholesale", "Wholesale margin through sub-partners"


class PartnerType(models.Model):
    code = models.CharField(max_length=20, choices=PartnerTypeCode.choices, unique=True)
    name = models.CharField(max_length=80)
    revenue_model = models.CharField(max_length=20, choices=RevenueModel.choices)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SupportLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    PRIORITY = "priority", "Priority"
    PREMIUM = "premium", "Premium"
    DEDICATED = "dedicated", "Dedicated"


class Tier(models.Model):
    public_id = PublicIdField(prefix="tier")
    name = models.CharField(max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="Higher rank is a higher tier; the lowest is the entry tier.")
    description = models.TextField(blank=True)
    discount_pct = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    mdf_eligible = models.BooleanField(default=False)
    lead_priority = models.PositiveSmallIntegerField(default=0, help_text="Higher gets leads first.")
    support_level = models.CharField(max_length=20, choices=SupportLevel.choices, default=SupportLevel.STANDARD)
    color = models.CharField(max_length=7, default="#6b7280")

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class TierRequirement(models.Model):
    """One rule: fact >= threshold. Facts come from the registry in ``program.facts``."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="requirements")
    fact = models.CharField(max_length=60)
    threshold = models.DecimalField(max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["tier__rank", "fact"]
        constraints = [models.UniqueConstraint(fields=["tier", "fact"], name="uniq_tier_fact")]

    def __str__(self) -> str:
        return f"{self.tier}: {self.fact} >= {self.threshold}"


class Agreement(models.Model):
    """A versioned program agreement partners accept by click-through."""

    public_id = PublicIdField(prefix="agr")
    name = models.CharField(max_length=120)
    version = models.CharField(max_length=20)
    body = models.TextField()
    is_current = models.BooleanField(default=True)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="uniq_agreement_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Announcement(models.Model):
    """News from the vendor shown on the partner portal home."""

    public_id = PublicIdField(prefix="news")
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class Product(models.Model):
    """What partners sell: deal registrations name products by code."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    family = models.CharField(max_length=80, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family", "name"]

    def __str__(self) -> str:
        return self.name
