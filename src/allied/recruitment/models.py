from django.conf import settings
from django.db import models

from allied.core.ids import PublicIdField


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    QUALIFIED = "qualified", "Qualified"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class Application(models.Model):
    public_id = PublicIdField(prefix="app")
    company_name = models.CharField(max_length=200)
    website = models.URLField()
    domain = models.CharField(max_length=253, db_index=True)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=8)
    partner_type = models.ForeignKey("program.PartnerType", on_delete=models.PROTECT, related_name="+")
    specialties = models.JSONField(default=list, blank=True)
    industries = models.JSONField(default=list, blank=True)
    regions_served = models.JSONField(default=list, blank=True)
    customer_segments = models.JSONField(default=list, blank=True)
    team_size = models.PositiveIntegerField()
    annual_revenue_band = models.CharField(max_length=20, blank=True)
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED, db_index=True)
    fit_score = models.PositiveSmallIntegerField(default=0)
    fit_explanation = models.JSONField(default=list)
    duplicate_of = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    duplicate_reason = models.CharField(max_length=200, blank=True)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications")
    submitted_at = models.DateTimeField(db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.company_name


class IdealPartnerProfile(models.Model):
    """What a good partner looks like, and how much each criterion weighs (one row)."""

    target_partner_types = models.JSONField(default=list, blank=True)
    target_regions = models.JSONField(default=list, blank=True)
    target_specialties = models.JSONField(default=list, blank=True)
    target_industries = models.JSONField(default=list, blank=True)
    target_segments = models.JSONField(default=list, blank=True)
    min_team_size = models.PositiveIntegerField(default=10)
    weight_partner_type = models.PositiveSmallIntegerField(default=20)
    weight_region = models.PositiveSmallIntegerField(default=15)
    weight_specialties = models.PositiveSmallIntegerField(default=25)
    weight_industries = models.PositiveSmallIntegerField(default=15)
    weight_segments = models.PositiveSmallIntegerField(default=10)
    weight_team_size = models.PositiveSmallIntegerField(default=15)

    def __str__(self) -> str:
        return "Ideal partner profile"

    @classmethod
    def current(cls) -> "IdealPartnerProfile":
        obj = cls.objects.order_by("pk").first()
        return obj or cls.objects.create()
