"""Console learning pages: the catalogue (courses with their lessons and quiz, learning paths, certifications;
``learning.view`` reads, ``learning.manage`` edits) and the reports (completion by partner, course and path;
certification holders with their expiry, exported as CSV)."""

import csv
import io
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from allied.core.errors import DomainError, PermissionDenied
from allied.core.inputs import escape_cell
from allied.core.permissions import has_perm

from .. import selectors, services
from ..forms import (
    CertificationForm,
    ConsoleCourseFilterForm,
    CourseForm,
    HolderFilterForm,
    LessonForm,
    PathForm,
    QuizSettingsForm,
    audience_initial,
    path_steps,
    quiz_rows,
    quiz_structure,
)
from ..models import CatalogueStatus, CertStatus
from .common import (
    FORBIDDEN,
    console_required,
    field_error,
    lesson_file_response,
    manage_required,
    paragraphs,
)

EXPIRING_DAYS = 60


def _ctx(request, tab: str, **kw) -> dict:
    return {"side": "console", "nav": "learning", "tab": tab, "can_manage": has_perm(request.user, "learning.manage"), **kw}


def _require_manage(request) -> None:
    if not has_perm(request.user, "learning.manage"):
        raise PermissionDenied("Only program admins and partner marketing managers change the learning catalogue.")


# --- courses ------------------------------------------------------------------------------------


@console_required
def console_courses(request):
    user = request.user
    form = ConsoleCourseFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    courses = list(selectors.course_list(actor=user, status=f.get("status") or None, q=(f.get("q") or "").strip() or None)
                   .order_by("status", "title"))
    figures = {r["course"].pk: r for r in selectors.completion_by_course(actor=user)}
    rows = [{"course": c, "figures": figures.get(c.pk)} for c in courses]
    return render(request, "learning/console_courses.html", _ctx(request, "courses", form=form, rows=rows))


@manage_required
def console_course_new(request):
    form = CourseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, data=form.service_data())
        except FORBIDDEN:
            raise
        except DomainError as exc:
            field_error(request, form, exc)
        else:
            messages.success(request, f"Course “{course.title}” created as a draft: add its lessons, then publish it.")
            return redirect("learning:console_course", public_id=course.public_id)
    return render(request, "learning/console_course_form.html", _ctx(request, "courses", form=form, course=None),
                  status=400 if form.errors else 200)


def _move(order: list[str], lesson_id: str, step: int) -> list[str]:
    if lesson_id not in order:
        raise DomainError("Unknown lesson.", field="lesson")
    i = order.index(lesson_id)
    j = max(0, min(len(order) - 1, i + step))
    order[i], order[j] = order[j], order[i]
    return order


def _course_action(request, course, action: str, form) -> str:
    user = request.user
    if action == "edit":
        services.course_update(actor=user, course=course, data=form.service_data())
        return "Course saved."
    if action == "publish":
        services.course_publish(actor=user, course=course)
        return "Course published: partners in its audience see it in their catalogue."
    if action == "retire":
        services.course_retire(actor=user, course=course)
        return "Course retired: no new enrollments; learners keep what they earned."
    if action in ("up", "down"):
        order = [lesson.public_id for lesson in course.lessons.all()]
        services.lesson_reorder(actor=user, course=course, order=_move(order, request.POST.get("lesson", ""), -1 if action == "up" else 1))
        return "Lessons reordered."
    if action == "delete_lesson":
        lesson = selectors.lesson_get(actor=user, course=course, public_id=request.POST.get("lesson", ""))
        services.lesson_delete(actor=user, lesson=lesson)
        return f"Lesson “{lesson.title}” deleted."
    if action == "remove_quiz":
        services.quiz_set(actor=user, course=course, data=None)
        return "Quiz removed: the course completes when every lesson is done."
    raise DomainError("Unknown action.")


@console_required
def console_course(request, public_id):
    user = request.user
    course = selectors.course_get(actor=user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CourseForm(request.POST if action == "edit" else None, initial={
        "title": course.title, "summary": course.summary, "duration_minutes": course.duration_minutes, **audience_initial(course)})
    if action:
        _require_manage(request)
        if action != "edit" or form.is_valid():
            try:
                done = _course_action(request, course, action, form)
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form if action == "edit" else None, exc)
            else:
                messages.success(request, done)
                return redirect("learning:console_course", public_id=course.public_id)
    quiz = selectors.course_quiz(course)
    figures = next((r for r in selectors.completion_by_course(actor=user) if r["course"].pk == course.pk), None)
    recent = selectors.enrollment_list(actor=user, course=course).order_by("-started_at")[:25]
    paths = [p for p in selectors.path_list(actor=user) if any(s.course_id == course.pk for s in p.steps.all())]
    return render(request, "learning/console_course.html", _ctx(
        request, "courses", course=course, form=form, quiz=quiz, lessons=list(course.lessons.all()), figures=figures, recent=recent,
        paths=paths, edit_failed=action == "edit" and bool(form.errors)), status=400 if action else 200)


@manage_required
def console_lesson_new(request, public_id):
    course = selectors.course_get(actor=request.user, public_id=public_id)
    form = LessonForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_create(actor=request.user, course=course, data=form.service_data())
        except FORBIDDEN:
            raise
        except DomainError as exc:
            field_error(request, form, exc)
        else:
            messages.success(request, f"Lesson “{lesson.title}” added.")
            if request.POST.get("another") == "1":
                return redirect("learning:console_lesson_new", public_id=course.public_id)
            return redirect("learning:console_course", public_id=course.public_id)
    return render(request, "learning/console_lesson_form.html", _ctx(request, "courses", course=course, lesson=None, form=form),
                  status=400 if form.errors else 200)


@console_required
def console_lesson(request, public_id, lesson_id):
    user = request.user
    course = selectors.course_get(actor=user, public_id=public_id)
    lesson = selectors.lesson_get(actor=user, course=course, public_id=lesson_id)
    initial = {"title": lesson.title, "kind": lesson.kind, "body": lesson.body, "video_url": lesson.video_url,
               "duration_minutes": lesson.duration_minutes}
    form = LessonForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        _require_manage(request)
        if form.is_valid():
            try:
                services.lesson_update(actor=user, lesson=lesson, data=form.service_data())
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form, exc)
            else:
                messages.success(request, "Lesson saved.")
                return redirect("learning:console_course", public_id=course.public_id)
    return render(request, "learning/console_lesson_form.html", _ctx(
        request, "courses", course=course, lesson=lesson, form=form, paragraphs=paragraphs(lesson.body)),
        status=400 if form.errors else 200)


@console_required
def console_lesson_file(request, public_id, lesson_id):
    course = selectors.course_get(actor=request.user, public_id=public_id)
    return lesson_file_response(selectors.lesson_get(actor=request.user, course=course, public_id=lesson_id))


@console_required
def console_quiz(request, public_id):
    user = request.user
    course = selectors.course_get(actor=user, public_id=public_id)
    quiz = selectors.course_quiz(course)
    initial = ({"pass_mark_percent": quiz.pass_mark_percent, "max_attempts": quiz.max_attempts,
                "retry_after_hours": quiz.retry_after_hours} if quiz else None)
    form = QuizSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    rows = quiz_rows(quiz, extra=0 if quiz else 3)
    problem = None
    if request.method == "POST":
        _require_manage(request)
        try:
            n = int(request.POST.get("questions", "0"))
        except ValueError:
            n = 0
        questions, rows = quiz_structure(request.POST, n)
        if request.POST.get("action") == "add":
            rows += quiz_rows(None, extra=1)
        elif form.is_valid():
            try:
                services.quiz_set(actor=user, course=course, data={**form.cleaned_data, "questions": questions})
            except FORBIDDEN:
                raise
            except DomainError as exc:
                problem = _quiz_problem(exc, rows, questions)
                field_error(request, form, exc) if exc.field in form.fields else None
            else:
                messages.success(request, f"Quiz saved with {len(questions)} question{'s' if len(questions) != 1 else ''}.")
                return redirect("learning:console_course", public_id=course.public_id)
    return render(request, "learning/console_quiz.html", _ctx(
        request, "courses", course=course, quiz=quiz, form=form, rows=rows, problem=problem),
        status=400 if (problem or form.errors) else 200)


def _quiz_problem(exc, rows: list[dict], questions: list[dict]) -> dict:
    """Where the quiz error is: ``questions[i]`` counts only the filled-in questions, so map it back to the row shown."""
    import re

    m = re.match(r"questions\[(\d+)\]", exc.field or "")
    row = None
    if m:
        filled = [i for i, r in enumerate(rows) if r["text"] or any(c["text"] for c in r["choices"])]
        k = int(m.group(1))
        row = filled[k] if k < len(filled) else None
    if row is not None:
        rows[row]["error"] = exc.message
    return {"message": exc.message, "row": row + 1 if row is not None else None}


# --- learning paths -----------------------------------------------------------------------------


@console_required
def console_paths(request):
    user = request.user
    form = PathForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        _require_manage(request)
        if form.is_valid():
            try:
                path = services.path_create(actor=user, data=form.service_data())
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form, exc)
            else:
                messages.success(request, f"Path “{path.name}” created: choose its courses, then publish it.")
                return redirect("learning:console_path", public_id=path.public_id)
    figures = {r["path"].pk: r for r in selectors.completion_by_path(actor=user)}
    certs = {}
    for c in selectors.certification_list(actor=user):
        certs.setdefault(c.path_id, []).append(c)
    rows = [{"path": p, "figures": figures.get(p.pk), "certifications": certs.get(p.pk, [])}
            for p in selectors.path_list(actor=user).order_by("status", "name")]
    return render(request, "learning/console_paths.html", _ctx(request, "paths", rows=rows, form=form),
                  status=400 if form.errors else 200)


@console_required
def console_path(request, public_id):
    user = request.user
    path = selectors.path_get(actor=user, public_id=public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = PathForm(request.POST if action == "edit" else None,
                    initial={"name": path.name, "description": path.description, **audience_initial(path)})
    courses = list(selectors.course_list(actor=user).exclude(status=CatalogueStatus.RETIRED).order_by("title"))
    steps = {s.course_id: s for s in path.steps.all()}
    if action:
        _require_manage(request)
        try:
            if action == "edit":
                if not form.is_valid():
                    raise DomainError("Check the fields below.")
                services.path_update(actor=user, path=path, data=form.service_data())
                done = "Path saved."
            elif action == "steps":
                all_courses = courses + [s.course for s in steps.values() if s.course not in courses]
                services.path_update(actor=user, path=path, data={"courses": path_steps(request.POST, all_courses)})
                done = "Courses of the path saved."
            elif action == "publish":
                services.path_publish(actor=user, path=path)
                done = "Path published."
            elif action == "retire":
                services.path_retire(actor=user, path=path)
                done = "Path retired."
            else:
                raise DomainError("Unknown action.")
        except FORBIDDEN:
            raise
        except DomainError as exc:
            if action == "edit" and not form.errors:
                field_error(request, form, exc)
            elif action != "edit":
                messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect("learning:console_path", public_id=path.public_id)
    step_rows = [{"course": c, "step": steps.get(c.pk)} for c in courses]
    step_rows.sort(key=lambda r: (r["step"] is None, r["step"].position if r["step"] else 0, r["course"].title))
    figures = next((r for r in selectors.completion_by_path(actor=user) if r["path"].pk == path.pk), None)
    certs = [c for c in selectors.certification_list(actor=user) if c.path_id == path.pk]
    return render(request, "learning/console_path.html", _ctx(
        request, "paths", path=path, form=form, step_rows=step_rows, figures=figures, certifications=certs,
        ordered=[s for s in path.steps.all()], edit_failed=action == "edit" and bool(form.errors)), status=400 if action else 200)


# --- certifications -----------------------------------------------------------------------------


@console_required
def console_certifications(request):
    user = request.user
    paths = list(selectors.path_list(actor=user).exclude(status=CatalogueStatus.RETIRED).order_by("name"))
    form = CertificationForm(request.POST if request.method == "POST" else None, paths=paths)
    if request.method == "POST":
        _require_manage(request)
        if form.is_valid():
            try:
                cert = services.certification_create(actor=user, data=form.cleaned_data)
            except FORBIDDEN:
                raise
            except DomainError as exc:
                field_error(request, form, exc)
            else:
                messages.success(request, f"Certification “{cert.name}” created as a draft.")
                return redirect("learning:console_certification", public_id=cert.public_id)
    now = timezone.now()
    certs = list(selectors.certification_list(actor=user).order_by("status", "name"))
    holders = selectors.certification_holders(actor=user, status=CertStatus.ACTIVE)
    counts = {}
    for cert_id, expires_at in holders.values_list("certification_id", "expires_at"):
        c = counts.setdefault(cert_id, {"active": 0, "expiring": 0})
        c["active"] += 1
        if expires_at and expires_at <= now + timedelta(days=EXPIRING_DAYS):
            c["expiring"] += 1
    rows = [{"certification": c, **counts.get(c.pk, {"active": 0, "expiring": 0})} for c in certs]
    return render(request, "learning/console_certifications.html", _ctx(
        request, "certifications", rows=rows, form=form, expiring_days=EXPIRING_DAYS), status=400 if form.errors else 200)


@console_required
def console_certification(request, public_id):
    user = request.user
    cert = selectors.certification_get(actor=user, public_id=public_id)
    paths = list(selectors.path_list(actor=user).order_by("name"))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CertificationForm(request.POST if action == "edit" else None, paths=paths, initial={
        "name": cert.name, "description": cert.description, "path": cert.path.public_id, "validity_months": cert.validity_months,
        "remind_days_before": cert.remind_days_before})
    if action:
        _require_manage(request)
        try:
            if action == "edit":
                if not form.is_valid():
                    raise DomainError("Check the fields below.")
                services.certification_update(actor=user, certification=cert, data=form.cleaned_data)
                done = "Certification saved."
            elif action in ("publish", "retire"):
                status = CatalogueStatus.PUBLISHED if action == "publish" else CatalogueStatus.RETIRED
                services.certification_update(actor=user, certification=cert, data={"status": status})
                done = "Certification published: completing its path earns it." if action == "publish" else "Certification retired."
            else:
                raise DomainError("Unknown action.")
        except FORBIDDEN:
            raise
        except DomainError as exc:
            if action == "edit" and not form.errors:
                field_error(request, form, exc)
            elif action != "edit":
                messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect("learning:console_certification", public_id=cert.public_id)
    holders = selectors.certification_holders(actor=user, certification=cert).order_by("status", "expires_at", "pk")
    page = Paginator(holders, 50).get_page(request.GET.get("page"))
    return render(request, "learning/console_certification.html", _ctx(
        request, "certifications", certification=cert, form=form, page=page, soon=timezone.now() + timedelta(days=EXPIRING_DAYS),
        edit_failed=action == "edit" and bool(form.errors)), status=400 if action else 200)


# --- reports ------------------------------------------------------------------------------------


@console_required
def console_reports(request):
    user = request.user
    by_partner = selectors.completion_by_partner(actor=user)
    by_course = selectors.completion_by_course(actor=user)
    by_path = selectors.completion_by_path(actor=user)
    top_partners = sorted(by_partner, key=lambda r: (-r["completed"], r["partner"].name))[:12]
    expiring = selectors.expiring_certifications(actor=user, within_days=EXPIRING_DAYS)
    totals = {"learners": sum(r["learners"] for r in by_partner), "enrolled": sum(r["enrolled"] for r in by_partner),
              "completed": sum(r["completed"] for r in by_partner), "partners": sum(1 for r in by_partner if r["completed"]),
              "active_certifications": sum(r["active_certifications"] for r in by_partner), "expiring": expiring.count()}
    show = request.GET.get("partners") == "all"
    return render(request, "learning/console_reports.html", _ctx(
        request, "reports", by_partner=by_partner if show else top_partners, all_partners=show, n_partners=len(by_partner),
        by_course=by_course, by_path=by_path, totals=totals, expiring_days=EXPIRING_DAYS,
        course_chart=[(r["course"].title, r["completed"]) for r in by_course],
        path_chart=[(r["path"].name, r["completed"]) for r in by_path],
        partner_chart=[(r["partner"].name, r["completed"]) for r in top_partners if r["completed"]]))


def _holders(request):
    user = request.user
    certs = list(selectors.certification_list(actor=user).order_by("name"))
    form = HolderFilterForm(request.GET or None, certifications=certs)
    f = form.cleaned_data if form.is_valid() else {}
    cert = next((c for c in certs if c.public_id == f.get("certification")), None)
    status = f.get("status") or ""
    qs = selectors.certification_holders(actor=user, certification=cert,
                                         status=CertStatus.ACTIVE if status == "expiring" else (status or None))
    if status == "expiring":
        qs = qs.filter(expires_at__lte=timezone.now() + timedelta(days=EXPIRING_DAYS))
    if q := (f.get("q") or "").strip():
        qs = qs.filter(Q(user__full_name__icontains=q) | Q(user__email__icontains=q) | Q(partner__name__icontains=q))
    return form, qs.order_by("expires_at", "partner__name", "pk")


@console_required
def console_holders(request):
    form, qs = _holders(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "learning/console_holders.html", _ctx(
        request, "holders", form=form, page=page, query=query.urlencode(), soon=timezone.now() + timedelta(days=EXPIRING_DAYS),
        expiring_days=EXPIRING_DAYS))


HOLDER_COLUMNS = ["certification", "person", "email", "partner", "partner_id", "status", "earned_at", "expires_at", "certificate_id"]


@console_required
def console_holders_export(request):
    _, qs = _holders(request)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HOLDER_COLUMNS)
    for h in qs.iterator(chunk_size=2000):
        writer.writerow([escape_cell(v) for v in (
            h.certification.name, h.user.full_name, h.user.email, h.partner.name, h.partner.public_id, h.status,
            h.earned_at.date().isoformat(), h.expires_at.date().isoformat() if h.expires_at else "", h.public_id)])
    response = HttpResponse(buf.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certification-holders-{timezone.localdate():%Y%m%d}.csv"'
    return response



