"""Outgoing email through an outbox: written in the caller's transaction, sent by a task.

An email is never lost if the process dies after the change commits, and never sent for a
change that rolled back.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import OutboxEmail

log = logging.getLogger(__name__)


def email_enqueue(*, to: str, subject: str, body: str) -> OutboxEmail:
    row = OutboxEmail.objects.create(to=to, subject=subject[:200], body=body)
    transaction.on_commit(_kick_delivery)
    return row


def _kick_delivery() -> None:
    from .tasks import outbox_deliver_task  # tasks import this module

    try:
        outbox_deliver_task.enqueue()
    except Exception:  # the worker also sweeps the outbox on a schedule
        log.exception("could not enqueue outbox delivery")


def outbox_deliver(*, limit: int = 100, max_attempts: int = 8) -> int:
    """Send pending emails; returns how many were sent."""
    sent = 0
    pending = OutboxEmail.objects.filter(sent_at__isnull=True, attempts__lt=max_attempts).order_by("pk")[:limit]
    for row in pending:
        try:
            send_mail(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.to], fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any transport error is retried later
            OutboxEmail.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=str(exc)[:2000])
            continue
        OutboxEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now(), attempts=row.attempts + 1, last_error="")
        sent += 1
    return sent
