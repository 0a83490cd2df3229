"""Recording audit events. Services call ``audit_record`` inside their transaction."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from .models import AuditEvent


def _jsonable(value):
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    if isinstance(value, models.Model):
        # Integer keys never leave the server, audit trails included: lookup rows go by their code.
        return getattr(value, "public_id", None) or getattr(value, "code", None) or str(value.pk)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # file fields
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of ``obj`` as JSON-safe values, for before/after records."""
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    partner_id: int | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    actor_user = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor=actor_user,
        actor_label=actor_user.email if actor_user else "system",
        action=action,
        object_type=obj._meta.model_name,
        object_id=getattr(obj, "public_id", None) or str(obj.pk),
        partner_id=partner_id,
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        ip_address=ip_address,
    )
