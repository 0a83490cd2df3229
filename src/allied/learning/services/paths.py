"""The vendor's catalogue, continued: learning paths (ordered courses, each required or optional) and the
certifications earned by completing a path's required courses. ``learning.manage``; every write audited."""

from django.db import transaction

from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError
from allied.core.permissions import require_perm

from ..models import CatalogueStatus, Certification, Course, LearningPath, PathCourse
from .catalogue import (
    _audience_set,
    _list,
    _unknown,
    audience_snapshot,
    clean_audience,
    clean_bool,
    clean_int,
    clean_text,
)

PATH_FIELDS = ("name", "description", "courses", "partner_types", "tiers", "roles")
CERT_FIELDS = ("name", "description", "path", "validity_months", "remind_days_before", "status")


# -- learning paths ------------------------------------------------------------------------------

def _path_courses(value) -> list[tuple[Course, bool]]:
    items = _list(value, "courses")
    out, seen = [], set()
    for i, item in enumerate(items):
        at = f"courses[{i}]"
        if isinstance(item, str):
            item = {"course": item, "required": True}
        if not isinstance(item, dict):
            raise DomainError("Give each step as a course id or {course, required}.", field=at)
        ref = item.get("course")
        course = ref if isinstance(ref, Course) else Course.objects.filter(public_id=str(ref or "")).first()
        if course is None:
            raise DomainError("Unknown course.", field=f"{at}.course")
        if course.pk in seen:
            raise DomainError("A course appears once in a path.", field=f"{at}.course")
        seen.add(course.pk)
        out.append((course, clean_bool(item.get("required", True), f"{at}.required")))
    return out


def _path_snapshot(path: LearningPath) -> dict:
    return {"name": path.name, "status": path.status,
            "courses": [[s.course.public_id, s.required] for s in path.steps.select_related("course")], **audience_snapshot(path)}


def _path_write(path: LearningPath, data: dict, *, creating: bool) -> LearningPath:
    _unknown(data, PATH_FIELDS)
    if creating or "name" in data:
        path.name = clean_text(data.get("name"), "name", most=200, required=True)
    if "description" in data:
        path.description = clean_text(data["description"], "description", most=10_000)
    steps = _path_courses(data["courses"]) if "courses" in data else None
    audience = clean_audience(data)
    if "roles" in audience:
        path.roles = audience.pop("roles")
    if steps is not None and path.status == CatalogueStatus.PUBLISHED and not any(r for _, r in steps):
        raise Conflict("A published path keeps at least one required course.", field="courses")
    path.save()
    _audience_set(path, audience)
    if steps is not None:
        path.steps.all().delete()
        PathCourse.objects.bulk_create(PathCourse(path=path, course=c, required=r, position=i) for i, (c, r) in enumerate(steps, start=1))
    return path


@transaction.atomic
def path_create(*, actor, data: dict) -> LearningPath:
    require_perm(actor, "learning.manage")
    path = _path_write(LearningPath(), data, creating=True)
    audit_record(actor=actor, action="learning_path.created", obj=path, after=_path_snapshot(path))
    return path


@transaction.atomic
def path_update(*, actor, path: LearningPath, data: dict) -> LearningPath:
    """Change a path; holders keep certifications earned under the old course list."""
    require_perm(actor, "learning.manage")
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    before = _path_snapshot(path)
    path = _path_write(path, data, creating=False)
    audit_record(actor=actor, action="learning_path.updated", obj=path, before=before, after=_path_snapshot(path))
    return path


@transaction.atomic
def path_publish(*, actor, path: LearningPath) -> LearningPath:
    """A path is published once it has a required course and all its courses are published."""
    require_perm(actor, "learning.manage")
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    if path.status == CatalogueStatus.PUBLISHED:
        raise Conflict("The path is already published.", field="status")
    steps = list(path.steps.select_related("course"))
    if not any(s.required for s in steps):
        raise Conflict("Add at least one required course before publishing the path.", field="courses")
    if drafts := [s.course.title for s in steps if s.course.status != CatalogueStatus.PUBLISHED]:
        raise Conflict(f"Publish its courses first: {', '.join(drafts)}.", field="courses")
    before = path.status
    path.status = CatalogueStatus.PUBLISHED
    path.save(update_fields=["status"])
    audit_record(actor=actor, action="learning_path.published", obj=path, before={"status": before}, after={"status": path.status})
    return path


@transaction.atomic
def path_retire(*, actor, path: LearningPath) -> LearningPath:
    require_perm(actor, "learning.manage")
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    if path.status != CatalogueStatus.PUBLISHED:
        raise Conflict("Only a published path can be retired.", field="status")
    path.status = CatalogueStatus.RETIRED
    path.save(update_fields=["status"])
    audit_record(actor=actor, action="learning_path.retired", obj=path, before={"status": "published"}, after={"status": path.status})
    return path


# -- certifications ------------------------------------------------------------------------------

CERT_AUDITED = ("name", "path", "validity_months", "remind_days_before", "status")


def _cert_write(cert: Certification, data: dict, *, creating: bool) -> Certification:
    _unknown(data, CERT_FIELDS)
    if creating or "name" in data:
        name = clean_text(data.get("name"), "name", most=200, required=True)
        if Certification.objects.filter(name__iexact=name).exclude(pk=cert.pk).exists():
            raise Conflict("A certification with this name exists.", field="name")
        cert.name = name
    if "description" in data:
        cert.description = clean_text(data["description"], "description", most=10_000)
    if creating or "path" in data:
        ref = data.get("path")
        path = ref if isinstance(ref, LearningPath) else LearningPath.objects.filter(public_id=str(ref or "")).first()
        if path is None:
            raise DomainError("Choose the learning path it certifies.", field="path")
        cert.path = path
    if "validity_months" in data:
        cert.validity_months = clean_int(data["validity_months"], "validity_months", most=120, label="validity in months")
    if "remind_days_before" in data:
        cert.remind_days_before = clean_int(data["remind_days_before"], "remind_days_before", most=365, label="reminder days")
    if "status" in data:
        if data["status"] not in CatalogueStatus.values:
            raise DomainError(f"Choose a status: {', '.join(CatalogueStatus.values)}.", field="status")
        if data["status"] == CatalogueStatus.PUBLISHED and cert.path.status != CatalogueStatus.PUBLISHED:
            raise Conflict("Publish its learning path first.", field="status")
        cert.status = data["status"]
    cert.save()
    return cert


@transaction.atomic
def certification_create(*, actor, data: dict) -> Certification:
    """A certification of a learning path (draft unless ``status`` says published)."""
    require_perm(actor, "learning.manage")
    cert = _cert_write(Certification(), data, creating=True)
    audit_record(actor=actor, action="certification.created", obj=cert, after=snapshot(cert, CERT_AUDITED))
    return cert


@transaction.atomic
def certification_update(*, actor, certification: Certification, data: dict) -> Certification:
    """Change a certification; a new validity applies to certifications earned from now on."""
    require_perm(actor, "learning.manage")
    cert = Certification.objects.select_for_update().get(pk=certification.pk)
    before = snapshot(cert, CERT_AUDITED)
    cert = _cert_write(cert, data, creating=False)
    audit_record(actor=actor, action="certification.updated", obj=cert, before=before, after=snapshot(cert, CERT_AUDITED))
    return cert
