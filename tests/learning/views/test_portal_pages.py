"""Portal learning pages: my learning, the catalogue, a course with its lessons, the quiz and its result, a path,
certificates (PDF) and the team's progress."""

import re

import pytest

from allied.learning.models import CertStatus, Enrollment, QuizAttempt, UserCertification
from allied.partners.models import Achievement, AchievementKind
from tests.learning.factories import certification, complete, course, path, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world):
    c1 = course(world.pmm, title="Product fundamentals", lessons=2)
    c2 = course(world.pmm, title="Selling the platform", lessons=1, quiz=False)
    p = path(world.pmm, [c1, c2])
    cert = certification(world.pmm, p, validity_months=12)
    return {"c1": c1, "c2": c2, "path": p, "cert": cert}


def test_sales_rep_enrolls_completes_lessons_and_sees_progress(client, world, catalogue):
    c1 = catalogue["c1"]
    client.force_login(world.a_sales)
    r = client.get(f"/portal/learning/courses/{c1.public_id}/")
    assert r.status_code == 200 and "Start the course" in r.content.decode()
    r = client.post(f"/portal/learning/courses/{c1.public_id}/", {"action": "enroll"})
    first, second = list(c1.lessons.all())
    assert r.status_code == 302 and r["Location"].endswith(f"/lessons/{first.public_id}/")
    r = client.post(f"/portal/learning/courses/{c1.public_id}/lessons/{first.public_id}/")
    assert r["Location"].endswith(f"/lessons/{second.public_id}/")
    r = client.post(f"/portal/learning/courses/{c1.public_id}/lessons/{second.public_id}/")
    assert r["Location"].endswith(f"/courses/{c1.public_id}/quiz/")  # every lesson done: the quiz is next
    body = client.get("/portal/learning/").content.decode()
    assert "Product fundamentals" in body and "2 of 2 lessons" in body and "quiz to take" in body


def test_quiz_page_never_sends_the_answers(client, world, catalogue):
    c1 = catalogue["c1"]
    client.force_login(world.a_sales)
    body = client.get(f"/portal/learning/courses/{c1.public_id}/quiz/").content.decode()
    assert "Which plan includes SSO?" in body
    assert "Only Business has SSO." not in body  # explanations come after the attempt
    assert "correct" not in body.lower().replace("choose exactly the right ones", "")


def test_quiz_fail_then_pass_shows_result_explanations_and_completes(client, world, catalogue):
    c1 = catalogue["c1"]
    client.force_login(world.a_sales)
    e = complete(world.a_sales, catalogue["c2"])
    assert e.completed_at
    for lesson in c1.lessons.all():
        client.post(f"/portal/learning/courses/{c1.public_id}/lessons/{lesson.public_id}/")
    wrong = wrong_answers(c1)
    r = client.post(f"/portal/learning/courses/{c1.public_id}/quiz/", {f"q-{k}": v for k, v in wrong.items()})
    attempt = QuizAttempt.objects.get()
    assert r["Location"].endswith(f"/quiz/attempts/{attempt.public_id}/") and not attempt.passed
    body = client.get(r["Location"]).content.decode()
    assert "Not passed: 0%" in body and "Only Business has SSO." in body and "2 attempts left of 3" in body and "Try again" in body
    assert "correct answer" not in body  # a retry would just copy them
    right = right_answers(c1)
    r = client.post(f"/portal/learning/courses/{c1.public_id}/quiz/", {f"q-{k}": v for k, v in right.items()})
    body = client.get(r["Location"]).content.decode()
    assert "Passed: 100%" in body and "Course completed." in body and body.count("✓ correct answer") == 3
    held = UserCertification.objects.get(user=world.a_sales)
    assert held.status == CertStatus.ACTIVE and held.expires_at
    home = client.get("/portal/learning/").content.decode()
    assert held.certification.name in home and f"{held.expires_at:%b} {held.expires_at.day}, {held.expires_at.year}" in home
    assert Achievement.objects.filter(partner=world.partner_a, kind=AchievementKind.CERTIFICATION).count() == 1


def test_quiz_without_attempts_left_says_so(client, world, catalogue):
    c1 = catalogue["c1"]
    client.force_login(world.a_sales)
    for _ in range(3):
        client.post(f"/portal/learning/courses/{c1.public_id}/quiz/", {f"q-{k}": v for k, v in wrong_answers(c1).items()})
    assert QuizAttempt.objects.count() == 3
    body = client.get(f"/portal/learning/courses/{c1.public_id}/quiz/").content.decode()
    assert "No attempts left" in body and 'data-testid="quiz-form"' not in body
    r = client.post(f"/portal/learning/courses/{c1.public_id}/quiz/", {}, follow=True)
    assert "No attempts left" in r.content.decode() and QuizAttempt.objects.count() == 3


def test_a_single_answer_question_refuses_two_choices(client, world, catalogue):
    c1 = catalogue["c1"]
    client.force_login(world.a_sales)
    q = c1.quiz.questions.get(kind="single")
    r = client.post(f"/portal/learning/courses/{c1.public_id}/quiz/", {f"q-{q.public_id}": [c.public_id for c in q.choices.all()]},
                    follow=True)
    assert "Choose one answer." in r.content.decode() and not QuizAttempt.objects.exists()


def test_another_partners_attempt_and_a_colleagues_are_missing(client, world, catalogue):
    c1 = catalogue["c1"]
    client.force_login(world.b_sales)
    client.post(f"/portal/learning/courses/{c1.public_id}/quiz/", {f"q-{k}": v for k, v in wrong_answers(c1).items()})
    attempt = QuizAttempt.objects.get()
    url = f"/portal/learning/courses/{c1.public_id}/quiz/attempts/{attempt.public_id}/"
    assert client.get(url).status_code == 200
    for user in (world.a_sales, world.b_admin):  # another partner; the team admin reviews progress, not the answers
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_catalogue_search_and_filters(client, world, catalogue):
    client.force_login(world.a_marketing)
    complete(world.a_marketing, catalogue["c2"])
    body = client.get("/portal/learning/catalogue/").content.decode()
    assert "Product fundamentals" in body and "Selling the platform" in body and catalogue["cert"].name in body
    body = client.get("/portal/learning/catalogue/?q=selling").content.decode()
    assert "Selling the platform" in body and "Product fundamentals" not in body
    body = client.get("/portal/learning/catalogue/?kind=course&progress=done").content.decode()
    assert "Selling the platform" in body and "Product fundamentals" not in body and catalogue["cert"].name not in body
    body = client.get("/portal/learning/catalogue/?q=zzzz").content.decode()
    assert "Nothing matches these filters." in body


def test_audience_hides_courses_of_other_partner_types(client, world):
    si_only = course(world.pmm, title="Deploying for integrators", partner_types=["si"])
    client.force_login(world.a_sales)  # a distributor
    assert "Deploying for integrators" not in client.get("/portal/learning/catalogue/").content.decode()
    assert client.get(f"/portal/learning/courses/{si_only.public_id}/").status_code == 404
    client.force_login(world.b_sales)  # a system integrator
    assert client.get(f"/portal/learning/courses/{si_only.public_id}/").status_code == 200


def test_draft_courses_are_missing_in_the_portal(client, world):
    draft = course(world.pmm, title="Not yet", publish=False)
    client.force_login(world.a_admin)
    assert client.get(f"/portal/learning/courses/{draft.public_id}/").status_code == 404


def test_path_page_shows_courses_progress_and_certification(client, world, catalogue):
    complete(world.a_sales, catalogue["c2"])
    client.force_login(world.a_sales)
    body = client.get(f"/portal/learning/paths/{catalogue['path'].public_id}/").content.decode()
    assert "1 of 2 required courses completed." in body and f"Leads to: {catalogue['cert'].name}" in body
    assert "Valid for 12 months" in body


def test_certificates_page_and_pdf(client, world, catalogue):
    complete(world.a_sales, catalogue["c2"])
    complete(world.a_sales, catalogue["c1"])
    held = UserCertification.objects.get(user=world.a_sales)
    client.force_login(world.a_sales)
    body = client.get("/portal/learning/certificates/").content.decode()
    assert catalogue["cert"].name in body and f"Valid until {held.expires_at:%Y-%m-%d}" in body
    r = client.get(f"/portal/learning/certificates/{held.public_id}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    client.force_login(world.a_admin)  # the team admin sees it in team progress, but prints only their own
    assert client.get(f"/portal/learning/certificates/{held.public_id}/pdf/").status_code == 404


def test_recertify_hint_and_restart_once_the_window_opens(client, world, catalogue):
    complete(world.a_sales, catalogue["c2"])
    complete(world.a_sales, catalogue["c1"])
    held = UserCertification.objects.get(user=world.a_sales)
    client.force_login(world.a_sales)
    assert 'data-testid="recertify"' not in client.get("/portal/learning/").content.decode()
    assert "Take the course again" not in client.get(f"/portal/learning/courses/{catalogue['c2'].public_id}/").content.decode()
    from datetime import timedelta

    from django.utils import timezone
    UserCertification.objects.filter(pk=held.pk).update(expires_at=timezone.now() + timedelta(days=10))
    body = client.get("/portal/learning/").content.decode()
    assert 'data-testid="recertify"' in body and "Re-certify:" in body
    c2 = catalogue["c2"]
    assert "Take the course again to re-certify" in client.get(f"/portal/learning/courses/{c2.public_id}/").content.decode()
    client.post(f"/portal/learning/courses/{c2.public_id}/", {"action": "restart"})
    e = Enrollment.objects.get(user=world.a_sales, course=c2)
    assert e.completed_at is None and not e.lessons_done.exists()


def test_team_progress_for_partner_admins_only(client, world, catalogue):
    complete(world.a_sales, catalogue["c2"])
    Enrollment.objects.create(user=world.b_sales, partner=world.partner_b, course=catalogue["c1"])
    client.force_login(world.a_admin)
    body = client.get("/portal/learning/team/").content.decode()
    rows = re.findall(r"<tr><td><strong>([^<]+)</strong>.*?hide-sm\">([^<]+)</td>\s*<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>",
                      body, re.S)
    assert ("Sales", "Alpha Distribution", "0", "1") in rows  # the sub-partner's people too, never another partner's
    assert {company for _, company, _, _ in rows} == {"Alpha Distribution", "Alpha One Resale"}
    client.force_login(world.a_sales)
    assert client.get("/portal/learning/team/").status_code == 404
    assert "Team progress" not in client.get("/portal/learning/").content.decode()


def test_vendor_users_have_no_portal_learning(client, world):
    client.force_login(world.admin)
    assert client.get("/portal/learning/").status_code == 404


def test_portal_nav_shows_learning(client, world):
    client.force_login(world.a_marketing)
    body = client.get("/").content.decode()
    assert 'href="/portal/learning/"' in body
