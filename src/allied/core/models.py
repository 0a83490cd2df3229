from django.conf import settings
from django.db import models
from django.utils import timezone

from .ids import PublicIdField


class AuditEvent(models.Model):
    """Append-only record of one state change: who did what to which object, before and after."""

    public_id = PublicIdField(prefix="evt")
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=200, help_text="Actor as shown at the time (user email or 'system').")
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, help_text="Public id of the changed object.")
    partner_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="Partner the change concerns, for the partner's history.")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_id}"


class OutboxEmail(models.Model):
    """Emails written in the same transaction as the change that caused them; a task sends them."""

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class ScheduledRun(models.Model):
    """When a periodic job last ran, so several workers start it once per interval."""

    name = models.CharField(max_length=80, primary_key=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at}"
