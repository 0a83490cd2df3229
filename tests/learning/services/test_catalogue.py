"""Catalogue services: courses, lessons, the quiz structure, paths, certifications — validation, status rules, audit."""

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.learning import services
from allied.learning.models import CatalogueStatus, Choice, Question, Quiz
from tests.learning.factories import course, path, quiz_data


def test_course_create_keeps_audience_and_audits(world):
    c = services.course_create(actor=world.pmm, data={"title": " Selling security ", "partner_types": ["reseller", "si"],
                                                      "tiers": ["Registered"], "roles": ["partner_sales"]})
    assert c.title == "Selling security" and c.status == CatalogueStatus.DRAFT
    assert sorted(t.code for t in c.partner_types.all()) == ["reseller", "si"]
    assert [t.name for t in c.tiers.all()] == ["Registered"] and c.roles == ["partner_sales"]
    event = AuditEvent.objects.get(action="course.created", object_id=c.public_id)
    assert event.actor == world.pmm and event.after["partner_types"] == ["reseller", "si"]


@pytest.mark.parametrize("data, field", [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "T", "partner_types": ["martian"]}, "partner_types"),
    ({"title": "T", "tiers": ["Unobtainium"]}, "tiers"),
    ({"title": "T", "roles": ["cam"]}, "roles"),
    ({"title": "T", "duration_minutes": -1}, "duration_minutes"),
    ({"title": "T", "colour": "red"}, "colour"),
])
def test_course_input_errors_name_the_field(world, data, field):
    with pytest.raises(DomainError) as exc:
        services.course_create(actor=world.pmm, data=data)
    assert exc.value.field == field


def test_only_learning_managers_change_the_catalogue(world):
    for user in (world.cam, world.finance, world.a_admin):
        with pytest.raises(PermissionDenied):
            services.course_create(actor=user, data={"title": "Nope"})
    assert services.course_create(actor=world.admin, data={"title": "Yes"}).pk


def test_publish_needs_a_lesson_and_retire_needs_published(world):
    c = services.course_create(actor=world.pmm, data={"title": "Empty"})
    with pytest.raises(Conflict) as exc:
        services.course_publish(actor=world.pmm, course=c)
    assert exc.value.field == "lessons"
    with pytest.raises(Conflict):
        services.course_retire(actor=world.pmm, course=c)
    services.lesson_create(actor=world.pmm, course=c, data={"title": "One", "kind": "text", "body": "Hello"})
    assert services.course_publish(actor=world.pmm, course=c).status == CatalogueStatus.PUBLISHED
    assert services.course_retire(actor=world.pmm, course=c).status == CatalogueStatus.RETIRED


@pytest.mark.parametrize("data, field", [
    ({"title": "V", "kind": "video"}, "video_url"),
    ({"title": "V", "kind": "video", "video_url": "javascript:alert(1)"}, "video_url"),
    ({"title": "T", "kind": "text"}, "body"),
    ({"title": "F", "kind": "file"}, "file"),
    ({"title": "K", "kind": "podcast"}, "kind"),
])
def test_lesson_kinds_need_their_content(world, data, field):
    c = services.course_create(actor=world.pmm, data={"title": "Lessons"})
    with pytest.raises(DomainError) as exc:
        services.lesson_create(actor=world.pmm, course=c, data=data)
    assert exc.value.field == field


def test_lessons_are_appended_reordered_and_deleted(world):
    c = course(world.pmm, lessons=3, quiz=False)
    first, second, third = c.lessons.all()
    assert [x.position for x in (first, second, third)] == [1, 2, 3]
    services.lesson_reorder(actor=world.pmm, course=c, order=[third.public_id, first.public_id, second.public_id])
    assert [x.title for x in c.lessons.all()] == ["Lesson 3", "Lesson 1", "Lesson 2"]
    with pytest.raises(DomainError) as exc:
        services.lesson_reorder(actor=world.pmm, course=c, order=[third.public_id, first.public_id])
    assert exc.value.field == "order"
    services.lesson_delete(actor=world.pmm, lesson=first)
    services.lesson_delete(actor=world.pmm, lesson=second)
    with pytest.raises(Conflict):  # a published course keeps one lesson
        services.lesson_delete(actor=world.pmm, lesson=third)
    assert AuditEvent.objects.filter(action="lesson.deleted").count() == 2


@pytest.mark.parametrize("change, field", [
    ({"questions": []}, "questions"),
    ({"pass_mark_percent": 0}, "pass_mark_percent"),
    ({"max_attempts": -1}, "max_attempts"),
    ({"questions": [{"text": "Q", "kind": "single", "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]}]},
     "questions[0].choices"),
    ({"questions": [{"text": "Q", "kind": "multiple", "choices": [{"text": "a"}, {"text": "b"}]}]}, "questions[0].choices"),
    ({"questions": [{"text": "Q", "choices": [{"text": "a", "correct": True}]}]}, "questions[0].choices"),
    ({"questions": [{"text": "", "choices": [{"text": "a", "correct": True}, {"text": "b"}]}]}, "questions[0].text"),
    ({"questions": [{"text": "Q", "choices": [{"text": "a", "correct": True}, {"text": ""}]}]}, "questions[0].choices[1].text"),
    ({"questions": [{"text": "Q", "choices": [{"text": "a", "correct": "maybe"}, {"text": "b"}]}]}, "questions[0].choices[0].correct"),
])
def test_quiz_structure_is_validated_as_a_whole(world, change, field):
    c = course(world.pmm, quiz=False, publish=False)
    with pytest.raises(DomainError) as exc:
        services.quiz_set(actor=world.pmm, course=c, data=quiz_data(**change))
    assert exc.value.field == field
    assert not Question.objects.filter(quiz__course=c).exists()


def test_quiz_set_replaces_questions_and_none_removes(world):
    c = course(world.pmm, quiz=True, publish=False)
    assert c.quiz.questions.count() == 2 and Choice.objects.filter(question__quiz__course=c).count() == 5
    services.quiz_set(actor=world.pmm, course=c, data=quiz_data(questions=quiz_data()["questions"][:1], max_attempts=0))
    c.quiz.refresh_from_db()
    assert c.quiz.questions.count() == 1 and c.quiz.max_attempts == 0
    services.quiz_set(actor=world.pmm, course=c, data=None)
    assert not Quiz.objects.filter(course=c).exists()
    assert not Question.objects.filter(quiz__course=c).exists()
    assert AuditEvent.objects.filter(action="course.quiz_removed", object_id=c.public_id).exists()


def test_path_publish_needs_published_required_courses(world):
    draft = course(world.pmm, publish=False)
    live = course(world.pmm)
    p = path(world.pmm, [live, draft], publish=False)
    with pytest.raises(Conflict) as exc:
        services.path_publish(actor=world.pmm, path=p)
    assert draft.title in exc.value.message
    p = services.path_update(actor=world.pmm, path=p, data={"courses": [live.public_id]})
    assert services.path_publish(actor=world.pmm, path=p).status == CatalogueStatus.PUBLISHED
    with pytest.raises(DomainError) as exc:
        services.path_update(actor=world.pmm, path=p, data={"courses": [{"course": "crs_0000000000000000"}]})
    assert exc.value.field == "courses[0].course"
    with pytest.raises(DomainError) as exc:
        services.path_update(actor=world.pmm, path=p, data={"courses": [live.public_id, live.public_id]})
    assert exc.value.field == "courses[1].course"


def test_certification_rules(world):
    p = path(world.pmm, [course(world.pmm)], publish=False)
    with pytest.raises(Conflict) as exc:
        services.certification_create(actor=world.pmm, data={"name": "Pro", "path": p.public_id, "status": "published"})
    assert exc.value.field == "status"
    cert = services.certification_create(actor=world.pmm, data={"name": "Pro", "path": p.public_id, "validity_months": 24})
    with pytest.raises(Conflict) as exc:
        services.certification_create(actor=world.pmm, data={"name": "pro", "path": p.public_id})
    assert exc.value.field == "name"
    with pytest.raises(DomainError) as exc:
        services.certification_update(actor=world.pmm, certification=cert, data={"validity_months": 500})
    assert exc.value.field == "validity_months"
    with pytest.raises(DomainError) as exc:
        services.certification_create(actor=world.pmm, data={"name": "Other"})
    assert exc.value.field == "path"
    services.path_publish(actor=world.pmm, path=p)
    cert = services.certification_update(actor=world.pmm, certification=cert, data={"status": "published"})
    assert cert.status == "published"
    assert AuditEvent.objects.filter(action="certification.updated", object_id=cert.public_id).count() == 1  # the refused change left none
