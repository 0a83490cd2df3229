"""Learning pages: the console (vendor) in ``console``, the portal (partner) in ``portal``."""

from .console import (
    console_certification,
    console_certifications,
    console_course,
    console_course_new,
    console_courses,
    console_holders,
    console_holders_export,
    console_lesson,
    console_lesson_file,
    console_lesson_new,
    console_path,
    console_paths,
    console_quiz,
    console_reports,
)
from .portal import (
    portal_attempt,
    portal_catalogue,
    portal_certificate_pdf,
    portal_certificates,
    portal_course,
    portal_home,
    portal_lesson,
    portal_lesson_file,
    portal_path,
    portal_quiz,
    portal_team,
)

__all__ = [
    "console_certification", "console_certifications", "console_course", "console_course_new", "console_courses", "console_holders",
    "console_holders_export", "console_lesson", "console_lesson_file", "console_lesson_new", "console_path", "console_paths",
    "console_quiz", "console_reports", "portal_attempt", "portal_catalogue", "portal_certificate_pdf", "portal_certificates",
    "portal_course", "portal_home", "portal_lesson", "portal_lesson_file", "portal_path", "portal_quiz", "portal_team",
]
