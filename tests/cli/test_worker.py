"""cli worker: schedule_due_jobs enqueues each periodic job once per interval."""

from datetime import timedelta

from django.utils import timezone

from allied.cli.management.commands.worker import SCHEDULE, schedule_due_jobs
from allied.core.models import ScheduledRun
from allied.core.outbox import email_enqueue

ALL = [name for name, _, _ in SCHEDULE]


def test_first_call_enqueues_every_job_then_none(db):
    now = timezone.now()
    assert schedule_due_jobs(now) == ALL == ["outbox_deliver", "onboarding_overdue_alert", "tier_evaluate", "deals_housekeeping",
                                             "leads_housekeeping", "leads_retry", "incentives_release", "funds_housekeeping",
                                             "mapping_housekeeping", "learning_housekeeping"]
    assert schedule_due_jobs(now) == []
    assert schedule_due_jobs(now + timedelta(seconds=30)) == []
    assert {r.name: r.last_run_at for r in ScheduledRun.objects.all()} == {name: now for name in ALL}


def test_each_job_comes_due_after_its_interval(db):
    now = timezone.now()
    schedule_due_jobs(now)
    assert schedule_due_jobs(now + timedelta(minutes=1)) == ["outbox_deliver"]
    assert schedule_due_jobs(now + timedelta(minutes=5)) == ["outbox_deliver", "leads_housekeeping"]
    assert schedule_due_jobs(now + timedelta(hours=1)) == ["outbox_deliver", "onboarding_overdue_alert", "deals_housekeeping",
                                                           "leads_housekeeping", "leads_retry", "incentives_release", "mapping_housekeeping"]
    assert schedule_due_jobs(now + timedelta(days=1)) == ALL


def test_without_argument_uses_the_clock(db):
    assert schedule_due_jobs() == ALL
    assert schedule_due_jobs() == []


def test_enqueued_jobs_run(db, mailoutbox):
    # given a queued email (the test settings run tasks inline and send to memory)
    row = email_enqueue(to="x@partner.example", subject="Hello", body="Body")
    # when the schedule starts its jobs
    schedule_due_jobs()
    # then the outbox job delivered it
    row.refresh_from_db()
    assert row.sent_at is not None
    assert [m.to for m in mailoutbox] == [["x@partner.example"]]
