from django.conf import settings
from django.db import models

from allied.core.ids import PublicIdField


class TaskKind(models.TextChoices):
    AGREEMENT = "agreement", "Sign the partner agreement"
    PROFILE = "profile", "Complete the company profile"
    INVITE_USERS = "invite_users", "Invite your team"
    TRAINING = "training", "First training"
    BUSINESS_PLAN = "business_plan", "First business plan"
    DEAL_REGISTRATION = "deal_registration", "First deal registration"
    KICKOFF = "kickoff", "Kick-off call"
    CUSTOM = "custom", "Other"


class Side(models.TextChoices):
    PARTNER = "partner", "Partner"
    VENDOR = "vendor", "Vendor"


class JourneyTemplate(models.Model):
    """A 30-60-90 onboarding journey for one partner type (or the default when type is empty)."""

    public_id = PublicIdField(prefix="jrn")
    name = models.CharField(max_length=120)
    partner_type = models.OneToOneField("program.PartnerType", null=True, blank=True, on_delete=models.CASCADE, related_name="journey")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaskTemplate(models.Model):
    journey = models.ForeignKey(JourneyTemplate, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=TaskKind.choices, default=TaskKind.CUSTOM)
    side = models.CharField(max_length=8, choices=Side.choices, default=Side.PARTNER)
    due_day = models.PositiveSmallIntegerField(help_text="Days after joining (30, 60, 90 phases).")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_day", "position", "id"]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class OnboardingTask(models.Model):
    public_id = PublicIdField(prefix="obt")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="onboarding_tasks")
    template = models.ForeignKey(TaskTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=TaskKind.choices, default=TaskKind.CUSTOM)
    side = models.CharField(max_length=8, choices=Side.choices, default=Side.PARTNER)
    due_date = models.DateField(db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="onboarding_tasks")
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        return self.title


class AgreementAcceptance(models.Model):
    """Click-through acceptance: which version, by whom, when, from where."""

    public_id = PublicIdField(prefix="acc")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="agreement_acceptances")
    agreement = models.ForeignKey("program.Agreement", on_delete=models.PROTECT, related_name="acceptances")
    agreement_version = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["partner", "agreement"], name="uniq_partner_agreement_acceptance")]

    def __str__(self) -> str:
        return f"{self.partner} accepted {self.agreement}"
