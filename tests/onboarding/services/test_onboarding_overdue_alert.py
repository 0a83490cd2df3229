"""onboarding/services.py::onboarding_overdue_alert"""

from datetime import date, timedelta

from allied.core.models import OutboxEmail
from allied.onboarding.models import OnboardingTask, Side, TaskStatus
from allied.onboarding.services import onboarding_overdue_alert
from tests.conftest import make_partner, make_user

TODAY = date(2026, 6, 15)


def make_task(partner, title, due, status=TaskStatus.OPEN, side=Side.PARTNER):
    return OnboardingTask.objects.create(partner=partner, title=title, due_date=due, status=status, side=side)


def test_one_digest_per_cam_listing_overdue_tasks_then_nothing_new(world):
    # given two CAMs with overdue tasks across their partners
    cam2 = make_user("cam2@vendor.example", "cam")
    charlie = make_partner("Charlie Cloud", cam=cam2)
    late = TODAY - timedelta(days=3)
    make_task(world.partner_a, "Accept the agreement", late)
    make_task(world.partner_b, "Kick-off call", late, side=Side.VENDOR)
    make_task(charlie, "Complete your profile", late)
    # and tasks that are not overdue: due today, in the future, done, or without a CAM
    make_task(world.partner_b, "Due today", TODAY)
    make_task(world.partner_b, "Future", TODAY + timedelta(days=5))
    make_task(world.partner_b, "Already done", late, status=TaskStatus.DONE)
    orphan = make_partner("Orphan Ltd")
    make_task(orphan, "Nobody watches", late)
    # when
    alerted = onboarding_overdue_alert(today=TODAY)
    # then
    assert alerted == 3
    cam_mail = OutboxEmail.objects.get(to="cam@vendor.example")
    assert cam_mail.subject == "2 onboarding task(s) overdue"
    assert "Alpha Distribution: Accept the agreement (due 2026-06-12, Partner side)" in cam_mail.body
    assert "Bravo Systems: Kick-off call (due 2026-06-12, Vendor side)" in cam_mail.body
    for not_overdue in ("Due today", "Future", "Already done", "Nobody watches"):
        assert not_overdue not in cam_mail.body
    cam2_mail = OutboxEmail.objects.get(to="cam2@vendor.example")
    assert "Charlie Cloud: Complete your profile" in cam2_mail.body
    assert OutboxEmail.objects.count() == 2
    assert OnboardingTask.objects.filter(overdue_alerted_at__isnull=False).count() == 3

    # when run again
    assert onboarding_overdue_alert(today=TODAY) == 0
    # then no new email
    assert OutboxEmail.objects.count() == 2


def test_task_becoming_overdue_later_is_alerted_on_its_own(world):
    make_task(world.partner_b, "First", TODAY - timedelta(days=1))
    onboarding_overdue_alert(today=TODAY)
    make_task(world.partner_b, "Second", TODAY)
    assert onboarding_overdue_alert(today=TODAY + timedelta(days=1)) == 1
    latest = OutboxEmail.objects.filter(to="cam@vendor.example").order_by("-pk").first()
    assert "Second" in latest.body and "First" not in latest.body


def test_nothing_overdue_sends_nothing(world):
    make_task(world.partner_b, "Later", TODAY + timedelta(days=1))
    assert onboarding_overdue_alert(today=TODAY) == 0
    assert OutboxEmail.objects.count() == 0
