"""Every write about learning (one module per concern, re-exported here)."""

from .catalogue import (
    clean_audience,
    clean_quiz,
    course_create,
    course_publish,
    course_retire,
    course_update,
    lesson_create,
    lesson_delete,
    lesson_reorder,
    lesson_update,
    quiz_set,
)
from .certifications import (
    add_months,
    certifications_check,
    certifications_expire,
    certifications_remind,
    renewal_due,
    renewal_opens_at,
    user_certification_revoke,
)
from .paths import (
    certification_create,
    certification_update,
    path_create,
    path_publish,
    path_retire,
    path_update,
)
from .progress import (
    attempts_state,
    completion_check,
    enroll,
    enrollment_restart,
    lesson_complete,
    quiz_submit,
    round_attempts,
)

__all__ = [
    "add_months", "attempts_state", "certification_create", "certification_update", "certifications_check", "certifications_expire",
    "certifications_remind", "clean_audience", "clean_quiz", "completion_check", "course_create", "course_publish", "course_retire",
    "course_update", "enroll", "enrollment_restart", "lesson_complete", "lesson_create", "lesson_delete", "lesson_reorder",
    "lesson_update", "path_create", "path_publish", "path_retire", "path_update", "quiz_set", "quiz_submit", "renewal_due", "renewal_opens_at",
    "round_attempts", "user_certification_revoke",
]
