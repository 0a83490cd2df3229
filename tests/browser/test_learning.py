"""Learning in a browser: a partner sales rep opens a published course, works through its lessons, fails the quiz,
passes it on the second attempt, and the certification of the course's learning path appears on My learning with its
expiry; the vendor's program admin sees the completion in the console's completion report."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from allied.learning import services
from allied.learning.models import QuizAttempt, UserCertification
from tests.conftest import PASSWORD

from .conftest import login, logout, main_nav, messages
from .test_accessibility import _check_page as accessible

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-learning")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OVERFLOW_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"

LESSONS = [
    ("Who buys the platform", "Our buyers are IT leaders in mid-market companies who run more than a hundred endpoints.\n\n"
     "They care about three things: fewer tools, fewer tickets and an audit trail their insurer accepts."),
    ("Plans and what they include", "Starter covers device management. Business adds single sign-on, the audit log and MFA "
     "enforcement.\n\nEnterprise adds regional data residency and a named support engineer."),
]
QUIZ = {"pass_mark_percent": 100, "max_attempts": 3, "retry_after_hours": 0, "questions": [
    {"text": "Which plan first includes single sign-on?", "kind": "single",
     "explanation": "Single sign-on comes with Business; Starter covers device management only.",
     "choices": [{"text": "Starter", "correct": False}, {"text": "Business", "correct": True}, {"text": "Enterprise", "correct": False}]},
    {"text": "Which of these does Business add?", "kind": "multiple", "explanation": "Business adds SSO, the audit log and MFA enforcement.",
     "choices": [{"text": "The audit log", "correct": True}, {"text": "Regional data residency", "correct": False},
                 {"text": "MFA enforcement", "correct": True}]},
]}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _both(page, name: str, where: str) -> None:
    """Accessible, then screenshots on a desktop and on a phone; the phone one must not scroll sideways."""
    accessible(page, where)
    page.set_viewport_size(DESKTOP)
    _shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    scroll_width, inner_width = page.evaluate(OVERFLOW_JS)
    assert scroll_width <= inner_width + 1, f"{where} scrolls sideways: {scroll_width}px wide in a {inner_width}px window"
    _shot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def _catalogue(world):
    course = services.course_create(actor=world.pmm, data={
        "title": "Product fundamentals", "duration_minutes": 25,
        "summary": "What the platform does, who buys it and which plan fits which customer."})
    for title, body in LESSONS:
        services.lesson_create(actor=world.pmm, course=course, data={"title": title, "kind": "text", "body": body, "duration_minutes": 10})
    services.lesson_create(actor=world.pmm, course=course, data={"title": "Demo walkthrough", "kind": "video",
                                                                 "video_url": "https://video.example/demo", "duration_minutes": 5,
                                                                 "body": "Watch the ten-minute demo before your first call."})
    services.quiz_set(actor=world.pmm, course=course, data=QUIZ)
    services.course_publish(actor=world.pmm, course=course)
    path = services.path_create(actor=world.pmm, data={"name": "Sales essentials", "description": "The path to selling the platform.",
                                                       "courses": [course.public_id]})
    services.path_publish(actor=world.pmm, path=path)
    services.certification_create(actor=world.pmm, data={"name": "Certified Sales Professional", "path": path.public_id,
                                                         "validity_months": 12, "status": "published"})
    return course


def _answer(page, question: str, choices: list[str]) -> None:
    group = page.get_by_role("group", name=question)
    for choice in choices:
        group.get_by_label(choice, exact=True).check()


def test_partner_takes_a_course_fails_then_passes_the_quiz_and_is_certified(page, world):
    _catalogue(world)

    login(page, "sales@alpha.example", PASSWORD)
    main_nav(page, "Learning")
    expect(page.get_by_role("heading", name="In progress")).to_be_visible()
    _both(page, "portal-my-learning-empty", "my learning before a course")
    page.get_by_role("navigation", name="Learning").get_by_role("link", name="Catalogue").click()
    _both(page, "portal-catalogue", "the catalogue")
    page.get_by_role("link", name="Product fundamentals").click()
    page.get_by_role("button", name="Start the course").click()
    expect(messages(page)).to_contain_text("You are enrolled in Product fundamentals.")
    expect(page.get_by_role("heading", name="Who buys the platform")).to_be_visible()
    _both(page, "portal-lesson", "a lesson")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("heading", name="Plans and what they include")).to_be_visible()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("link", name="Watch the video")).to_have_attribute("href", "https://video.example/demo")
    page.get_by_role("button", name="Mark as done").click()
    expect(messages(page)).to_contain_text("Every lesson done: the quiz is next.")
    expect(page.get_by_test_id("attempts-state")).to_contain_text("3 attempts left of 3")
    _both(page, "portal-quiz", "the quiz")

    # a wrong answer to the multiple-choice question (one right choice missing) fails the 100 % pass mark
    _answer(page, "Which plan first includes single sign-on?", ["Business"])
    _answer(page, "Which of these does Business add?", ["The audit log"])
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_test_id("quiz-result")).to_contain_text("Not passed: 50%")
    expect(page.get_by_test_id("quiz-result")).to_contain_text("2 attempts left of 3")
    expect(page.get_by_text("Business adds SSO, the audit log and MFA enforcement.")).to_be_visible()
    _both(page, "portal-quiz-failed", "a failed attempt")
    page.get_by_role("link", name="Try again").click()
    _answer(page, "Which plan first includes single sign-on?", ["Business"])
    _answer(page, "Which of these does Business add?", ["The audit log", "MFA enforcement"])
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_test_id("quiz-result")).to_contain_text("Passed: 100%")
    expect(page.get_by_test_id("quiz-result")).to_contain_text("Course completed.")
    _both(page, "portal-quiz-passed", "a passed attempt")
    assert [a.passed for a in QuizAttempt.objects.order_by("number")] == [False, True]

    page.get_by_role("link", name="Back to my learning").click()
    held = UserCertification.objects.get(user=world.a_sales)
    certs = page.get_by_test_id("my-certifications")
    expect(certs).to_contain_text("Certified Sales Professional")
    expect(certs).to_contain_text(f"Valid until {held.expires_at:%Y-%m-%d}")
    expect(page.get_by_test_id("completed")).to_contain_text("Product fundamentals")
    _both(page, "portal-my-learning-certified", "my learning with a certification")
    page.get_by_role("link", name="My certificates").first.click()
    expect(page.get_by_test_id("certificates")).to_contain_text("Certified Sales Professional")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    _both(page, "portal-certificates", "my certificates")
    logout(page)

    # the vendor's program admin sees the completion in the report, by course, path and partner
    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Learning")
    _both(page, "console-courses", "console courses")
    page.get_by_role("navigation", name="Learning").get_by_role("link", name="Completion reports").click()
    expect(page.get_by_test_id("total-completions")).to_have_text("1")
    expect(page.get_by_test_id("by-course").get_by_role("row", name="Product fundamentals")).to_contain_text("100%")
    expect(page.get_by_test_id("by-partner")).to_contain_text("Alpha Distribution")
    expect(page.get_by_test_id("by-path").get_by_role("row", name="Sales essentials")).to_contain_text("1")
    _both(page, "console-reports", "completion reports")
    page.get_by_role("navigation", name="Learning").get_by_role("link", name="Certification holders").click()
    expect(page.get_by_test_id("holders")).to_contain_text("sales@alpha.example")
    _both(page, "console-holders", "certification holders")
    page.get_by_role("navigation", name="Learning").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Product fundamentals").click()
    _both(page, "console-course", "a course in the console")
    page.get_by_role("link", name="Edit the quiz").click()
    expect(page.get_by_label("Question", exact=True).first).to_have_value("Which plan first includes single sign-on?")
    _both(page, "console-quiz-editor", "the quiz editor")
