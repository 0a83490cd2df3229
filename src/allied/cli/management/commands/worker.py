import threading
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from allied.core.models import ScheduledRun
from allied.core.tasks import outbox_deliver_task
from allied.deals.tasks import deals_housekeeping_task
from allied.funds.tasks import funds_housekeeping_task
from allied.incentives.tasks import incentives_release_task
from allied.leads.tasks import leads_housekeeping_task, leads_retry_task
from allied.learning.tasks import learning_housekeeping_task
from allied.mapping.services import mapping_runs_resume
from allied.mapping.tasks import mapping_housekeeping_task
from allied.onboarding.tasks import onboarding_overdue_alert_task
from allied.payouts.services import payout_runs_resume
from allied.tiering.tasks import tier_evaluate_task

SCHEDULE = [
    ("outbox_deliver", timedelta(minutes=1), outbox_deliver_task),
    ("onboarding_overdue_alert", timedelta(hours=1), onboarding_overdue_alert_task),
    ("tier_evaluate", timedelta(hours=24), tier_evaluate_task),
    ("deals_housekeeping", timedelta(hours=1), deals_housekeeping_task),
    ("leads_housekeeping", timedelta(minutes=5), leads_housekeeping_task),
    ("leads_retry", timedelta(hours=1), leads_retry_task),
    ("incentives_release", timedelta(hours=1), incentives_release_task),
    ("funds_housekeeping", timedelta(hours=24), funds_housekeeping_task),
    ("mapping_housekeeping", timedelta(hours=1), mapping_housekeeping_task),
    ("learning_housekeeping", timedelta(hours=24), learning_housekeeping_task),
]


def schedule_due_jobs(now=None) -> list[str]:
    """Enqueue each periodic job whose interval has passed. Safe with many workers: the
    conditional UPDATE lets exactly one of them claim a run."""
    now = now or timezone.now()
    started = []
    for name, every, task in SCHEDULE:
        ScheduledRun.objects.get_or_create(name=name, defaults={"last_run_at": now - every})
        if ScheduledRun.objects.filter(name=name, last_run_at__lte=now - every).update(last_run_at=now):
            task.enqueue()
            started.append(name)
    return started


class Command(BaseCommand):
    help = "Run background tasks (database queue) and the periodic schedule."

    def add_arguments(self, parser):
        parser.add_argument("--no-schedule", action="store_true", help="Only run tasks; another worker schedules.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args, no_schedule, batch, **opts):
        call_command("migrate", verbosity=0, interactive=False)
        payout_runs_resume()  # payout runs a killed worker left half paid carry on (paid payouts are skipped)
        mapping_runs_resume()  # mapping runs whose task was lost go back to the queue (one worker claims each)
        if batch:
            schedule_due_jobs() if not no_schedule else None
            call_command("db_worker", batch=True, verbosity=opts.get("verbosity", 1))
            return
        if not no_schedule:
            threading.Thread(target=self._scheduler, daemon=True).start()
        self.stdout.write("Allied worker started; waiting for tasks.")
        call_command("db_worker", verbosity=opts.get("verbosity", 1))

    def _scheduler(self):
        while True:
            try:
                schedule_due_jobs()
            except Exception as exc:  # noqa: BLE001 - keep scheduling; the next pass retries
                self.stderr.write(f"scheduler: {exc}")
            finally:
                close_old_connections()
            time.sleep(30)
