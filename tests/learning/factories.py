"""Builders for the learning tests, going through the real services (so audits, achievements and emails are real)."""

from allied.core.ids import new_public_id
from allied.learning import services
from allied.learning.models import Certification, Course, Enrollment, LearningPath, QuizAttempt


def quiz_data(**overrides) -> dict:
    """Two questions: one with one answer (B), one with several (A and C)."""
    data = {"pass_mark_percent": 100, "max_attempts": 3, "retry_after_hours": 0, "questions": [
        {"text": "Which plan includes SSO?", "kind": "single", "explanation": "Only Business has SSO.",
         "choices": [{"text": "Starter", "correct": False}, {"text": "Business", "correct": True}]},
        {"text": "Which are security features?", "kind": "multiple",
         "choices": [{"text": "Audit log", "correct": True}, {"text": "Themes", "correct": False},
                     {"text": "MFA", "correct": True}]},
    ]}
    data.update(overrides)
    return data


def course(actor, *, title: str | None = None, lessons: int = 2, quiz: dict | None | bool = True, publish: bool = True,
           **audience) -> Course:
    c = services.course_create(actor=actor, data={"title": title or f"Course {new_public_id('c', 6)}", "summary": "What to sell.",
                                                  "duration_minutes": 30, **audience})
    for i in range(lessons):
        services.lesson_create(actor=actor, course=c, data={"title": f"Lesson {i + 1}", "kind": "text", "body": f"Text {i + 1}."})
    if quiz:
        services.quiz_set(actor=actor, course=c, data=quiz_data() if quiz is True else quiz)
    if publish:
        c = services.course_publish(actor=actor, course=c)
    return c


def path(actor, courses: list[Course], *, optional: tuple[Course, ...] = (), publish: bool = True, **audience) -> LearningPath:
    steps = [{"course": c.public_id, "required": c not in optional} for c in courses]
    p = services.path_create(actor=actor, data={"name": f"Path {new_public_id('p', 6)}", "courses": steps, **audience})
    return services.path_publish(actor=actor, path=p) if publish else p


def certification(actor, learning_path: LearningPath, *, validity_months: int = 12, remind_days_before: int = 30,
                  status: str = "published") -> Certification:
    return services.certification_create(actor=actor, data={
        "name": f"Certified {new_public_id('x', 6)}", "path": learning_path.public_id, "validity_months": validity_months,
        "remind_days_before": remind_days_before, "status": status})


def right_answers(c: Course) -> dict[str, list[str]]:
    return {q.public_id: [ch.public_id for ch in q.choices.all() if ch.correct] for q in c.quiz.questions.all()}


def wrong_answers(c: Course) -> dict[str, list[str]]:
    return {q.public_id: [ch.public_id for ch in q.choices.all() if not ch.correct][:1] for q in c.quiz.questions.all()}


def complete(user, c: Course, *, now=None) -> Enrollment:
    """Enroll ``user``, mark every lesson done and pass the quiz (if any)."""
    e = services.enroll(actor=user, course=c)
    for lesson in c.lessons.all():
        services.lesson_complete(actor=user, enrollment=e, lesson=lesson)
    if hasattr(c, "quiz") and not e.attempts.filter(passed=True, submitted_at__gte=e.started_at).exists():
        services.quiz_submit(actor=user, enrollment=e, answers=right_answers(c), now=now)
    e.refresh_from_db()
    return e


def attempt(user, c: Course, *, right: bool = False) -> QuizAttempt:
    e = services.enroll(actor=user, course=c)
    return services.quiz_submit(actor=user, enrollment=e, answers=right_answers(c) if right else wrong_answers(c))
