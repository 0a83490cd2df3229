"""Every read about learning, always for an acting user.

Catalogue (courses, paths, certifications): vendor users with ``learning.view`` see all of it; a partner user
sees what is published for its audience (``audience.py``); anything else is missing (404).

Progress (enrollments, quiz attempts, held certifications): vendor readers see everyone's; a partner user sees
its own; a partner admin (``partner.learning.team``) also its team's — the rows of the partners in its
visibility scope. Another partner's progress, and for non-admins a colleague's, answers as missing.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from allied.core.errors import NotFound, PermissionDenied
from allied.core.permissions import has_perm
from allied.core.scope import scope_queryset
from allied.partners.models import Partner

from .audience import learner, vendor_reader, visible
from .models import (
    CatalogueStatus,
    Certification,
    CertStatus,
    Choice,
    Course,
    Enrollment,
    LearningPath,
    Lesson,
    PathCourse,
    Question,
    Quiz,
    QuizAttempt,
    UserCertification,
)
from .services.progress import attempts_state


def _require_reader(actor) -> None:
    if not (vendor_reader(actor) or learner(actor)):
        raise PermissionDenied("You do not have access to learning.")


# -- catalogue -----------------------------------------------------------------------------------

def course_list(*, actor, status: str | None = None, q: str | None = None) -> QuerySet:
    _require_reader(actor)
    qs = visible(Course.objects.all(), actor).prefetch_related("partner_types", "tiers").annotate(lesson_count=Count("lessons"))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return qs


def course_get(*, actor, public_id: str) -> Course:
    """One course the actor may see, with its lessons and quiz questions (choices prefetched)."""
    course = (visible(Course.objects.all(), actor).filter(public_id=public_id)
              .prefetch_related("partner_types", "tiers", "lessons",
                                Prefetch("quiz__questions", queryset=Question.objects.prefetch_related("choices"))).first())
    if course is None:
        raise NotFound("course")
    return course


def course_quiz(course: Course) -> Quiz | None:
    return Quiz.objects.filter(course=course).first()


def lesson_get(*, actor, course: Course, public_id: str) -> Lesson:
    lesson = Lesson.objects.filter(course=course, public_id=public_id).first()
    if lesson is None:
        raise NotFound("lesson")
    return lesson


def path_list(*, actor, status: str | None = None) -> QuerySet:
    _require_reader(actor)
    qs = visible(LearningPath.objects.all(), actor).prefetch_related(
        "partner_types", "tiers", Prefetch("steps", queryset=PathCourse.objects.select_related("course")))
    return qs.filter(status=status) if status else qs


def path_get(*, actor, public_id: str) -> LearningPath:
    path = path_list(actor=actor).filter(public_id=public_id).first() if (vendor_reader(actor) or learner(actor)) else None
    if path is None:
        raise NotFound("learning path")
    return path


def certification_list(*, actor, status: str | None = None) -> QuerySet:
    _require_reader(actor)
    qs = visible(Certification.objects.select_related("path"), actor)
    return qs.filter(status=status) if status else qs


def certification_get(*, actor, public_id: str) -> Certification:
    cert = certification_list(actor=actor).filter(public_id=public_id).first() if (vendor_reader(actor) or learner(actor)) else None
    if cert is None:
        raise NotFound("certification")
    return cert


# -- progress ------------------------------------------------------------------------------------

def _progress_scope(qs: QuerySet, actor) -> QuerySet:
    """Progress rows (with ``user`` and ``partner``) the actor may see."""
    if vendor_reader(actor):
        return qs
    if not learner(actor):
        return qs.none()
    if has_perm(actor, "partner.learning.team"):
        return scope_queryset(qs, actor)
    return qs.filter(user=actor)


def enrollment_list(*, actor, course: Course | None = None, user_public_id: str | None = None,
                    partner_public_id: str | None = None, completed: bool | None = None) -> QuerySet:
    _require_reader(actor)
    qs = _progress_scope(Enrollment.objects.select_related("user", "partner", "course")
                         .annotate(lessons_done_count=Count("lessons_done", distinct=True),
                                   lesson_count=Count("course__lessons", distinct=True)), actor)
    if course is not None:
        qs = qs.filter(course=course)
    if user_public_id:
        qs = qs.filter(user__public_id=user_public_id)
    if partner_public_id:
        qs = qs.filter(partner__public_id=partner_public_id)
    if completed is not None:
        qs = qs.filter(completed_at__isnull=not completed)
    return qs


def enrollment_get(*, actor, public_id: str) -> Enrollment:
    enrollment = _progress_scope(Enrollment.objects.select_related("user", "partner", "course"), actor).filter(public_id=public_id).first()
    if enrollment is None:
        raise NotFound("enrollment")
    return enrollment


def enrollment_progress(enrollment: Enrollment) -> dict:
    """Where a learner stands in a course: lessons done, the quiz's attempts (used, left, next try), completion."""
    lessons = list(enrollment.course.lessons.all())
    done = set(enrollment.lessons_done.values_list("lesson_id", flat=True))
    quiz = course_quiz(enrollment.course)
    out = {"lessons_total": len(lessons), "lessons_done": sum(1 for x in lessons if x.pk in done),
           "done_lesson_ids": [x.public_id for x in lessons if x.pk in done], "quiz": None,
           "completed": enrollment.completed_at is not None}
    if quiz is not None:
        state = attempts_state(enrollment, quiz)
        best = enrollment.attempts.filter(submitted_at__gte=enrollment.started_at).aggregate(m=Max("score_percent"))["m"]
        out["quiz"] = {**state, "best_score": best, "pass_mark_percent": quiz.pass_mark_percent, "max_attempts": quiz.max_attempts,
                       "can_attempt": not out["completed"] and not state["passed"] and state["left"] != 0 and state["next_at"] is None}
    total = out["lessons_total"] + (1 if quiz else 0)
    finished = out["lessons_done"] + (1 if quiz and out["quiz"]["passed"] else 0)
    out["percent"] = 100 if out["completed"] else (finished * 100 // total if total else 0)
    return out


def enrollment_for(*, actor, course: Course) -> Enrollment | None:
    """The actor's own enrollment in a course, if any."""
    return Enrollment.objects.filter(user=actor, course=course).first() if getattr(actor, "pk", None) else None


def attempt_list(*, actor, enrollment: Enrollment) -> QuerySet:
    return enrollment.attempts.all()


def attempt_get(*, actor, public_id: str) -> QuizAttempt:
    scoped = _progress_scope(Enrollment.objects.all(), actor)
    attempt = (QuizAttempt.objects.select_related("enrollment__course", "enrollment__user", "enrollment__partner")
               .filter(public_id=public_id, enrollment__in=scoped).first())
    if attempt is None:
        raise NotFound("quiz attempt")
    return attempt


def attempt_review(attempt: QuizAttempt) -> list[dict]:
    """After submission: each question with every choice, which were correct, which were chosen, the explanation.
    (Questions changed since the attempt show as they are now; answers keep the ids chosen then.)"""
    quiz = course_quiz(attempt.enrollment.course)
    if quiz is None:
        return []
    out = []
    for question in quiz.questions.prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))):
        chosen = set(attempt.answers.get(question.public_id, []))
        correct = {c.public_id for c in question.choices.all() if c.correct}
        out.append({"id": question.public_id, "text": question.text, "kind": question.kind, "explanation": question.explanation,
                    "right": chosen == correct,
                    "choices": [{"id": c.public_id, "text": c.text, "correct": c.correct, "chosen": c.public_id in chosen}
                                for c in question.choices.all()]})
    return out


def certification_holders(*, actor, certification: Certification | None = None, status: str | None = None,
                          partner_public_id: str | None = None, user_public_id: str | None = None) -> QuerySet:
    """Held certifications the actor may see (newest first)."""
    _require_reader(actor)
    qs = _progress_scope(UserCertification.objects.select_related("user", "partner", "certification"), actor)
    if certification is not None:
        qs = qs.filter(certification=certification)
    if status:
        qs = qs.filter(status=status)
    if partner_public_id:
        qs = qs.filter(partner__public_id=partner_public_id)
    if user_public_id:
        qs = qs.filter(user__public_id=user_public_id)
    return qs


def user_certification_get(*, actor, public_id: str) -> UserCertification:
    held = _progress_scope(UserCertification.objects.select_related("user", "partner", "certification"), actor).filter(
        public_id=public_id).first()
    if held is None:
        raise NotFound("certification")
    return held


# -- the learner's pages -------------------------------------------------------------------------

def _path_progress(paths, completed_ids: set[int]) -> list[dict]:
    out = []
    for path in paths:
        steps = list(path.steps.all())
        required = [s for s in steps if s.required]
        out.append({"path": path, "steps": [{"course": s.course, "required": s.required, "completed": s.course_id in completed_ids}
                                            for s in steps],
                    "required_total": len(required), "required_done": sum(1 for s in required if s.course_id in completed_ids)})
    return out


def catalogue_for(user) -> dict:
    """What ``user`` may take, with its own progress: ``{courses: [{course, enrollment, progress}], paths: [{path, steps,
    required_total, required_done}], certifications: [{certification, held}]}``."""
    _require_reader(user)
    enrollments = {e.course_id: e for e in Enrollment.objects.filter(user=user)} if learner(user) else {}
    completed = {cid for cid, e in enrollments.items() if e.completed_at}
    courses = []
    for course in course_list(actor=user).order_by("title", "pk"):
        e = enrollments.get(course.pk)
        courses.append({"course": course, "enrollment": e, "progress": enrollment_progress(e) if e else None})
    paths = _path_progress(path_list(actor=user).order_by("name", "pk"), completed)
    held = {}
    for h in UserCertification.objects.filter(user=user).order_by("earned_at", "pk"):
        held[h.certification_id] = h  # the latest per certification
    certs = [{"certification": c, "held": held.get(c.pk)} for c in certification_list(actor=user).order_by("name", "pk")]
    return {"courses": courses, "paths": paths, "certifications": certs}


def my_learning(user) -> dict:
    """The learner's own progress: ``{in_progress: [{enrollment, progress}], completed: [enrollment], certifications:
    [UserCertification] (active first, then the rest)}``."""
    if not learner(user):
        raise PermissionDenied("Only partner users take courses.")
    rows = list(Enrollment.objects.filter(user=user).select_related("course").order_by("-started_at", "-pk"))
    certs = list(UserCertification.objects.filter(user=user).select_related("certification").order_by("-earned_at", "-pk"))
    return {"in_progress": [{"enrollment": e, "progress": enrollment_progress(e)} for e in rows if e.completed_at is None],
            "completed": [e for e in rows if e.completed_at is not None],
            "certifications": [c for c in certs if c.status == CertStatus.ACTIVE] + [c for c in certs if c.status != CertStatus.ACTIVE]}


def team_progress(user) -> list[dict]:
    """For a partner admin: each active user of the partners in its scope with enrolled, completed and active
    certification counts (grouped queries)."""
    if not (learner(user) and has_perm(user, "partner.learning.team")):
        raise PermissionDenied("Only partner admins see their team's learning.")
    from allied.accounts.models import User

    people = list(scope_queryset(User.objects.filter(is_active=True), user).select_related("partner").order_by("partner__name",
                                                                                                                "full_name", "pk"))
    ids = [p.pk for p in people]
    enrolled = dict(Enrollment.objects.filter(user_id__in=ids).values("user_id").annotate(n=Count("pk")).values_list("user_id", "n"))
    done = dict(Enrollment.objects.filter(user_id__in=ids, completed_at__isnull=False).values("user_id").annotate(n=Count("pk"))
                .values_list("user_id", "n"))
    active = dict(UserCertification.objects.filter(user_id__in=ids, status=CertStatus.ACTIVE).values("user_id")
                  .annotate(n=Count("pk")).values_list("user_id", "n"))
    return [{"user": p, "partner": p.partner, "enrolled": enrolled.get(p.pk, 0), "completed": done.get(p.pk, 0),
             "in_progress": enrolled.get(p.pk, 0) - done.get(p.pk, 0), "certifications": active.get(p.pk, 0)} for p in people]


# -- vendor reports ------------------------------------------------------------------------------

def _require_vendor(actor) -> None:
    if not vendor_reader(actor):
        raise PermissionDenied("Learning reports are for vendor users with learning access.")


def _rate(done: int, total: int) -> int:
    return done * 100 // total if total else 0


def completion_by_partner(*, actor) -> list[dict]:
    """Per partner with any learning: learners, enrollments, completions, active certifications, completion rate."""
    _require_vendor(actor)
    rows = {r["partner_id"]: r for r in Enrollment.objects.values("partner_id").annotate(
        learners=Count("user_id", distinct=True), enrolled=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False))).order_by()}
    certs = dict(UserCertification.objects.filter(status=CertStatus.ACTIVE).values("partner_id").annotate(n=Count("pk"))
                 .values_list("partner_id", "n").order_by())
    partners = Partner.objects.filter(pk__in=set(rows) | set(certs)).select_related("tier").order_by("name", "pk")
    empty = {"learners": 0, "enrolled": 0, "completed": 0}
    out = []
    for p in partners:
        r = rows.get(p.pk, empty)
        out.append({"partner": p, "learners": r["learners"], "enrolled": r["enrolled"], "completed": r["completed"],
                    "completion_rate": _rate(r["completed"], r["enrolled"]), "active_certifications": certs.get(p.pk, 0)})
    return out


def completion_by_course(*, actor) -> list[dict]:
    """Per published or retired course: enrollments, completions, partners, completion rate, quiz attempts and pass rate."""
    _require_vendor(actor)
    qs = Course.objects.exclude(status=CatalogueStatus.DRAFT).annotate(
        enrolled=Count("enrollments", distinct=True),
        completed=Count("enrollments", filter=Q(enrollments__completed_at__isnull=False), distinct=True),
        partners=Count("enrollments__partner", distinct=True)).order_by("title", "pk")
    attempts = {r["enrollment__course_id"]: r for r in QuizAttempt.objects.values("enrollment__course_id").annotate(
        attempts=Count("pk"), passed=Count("pk", filter=Q(passed=True))).order_by()}
    out = []
    for c in qs:
        a = attempts.get(c.pk, {"attempts": 0, "passed": 0})
        out.append({"course": c, "enrolled": c.enrolled, "completed": c.completed, "partners": c.partners,
                    "completion_rate": _rate(c.completed, c.enrolled), "attempts": a["attempts"], "attempts_passed": a["passed"],
                    "pass_rate": _rate(a["passed"], a["attempts"])})
    return out


def completion_by_path(*, actor) -> list[dict]:
    """Per path: learners who started one of its courses, learners who completed every required course, and the
    certifications of its certifications held now."""
    _require_vendor(actor)
    paths = list(LearningPath.objects.exclude(status=CatalogueStatus.DRAFT).order_by("name", "pk"))
    steps = defaultdict(set)
    required = defaultdict(set)
    for path_id, course_id, req in PathCourse.objects.filter(path__in=paths).values_list("path_id", "course_id", "required"):
        steps[path_id].add(course_id)
        if req:
            required[path_id].add(course_id)
    all_courses = set().union(*steps.values()) if steps else set()
    started = defaultdict(set)  # course -> users
    done = defaultdict(set)
    for user_id, course_id, completed_at in Enrollment.objects.filter(course_id__in=all_courses).values_list(
            "user_id", "course_id", "completed_at"):
        started[course_id].add(user_id)
        if completed_at:
            done[course_id].add(user_id)
    held = dict(UserCertification.objects.filter(status=CertStatus.ACTIVE).values("certification__path_id")
                .annotate(n=Count("pk")).values_list("certification__path_id", "n").order_by())
    out = []
    for path in paths:
        learners = set().union(*(started[c] for c in steps[path.pk])) if steps[path.pk] else set()
        completed = set.intersection(*(done[c] for c in required[path.pk])) if required[path.pk] else set()
        out.append({"path": path, "courses": len(steps[path.pk]), "required": len(required[path.pk]), "learners": len(learners),
                    "completed": len(completed), "completion_rate": _rate(len(completed), len(learners)),
                    "active_certifications": held.get(path.pk, 0)})
    return out


def expiring_certifications(*, actor, within_days: int = 60) -> QuerySet:
    """Active certifications expiring within ``within_days`` (vendor view)."""
    _require_vendor(actor)
    now = timezone.now()
    return UserCertification.objects.filter(status=CertStatus.ACTIVE, expires_at__gt=now,
                                            expires_at__lte=now + timedelta(days=within_days)).select_related(
        "user", "partner", "certification").order_by("expires_at", "pk")
