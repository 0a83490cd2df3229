"""Leads the vendor passes to partners, every offer made (with its explanation), and the routing settings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from allied.core.ids import PublicIdField


def _default_weights() -> dict:
    from allied.routing import DEFAULT_WEIGHTS

    return dict(DEFAULT_WEIGHTS)


class RoutingSettings(models.Model):
    """How leads are routed: one row, edited by the program admin; the same rules online and in batch."""

    auto_route = models.BooleanField(default=True, help_text="Route each lead as it arrives.")
    accept_sla_hours = models.PositiveIntegerField(default=24, validators=[MinValueValidator(1), MaxValueValidator(720)],
                                                   help_text="A partner must accept or decline within this time, or the lead is pulled back.")
    reminder_hours = models.PositiveIntegerField(default=4, validators=[MaxValueValidator(240)],
                                                 help_text="Remind the partner this many hours before the deadline (0: no reminder).")
    default_capacity = models.PositiveIntegerField(default=10, validators=[MaxValueValidator(10_000)],
                                                   help_text="Most open leads a partner holds at once, unless set per partner.")
    require_country = models.BooleanField(default=True, help_text="Only partners serving the lead's country.")
    require_region = models.BooleanField(default=False)
    require_postcode = models.BooleanField(default=False, help_text="Only partners whose postcode areas cover the lead's.")
    max_distance_km = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(20_000)],
                                                  help_text="Only partners within this great-circle distance (empty: any).")
    require_specialty = models.BooleanField(default=False)
    require_products = models.CharField(max_length=4, default="none",
                                        choices=[("none", "Scored only"), ("any", "At least one product"), ("all", "Every product")])
    allowed_partner_types = models.JSONField(default=list, blank=True, help_text="Partner type codes (empty: all).")
    min_tier_rank = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Lowest tier rank that receives leads.")
    weights = models.JSONField(default=_default_weights, help_text="Points per scoring factor.")

    class Meta:
        verbose_name_plural = "routing settings"

    def __str__(self) -> str:
        return "Lead routing settings"

    @classmethod
    def current(cls) -> "RoutingSettings":
        obj = cls.objects.order_by("pk").first()
        if obj is None:
            obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class PartnerLeadSettings(models.Model):
    """A partner's own lead settings: capacity override, paused, postcode areas served, coordinates."""

    partner = models.OneToOneField("partners.Partner", on_delete=models.CASCADE, related_name="lead_settings")
    capacity = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(10_000)])
    paused = models.BooleanField(default=False, help_text="Receives no new leads while paused.")
    postcode_prefixes = models.JSONField(default=list, blank=True)
    lat = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    service_radius_km = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"lead settings of {self.partner_id}"


class LeadSource(models.TextChoices):
    API = "api", "API"
    CSV = "csv", "CSV upload"
    WEB_FORM = "web_form", "Web form"
    CAMPAIGN = "campaign", "Campaign landing page"
    CONSOLE = "console", "Console"


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    WORKING = "working", "Working"
    CONVERTED = "converted", "Converted to a deal"
    DISQUALIFIED = "disqualified", "Disqualified"
    UNROUTABLE = "unroutable", "No partner available"
    DIRECT = "direct", "Direct account (kept by the vendor)"
    DUPLICATE = "duplicate", "Duplicate"


OPEN_STATUSES = (LeadStatus.OFFERED, LeadStatus.ACCEPTED, LeadStatus.WORKING)


class Lead(models.Model):
    public_id = PublicIdField(prefix="lead")
    source = models.CharField(max_length=10, choices=LeadSource.choices, default=LeadSource.API)
    external_ref = models.CharField(max_length=100, blank=True)
    company_name = models.CharField(max_length=255)
    company_name_normalized = models.CharField(max_length=255, editable=False, db_index=True)
    website = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=253, blank=True, db_index=True, editable=False)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=8, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    lat = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField(db_index=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_title = models.CharField(max_length=120, blank=True)
    products = models.JSONField(default=list, blank=True)
    specialty = models.CharField(max_length=80, blank=True)
    segment = models.CharField(max_length=20, blank=True)
    estimated_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="USD")
    message = models.TextField(blank=True)
    consent = models.BooleanField(default=False, help_text="The contact agreed to be contacted by a partner.")
    campaign = models.CharField(max_length=40, blank=True, db_index=True,
                                help_text="Tracking code of the MDF activity or campaign that produced the lead.")

    status = models.CharField(max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW, db_index=True)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads",
                                help_text="The partner the lead is with now.")
    status_note = models.CharField(max_length=500, blank=True, help_text="Why unroutable, direct, duplicate or disqualified.")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deal = models.ForeignKey("deals.DealRegistration", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads",
                             help_text="The deal registration this lead became.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partner", "status"], name="lead_partner_status_idx")]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.public_id})"


class OfferOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for the partner"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    TIMED_OUT = "timed_out", "Pulled back: not accepted in time"
    REASSIGNED = "reassigned", "Reassigned by the vendor"


class RoutingMode(models.TextChoices):
    ONLINE = "online", "Routed on arrival"
    BATCH = "batch", "Routed in a batch"
    MANUAL = "manual", "Assigned by hand"
    REGISTRATION = "registration", "Partner holds the deal registration"


class LeadOffer(models.Model):
    """One offer of a lead to a partner, with the routing explanation: score breakdown and runners-up."""

    public_id = PublicIdField(prefix="offer")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="offers")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="lead_offers")
    mode = models.CharField(max_length=12, choices=RoutingMode.choices)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    explanation = models.CharField(max_length=500, blank=True)
    breakdown = models.JSONField(default=dict, blank=True)
    runners_up = models.JSONField(default=list, blank=True)
    offered_at = models.DateTimeField(default=timezone.now)
    sla_due_at = models.DateTimeField(db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=OfferOutcome.choices, default=OfferOutcome.PENDING, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decline_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["offered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["lead"], condition=models.Q(outcome="pending"), name="one_pending_offer_per_lead")]

    def __str__(self) -> str:
        return f"{self.lead_id} -> {self.partner_id} ({self.outcome})"


