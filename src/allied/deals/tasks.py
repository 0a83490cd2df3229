from django_tasks import task

from .services import deals_escalate_overdue, deals_expire, deals_remind_expiring
from .services.idempotency import idempotency_keys_purge


@task()
def deals_housekeeping_task() -> dict:
    """Hourly: escalate registrations past their approval SLA, remind before protection ends, expire the ended."""
    return {"escalated": deals_escalate_overdue(), "reminded": deals_remind_expiring(), "expired": deals_expire(),
            "idempotency_keys_purged": idempotency_keys_purge()}
