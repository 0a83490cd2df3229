"""Courses, lessons, quizzes, learning paths, certifications and each learner's progress.

Catalogue objects (course, path, certification) are the vendor's. Progress objects (enrollment,
lesson progress, quiz attempt, user certification) belong to one partner user and carry the partner
for the visibility scope. Audience rules (partner types, tiers, roles; empty means everyone) decide who
sees a course or path in the portal.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from allied.core.ids import PublicIdField


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Audience(models.Model):
    """Who a catalogue object is for: empty partner types / tiers / roles mean all of them."""

    partner_types = models.ManyToManyField("program.PartnerType", blank=True, related_name="+")
    tiers = models.ManyToManyField("program.Tier", blank=True, related_name="+")
    roles = models.JSONField(default=list, blank=True, help_text="Partner roles (partner_admin, partner_sales, partner_marketing).")

    class Meta:
        abstract = True


class Course(Audience):
    public_id = PublicIdField(prefix="crs")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT, db_index=True)
    duration_minutes = models.PositiveIntegerField(default=0, help_text="Estimated time to complete.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class LessonKind(models.TextChoices):
    TEXT = "text", "Text"
    VIDEO = "video", "Video"
    FILE = "file", "File"


class Lesson(models.Model):
    public_id = PublicIdField(prefix="lsn")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=LessonKind.choices, default=LessonKind.TEXT)
    body = models.TextField(blank=True, help_text="The lesson text (plain text with blank lines between paragraphs).")
    video_url = models.URLField(blank=True)
    file = models.FileField(upload_to="learning/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    duration_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Quiz(models.Model):
    """The course's final quiz: passing it (after every lesson) completes the course."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="quiz")
    pass_mark_percent = models.PositiveSmallIntegerField(default=80, validators=[MinValueValidator(1), MaxValueValidator(100)])
    max_attempts = models.PositiveSmallIntegerField(default=3, help_text="0 means unlimited.")
    retry_after_hours = models.PositiveSmallIntegerField(default=0, help_text="Wait between failed attempts.")

    def __str__(self) -> str:
        return f"Quiz of {self.course}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "One answer"
    MULTIPLE = "multiple", "Several answers"


class Question(models.Model):
    public_id = PublicIdField(prefix="qst")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    kind = models.CharField(max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    explanation = models.TextField(blank=True, help_text="Shown after the attempt.")

    class Meta:
        ordering = ["quiz", "position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Choice(models.Model):
    public_id = PublicIdField(prefix="cho")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class LearningPath(Audience):
    public_id = PublicIdField(prefix="path")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT, db_index=True)
    courses = models.ManyToManyField(Course, through="PathCourse", related_name="paths")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PathCourse(models.Model):
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["path", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["path", "course"], name="path_course_unique")]

    def __str__(self) -> str:
        return f"{self.path} · {self.course}"


class Certification(models.Model):
    """Earned by completing every required course of its path; valid for ``validity_months``."""

    public_id = PublicIdField(prefix="cert")
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    path = models.ForeignKey(LearningPath, on_delete=models.PROTECT, related_name="certifications")
    validity_months = models.PositiveSmallIntegerField(default=24, help_text="0 means it never expires.")
    remind_days_before = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=10, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """One partner user taking one course; completed when every lesson is done and the quiz (if any) passed."""

    public_id = PublicIdField(prefix="enr")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    achievement = models.ForeignKey("partners.Achievement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    help_text="The training achievement recorded at completion (a tier fact).")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique")]

    def __str__(self) -> str:
        return self.public_id


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lessons_done")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="lesson_progress_unique")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}:{self.lesson_id}"


class QuizAttempt(models.Model):
    public_id = PublicIdField(prefix="att")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict, help_text="Question public id -> chosen choice public ids.")
    score_percent = models.PositiveSmallIntegerField()
    passed = models.BooleanField()

    class Meta:
        ordering = ["enrollment", "number"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "number"], name="quiz_attempt_number_unique")]

    def __str__(self) -> str:
        return self.public_id


class CertStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class UserCertification(models.Model):
    """A certification one partner user holds; re-certifying writes a new row (history is kept)."""

    public_id = PublicIdField(prefix="ucert")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="user_certifications")
    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="holders")
    earned_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=8, choices=CertStatus.choices, default=CertStatus.ACTIVE, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    achievement = models.ForeignKey("partners.Achievement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    help_text="The certification achievement (with its expiry) that tier rules count.")

    class Meta:
        ordering = ["-earned_at", "-id"]

    def __str__(self) -> str:
        return f"{self.certification} · {self.user_id}"
