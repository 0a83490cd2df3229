"""The vendor's catalogue: courses and their lessons, the final quiz (paths and certifications: ``paths.py``).

Every write needs ``learning.manage`` (program admin, partner marketing) and records an audit event.
Audiences (partner types, tiers, partner roles) are given as codes / names; empty means everyone.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError
from allied.core.permissions import require_perm
from allied.core.scope import PARTNER_ROLES
from allied.program.models import PartnerType, Tier

from ..models import (
    CatalogueStatus,
    Choice,
    Course,
    Lesson,
    LessonKind,
    Question,
    QuestionKind,
    Quiz,
)

COURSE_FIELDS = ("title", "summary", "duration_minutes", "partner_types", "tiers", "roles")
LESSON_FIELDS = ("title", "kind", "body", "video_url", "file", "duration_minutes")
QUIZ_FIELDS = ("pass_mark_percent", "max_attempts", "retry_after_hours", "questions")
MAX_QUESTIONS = 100
MAX_CHOICES = 10


# -- input cleaning ------------------------------------------------------------------------------

def _unknown(data: dict, allowed) -> None:
    if bad := sorted(set(data) - set(allowed)):
        raise DomainError("Unknown field.", field=bad[0])


def clean_text(value, field: str, *, most: int, required: bool = False, label: str | None = None) -> str:
    label = label or field.replace("_", " ")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(f"The {label} must be text.", field=field)
    value = value.strip()
    if required and not value:
        raise DomainError(f"Enter the {label}.", field=field)
    if len(value) > most:
        raise DomainError(f"The {label} is at most {most:,} characters.", field=field)
    return value


def clean_int(value, field: str, *, least: int = 0, most: int, label: str | None = None) -> int:
    label = label or field.replace("_", " ")
    if value in (None, ""):
        raise DomainError(f"Enter the {label}.", field=field)
    if isinstance(value, (bool, float)):
        raise DomainError(f"The {label} must be a whole number.", field=field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise DomainError(f"The {label} must be a whole number.", field=field)
    if not least <= number <= most:
        raise DomainError(f"The {label} must be between {least:,} and {most:,}.", field=field)
    return number


def clean_bool(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on", "false", "0", "no", "off", ""):
        return value.strip().lower() in ("true", "1", "yes", "on")
    raise DomainError("Answer true or false.", field=field)


def _list(value, field: str) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.split(",")) if v]
    if not isinstance(value, (list, tuple)):
        raise DomainError("Give a list.", field=field)
    return list(value)


def clean_audience(data: dict) -> dict:
    """``{partner_types: [PartnerType], tiers: [Tier], roles: [str]}`` for the keys present in ``data``."""
    out = {}
    if "partner_types" in data:
        codes = [str(c).strip().lower() for c in _list(data["partner_types"], "partner_types")]
        found = {t.code: t for t in PartnerType.objects.filter(code__in=codes)}
        if bad := [c for c in codes if c not in found]:
            raise DomainError(f"Unknown partner type {bad[0]!r}.", field="partner_types")
        out["partner_types"] = [found[c] for c in dict.fromkeys(codes)]
    if "tiers" in data:
        names = [str(n).strip() for n in _list(data["tiers"], "tiers")]
        tiers = list(Tier.objects.all())
        by = {t.name.lower(): t for t in tiers} | {t.public_id: t for t in tiers}
        if bad := [n for n in names if n.lower() not in by and n not in by]:
            raise DomainError(f"Unknown tier {bad[0]!r}.", field="tiers")
        out["tiers"] = list({(by.get(n) or by[n.lower()]).pk: by.get(n) or by[n.lower()] for n in names}.values())
    if "roles" in data:
        roles = [str(r).strip() for r in _list(data["roles"], "roles")]
        if bad := [r for r in roles if r not in PARTNER_ROLES]:
            raise DomainError(f"Unknown partner role {bad[0]!r}; use {', '.join(sorted(PARTNER_ROLES))}.", field="roles")
        out["roles"] = sorted(set(roles))
    return out


def _audience_set(obj, audience: dict) -> None:
    if "partner_types" in audience:
        obj.partner_types.set(audience["partner_types"])
    if "tiers" in audience:
        obj.tiers.set(audience["tiers"])


def audience_snapshot(obj) -> dict:
    return {"partner_types": sorted(t.code for t in obj.partner_types.all()), "tiers": sorted(t.name for t in obj.tiers.all()),
            "roles": list(obj.roles or [])}


# -- courses -------------------------------------------------------------------------------------

def _course_fields(data: dict, *, creating: bool) -> dict:
    _unknown(data, COURSE_FIELDS)
    out = {}
    if creating or "title" in data:
        out["title"] = clean_text(data.get("title"), "title", most=200, required=True)
    if "summary" in data:
        out["summary"] = clean_text(data["summary"], "summary", most=10_000)
    if "duration_minutes" in data:
        out["duration_minutes"] = clean_int(data["duration_minutes"], "duration_minutes", most=10_000, label="duration in minutes")
    return out


@transaction.atomic
def course_create(*, actor, data: dict) -> Course:
    """A draft course; publish it once it has lessons."""
    require_perm(actor, "learning.manage")
    fields = _course_fields(data, creating=True)
    audience = clean_audience(data)
    course = Course.objects.create(created_by=actor if getattr(actor, "pk", None) else None, roles=audience.pop("roles", []), **fields)
    _audience_set(course, audience)
    audit_record(actor=actor, action="course.created", obj=course,
                 after={**snapshot(course, ("title", "status", "duration_minutes")), **audience_snapshot(course)})
    return course


def _locked_course(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


@transaction.atomic
def course_update(*, actor, course: Course, data: dict) -> Course:
    require_perm(actor, "learning.manage")
    course = _locked_course(course)
    fields = _course_fields(data, creating=False)
    audience = clean_audience(data)
    before = {**snapshot(course, ("title", "summary", "duration_minutes")), **audience_snapshot(course)}
    for k, v in fields.items():
        setattr(course, k, v)
    if "roles" in audience:
        course.roles = audience.pop("roles")
    course.updated_at = timezone.now()
    course.save()
    _audience_set(course, audience)
    audit_record(actor=actor, action="course.updated", obj=course, before=before,
                 after={**snapshot(course, ("title", "summary", "duration_minutes")), **audience_snapshot(course)})
    return course


@transaction.atomic
def course_publish(*, actor, course: Course) -> Course:
    """Partners in the audience see it. A course needs at least one lesson."""
    require_perm(actor, "learning.manage")
    course = _locked_course(course)
    if course.status == CatalogueStatus.PUBLISHED:
        raise Conflict("The course is already published.", field="status")
    if not course.lessons.exists():
        raise Conflict("Add at least one lesson before publishing the course.", field="lessons")
    before = course.status
    course.status, course.updated_at = CatalogueStatus.PUBLISHED, timezone.now()
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="course.published", obj=course, before={"status": before}, after={"status": course.status})
    return course


@transaction.atomic
def course_retire(*, actor, course: Course) -> Course:
    """No new enrollments; learners keep their progress and what they earned."""
    require_perm(actor, "learning.manage")
    course = _locked_course(course)
    if course.status != CatalogueStatus.PUBLISHED:
        raise Conflict("Only a published course can be retired.", field="status")
    course.status, course.updated_at = CatalogueStatus.RETIRED, timezone.now()
    course.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="course.retired", obj=course, before={"status": "published"}, after={"status": course.status})
    return course


# -- lessons -------------------------------------------------------------------------------------

def _lesson_fields(data: dict, *, current: Lesson | None) -> dict:
    _unknown(data, LESSON_FIELDS)
    out = {}
    if current is None or "title" in data:
        out["title"] = clean_text(data.get("title"), "title", most=200, required=True)
    kind = data.get("kind", current.kind if current else LessonKind.TEXT)
    if kind not in LessonKind.values:
        raise DomainError(f"Choose a kind: {', '.join(LessonKind.values)}.", field="kind")
    out["kind"] = kind
    if "body" in data:
        out["body"] = clean_text(data["body"], "body", most=100_000, label="lesson text")
    if "video_url" in data:
        url = clean_text(data["video_url"], "video_url", most=200, label="video link")
        if url and not url.lower().startswith(("https://", "http://")):
            raise DomainError("The video link must start with https://.", field="video_url")
        out["video_url"] = url
    if "duration_minutes" in data:
        out["duration_minutes"] = clean_int(data["duration_minutes"], "duration_minutes", most=10_000, label="duration in minutes")
    if data.get("file") is not None:
        upload = data["file"]
        if not hasattr(upload, "read") or not getattr(upload, "name", ""):
            raise DomainError("Upload a file.", field="file")
        if upload.size > 50 * 1024 * 1024:
            raise DomainError("A lesson file is at most 50 MB.", field="file")
        out["file"] = upload
        out["file_name"] = upload.name.rsplit("/", 1)[-1][:255]
    body = out.get("body", current.body if current else "")
    video = out.get("video_url", current.video_url if current else "")
    has_file = "file" in out or bool(current and current.file)
    if kind == LessonKind.TEXT and not body:
        raise DomainError("A text lesson needs its text.", field="body")
    if kind == LessonKind.VIDEO and not video:
        raise DomainError("A video lesson needs its video link.", field="video_url")
    if kind == LessonKind.FILE and not has_file:
        raise DomainError("A file lesson needs its file.", field="file")
    return out


LESSON_AUDITED = ("title", "kind", "video_url", "file_name", "duration_minutes", "position")


@transaction.atomic
def lesson_create(*, actor, course: Course, data: dict) -> Lesson:
    """A lesson added at the end of the course."""
    require_perm(actor, "learning.manage")
    course = _locked_course(course)
    fields = _lesson_fields(data, current=None)
    position = (course.lessons.aggregate(m=Max("position"))["m"] or 0) + 1
    lesson = Lesson.objects.create(course=course, position=position, **fields)
    audit_record(actor=actor, action="lesson.created", obj=lesson, after={"course": course.public_id, **snapshot(lesson, LESSON_AUDITED)})
    return lesson


@transaction.atomic
def lesson_update(*, actor, lesson: Lesson, data: dict) -> Lesson:
    require_perm(actor, "learning.manage")
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    before = snapshot(lesson, LESSON_AUDITED)
    for k, v in _lesson_fields(data, current=lesson).items():
        setattr(lesson, k, v)
    lesson.save()
    audit_record(actor=actor, action="lesson.updated", obj=lesson, before=before, after=snapshot(lesson, LESSON_AUDITED))
    return lesson


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson) -> None:
    """Learners' marks on it go with it; a published course keeps at least one lesson."""
    require_perm(actor, "learning.manage")
    course = _locked_course(lesson.course)
    if course.status == CatalogueStatus.PUBLISHED and course.lessons.count() <= 1:
        raise Conflict("A published course keeps at least one lesson; retire the course instead.", field="lesson")
    audit_record(actor=actor, action="lesson.deleted", obj=lesson, before={"course": course.public_id, **snapshot(lesson, LESSON_AUDITED)})
    lesson.delete()


@transaction.atomic
def lesson_reorder(*, actor, course: Course, order: list[str]) -> list[Lesson]:
    """Put the course's lessons in the given order (every lesson's public id, once each)."""
    require_perm(actor, "learning.manage")
    course = _locked_course(course)
    lessons = {lesson.public_id: lesson for lesson in course.lessons.all()}
    order = [str(x) for x in _list(order, "order")]
    if len(order) != len(set(order)):
        raise DomainError("Name each lesson once.", field="order")
    if set(order) != set(lessons):
        unknown = sorted(set(order) - set(lessons))
        raise DomainError(f"Unknown lesson {unknown[0]}." if unknown else "Name every lesson of the course.", field="order")
    before = [lesson.public_id for lesson in sorted(lessons.values(), key=lambda x: (x.position, x.pk))]
    for i, pid in enumerate(order, start=1):
        lessons[pid].position = i
    Lesson.objects.bulk_update(lessons.values(), ["position"])
    audit_record(actor=actor, action="course.lessons_reordered", obj=course, before={"order": before}, after={"order": order})
    return [lessons[pid] for pid in order]


# -- the quiz ------------------------------------------------------------------------------------

def clean_quiz(data: dict) -> dict:
    """The quiz settings and its questions with choices, validated as one structure; errors name the path
    (``questions[2].choices``)."""
    if not isinstance(data, dict):
        raise DomainError("Give the quiz as an object.", field="quiz")
    _unknown(data, QUIZ_FIELDS)
    out = {
        "pass_mark_percent": clean_int(data.get("pass_mark_percent", 80), "pass_mark_percent", least=1, most=100, label="pass mark"),
        "max_attempts": clean_int(data.get("max_attempts", 3), "max_attempts", most=100, label="number of attempts"),
        "retry_after_hours": clean_int(data.get("retry_after_hours", 0), "retry_after_hours", most=24 * 90, label="wait between attempts"),
    }
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise DomainError("Add at least one question.", field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise DomainError(f"A quiz has at most {MAX_QUESTIONS} questions.", field="questions")
    cleaned = []
    for i, q in enumerate(questions):
        at = f"questions[{i}]"
        if not isinstance(q, dict):
            raise DomainError("Give each question as an object.", field=at)
        if bad := sorted(set(q) - {"text", "kind", "explanation", "choices"}):
            raise DomainError("Unknown field.", field=f"{at}.{bad[0]}")
        kind = q.get("kind") or QuestionKind.SINGLE
        if kind not in QuestionKind.values:
            raise DomainError(f"Choose a kind: {', '.join(QuestionKind.values)}.", field=f"{at}.kind")
        choices = q.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            raise DomainError("Give at least two choices.", field=f"{at}.choices")
        if len(choices) > MAX_CHOICES:
            raise DomainError(f"A question has at most {MAX_CHOICES} choices.", field=f"{at}.choices")
        clean_choices = []
        for j, c in enumerate(choices):
            cat = f"{at}.choices[{j}]"
            if not isinstance(c, dict):
                raise DomainError("Give each choice as an object.", field=cat)
            if bad := sorted(set(c) - {"text", "correct"}):
                raise DomainError("Unknown field.", field=f"{cat}.{bad[0]}")
            clean_choices.append({"text": clean_text(c.get("text"), f"{cat}.text", most=500, required=True, label="choice"),
                                  "correct": clean_bool(c.get("correct", False), f"{cat}.correct")})
        correct = sum(c["correct"] for c in clean_choices)
        if kind == QuestionKind.SINGLE and correct != 1:
            raise DomainError("A one-answer question has exactly one correct choice.", field=f"{at}.choices")
        if kind == QuestionKind.MULTIPLE and correct < 1:
            raise DomainError("Mark at least one choice correct.", field=f"{at}.choices")
        if len({c["text"].lower() for c in clean_choices}) != len(clean_choices):
            raise DomainError("Two choices say the same.", field=f"{at}.choices")
        cleaned.append({"text": clean_text(q.get("text"), f"{at}.text", most=2000, required=True, label="question"), "kind": kind,
                        "explanation": clean_text(q.get("explanation"), f"{at}.explanation", most=2000), "choices": clean_choices})
    out["questions"] = cleaned
    return out


def quiz_snapshot(quiz: Quiz | None) -> dict:
    if quiz is None:
        return {}
    return {"pass_mark_percent": quiz.pass_mark_percent, "max_attempts": quiz.max_attempts, "retry_after_hours": quiz.retry_after_hours,
            "questions": [{"text": q.text, "kind": q.kind, "choices": [[c.text, c.correct] for c in q.choices.all()]}
                          for q in quiz.questions.all()]}


@transaction.atomic
def quiz_set(*, actor, course: Course, data: dict | None) -> Quiz | None:
    """Set the course's quiz (settings and every question with its choices, replaced as a whole); ``None`` removes it.

    Past attempts keep their answers and scores; new attempts are scored against the new questions."""
    require_perm(actor, "learning.manage")
    course = _locked_course(course)
    current = Quiz.objects.filter(course=course).first()
    before = quiz_snapshot(current)
    if data is None:
        if current is not None:
            current.delete()
            audit_record(actor=actor, action="course.quiz_removed", obj=course, before=before)
        return None
    cleaned = clean_quiz(data)
    questions = cleaned.pop("questions")
    quiz, _ = Quiz.objects.update_or_create(course=course, defaults=cleaned)
    quiz.questions.all().delete()
    for i, q in enumerate(questions, start=1):
        question = Question.objects.create(quiz=quiz, position=i, text=q["text"], kind=q["kind"], explanation=q["explanation"])
        # public ids are generated on save, so the choices are created one by one (at most MAX_CHOICES)
        for j, c in enumerate(q["choices"], start=1):
            Choice.objects.create(question=question, position=j, text=c["text"], correct=c["correct"])
    course.updated_at = timezone.now()
    course.save(update_fields=["updated_at"])
    audit_record(actor=actor, action="course.quiz_set", obj=course, before=before, after=quiz_snapshot(quiz))
    return quiz
