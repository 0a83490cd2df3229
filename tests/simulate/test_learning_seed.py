"""The demo's learning history is what the services would have written: completions with every lesson, passing attempts
scored as the server scores them and training achievements; certifications exactly where certifications_check awards
them, with their achievements ending at expiry; some expired, some in their reminder window, some renewed."""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from allied.learning.models import (
    Certification,
    CertStatus,
    Course,
    Enrollment,
    LearningPath,
    QuizAttempt,
    UserCertification,
)
from allied.learning.services import add_months, certifications_check, renewal_opens_at
from allied.learning.services.progress import score
from allied.partners.models import Achievement, AchievementKind
from allied.simulate.ecosystem import seed_ecosystem


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield seed_ecosystem(partners=120, seed=21, money=False, mapping=False)
                raise _Rollback
        except _Rollback:
            pass


pytestmark = pytest.mark.usefixtures("seeded")


def test_catalogue_is_published_and_reads_like_enablement(db, seeded):
    assert seeded.courses == Course.objects.filter(status="published").count() == 8
    assert set(Certification.objects.values_list("name", flat=True)) == {"Sales Professional", "Solutions Architect", "Support Engineer",
                                                                         "Security Specialist"}
    assert LearningPath.objects.filter(status="published").count() == 5
    tech = Course.objects.get(title="Technical deployment")
    assert sorted(t.code for t in tech.partner_types.all()) == ["distributor", "isv", "msp", "reseller", "si"]
    assert all(len(lesson.body) > 200 for lesson in tech.lessons.all())
    assert tech.quiz.questions.count() == 5 and all(q.explanation for q in tech.quiz.questions.all())


def test_completions_have_every_lesson_a_passing_attempt_and_a_training_achievement(db, seeded):
    done = list(Enrollment.objects.filter(completed_at__isnull=False).select_related("course", "achievement", "user"))
    assert len(done) + _earlier_rounds() == seeded.course_completions and len(done) > 100
    for e in done:
        lessons = set(e.course.lessons.values_list("pk", flat=True))
        marks = list(e.lessons_done.all())
        assert {m.lesson_id for m in marks} == lessons and all(e.started_at <= m.completed_at <= e.completed_at for m in marks)
        assert e.achievement.kind == AchievementKind.TRAINING and e.achievement.name == e.course.title
        assert e.achievement.partner_id == e.partner_id == e.user.partner_id and e.achievement.occurred_at == e.completed_at
        if hasattr(e.course, "quiz"):
            current = e.attempts.filter(submitted_at__gte=e.started_at).order_by("number")
            assert current.filter(passed=True).count() == 1 and current.last().passed
            assert current.last().submitted_at <= e.completed_at
            assert e.course.quiz.max_attempts == 0 or current.count() <= e.course.quiz.max_attempts


def _earlier_rounds() -> int:
    """Completions of earlier rounds of restarted enrollments: their achievements stay, the enrollment links the latest."""
    linked = set(Enrollment.objects.exclude(achievement=None).values_list("achievement_id", flat=True))
    titles = set(Course.objects.values_list("title", flat=True))
    return Achievement.objects.filter(kind=AchievementKind.TRAINING, name__in=titles).exclude(pk__in=linked).count()


def test_attempt_scores_are_the_servers(db, seeded):
    attempts = list(QuizAttempt.objects.select_related("enrollment__course__quiz"))
    assert attempts and any(not a.passed for a in attempts) and any(a.passed for a in attempts)
    for a in attempts:
        quiz = a.enrollment.course.quiz
        right, total = score(quiz, a.answers)
        assert a.score_percent == right * 100 // total
        assert a.passed == (right * 100 >= quiz.pass_mark_percent * total)
    numbers = defaultdict(list)
    for a in attempts:
        numbers[a.enrollment_id].append(a.number)
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())


def test_certifications_are_exactly_what_certifications_check_awards(db, seeded):
    now = timezone.now()
    held = list(UserCertification.objects.select_related("certification", "achievement", "user"))
    assert seeded.certifications_held == sum(1 for h in held if h.status == CertStatus.ACTIVE) > 10
    for h in held:
        assert h.achievement.kind == AchievementKind.CERTIFICATION and h.achievement.name == h.certification.name
        assert h.achievement.occurred_at == h.earned_at and h.partner_id == h.user.partner_id
        assert h.expires_at == add_months(h.earned_at, h.certification.validity_months)
        if h.status == CertStatus.ACTIVE:
            assert h.expires_at > now and h.achievement.expires_at == h.expires_at
        else:
            assert h.achievement.expires_at <= now and h.achievement.expires_at <= h.expires_at
    # nothing is left for the real check to award: every user's completions already have their certifications
    users = {h.user for h in held} | {e.user for e in Enrollment.objects.filter(completed_at__isnull=False).select_related("user")[:200]}
    for user in users:
        assert certifications_check(user, now=now) == [], user.email


def test_some_expired_some_due_for_renewal_some_renewed(db, seeded):
    now = timezone.now()
    held = list(UserCertification.objects.select_related("certification"))
    assert any(h.status == CertStatus.EXPIRED and h.expires_at <= now for h in held)
    due = [h for h in held if h.status == CertStatus.ACTIVE and renewal_opens_at(h) <= now]
    assert due and all(h.reminded_at and h.reminded_at <= now for h in due)
    assert all(h.reminded_at is None for h in held if h.status == CertStatus.ACTIVE and renewal_opens_at(h) > now)
    per = defaultdict(list)
    for h in held:
        per[(h.user_id, h.certification_id)].append(h)
    renewed = [rows for rows in per.values() if len(rows) > 1]
    assert renewed
    for rows in renewed:
        rows.sort(key=lambda h: h.earned_at)
        assert all(r.status == CertStatus.EXPIRED for r in rows[:-1])
        assert all(b.earned_at >= renewal_opens_at(a) for a, b in zip(rows, rows[1:], strict=False))
    assert Enrollment.objects.filter(completed_at__isnull=True, started_at__gte=now - timedelta(days=61)).exists()


def test_seed_is_fast(db, seeded):
    assert seeded.learning_s < 3, f"learning took {seeded.learning_s:.1f}s for 120 partners (about 1.2 s for 300)"
