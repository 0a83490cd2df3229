from django.conf import settings
from django.db import models
from django.utils import timezone

from allied.core.ids import PublicIdField


class Region(models.TextChoices):
    NA = "na", "North America"
    LATAM = "latam", "Latin America"
    EMEA = "emea", "Europe, Middle East & Africa"
    APAC = "apac", "Asia Pacific"


class PartnerStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    OFFBOARDED = "offboarded", "Offboarded"


SPECIALTIES = [
    "cloud migration", "security", "data & analytics", "ai/ml", "networking", "devops",
    "managed services", "erp integration", "crm integration", "compliance", "backup & recovery",
    "identity", "observability", "collaboration", "e-commerce",
]
INDUSTRIES = [
    "financial services", "healthcare", "manufacturing", "retail", "public sector", "education",
    "technology", "media", "energy", "logistics", "telecom", "professional services",
]
SEGMENTS = ["smb", "mid-market", "enterprise", "public sector"]


class Partner(models.Model):
    """A partner organization and its public profile."""

    public_id = PublicIdField(prefix="ptn")
    name = models.CharField(max_length=200, db_index=True)
    website = models.URLField(blank=True)
    domain = models.CharField(max_length=253, blank=True, db_index=True, help_text="Normalised website domain, for duplicate checks.")
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    region = models.CharField(max_length=8, choices=Region.choices, db_index=True)
    city = models.CharField(max_length=100, blank=True)
    partner_type = models.ForeignKey("program.PartnerType", on_delete=models.PROTECT, related_name="partners")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_partners", help_text="Distributor in a two-tier program.")
    tier = models.ForeignKey("program.Tier", on_delete=models.PROTECT, related_name="partners")
    tier_since = models.DateTimeField(default=timezone.now)
    cam = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_partners")
    status = models.CharField(max_length=12, choices=PartnerStatus.choices, default=PartnerStatus.ONBOARDING, db_index=True)
    description = models.TextField(blank=True)
    specialties = models.JSONField(default=list, blank=True)
    industries = models.JSONField(default=list, blank=True)
    regions_served = models.JSONField(default=list, blank=True)
    customer_segments = models.JSONField(default=list, blank=True)
    team_size = models.PositiveIntegerField(null=True, blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True)
    listed_in_locator = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["tier", "status"]), models.Index(fields=["partner_type", "status"])]

    def __str__(self) -> str:
        return self.name


class AchievementKind(models.TextChoices):
    DEAL_WON = "deal_won", "Closed-won deal"
    CERTIFICATION = "certification", "Certification"
    TRAINING = "training", "Training completion"


class Achievement(models.Model):
    """A measured result of a partner (imported from CRM/LMS or recorded): the raw input of tier facts."""

    public_id = PublicIdField(prefix="ach")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField(max_length=16, choices=AchievementKind.choices)
    name = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    occurred_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["kind", "occurred_at", "partner"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
