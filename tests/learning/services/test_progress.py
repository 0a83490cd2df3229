"""Taking a course: who may enroll (audience), lessons, server-side quiz scoring, attempts and waits, completion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from allied.core.models import AuditEvent
from allied.learning import services
from allied.learning.models import LessonProgress
from allied.partners.facts import trainings_12m
from allied.partners.models import Achievement, AchievementKind
from allied.program.models import Tier
from tests.learning.factories import (
    certification,
    complete,
    course,
    path,
    quiz_data,
    right_answers,
    wrong_answers,
)


def _question(c, kind):
    return c.quiz.questions.get(kind=kind)


@pytest.mark.parametrize("audience, allowed, refused", [
    ({"partner_types": ["si"]}, "b_sales", "a_sales"),                   # B is a system integrator, A a distributor
    ({"roles": ["partner_marketing"]}, "a_marketing", "a_sales"),
    ({}, "a_sales", None),
])
def test_enroll_follows_the_audience(world, audience, allowed, refused):
    c = course(world.pmm, **audience)
    assert services.enroll(actor=getattr(world, allowed), course=c).partner_id == getattr(world, allowed).partner_id
    if refused:
        with pytest.raises(NotFound):
            services.enroll(actor=getattr(world, refused), course=c)


def test_enroll_follows_the_tier(world):
    top = Tier.objects.order_by("-rank").first()
    c = course(world.pmm, tiers=[top.name])
    with pytest.raises(NotFound):
        services.enroll(actor=world.b_sales, course=c)
    world.partner_b.tier = top
    world.partner_b.save()
    world.b_sales.refresh_from_db()
    assert services.enroll(actor=world.b_sales, course=c)


def test_drafts_and_vendors_cannot_be_enrolled(world):
    with pytest.raises(NotFound):
        services.enroll(actor=world.a_sales, course=course(world.pmm, publish=False))
    with pytest.raises(PermissionDenied):
        services.enroll(actor=world.cam, course=course(world.pmm))


def test_enroll_twice_is_the_same_enrollment(world):
    c = course(world.pmm)
    assert services.enroll(actor=world.a_sales, course=c) == services.enroll(actor=world.a_sales, course=c)
    assert AuditEvent.objects.filter(action="enrollment.created").count() == 1


def test_lessons_of_another_course_and_other_learners_are_refused(world):
    c, other = course(world.pmm), course(world.pmm)
    e = services.enroll(actor=world.a_sales, course=c)
    with pytest.raises(DomainError) as exc:
        services.lesson_complete(actor=world.a_sales, enrollment=e, lesson=other.lessons.first())
    assert exc.value.field == "lesson"
    with pytest.raises(PermissionDenied):
        services.lesson_complete(actor=world.a_admin, enrollment=e, lesson=c.lessons.first())
    with pytest.raises(PermissionDenied):
        services.quiz_submit(actor=world.a_admin, enrollment=e, answers=right_answers(c))


def test_multiple_answer_question_scores_only_the_exact_set(world):
    c = course(world.pmm, quiz=quiz_data(pass_mark_percent=50, max_attempts=0))
    e = services.enroll(actor=world.a_sales, course=c)
    single, multi = _question(c, "single"), _question(c, "multiple")
    right_single = [ch.public_id for ch in single.choices.filter(correct=True)]
    right_multi = [ch.public_id for ch in multi.choices.filter(correct=True)]
    all_multi = [ch.public_id for ch in multi.choices.all()]
    # one of two correct choices: no point for the multiple question
    a1 = services.quiz_submit(actor=world.a_sales, enrollment=e, answers={single.public_id: [], multi.public_id: right_multi[:1]})
    assert (a1.score_percent, a1.passed) == (0, False)
    # every choice ticked (a superset): no point either
    a2 = services.quiz_submit(actor=world.a_sales, enrollment=e, answers={multi.public_id: all_multi})
    assert (a2.score_percent, a2.passed) == (0, False)
    # exactly the set: one of two questions, 50 % = the pass mark
    a3 = services.quiz_submit(actor=world.a_sales, enrollment=e, answers={single.public_id: [], multi.public_id: right_multi})
    assert (a3.number, a3.score_percent, a3.passed) == (3, 50, True)
    assert a3.answers == {single.public_id: [], multi.public_id: sorted(right_multi)}
    assert right_single  # the single question was left unanswered


def test_below_the_pass_mark_fails(world):
    c = course(world.pmm, quiz=quiz_data(pass_mark_percent=51))
    e = services.enroll(actor=world.a_sales, course=c)
    single = _question(c, "single")
    attempt = services.quiz_submit(actor=world.a_sales, enrollment=e,
                                   answers={single.public_id: single.choices.filter(correct=True).values_list("public_id", flat=True)[0]})
    assert (attempt.score_percent, attempt.passed) == (50, False)


@pytest.mark.parametrize("answers, field_prefix", [
    ("B", "answers"),
    ({"qst_0000000000000000": []}, "answers.qst_0000000000000000"),
])
def test_bad_answers_name_the_field(world, answers, field_prefix):
    c = course(world.pmm)
    e = services.enroll(actor=world.a_sales, course=c)
    with pytest.raises(DomainError) as exc:
        services.quiz_submit(actor=world.a_sales, enrollment=e, answers=answers)
    assert exc.value.field == field_prefix
    assert not e.attempts.exists()


def test_choices_must_belong_to_the_question_and_single_takes_one(world):
    c = course(world.pmm)
    e = services.enroll(actor=world.a_sales, course=c)
    single, multi = _question(c, "single"), _question(c, "multiple")
    with pytest.raises(DomainError) as exc:
        services.quiz_submit(actor=world.a_sales, enrollment=e, answers={single.public_id: [multi.choices.first().public_id]})
    assert exc.value.field == f"answers.{single.public_id}"
    with pytest.raises(DomainError) as exc:
        services.quiz_submit(actor=world.a_sales, enrollment=e, answers={single.public_id: [c.public_id for c in single.choices.all()]})
    assert exc.value.field == f"answers.{single.public_id}"


def test_attempts_are_limited(world):
    c = course(world.pmm, quiz=quiz_data(max_attempts=2))
    e = services.enroll(actor=world.a_sales, course=c)
    for _ in range(2):
        services.quiz_submit(actor=world.a_sales, enrollment=e, answers=wrong_answers(c))
    with pytest.raises(Conflict) as exc:
        services.quiz_submit(actor=world.a_sales, enrollment=e, answers=right_answers(c))
    assert "No attempts left" in exc.value.message
    assert e.attempts.count() == 2


def test_retry_waits_after_a_failed_attempt(world):
    c = course(world.pmm, quiz=quiz_data(retry_after_hours=24, max_attempts=0))
    e = services.enroll(actor=world.a_sales, course=c)
    now = timezone.now()
    services.quiz_submit(actor=world.a_sales, enrollment=e, answers=wrong_answers(c), now=now)
    with pytest.raises(Conflict) as exc:
        services.quiz_submit(actor=world.a_sales, enrollment=e, answers=right_answers(c), now=now + timedelta(hours=23))
    assert exc.value.field == "quiz"
    assert services.quiz_submit(actor=world.a_sales, enrollment=e, answers=right_answers(c), now=now + timedelta(hours=24)).passed


def test_passed_quiz_cannot_be_taken_again(world):
    c = course(world.pmm)
    e = services.enroll(actor=world.a_sales, course=c)
    services.quiz_submit(actor=world.a_sales, enrollment=e, answers=right_answers(c))
    with pytest.raises(Conflict):
        services.quiz_submit(actor=world.a_sales, enrollment=e, answers=right_answers(c))


def test_completion_needs_every_lesson_and_the_quiz(world):
    c = course(world.pmm, lessons=2)
    e = services.enroll(actor=world.a_sales, course=c)
    services.quiz_submit(actor=world.a_sales, enrollment=e, answers=right_answers(c))
    first, second = c.lessons.all()
    services.lesson_complete(actor=world.a_sales, enrollment=e, lesson=first)
    services.lesson_complete(actor=world.a_sales, enrollment=e, lesson=first)  # twice is fine
    e.refresh_from_db()
    assert e.completed_at is None and LessonProgress.objects.filter(enrollment=e).count() == 1
    services.lesson_complete(actor=world.a_sales, enrollment=e, lesson=second)
    e.refresh_from_db()
    assert e.completed_at is not None


def test_completion_writes_a_training_achievement_that_the_tier_fact_counts(world):
    before = trainings_12m([world.partner_a.pk], timezone.now()).get(world.partner_a.pk, 0)
    c = course(world.pmm, title="Selling the platform")
    e = complete(world.a_sales, c)
    assert e.achievement.kind == AchievementKind.TRAINING and e.achievement.name == "Selling the platform"
    assert e.achievement.partner_id == world.partner_a.pk
    assert trainings_12m([world.partner_a.pk], timezone.now())[world.partner_a.pk] == before + 1
    assert AuditEvent.objects.filter(action="enrollment.completed", object_id=e.public_id).exists()
    # a course without a quiz completes with its lessons
    e2 = complete(world.a_sales, course(world.pmm, quiz=False))
    assert e2.completed_at and Achievement.objects.filter(kind=AchievementKind.TRAINING, partner=world.partner_a).count() == 2


def test_a_completed_course_cannot_be_retaken_without_a_renewal_due(world):
    c = course(world.pmm)
    e = complete(world.a_sales, c)  # no certification at all: a re-take would count the same training twice
    with pytest.raises(Conflict):
        services.enrollment_restart(actor=world.a_sales, enrollment=e)
    certification(world.pmm, path(world.pmm, [c]))  # earned now, valid a year: not due
    services.certifications_check(world.a_sales)
    with pytest.raises(Conflict):
        services.enrollment_restart(actor=world.a_sales, enrollment=e)


def test_restart_clears_lessons_and_gives_a_new_round_of_attempts(world):
    c = course(world.pmm, quiz=quiz_data(max_attempts=1))
    with pytest.raises(Conflict):  # not completed
        services.enrollment_restart(actor=world.a_sales, enrollment=services.enroll(actor=world.a_sales, course=c))
    # a certification valid one month with reminders 60 days ahead is due for renewal as soon as it is earned
    certification(world.pmm, path(world.pmm, [c]), validity_months=1, remind_days_before=60)
    e = complete(world.a_sales, c)
    e = services.enrollment_restart(actor=world.a_sales, enrollment=e)
    assert e.completed_at is None and not e.lessons_done.exists() and e.attempts.count() == 1
    attempt = services.quiz_submit(actor=world.a_sales, enrollment=e, answers=right_answers(c))
    assert attempt.number == 2 and attempt.passed
    e = complete(world.a_sales, c)
    assert e.completed_at is not None
    assert Achievement.objects.filter(kind=AchievementKind.TRAINING, partner=world.partner_a).count() == 2
