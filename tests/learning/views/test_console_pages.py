"""Console learning pages: the catalogue editors (course, lessons with reorder, quiz, paths, certifications) and the
reports (completion by partner, course and path; certification holders with a formula-safe CSV)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allied.learning.models import CatalogueStatus, Certification, Course, LearningPath, UserCertification
from tests.factories import audit_actions
from tests.learning.factories import certification, complete, course, path

pytestmark = pytest.mark.django_db


def test_course_create_lessons_reorder_publish(client, world):
    client.force_login(world.pmm)
    r = client.post("/console/learning/courses/new/", {"title": "Technical deployment", "summary": "Install and run it.",
                                                       "duration_minutes": "45", "partner_types": ["msp", "si"], "roles": []})
    c = Course.objects.get()
    assert r["Location"] == f"/console/learning/courses/{c.public_id}/"
    assert sorted(t.code for t in c.partner_types.all()) == ["msp", "si"] and c.status == CatalogueStatus.DRAFT
    r = client.post(f"/console/learning/courses/{c.public_id}/", {"action": "publish"}, follow=True)
    assert "Add at least one lesson before publishing the course." in r.content.decode()
    for title in ("Architecture", "Install"):
        client.post(f"/console/learning/courses/{c.public_id}/lessons/new/", {"title": title, "kind": "text", "body": "Read me.",
                                                                              "duration_minutes": "5"})
    client.post(f"/console/learning/courses/{c.public_id}/lessons/new/", {
        "title": "Runbook", "kind": "file", "duration_minutes": "5",
        "file": SimpleUploadedFile("runbook.pdf", b"%PDF-1.4 runbook", content_type="application/pdf")})
    assert [x.title for x in c.lessons.all()] == ["Architecture", "Install", "Runbook"]
    last = c.lessons.get(title="Runbook")
    client.post(f"/console/learning/courses/{c.public_id}/", {"action": "up", "lesson": last.public_id})
    assert [x.title for x in c.lessons.all()] == ["Architecture", "Runbook", "Install"]
    r = client.get(f"/console/learning/courses/{c.public_id}/lessons/{last.public_id}/file/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 runbook" and "attachment" in r["Content-Disposition"]
    client.post(f"/console/learning/courses/{c.public_id}/", {"action": "publish"})
    c.refresh_from_db()
    assert c.status == CatalogueStatus.PUBLISHED
    assert {"course.created", "lesson.created", "course.lessons_reordered", "course.published"} <= set(audit_actions())


def test_lesson_errors_name_the_field(client, world):
    c = course(world.pmm, lessons=1, publish=False)
    client.force_login(world.admin)
    r = client.post(f"/console/learning/courses/{c.public_id}/lessons/new/", {"title": "Demo", "kind": "video", "duration_minutes": "3"})
    assert r.status_code == 400 and "A video lesson needs its video link." in r.content.decode()
    assert 'id="id_video_url_error"' in r.content.decode() and c.lessons.count() == 1


def test_quiz_editor_saves_questions_and_names_the_bad_one(client, world):
    c = course(world.pmm, lessons=1, quiz=False, publish=False)
    client.force_login(world.pmm)
    url = f"/console/learning/courses/{c.public_id}/quiz/"
    body = client.get(url).content.decode()
    assert body.count('class="card question-edit') == 3
    data = {"questions": "2", "pass_mark_percent": "50", "max_attempts": "2", "retry_after_hours": "1", "action": "save",
            "q-0-text": "Which plan has SSO?", "q-0-kind": "single", "q-0-explanation": "Business.",
            "q-0-c-0-text": "Starter", "q-0-c-1-text": "Business", "q-0-c-1-correct": "on",
            "q-1-text": "Pick the security features", "q-1-kind": "single", "q-1-c-0-text": "MFA", "q-1-c-0-correct": "on",
            "q-1-c-1-text": "Audit log", "q-1-c-1-correct": "on"}
    r = client.post(url, data)
    assert r.status_code == 400 and "Question 2: A one-answer question has exactly one correct choice." in r.content.decode()
    assert not hasattr(Course.objects.get(pk=c.pk), "quiz") or Course.objects.get(pk=c.pk).quiz is None
    r = client.post(url, data | {"q-1-kind": "multiple"})
    assert r.status_code == 302
    quiz = Course.objects.get(pk=c.pk).quiz
    assert quiz.pass_mark_percent == 50 and quiz.max_attempts == 2 and quiz.retry_after_hours == 1
    assert [(q.text, q.kind, [(ch.text, ch.correct) for ch in q.choices.all()]) for q in quiz.questions.all()] == [
        ("Which plan has SSO?", "single", [("Starter", False), ("Business", True)]),
        ("Pick the security features", "multiple", [("MFA", True), ("Audit log", True)])]
    body = client.get(url).content.decode()
    assert "Which plan has SSO?" in body and body.count('class="card question-edit') == 2
    r = client.post(url, {"questions": "2", "action": "add", "pass_mark_percent": "50", "max_attempts": "2", "retry_after_hours": "1"})
    assert r.content.decode().count('class="card question-edit') == 3


def test_path_and_certification_editors(client, world):
    c1 = course(world.pmm, title="Product fundamentals", quiz=False)
    c2 = course(world.pmm, title="Selling the platform", quiz=False)
    client.force_login(world.pmm)
    r = client.post("/console/learning/paths/", {"name": "Sales certification path", "description": "For sellers.", "roles": ["partner_sales"]})
    p = LearningPath.objects.get()
    assert r["Location"] == f"/console/learning/paths/{p.public_id}/" and p.roles == ["partner_sales"]
    client.post(f"/console/learning/paths/{p.public_id}/", {
        "action": "steps", f"step-{c1.public_id}-in": "on", f"step-{c1.public_id}-position": "2", f"step-{c1.public_id}-required": "on",
        f"step-{c2.public_id}-in": "on", f"step-{c2.public_id}-position": "1"})
    assert [(s.course.title, s.required) for s in p.steps.all()] == [("Selling the platform", False), ("Product fundamentals", True)]
    client.post(f"/console/learning/paths/{p.public_id}/", {"action": "publish"})
    p.refresh_from_db()
    assert p.status == CatalogueStatus.PUBLISHED
    r = client.post("/console/learning/certifications/", {"name": "Certified Seller", "path": p.public_id, "validity_months": "24",
                                                          "remind_days_before": "45"})
    cert = Certification.objects.get()
    assert r["Location"] == f"/console/learning/certifications/{cert.public_id}/" and cert.status == CatalogueStatus.DRAFT
    r = client.post("/console/learning/certifications/", {"name": "certified seller", "path": p.public_id, "validity_months": "24",
                                                          "remind_days_before": "45"})
    assert r.status_code == 400 and "A certification with this name exists." in r.content.decode()
    client.post(f"/console/learning/certifications/{cert.public_id}/", {"action": "publish"})
    cert.refresh_from_db()
    assert cert.status == CatalogueStatus.PUBLISHED


def test_cams_read_the_catalogue_but_cannot_change_it(client, world):
    c = course(world.pmm, lessons=1)
    client.force_login(world.cam)
    body = client.get(f"/console/learning/courses/{c.public_id}/").content.decode()
    assert c.title in body and "Add a lesson" not in body and "Retire" not in body
    assert client.get("/console/learning/courses/new/").status_code == 404  # an editing page: missing for readers
    assert client.post(f"/console/learning/courses/{c.public_id}/", {"action": "retire"}).status_code == 403
    c.refresh_from_db()
    assert c.status == CatalogueStatus.PUBLISHED


def test_finance_has_no_learning_pages(client, world):
    client.force_login(world.finance)
    assert client.get("/console/learning/").status_code == 404
    assert 'href="/console/learning/"' not in client.get("/").content.decode()


def test_reports_show_completion_by_partner_course_and_path_with_charts(client, world):
    c1 = course(world.pmm, title="Product fundamentals", quiz=False)
    c2 = course(world.pmm, title="Selling the platform")
    p = path(world.pmm, [c1, c2])
    certification(world.pmm, p)
    complete(world.a_sales, c1)
    complete(world.a_sales, c2)
    complete(world.b_sales, c1)
    client.force_login(world.cam)
    body = client.get("/console/learning/reports/").content.decode()
    assert body.count("<svg") == 3 and 'aria-label="Completions by course"' in body
    assert 'data-testid="total-completions">3<' in body
    by_partner = body.split('data-testid="by-partner"')[1]
    assert "Alpha Distribution" in by_partner and "Bravo Systems" in by_partner
    by_path = body.split('data-testid="by-path"')[1].split("</table>")[0]
    assert p.name in by_path and '<td class="num">2</td><td class="num">1</td>' in by_path  # 2 learners, 1 completed the path


def test_holders_filter_and_csv_escapes_formulas(client, world):
    c1 = course(world.pmm, title="Product fundamentals", quiz=False)
    cert = certification(world.pmm, path(world.pmm, [c1]))
    world.a_sales.full_name = "=HYPERLINK(\"http://evil\")"
    world.a_sales.save()
    complete(world.a_sales, c1)
    complete(world.b_sales, c1)
    UserCertification.objects.filter(user=world.b_sales).update(expires_at=timezone.now() + timedelta(days=5))
    client.force_login(world.admin)
    body = client.get("/console/learning/holders/?status=expiring").content.decode()
    assert "Bravo Systems" in body and "Alpha Distribution" not in body and "Expiring" in body
    r = client.get(f"/console/learning/holders.csv?certification={cert.public_id}")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["certification", "person", "email", "partner"] and len(rows) == 3
    assert "'=HYPERLINK(\"http://evil\")" in [row[1] for row in rows]
    body = client.get(f"/console/learning/certifications/{cert.public_id}/").content.decode()
    assert "sales@alpha.example" in body and "sales@bravo.example" in body


def test_console_nav_shows_learning(client, world):
    client.force_login(world.cam)
    assert 'href="/console/learning/"' in client.get("/").content.decode()
