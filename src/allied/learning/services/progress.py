"""A learner's progress: enrolling, marking lessons done, quiz attempts scored on the server, course completion.

Completing a course (every lesson done and the quiz, if any, passed) records a training achievement for the
learner's partner (the tier fact ``trainings_12m`` counts it) and checks the learner's certifications.

Re-taking a course (for re-certification) restarts the same enrollment: its lesson marks are cleared and
``started_at`` moves to now; earlier attempts stay as history but only attempts since the restart count
against the quiz's attempt limit. The training achievement of the earlier completion stays (it happened).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from allied.partners.models import Achievement, AchievementKind

from ..audience import audience_filter, learner
from ..models import Course, Enrollment, Lesson, LessonProgress, QuestionKind, Quiz, QuizAttempt
from .certifications import renewal_due


def _require_learner(actor, enrollment: Enrollment) -> None:
    if enrollment.user_id != actor.pk or not learner(actor):
        raise PermissionDenied("Only the learner can work on this enrollment.")


def _locked(enrollment: Enrollment) -> Enrollment:
    return Enrollment.objects.select_for_update(of=("self",)).select_related("course", "user", "partner").get(pk=enrollment.pk)


@transaction.atomic
def enroll(*, actor, course: Course) -> Enrollment:
    """Enroll the actor in a course it may see; enrolling twice returns the first enrollment."""
    if not learner(actor):
        raise PermissionDenied("Only partner users take courses.")
    if not audience_filter(Course.objects.filter(pk=course.pk), actor).exists():
        raise NotFound("course")
    enrollment, created = Enrollment.objects.get_or_create(user=actor, course=course, defaults={"partner_id": actor.partner_id})
    if created:
        audit_record(actor=actor, action="enrollment.created", obj=enrollment, partner_id=actor.partner_id,
                     after={"course": course.public_id, "user": actor.public_id})
    return enrollment


@transaction.atomic
def enrollment_restart(*, actor, enrollment: Enrollment) -> Enrollment:
    """Take a completed course again (re-certification): lesson marks cleared, a new round of quiz attempts."""
    enrollment = _locked(enrollment)
    _require_learner(actor, enrollment)
    if enrollment.completed_at is None:
        raise Conflict("The course is not completed yet; carry on where you are.", field="enrollment")
    if not renewal_due(enrollment.user, enrollment.course):
        raise Conflict("The course can be taken again once a certification it counts towards is due for renewal.",
                       field="enrollment")
    before = {"completed_at": enrollment.completed_at, "started_at": enrollment.started_at}
    enrollment.lessons_done.all().delete()
    enrollment.started_at, enrollment.completed_at, enrollment.achievement = timezone.now(), None, None
    enrollment.save(update_fields=["started_at", "completed_at", "achievement"])
    audit_record(actor=actor, action="enrollment.restarted", obj=enrollment, partner_id=enrollment.partner_id, before=before,
                 after={"completed_at": None, "started_at": enrollment.started_at})
    return enrollment


@transaction.atomic
def lesson_complete(*, actor, enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    """Mark a lesson done (again is fine); completes the course when it was the last thing left."""
    enrollment = _locked(enrollment)
    _require_learner(actor, enrollment)
    if lesson.course_id != enrollment.course_id:
        raise DomainError("The lesson is not part of this course.", field="lesson")
    progress, created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if created:
        audit_record(actor=actor, action="lesson.completed", obj=enrollment, partner_id=enrollment.partner_id,
                     after={"lesson": lesson.public_id})
        completion_check(enrollment)
    return progress


def round_attempts(enrollment: Enrollment):
    """The attempts of the current round (since the enrollment started or was restarted)."""
    return enrollment.attempts.filter(submitted_at__gte=enrollment.started_at)


def attempts_state(enrollment: Enrollment, quiz: Quiz, *, now=None) -> dict:
    """``{used, left (None: unlimited), passed, next_at (None: now)}`` for the current round."""
    now = now or timezone.now()
    attempts = list(round_attempts(enrollment).order_by("number"))
    passed = any(a.passed for a in attempts)
    left = None if quiz.max_attempts == 0 else max(quiz.max_attempts - len(attempts), 0)
    next_at = None
    if attempts and not attempts[-1].passed and quiz.retry_after_hours:
        wait_until = attempts[-1].submitted_at + timedelta(hours=quiz.retry_after_hours)
        next_at = wait_until if wait_until > now else None
    return {"used": len(attempts), "left": left, "passed": passed, "next_at": next_at}


def clean_answers(quiz: Quiz, answers) -> dict[str, list[str]]:
    """``{question id: [choice ids]}`` checked against the quiz (a single choice may be given as a string)."""
    if not isinstance(answers, dict):
        raise DomainError("Give the answers as {question id: [choice ids]}.", field="answers")
    questions = {q.public_id: q for q in quiz.questions.prefetch_related("choices")}
    out = {}
    for qid, chosen in answers.items():
        question = questions.get(qid)
        if question is None:
            raise DomainError("Unknown question.", field=f"answers.{qid}")
        if isinstance(chosen, str):
            chosen = [chosen]
        if not isinstance(chosen, (list, tuple)) or not all(isinstance(c, str) for c in chosen):
            raise DomainError("Give the chosen answers as a list of choice ids.", field=f"answers.{qid}")
        valid = {c.public_id for c in question.choices.all()}
        if bad := [c for c in chosen if c not in valid]:
            raise DomainError(f"Unknown choice {bad[0]} for this question.", field=f"answers.{qid}")
        chosen = sorted(set(chosen))
        if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
            raise DomainError("Choose one answer.", field=f"answers.{qid}")
        out[qid] = chosen
    return out


def score(quiz: Quiz, answers: dict[str, list[str]]) -> tuple[int, int]:
    """(right, questions): a question counts when exactly its set of correct choices was chosen."""
    right = total = 0
    for question in quiz.questions.prefetch_related("choices"):
        total += 1
        correct = {c.public_id for c in question.choices.all() if c.correct}
        if set(answers.get(question.public_id, [])) == correct:
            right += 1
    return right, total


@transaction.atomic
def quiz_submit(*, actor, enrollment: Enrollment, answers: dict, now=None) -> QuizAttempt:
    """Score an attempt on the server. Refused when passed already, no attempts are left, or the wait after a
    failed attempt has not passed. Passing completes the course once every lesson is done."""
    now = now or timezone.now()
    enrollment = _locked(enrollment)
    _require_learner(actor, enrollment)
    quiz = Quiz.objects.filter(course_id=enrollment.course_id).first()
    if quiz is None:
        raise Conflict("This course has no quiz.", field="quiz")
    if enrollment.completed_at is not None:
        raise Conflict("The course is completed; restart it to take the quiz again.", field="quiz")
    state = attempts_state(enrollment, quiz, now=now)
    if state["passed"]:
        raise Conflict("You passed the quiz already.", field="quiz")
    if state["left"] == 0:
        raise Conflict(f"No attempts left: the quiz allows {quiz.max_attempts}.", field="quiz")
    if state["next_at"] is not None:
        raise Conflict(f"You can try again from {state['next_at']:%Y-%m-%d %H:%M} UTC.", field="quiz")
    cleaned = clean_answers(quiz, answers)
    right, total = score(quiz, cleaned)
    number = (enrollment.attempts.aggregate(m=Max("number"))["m"] or 0) + 1
    attempt = QuizAttempt.objects.create(enrollment=enrollment, number=number, submitted_at=now, answers=cleaned,
                                         score_percent=right * 100 // total if total else 0,
                                         passed=bool(total) and right * 100 >= quiz.pass_mark_percent * total)
    audit_record(actor=actor, action="quiz_attempt.submitted", obj=attempt, partner_id=enrollment.partner_id,
                 after={"enrollment": enrollment.public_id, "number": number, "score_percent": attempt.score_percent,
                        "passed": attempt.passed})
    if attempt.passed:
        completion_check(enrollment, now=now)
    return attempt


def completion_check(enrollment: Enrollment, *, now=None) -> bool:
    """Complete the enrollment if every lesson is done and the quiz (if any) passed in this round; record the
    training achievement and check the learner's certifications. Runs inside the caller's transaction."""
    if enrollment.completed_at is not None:
        return False
    now = now or timezone.now()
    lessons = set(Lesson.objects.filter(course_id=enrollment.course_id).values_list("pk", flat=True))
    done = set(enrollment.lessons_done.values_list("lesson_id", flat=True))
    if not lessons or not lessons <= done:
        return False
    if Quiz.objects.filter(course_id=enrollment.course_id).exists() and not round_attempts(enrollment).filter(passed=True).exists():
        return False
    course = enrollment.course
    achievement = Achievement.objects.create(partner_id=enrollment.partner_id, kind=AchievementKind.TRAINING, name=course.title[:200],
                                             occurred_at=now)
    enrollment.completed_at, enrollment.achievement = now, achievement
    enrollment.save(update_fields=["completed_at", "achievement"])
    audit_record(actor=enrollment.user, action="enrollment.completed", obj=enrollment, partner_id=enrollment.partner_id,
                 after={"course": course.public_id, "achievement": achievement.public_id})
    from .certifications import certifications_check

    certifications_check(enrollment.user, now=now)
    return True
