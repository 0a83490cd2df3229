"""/api/v1/learning: the catalogue (courses, lessons, quizzes, paths, certifications), learners' progress and reports.

Catalogue writes need ``learning.manage``; reads: vendor users with ``learning.view`` see everything, partner users
what is published for their audience (anything else is 404). Progress: a partner user works on and reads its own
enrollments, a partner admin also reads its team's; another partner's progress answers like a missing id.
"""

from ninja import Query, Router, Status

from allied.core.api import ERRORS, PageQuery, page, resolve_ref
from allied.core.errors import NotFound
from allied.core.permissions import require_perm

from . import selectors, services
from .audience import vendor_reader
from .schemas import (
    AttemptDetailOut,
    AttemptIn,
    AttemptPage,
    CertificationIn,
    CertificationOut,
    CertificationPage,
    CertificationPatchIn,
    CourseDetailOut,
    CourseFilters,
    CourseIn,
    CoursePage,
    CoursePatchIn,
    CourseReportRow,
    EnrollmentDetailOut,
    EnrollmentFilters,
    EnrollmentPage,
    LessonIn,
    LessonOrderIn,
    LessonOut,
    LessonPatchIn,
    PartnerReportRow,
    PathIn,
    PathOut,
    PathPage,
    PathPatchIn,
    PathReportRow,
    QuizIn,
    QuizKeyOut,
    RevokeIn,
    StatusQuery,
    TeamRow,
    UserCertificationFilters,
    UserCertificationOut,
    UserCertificationPage,
)

router = Router(tags=["learning"])


def _course_detail(request, public_id: str):
    return selectors.course_get(actor=request.auth, public_id=public_id)


def _managed_course(request, public_id: str):
    """A course to change: found first (404 for what the actor cannot see), then the permission (403)."""
    course = selectors.course_get(actor=request.auth, public_id=public_id)
    require_perm(request.auth, "learning.manage")
    return course


def _path_data(payload) -> dict:
    data = payload.dict(exclude_unset=True)
    if data.get("courses") is not None:
        data["courses"] = [{"course": s["course"], "required": s.get("required", True)} for s in data["courses"]]
    return data


# --- courses ------------------------------------------------------------------------------------


@router.get("/courses", response={200: CoursePage, **ERRORS}, summary="List courses",
            description="Vendor users with `learning.view`: every course. Partner users: published courses for their partner's "
                        "type and tier and their role.")
def course_list(request, filters: Query[CourseFilters]):
    return page(selectors.course_list(actor=request.auth, status=filters.status, q=filters.q), filters, order=("title", "public_id"))


@router.post("/courses", response={201: CourseDetailOut, **ERRORS}, summary="Create a course (draft)",
             description="`learning.manage` (program admin, partner marketing).")
def course_create(request, payload: CourseIn):
    course = services.course_create(actor=request.auth, data=payload.dict(exclude_none=True))
    return Status(201, _course_detail(request, course.public_id))


@router.get("/courses/{id}", response={200: CourseDetailOut, **ERRORS}, summary="Get a course with its lessons and quiz questions",
            description="The quiz comes without its answers.")
def course_get(request, id: str):
    return _course_detail(request, id)


@router.patch("/courses/{id}", response={200: CourseDetailOut, **ERRORS}, summary="Change a course")
def course_update(request, id: str, payload: CoursePatchIn):
    course = services.course_update(actor=request.auth, course=_managed_course(request, id), data=payload.dict(exclude_unset=True))
    return _course_detail(request, course.public_id)


@router.post("/courses/{id}/publish", response={200: CourseDetailOut, **ERRORS}, summary="Publish a course",
             description="Needs at least one lesson; partners in its audience see it.")
def course_publish(request, id: str):
    course = services.course_publish(actor=request.auth, course=_managed_course(request, id))
    return _course_detail(request, course.public_id)


@router.post("/courses/{id}/retire", response={200: CourseDetailOut, **ERRORS}, summary="Retire a course",
             description="No new enrollments; learners keep their progress and achievements.")
def course_retire(request, id: str):
    course = services.course_retire(actor=request.auth, course=_managed_course(request, id))
    return _course_detail(request, course.public_id)


@router.post("/courses/{id}/lessons", response={201: LessonOut, **ERRORS}, summary="Add a lesson at the end of a course")
def lesson_create(request, id: str, payload: LessonIn):
    return Status(201, services.lesson_create(actor=request.auth, course=_managed_course(request, id), data=payload.dict()))


@router.put("/courses/{id}/lessons/order", response={200: list[LessonOut], **ERRORS}, summary="Reorder a course's lessons",
            description="Declared before the lesson routes so `order` is not read as a lesson id.")
def lesson_reorder(request, id: str, payload: LessonOrderIn):
    return services.lesson_reorder(actor=request.auth, course=_managed_course(request, id), order=payload.order)


@router.patch("/courses/{id}/lessons/{lesson_id}", response={200: LessonOut, **ERRORS}, summary="Change a lesson")
def lesson_update(request, id: str, lesson_id: str, payload: LessonPatchIn):
    course = _managed_course(request, id)
    lesson = selectors.lesson_get(actor=request.auth, course=course, public_id=lesson_id)
    return services.lesson_update(actor=request.auth, lesson=lesson, data=payload.dict(exclude_unset=True))


@router.delete("/courses/{id}/lessons/{lesson_id}", response={204: None, **ERRORS}, summary="Delete a lesson")
def lesson_delete(request, id: str, lesson_id: str):
    course = _managed_course(request, id)
    services.lesson_delete(actor=request.auth, lesson=selectors.lesson_get(actor=request.auth, course=course, public_id=lesson_id))
    return Status(204, None)


@router.get("/courses/{id}/quiz", response={200: QuizKeyOut, **ERRORS}, summary="Get a course's quiz with its answer key",
            description="`learning.manage` only; 404 when the course has no quiz.")
def quiz_get(request, id: str):
    course = _managed_course(request, id)
    quiz = selectors.course_quiz(course)
    if quiz is None:
        raise NotFound("quiz")
    return quiz


@router.put("/courses/{id}/quiz", response={200: QuizKeyOut, **ERRORS}, summary="Set a course's quiz",
            description="Settings and every question with its choices, validated and replaced as a whole. A one-answer question "
                        "has exactly one correct choice; a several-answer question scores only when exactly its correct choices "
                        "are chosen. Errors name the place, e.g. `questions[2].choices`.")
def quiz_set(request, id: str, payload: QuizIn):
    return services.quiz_set(actor=request.auth, course=_managed_course(request, id), data=payload.dict())


@router.delete("/courses/{id}/quiz", response={204: None, **ERRORS}, summary="Remove a course's quiz")
def quiz_delete(request, id: str):
    services.quiz_set(actor=request.auth, course=_managed_course(request, id), data=None)
    return Status(204, None)


# --- paths --------------------------------------------------------------------------------------


@router.get("/paths", response={200: PathPage, **ERRORS}, summary="List learning paths")
def path_list(request, filters: Query[StatusQuery]):
    return page(selectors.path_list(actor=request.auth, status=filters.status), filters, order=("name", "public_id"))


@router.post("/paths", response={201: PathOut, **ERRORS}, summary="Create a learning path (draft)")
def path_create(request, payload: PathIn):
    path = services.path_create(actor=request.auth, data=_path_data(payload))
    return Status(201, selectors.path_get(actor=request.auth, public_id=path.public_id))


@router.get("/paths/{id}", response={200: PathOut, **ERRORS}, summary="Get a learning path")
def path_get(request, id: str):
    return selectors.path_get(actor=request.auth, public_id=id)


def _managed_path(request, id: str):
    path = selectors.path_get(actor=request.auth, public_id=id)
    require_perm(request.auth, "learning.manage")
    return path


@router.patch("/paths/{id}", response={200: PathOut, **ERRORS}, summary="Change a learning path")
def path_update(request, id: str, payload: PathPatchIn):
    path = services.path_update(actor=request.auth, path=_managed_path(request, id), data=_path_data(payload))
    return selectors.path_get(actor=request.auth, public_id=path.public_id)


@router.post("/paths/{id}/publish", response={200: PathOut, **ERRORS}, summary="Publish a learning path",
             description="Needs a required course; every course of it must be published.")
def path_publish(request, id: str):
    path = services.path_publish(actor=request.auth, path=_managed_path(request, id))
    return selectors.path_get(actor=request.auth, public_id=path.public_id)


@router.post("/paths/{id}/retire", response={200: PathOut, **ERRORS}, summary="Retire a learning path")
def path_retire(request, id: str):
    path = services.path_retire(actor=request.auth, path=_managed_path(request, id))
    return selectors.path_get(actor=request.auth, public_id=path.public_id)


# --- certifications -----------------------------------------------------------------------------


@router.get("/certifications", response={200: CertificationPage, **ERRORS}, summary="List certifications")
def certification_list(request, filters: Query[StatusQuery]):
    return page(selectors.certification_list(actor=request.auth, status=filters.status), filters, order=("name", "public_id"))


@router.post("/certifications", response={201: CertificationOut, **ERRORS}, summary="Create a certification of a learning path")
def certification_create(request, payload: CertificationIn):
    require_perm(request.auth, "learning.manage")
    data = payload.dict()
    data["path"] = resolve_ref(selectors.path_get, field="path", actor=request.auth, public_id=data["path"])
    return Status(201, services.certification_create(actor=request.auth, data=data))


@router.get("/certifications/{id}", response={200: CertificationOut, **ERRORS}, summary="Get a certification")
def certification_get(request, id: str):
    return selectors.certification_get(actor=request.auth, public_id=id)


@router.patch("/certifications/{id}", response={200: CertificationOut, **ERRORS}, summary="Change a certification",
              description="A new validity applies to certifications earned from then on.")
def certification_update(request, id: str, payload: CertificationPatchIn):
    cert = selectors.certification_get(actor=request.auth, public_id=id)
    require_perm(request.auth, "learning.manage")
    data = payload.dict(exclude_unset=True)
    if data.get("path"):
        data["path"] = resolve_ref(selectors.path_get, field="path", actor=request.auth, public_id=data["path"])
    return services.certification_update(actor=request.auth, certification=cert, data=data)


# --- progress -----------------------------------------------------------------------------------


def _enrollment_detail(enrollment):
    enrollment.progress = selectors.enrollment_progress(enrollment)
    return enrollment


@router.post("/courses/{id}/enroll", response={200: EnrollmentDetailOut, **ERRORS}, summary="Enroll in a course",
             description="`partner.learning`: the signed-in partner user takes the course. Enrolling again returns the enrollment.")
def enroll(request, id: str):
    course = selectors.course_get(actor=request.auth, public_id=id)
    enrollment = services.enroll(actor=request.auth, course=course)
    return _enrollment_detail(selectors.enrollment_get(actor=request.auth, public_id=enrollment.public_id))


@router.get("/enrollments", response={200: EnrollmentPage, **ERRORS}, summary="List enrollments",
            description="A partner user's own; a partner admin's team's too; every learner's for vendor users with `learning.view`.")
def enrollment_list(request, filters: Query[EnrollmentFilters]):
    course = resolve_ref(selectors.course_get, field="course", actor=request.auth, public_id=filters.course) if filters.course else None
    qs = selectors.enrollment_list(actor=request.auth, course=course, user_public_id=filters.user, partner_public_id=filters.partner,
                                   completed=filters.completed)
    return page(qs, filters, order=("-started_at", "-public_id"))


@router.get("/enrollments/{id}", response={200: EnrollmentDetailOut, **ERRORS}, summary="Get an enrollment with its progress")
def enrollment_get(request, id: str):
    return _enrollment_detail(selectors.enrollment_get(actor=request.auth, public_id=id))


@router.post("/enrollments/{id}/lessons/{lesson_id}/complete", response={200: EnrollmentDetailOut, **ERRORS},
             summary="Mark a lesson done", description="The learner only. Completes the course when nothing else is left.")
def lesson_complete(request, id: str, lesson_id: str):
    enrollment = selectors.enrollment_get(actor=request.auth, public_id=id)
    lesson = selectors.lesson_get(actor=request.auth, course=enrollment.course, public_id=lesson_id)
    services.lesson_complete(actor=request.auth, enrollment=enrollment, lesson=lesson)
    return _enrollment_detail(selectors.enrollment_get(actor=request.auth, public_id=id))


@router.post("/enrollments/{id}/restart", response={200: EnrollmentDetailOut, **ERRORS}, summary="Take a completed course again",
             description="For re-certification: lesson marks are cleared and a new round of quiz attempts starts.")
def enrollment_restart(request, id: str):
    enrollment = services.enrollment_restart(actor=request.auth, enrollment=selectors.enrollment_get(actor=request.auth, public_id=id))
    return _enrollment_detail(selectors.enrollment_get(actor=request.auth, public_id=enrollment.public_id))


def _attempt_detail(request, attempt):
    """An attempt with its review; the answer key only once the round is over (passed, or no attempt left) or to vendor users."""
    enrollment = attempt.enrollment
    review = selectors.attempt_review(attempt)
    quiz = selectors.course_quiz(enrollment.course)
    over = vendor_reader(request.auth)
    if not over and quiz is not None:
        state = services.attempts_state(enrollment, quiz)
        over = state["passed"] or state["left"] == 0 or enrollment.completed_at is not None
    if not over:
        for q in review:
            for c in q["choices"]:
                c["correct"] = None
    attempt.review = review
    return attempt


@router.post("/enrollments/{id}/attempts", response={201: AttemptDetailOut, **ERRORS}, summary="Submit a quiz attempt",
             description="Scored on the server. Refused (409) when passed already, no attempt is left, or the wait after a "
                         "failed attempt has not passed.")
def attempt_submit(request, id: str, payload: AttemptIn):
    enrollment = selectors.enrollment_get(actor=request.auth, public_id=id)
    attempt = services.quiz_submit(actor=request.auth, enrollment=enrollment, answers=payload.answers)
    return Status(201, _attempt_detail(request, selectors.attempt_get(actor=request.auth, public_id=attempt.public_id)))


@router.get("/enrollments/{id}/attempts", response={200: AttemptPage, **ERRORS}, summary="List an enrollment's quiz attempts")
def attempt_list(request, id: str, params: Query[PageQuery]):
    enrollment = selectors.enrollment_get(actor=request.auth, public_id=id)
    return page(selectors.attempt_list(actor=request.auth, enrollment=enrollment).select_related("enrollment"), params,
                order=("number", "public_id"))


@router.get("/attempts/{id}", response={200: AttemptDetailOut, **ERRORS}, summary="Get a quiz attempt with its review")
def attempt_get(request, id: str):
    return _attempt_detail(request, selectors.attempt_get(actor=request.auth, public_id=id))


@router.get("/user-certifications", response={200: UserCertificationPage, **ERRORS}, summary="List held certifications")
def user_certification_list(request, filters: Query[UserCertificationFilters]):
    cert = (resolve_ref(selectors.certification_get, field="certification", actor=request.auth, public_id=filters.certification)
            if filters.certification else None)
    qs = selectors.certification_holders(actor=request.auth, certification=cert, status=filters.status,
                                         partner_public_id=filters.partner, user_public_id=filters.user)
    return page(qs, filters, order=("-earned_at", "-public_id"))


@router.get("/user-certifications/{id}", response={200: UserCertificationOut, **ERRORS}, summary="Get a held certification")
def user_certification_get(request, id: str):
    return selectors.user_certification_get(actor=request.auth, public_id=id)


@router.post("/user-certifications/{id}/revoke", response={200: UserCertificationOut, **ERRORS}, summary="Revoke a certification",
             description="`learning.manage`. It stops counting for tier rules at once.")
def user_certification_revoke(request, id: str, payload: RevokeIn):
    held = selectors.user_certification_get(actor=request.auth, public_id=id)
    return services.user_certification_revoke(actor=request.auth, user_certification=held, reason=payload.reason)


# --- reports ------------------------------------------------------------------------------------


@router.get("/team", response={200: list[TeamRow], **ERRORS}, summary="My team's learning (partner admins)")
def team(request):
    return selectors.team_progress(request.auth)


@router.get("/reports/partners", response={200: list[PartnerReportRow], **ERRORS}, summary="Completion by partner (vendor)")
def report_partners(request):
    return selectors.completion_by_partner(actor=request.auth)


@router.get("/reports/courses", response={200: list[CourseReportRow], **ERRORS}, summary="Completion by course (vendor)")
def report_courses(request):
    return selectors.completion_by_course(actor=request.auth)


@router.get("/reports/paths", response={200: list[PathReportRow], **ERRORS}, summary="Completion by path (vendor)")
def report_paths(request):
    return selectors.completion_by_path(actor=request.auth)
