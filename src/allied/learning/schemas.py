"""Input and output shapes of /api/v1/learning.

What a learner must never get through them: a choice's ``correct`` flag before the attempt's round is over
(``QuizOut`` has none; the review of a submitted attempt shows them once the quiz is passed or no attempt is
left), another partner's progress, and (for non-admins) a colleague's.
"""

from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from allied.core.api import PageQuery, PublicOut, Ref


class AudienceOut(Schema):
    partner_types: list[str] = Field(..., description="Partner type codes; empty: every type.")
    tiers: list[str] = Field(..., description="Tier names; empty: every tier.")
    roles: list[str] = Field(..., description="Partner roles; empty: every role.")


def audience_of(obj) -> dict:
    return {"partner_types": [t.code for t in obj.partner_types.all()], "tiers": [t.name for t in obj.tiers.all()],
            "roles": list(obj.roles or [])}


class AudienceIn(Schema):
    partner_types: list[str] | None = Field(None, description="Partner type codes (reseller, si, msp, ...); empty: every type.")
    tiers: list[str] | None = Field(None, description="Tier names or ids; empty: every tier.")
    roles: list[str] | None = Field(None, description="partner_admin, partner_sales, partner_marketing; empty: every role.")


# --- courses --------------------------------------------------------------------------------------

class CourseIn(AudienceIn):
    model_config = ConfigDict(extra="forbid")

    title: str
    summary: str = ""
    duration_minutes: int = 0


class CoursePatchIn(AudienceIn):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    summary: str | None = None
    duration_minutes: int | None = None


class CourseOut(PublicOut):
    id: str = Field(..., description="Public id, `crs_...`.")
    title: str
    summary: str
    status: str = Field(..., description="draft, published or retired.")
    duration_minutes: int
    audience: AudienceOut
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_audience(obj) -> dict:
        return audience_of(obj)


class LessonOut(PublicOut):
    id: str = Field(..., description="Public id, `lsn_...`.")
    position: int
    title: str
    kind: str = Field(..., description="text, video or file.")
    body: str
    video_url: str
    file_name: str
    duration_minutes: int


class ChoiceOut(PublicOut):
    id: str
    text: str


class QuestionOut(PublicOut):
    id: str
    text: str
    kind: str = Field(..., description="single (one answer) or multiple (several answers; all of them and only them score).")
    choices: list[ChoiceOut]

    @staticmethod
    def resolve_choices(obj) -> list:
        return list(obj.choices.all())


class QuizOut(Schema):
    """The questions as a learner sees them: no correct answers, no explanations."""

    pass_mark_percent: int
    max_attempts: int = Field(..., description="0 means unlimited.")
    retry_after_hours: int
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj) -> list:
        return list(obj.questions.all())


class CourseDetailOut(CourseOut):
    lessons: list[LessonOut]
    quiz: QuizOut | None

    @staticmethod
    def resolve_lessons(obj) -> list:
        return list(obj.lessons.all())

    @staticmethod
    def resolve_quiz(obj):
        return getattr(obj, "quiz", None)


class CoursePage(Schema):
    items: list[CourseOut]
    next_cursor: str | None


class CourseFilters(PageQuery):
    status: str | None = Field(None, description="draft, published or retired (vendor users).")
    q: str | None = Field(None, description="Words in the title or summary.")


class LessonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    kind: str = Field("text", description="text or video (file lessons are uploaded in the console).")
    body: str = ""
    video_url: str = ""
    duration_minutes: int = 0


class LessonPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    kind: str | None = None
    body: str | None = None
    video_url: str | None = None
    duration_minutes: int | None = None


class LessonOrderIn(Schema):
    order: list[str] = Field(..., description="Every lesson id of the course, in the new order.")


class ChoiceIn(Schema):
    text: str
    correct: bool = False


class QuestionIn(Schema):
    text: str
    kind: str = Field("single", description="single or multiple.")
    explanation: str = Field("", description="Shown with the answers after the attempt.")
    choices: list[ChoiceIn]


class QuizIn(Schema):
    model_config = ConfigDict(extra="forbid")

    pass_mark_percent: int = 80
    max_attempts: int = Field(3, description="0 means unlimited.")
    retry_after_hours: int = Field(0, description="Wait after a failed attempt.")
    questions: list[QuestionIn]


class ChoiceKeyOut(ChoiceOut):
    correct: bool


class QuestionKeyOut(QuestionOut):
    explanation: str
    choices: list[ChoiceKeyOut]

    @staticmethod
    def resolve_choices(obj) -> list:
        return list(obj.choices.all())


class QuizKeyOut(QuizOut):
    """The quiz with its answer key: for catalogue managers only."""

    questions: list[QuestionKeyOut]

    @staticmethod
    def resolve_questions(obj) -> list:
        return list(obj.questions.prefetch_related("choices"))


# --- paths and certifications -------------------------------------------------------------------

class PathStepIn(Schema):
    course: str = Field(..., description="Course id, `crs_...`.")
    required: bool = True


class PathIn(AudienceIn):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    courses: list[PathStepIn] = []


class PathPatchIn(AudienceIn):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    courses: list[PathStepIn] | None = None


class PathStepOut(Schema):
    course: Ref
    required: bool


class PathOut(PublicOut):
    id: str = Field(..., description="Public id, `path_...`.")
    name: str
    description: str
    status: str
    audience: AudienceOut
    courses: list[PathStepOut]

    @staticmethod
    def resolve_audience(obj) -> dict:
        return audience_of(obj)

    @staticmethod
    def resolve_courses(obj) -> list:
        return [{"course": s.course, "required": s.required} for s in obj.steps.all()]


class PathPage(Schema):
    items: list[PathOut]
    next_cursor: str | None


class StatusQuery(PageQuery):
    status: str | None = None


class CertificationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    path: str = Field(..., description="The learning path it certifies, `path_...`.")
    validity_months: int = Field(24, description="0 means it never expires.")
    remind_days_before: int = 30
    status: str = Field("draft", description="draft, published or retired.")


class CertificationPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    path: str | None = None
    validity_months: int | None = None
    remind_days_before: int | None = None
    status: str | None = None


class CertificationOut(PublicOut):
    id: str = Field(..., description="Public id, `cert_...`.")
    name: str
    description: str
    path: Ref
    validity_months: int
    remind_days_before: int
    status: str


class CertificationPage(Schema):
    items: list[CertificationOut]
    next_cursor: str | None


# --- progress -------------------------------------------------------------------------------------

class PersonOut(PublicOut):
    email: str
    full_name: str


class QuizStateOut(Schema):
    used: int
    left: int | None = Field(..., description="Attempts left in this round; null: unlimited.")
    passed: bool
    next_at: datetime | None = Field(..., description="When the next attempt may start, if waiting after a failed one.")
    best_score: int | None
    pass_mark_percent: int
    can_attempt: bool


class ProgressOut(Schema):
    lessons_total: int
    lessons_done: int
    done_lesson_ids: list[str]
    percent: int
    completed: bool
    quiz: QuizStateOut | None


class EnrollmentOut(PublicOut):
    id: str = Field(..., description="Public id, `enr_...`.")
    user: PersonOut
    partner: Ref
    course: Ref
    started_at: datetime
    completed_at: datetime | None


class EnrollmentDetailOut(EnrollmentOut):
    progress: ProgressOut


class EnrollmentPage(Schema):
    items: list[EnrollmentOut]
    next_cursor: str | None


class EnrollmentFilters(PageQuery):
    course: str | None = Field(None, description="Course id.")
    user: str | None = Field(None, description="User id.")
    partner: str | None = Field(None, description="Partner id.")
    completed: bool | None = None


class AttemptIn(Schema):
    answers: dict[str, list[str]] = Field(..., description="Question id -> the chosen choice ids (one for a single-answer question).")


class ReviewChoiceOut(Schema):
    id: str
    text: str
    chosen: bool
    correct: bool | None = Field(..., description="Shown once the quiz is passed or no attempt is left; null before.")


class ReviewQuestionOut(Schema):
    id: str
    text: str
    kind: str
    right: bool
    explanation: str
    choices: list[ReviewChoiceOut]


class AttemptOut(PublicOut):
    id: str = Field(..., description="Public id, `att_...`.")
    enrollment: str
    number: int
    submitted_at: datetime
    score_percent: int
    passed: bool

    @staticmethod
    def resolve_enrollment(obj) -> str:
        return obj.enrollment.public_id


class AttemptDetailOut(AttemptOut):
    review: list[ReviewQuestionOut]


class AttemptPage(Schema):
    items: list[AttemptOut]
    next_cursor: str | None


class UserCertificationOut(PublicOut):
    id: str = Field(..., description="Public id, `ucert_...`.")
    user: PersonOut
    partner: Ref
    certification: Ref
    status: str = Field(..., description="active, expired or revoked.")
    earned_at: datetime
    expires_at: datetime | None
    reminded_at: datetime | None


class UserCertificationPage(Schema):
    items: list[UserCertificationOut]
    next_cursor: str | None


class UserCertificationFilters(PageQuery):
    certification: str | None = None
    status: str | None = None
    partner: str | None = None
    user: str | None = None


class RevokeIn(Schema):
    reason: str


# --- reports --------------------------------------------------------------------------------------

class PartnerReportRow(Schema):
    partner: Ref
    learners: int
    enrolled: int
    completed: int
    completion_rate: int
    active_certifications: int


class CourseReportRow(Schema):
    course: Ref
    enrolled: int
    completed: int
    partners: int
    completion_rate: int
    attempts: int
    attempts_passed: int
    pass_rate: int


class PathReportRow(Schema):
    path: Ref
    courses: int
    required: int
    learners: int
    completed: int
    completion_rate: int
    active_certifications: int


class TeamRow(Schema):
    user: PersonOut
    partner: Ref
    enrolled: int
    completed: int
    in_progress: int
    certifications: int
