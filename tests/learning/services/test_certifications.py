"""Certifications: earned with the path's required courses, expiry ends the tier fact, one reminder, re-certification."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.core.errors import Conflict, PermissionDenied
from allied.core.models import AuditEvent, OutboxEmail
from allied.learning import services
from allied.learning.models import CertStatus, UserCertification
from allied.learning.tasks import learning_housekeeping_task
from allied.partners.facts import active_certifications
from tests.learning.factories import certification, complete, course, path


def _active(partner, when=None):
    return active_certifications([partner.pk], when or timezone.now()).get(partner.pk, 0)


@pytest.fixture
def setup(world):
    required, optional = course(world.pmm, title="Required"), course(world.pmm, title="Optional")
    p = path(world.pmm, [required, optional], optional=(optional,))
    cert = certification(world.pmm, p, validity_months=12, remind_days_before=30)
    return required, optional, cert


def test_earned_when_every_required_course_is_complete(world, setup):
    required, optional, cert = setup
    complete(world.a_sales, optional)
    assert not UserCertification.objects.exists()
    base = _active(world.partner_a)
    complete(world.a_sales, required)
    held = UserCertification.objects.get()
    assert (held.user, held.partner, held.certification, held.status) == (world.a_sales, world.partner_a, cert, CertStatus.ACTIVE)
    assert held.expires_at == services.add_months(held.earned_at, 12)
    assert held.achievement.kind == "certification" and held.achievement.expires_at == held.expires_at
    assert _active(world.partner_a) == base + 1
    assert OutboxEmail.objects.filter(to=world.a_sales.email, subject__contains=cert.name).exists()
    # another learner of the same partner needs the courses too
    assert not UserCertification.objects.filter(user=world.a_marketing).exists()


def test_draft_certifications_are_not_awarded(world):
    c = course(world.pmm)
    certification(world.pmm, path(world.pmm, [c]), status="draft")
    complete(world.a_sales, c)
    assert not UserCertification.objects.exists()


def test_never_expiring_certification(world):
    c = course(world.pmm)
    certification(world.pmm, path(world.pmm, [c]), validity_months=0)
    complete(world.a_sales, c)
    held = UserCertification.objects.get()
    assert held.expires_at is None and held.achievement.expires_at is None
    assert services.certifications_expire(now=timezone.now() + timedelta(days=3650)) == 0


def test_expiry_ends_the_achievement_so_the_fact_drops(world, setup):
    required, _, _ = setup
    complete(world.a_sales, required)
    held = UserCertification.objects.get()
    base = _active(world.partner_a)
    later = held.expires_at + timedelta(minutes=1)
    assert services.certifications_expire(now=held.expires_at - timedelta(minutes=1)) == 0
    assert services.certifications_expire(now=later) == 1
    held.refresh_from_db()
    assert held.status == CertStatus.EXPIRED and held.achievement.expires_at <= later
    assert _active(world.partner_a, later) == base - 1
    assert AuditEvent.objects.filter(action="user_certification.expired", object_id=held.public_id).exists()
    assert services.certifications_expire(now=later) == 0  # once


def test_reminder_is_sent_once_when_the_window_opens(world, setup):
    required, _, cert = setup
    complete(world.a_sales, required)
    held = UserCertification.objects.get()
    emails = OutboxEmail.objects.filter(to=world.a_sales.email, subject__startswith="Your certification expires soon")
    assert services.certifications_remind(now=held.expires_at - timedelta(days=31)) == 0
    assert services.certifications_remind(now=held.expires_at - timedelta(days=29)) == 1
    assert services.certifications_remind(now=held.expires_at - timedelta(days=20)) == 0
    assert emails.count() == 1 and cert.name in emails.get().subject
    held.refresh_from_db()
    assert held.reminded_at is not None


def test_recertification_writes_a_new_row_and_ends_the_old_one(world, setup):
    required, _, cert = setup
    complete(world.a_sales, required)
    first = UserCertification.objects.get()
    # completing again before the reminder window opens earns nothing
    services.certifications_check(world.a_sales)
    assert UserCertification.objects.count() == 1
    # not due yet: taking the course again is refused (it would only count the same training twice)
    e = required.enrollments.get(user=world.a_sales)
    with pytest.raises(Conflict):
        services.enrollment_restart(actor=world.a_sales, enrollment=e)
    # the reminder window opens: the learner restarts the course and completes it again
    UserCertification.objects.filter(pk=first.pk).update(expires_at=timezone.now() + timedelta(days=cert.remind_days_before - 1))
    e = services.enrollment_restart(actor=world.a_sales, enrollment=e)
    for lesson in required.lessons.all():
        services.lesson_complete(actor=world.a_sales, enrollment=e, lesson=lesson)
    from tests.learning.factories import right_answers

    window = timezone.now()
    services.quiz_submit(actor=world.a_sales, enrollment=e, answers=right_answers(required), now=window)
    second = UserCertification.objects.order_by("-pk").first()
    first.refresh_from_db()
    assert second != first and second.status == CertStatus.ACTIVE and first.status == CertStatus.EXPIRED
    assert second.expires_at == services.add_months(window, 12)
    assert first.achievement.expires_at == window
    assert _active(world.partner_a, window + timedelta(seconds=1)) == 1


def test_a_revoked_certification_needs_the_courses_again(world, setup):
    required, _, cert = setup
    complete(world.a_sales, required)
    held = UserCertification.objects.get()
    services.user_certification_revoke(actor=world.pmm, user_certification=held, reason="Shared quiz answers")
    # another completion (any course) does not bring it back from the completions that earned it
    services.certifications_check(world.a_sales)
    complete(world.a_sales, course(world.pmm))
    assert list(UserCertification.objects.values_list("status", flat=True)) == [CertStatus.REVOKED]
    # taking the required course again after the revocation earns it anew
    e = services.enrollment_restart(actor=world.a_sales, enrollment=required.enrollments.get(user=world.a_sales))
    complete(world.a_sales, required)
    assert UserCertification.objects.filter(status=CertStatus.ACTIVE).count() == 1 and e.pk


def test_revoke_ends_it_at_once(world, setup):
    required, _, _ = setup
    complete(world.a_sales, required)
    held = UserCertification.objects.get()
    with pytest.raises(PermissionDenied):
        services.user_certification_revoke(actor=world.cam, user_certification=held, reason="Fraud")
    held = services.user_certification_revoke(actor=world.pmm, user_certification=held, reason="Shared exam answers")
    assert held.status == CertStatus.REVOKED and _active(world.partner_a) == 0
    with pytest.raises(Conflict):
        services.user_certification_revoke(actor=world.pmm, user_certification=held, reason="Again")


def test_housekeeping_task_expires_and_reminds(world, setup):
    required, _, _ = setup
    complete(world.a_sales, required)
    complete(world.b_sales, required)
    a, b = UserCertification.objects.get(user=world.a_sales), UserCertification.objects.get(user=world.b_sales)
    now = timezone.now()
    UserCertification.objects.filter(pk=a.pk).update(expires_at=now - timedelta(days=1))
    UserCertification.objects.filter(pk=b.pk).update(expires_at=now + timedelta(days=10))
    result = learning_housekeeping_task.call()
    assert result == {"expired": 1, "reminded": 1}
    assert learning_housekeeping_task.call() == {"expired": 0, "reminded": 0}
