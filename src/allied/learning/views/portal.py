"""Portal learning pages (every partner role): my learning, the catalogue, a course with its lessons and quiz,
a learning path, my certificates (with a printable PDF), and the team's progress for partner admins."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from allied.core.errors import DomainError, NotFound
from allied.core.permissions import has_perm

from .. import selectors, services
from ..documents import certificate_pdf
from ..forms import CatalogueFilterForm
from ..models import CertStatus, LessonKind
from .common import FORBIDDEN, learner_required, lesson_file_response, paragraphs, team_required


def _ctx(tab: str, request, **kw) -> dict:
    return {"side": "portal", "nav": "learning", "tab": tab, "can_team": has_perm(request.user, "partner.learning.team"), **kw}


def _renewal(held, now) -> dict:
    """When the learner may re-certify ``held`` and whether that window is open now."""
    opens = services.renewal_opens_at(held)
    return {"held": held, "opens_at": opens, "due": held.status != CertStatus.ACTIVE or (opens is not None and opens <= now),
            "expired": held.status == CertStatus.EXPIRED or (held.expires_at is not None and held.expires_at <= now)}


@learner_required
def portal_home(request):
    user = request.user
    mine = selectors.my_learning(user)
    now = timezone.now()
    latest = {}
    for held in mine["certifications"]:  # active first, then the history: keep the newest per certification
        current = latest.get(held.certification_id)
        if current is None or (held.status == CertStatus.ACTIVE and current.status != CertStatus.ACTIVE):
            latest[held.certification_id] = held
    certs = [_renewal(h, now) for h in sorted(latest.values(), key=lambda h: (h.status != CertStatus.ACTIVE, h.expires_at or now))]
    catalogue = selectors.catalogue_for(user)
    paths = [p for p in catalogue["paths"] if 0 < p["required_done"] < p["required_total"]]
    suggested = [c for c in catalogue["courses"] if c["enrollment"] is None][:4]
    return render(request, "learning/portal_home.html", _ctx(
        "mine", request, in_progress=mine["in_progress"], completed=mine["completed"][:20], n_completed=len(mine["completed"]),
        certifications=certs, paths=paths, suggested=suggested, now=now))


def _matches(text: str, q: str) -> bool:
    return not q or q.casefold() in text.casefold()


@learner_required
def portal_catalogue(request):
    user = request.user
    form = CatalogueFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {"q": "", "kind": "", "progress": ""}
    q, kind, progress = f["q"].strip(), f["kind"], f["progress"]
    catalogue = selectors.catalogue_for(user)

    def state_ok(started: bool, done: bool) -> bool:
        return not progress or (progress == "new" and not started) or (progress == "started" and started and not done) or (
            progress == "done" and done)

    courses = [c for c in catalogue["courses"] if kind in ("", "course") and _matches(f"{c['course'].title} {c['course'].summary}", q)
               and state_ok(c["enrollment"] is not None, bool(c["enrollment"] and c["enrollment"].completed_at))]
    paths = [p for p in catalogue["paths"] if kind in ("", "path") and _matches(f"{p['path'].name} {p['path'].description}", q)
             and state_ok(p["required_done"] > 0, p["required_total"] > 0 and p["required_done"] == p["required_total"])]
    certs = [c for c in catalogue["certifications"] if kind in ("", "certification")
             and _matches(f"{c['certification'].name} {c['certification'].description}", q)
             and state_ok(c["held"] is not None, bool(c["held"] and c["held"].status == CertStatus.ACTIVE))]
    return render(request, "learning/portal_catalogue.html", _ctx(
        "catalogue", request, form=form, courses=courses, paths=paths, certifications=certs, filtered=bool(q or kind or progress)))


def _course_context(user, course) -> dict:
    enrollment = selectors.enrollment_for(actor=user, course=course)
    progress = selectors.enrollment_progress(enrollment) if enrollment else None
    done = set(progress["done_lesson_ids"]) if progress else set()
    lessons = [{"lesson": lesson, "done": lesson.public_id in done} for lesson in course.lessons.all()]
    next_lesson = next((row["lesson"] for row in lessons if not row["done"]), None)
    return {"course": course, "enrollment": enrollment, "progress": progress, "lessons": lessons, "next_lesson": next_lesson,
            "quiz": selectors.course_quiz(course)}


def _can_restart(user, course, enrollment) -> bool:
    """A completed course may be taken again once a certification it counts towards is due for renewal."""
    return enrollment is not None and enrollment.completed_at is not None and services.renewal_due(user, course)


@learner_required
def portal_course(request, public_id):
    user = request.user
    course = selectors.course_get(actor=user, public_id=public_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "enroll":
                enrollment = services.enroll(actor=user, course=course)
                first = course.lessons.first()
                messages.success(request, f"You are enrolled in {course.title}.")
                if first is not None:
                    return redirect("learning:portal_lesson", public_id=course.public_id, lesson_id=first.public_id)
            elif action == "restart":
                enrollment = selectors.enrollment_for(actor=user, course=course)
                if enrollment is None or not _can_restart(user, course, enrollment):
                    raise DomainError("This course cannot be restarted yet.", field="enrollment")
                services.enrollment_restart(actor=user, enrollment=enrollment)
                messages.success(request, "Course restarted: work through the lessons and the quiz again to re-certify.")
        except FORBIDDEN:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("learning:portal_course", public_id=course.public_id)
    ctx = _course_context(user, course)
    paths = [p for p in selectors.path_list(actor=user) if any(s.course_id == course.pk for s in p.steps.all())]
    return render(request, "learning/portal_course.html", _ctx(
        "catalogue", request, paths=paths, can_restart=_can_restart(user, course, ctx["enrollment"]), **ctx))


@learner_required
def portal_lesson(request, public_id, lesson_id):
    user = request.user
    course = selectors.course_get(actor=user, public_id=public_id)
    lesson = selectors.lesson_get(actor=user, course=course, public_id=lesson_id)
    if request.method == "POST":
        try:
            enrollment = selectors.enrollment_for(actor=user, course=course) or services.enroll(actor=user, course=course)
            services.lesson_complete(actor=user, enrollment=enrollment, lesson=lesson)
            enrollment.refresh_from_db()
        except FORBIDDEN:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("learning:portal_lesson", public_id=course.public_id, lesson_id=lesson.public_id)
        if enrollment.completed_at:
            messages.success(request, f"Course completed: {course.title}.")
            return redirect("learning:portal_course", public_id=course.public_id)
        ctx = _course_context(user, course)
        if ctx["next_lesson"] is not None:
            messages.success(request, f"“{lesson.title}” done.")
            return redirect("learning:portal_lesson", public_id=course.public_id, lesson_id=ctx["next_lesson"].public_id)
        if ctx["quiz"] is not None:
            messages.success(request, "Every lesson done: the quiz is next.")
            return redirect("learning:portal_quiz", public_id=course.public_id)
        return redirect("learning:portal_course", public_id=course.public_id)
    ctx = _course_context(user, course)
    ids = [row["lesson"].public_id for row in ctx["lessons"]]
    at = ids.index(lesson.public_id)
    rows = ctx["lessons"]
    return render(request, "learning/portal_lesson.html", _ctx(
        "catalogue", request, lesson=lesson, done=rows[at]["done"], number=at + 1, previous=rows[at - 1]["lesson"] if at else None,
        following=rows[at + 1]["lesson"] if at + 1 < len(rows) else None, paragraphs=paragraphs(lesson.body),
        is_video=lesson.kind == LessonKind.VIDEO, is_file=lesson.kind == LessonKind.FILE or bool(lesson.file), **ctx))


@learner_required
def portal_lesson_file(request, public_id, lesson_id):
    course = selectors.course_get(actor=request.user, public_id=public_id)
    return lesson_file_response(selectors.lesson_get(actor=request.user, course=course, public_id=lesson_id))


@learner_required
def portal_quiz(request, public_id):
    user = request.user
    course = selectors.course_get(actor=user, public_id=public_id)
    quiz = selectors.course_quiz(course)
    if quiz is None:
        raise NotFound("quiz")
    ctx = _course_context(user, course)
    if request.method == "POST":
        answers = {}
        for question in quiz.questions.all():
            chosen = [c for c in request.POST.getlist(f"q-{question.public_id}") if c]
            if chosen:
                answers[question.public_id] = chosen
        try:
            enrollment = ctx["enrollment"] or services.enroll(actor=user, course=course)
            attempt = services.quiz_submit(actor=user, enrollment=enrollment, answers=answers)
        except FORBIDDEN:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("learning:portal_quiz", public_id=course.public_id)
        return redirect("learning:portal_attempt", public_id=course.public_id, attempt_id=attempt.public_id)
    attempts = list(selectors.attempt_list(actor=user, enrollment=ctx["enrollment"]).order_by("-number")) if ctx["enrollment"] else []
    state = ctx["progress"]["quiz"] if ctx["progress"] else None
    can_attempt = state["can_attempt"] if state else True
    lessons_left = sum(1 for row in ctx["lessons"] if not row["done"])
    return render(request, "learning/portal_quiz.html", _ctx(
        "catalogue", request, questions=quiz.questions.all() if can_attempt else [], state=state, attempts=attempts,
        can_attempt=can_attempt, lessons_left=lessons_left, **ctx))


@learner_required
def portal_attempt(request, public_id, attempt_id):
    user = request.user
    course = selectors.course_get(actor=user, public_id=public_id)
    attempt = selectors.attempt_get(actor=user, public_id=attempt_id)
    if attempt.enrollment.course_id != course.pk or attempt.enrollment.user_id != user.pk:
        raise NotFound("quiz attempt")  # a team member's attempt is theirs to review
    ctx = _course_context(user, course)
    state = ctx["progress"]["quiz"] if ctx["progress"] else None
    # The right choices show once the quiz is passed or no attempt is left; before that, a retry would just copy them.
    reveal = attempt.passed or state is None or state["passed"] or state["left"] == 0
    return render(request, "learning/portal_attempt.html", _ctx(
        "catalogue", request, attempt=attempt, review=selectors.attempt_review(attempt), state=state, reveal=reveal, **ctx))


@learner_required
def portal_path(request, public_id):
    user = request.user
    path = selectors.path_get(actor=user, public_id=public_id)
    catalogue = selectors.catalogue_for(user)
    row = next((p for p in catalogue["paths"] if p["path"].pk == path.pk), None)
    if row is None:
        raise NotFound("learning path")
    by_course = {c["course"].pk: c for c in catalogue["courses"]}
    steps = [{**s, "entry": by_course.get(s["course"].pk)} for s in row["steps"]]
    now = timezone.now()
    certs = [{"certification": c["certification"], "renewal": _renewal(c["held"], now) if c["held"] else None}
             for c in catalogue["certifications"] if c["certification"].path_id == path.pk]
    return render(request, "learning/portal_path.html", _ctx(
        "catalogue", request, path=path, steps=steps, required_total=row["required_total"], required_done=row["required_done"],
        certifications=certs))


@learner_required
def portal_certificates(request):
    user = request.user
    now = timezone.now()
    held = [_renewal(h, now) for h in selectors.certification_holders(actor=user, user_public_id=user.public_id)
            .order_by("-earned_at", "-pk")]
    return render(request, "learning/portal_certificates.html", _ctx("certificates", request, held=held))


@learner_required
def portal_certificate_pdf(request, public_id):
    user = request.user
    held = selectors.user_certification_get(actor=user, public_id=public_id)
    if held.user_id != user.pk:
        raise NotFound("certification")  # a certificate is printed by the person who holds it
    response = HttpResponse(certificate_pdf(held), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{held.public_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@team_required
def portal_team(request):
    user = request.user
    rows = selectors.team_progress(user)
    now = timezone.now()
    held = list(selectors.certification_holders(actor=user, status=CertStatus.ACTIVE).order_by("expires_at", "pk")[:200])
    in_progress = list(selectors.enrollment_list(actor=user, completed=False).order_by("-started_at")[:100])
    return render(request, "learning/portal_team.html", _ctx(
        "team", request, rows=rows, held=[_renewal(h, now) for h in held], in_progress=in_progress))
