from django.conf import settings
from django.db import models

from allied.core.ids import PublicIdField


class ProposalStatus(models.TextChoices):
    GRACE = "grace", "In grace period"
    PENDING = "pending", "Waiting for approval"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn (no longer applies)"


OPEN_STATUSES = [ProposalStatus.GRACE, ProposalStatus.PENDING]


class TierProposal(models.Model):
    """A proposed tier change found by evaluation, with the reasons in words."""

    public_id = PublicIdField(prefix="tpr")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="tier_proposals")
    from_tier = models.ForeignKey("program.Tier", on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey("program.Tier", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, db_index=True)
    reasons = models.JSONField(default=list)
    facts = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    grace_until = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"], condition=models.Q(status__in=["grace", "pending"]), name="one_open_tier_proposal_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.from_tier} → {self.to_tier}"

    @property
    def is_upgrade(self) -> bool:
        return self.to_tier.rank > self.from_tier.rank


class TierChange(models.Model):
    """Tier history: every change of a partner's tier."""

    public_id = PublicIdField(prefix="tch")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.ForeignKey("program.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey("program.Tier", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(db_index=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposal = models.ForeignKey(TierProposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner}: {self.from_tier} → {self.to_tier}"
