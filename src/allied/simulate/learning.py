"""Learning for the demo ecosystem: the catalogue (simulate/learning_content.py) written through the real services,
and two years of partner users' progress bulk-inserted the way the services would have written it.

The history follows the ecosystem's: each training achievement of step 2 becomes one course completion by one of the
partner's users (the achievement is renamed after the course and linked from the enrollment), and each certification
achievement becomes a user completing every required course of a certification's path by that day. Certifications are
then derived exactly as ``certifications_check`` awards them: when a user's completions cover a path's required
courses, valid for the certification's months (Security Specialist lasts 12, so some have expired; some 24-month ones
are inside their reminder window, and were reminded). A share of lapsed holders re-certified: their enrollments were
restarted, completed again, and a new certification row written. Some users are part-way through a course, a few
after a failed quiz attempt. Every completion of a course with a quiz has its passing attempt, sometimes after a
failed one that respects the retry wait.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q

from allied.accounts.models import User
from allied.core.ids import ALPHABET
from allied.learning import services as learning
from allied.learning.models import (
    Certification,
    CertStatus,
    Course,
    Enrollment,
    LearningPath,
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
    UserCertification,
)
from allied.learning.services import add_months
from allied.partners.models import Achievement, AchievementKind, Partner, PartnerStatus

from .learning_content import CERTIFICATIONS, COURSES, PATHS

BATCH = 2000
RECERTIFIED = 0.35  # lapsed holders who took the path again
IN_PROGRESS = 0.3  # users part-way through a course
FAILED_FIRST = 0.3  # completions whose first quiz attempt failed


@dataclass
class LearningSeed:
    courses: int = 0
    paths: int = 0
    certifications: int = 0
    enrollments: int = 0
    completions: int = 0
    attempts: int = 0
    held: int = 0  # certification rows (active, expired, superseded)
    active: int = 0
    expired: int = 0


def _pid(model) -> str:
    bits = int.from_bytes(secrets.token_bytes(10), "big")
    prefix = model._meta.get_field("public_id").prefix
    return f"{prefix}_" + "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(16))


# --- the catalogue ----------------------------------------------------------------------------------


def _catalogue(admin, now: datetime) -> tuple[dict[str, Course], dict[str, LearningPath], dict[str, Certification]]:
    courses = {}
    for spec in COURSES:
        c = learning.course_create(actor=admin, data={"title": spec["title"], "summary": spec["summary"],
                                                      "duration_minutes": spec["minutes"], **spec["audience"]})
        per_lesson = max(5, spec["minutes"] // max(1, len(spec["lessons"])))
        for title, body in spec["lessons"]:
            learning.lesson_create(actor=admin, course=c, data={"title": title, "kind": "text", "body": body, "duration_minutes": per_lesson})
        if spec["quiz"]:
            q = spec["quiz"]
            learning.quiz_set(actor=admin, course=c, data={
                "pass_mark_percent": q["pass_mark_percent"], "max_attempts": q["max_attempts"], "retry_after_hours": q["retry_after_hours"],
                "questions": [{"text": t, "kind": k, "explanation": e, "choices": [{"text": x, "correct": ok} for x, ok in choices]}
                              for t, k, e, choices in q["questions"]]})
        courses[c.title] = learning.course_publish(actor=admin, course=c)
    paths = {}
    for name, description, audience, steps in PATHS:
        p = learning.path_create(actor=admin, data={"name": name, "description": description, **audience,
                                                    "courses": [{"course": courses[t].public_id, "required": r} for t, r in steps]})
        paths[name] = learning.path_publish(actor=admin, path=p)
    certs = {}
    for name, path_name, months, remind, description in CERTIFICATIONS:
        certs[name] = learning.certification_create(actor=admin, data={
            "name": name, "description": description, "path": paths[path_name].public_id, "validity_months": months,
            "remind_days_before": remind, "status": "published"})
    # the program has run its academy for as long as the history goes back
    since = now - timedelta(days=800)
    Course.objects.filter(pk__in=[c.pk for c in courses.values()]).update(created_at=since, updated_at=since)
    LearningPath.objects.filter(pk__in=[p.pk for p in paths.values()]).update(created_at=since)
    Certification.objects.filter(pk__in=[c.pk for c in certs.values()]).update(created_at=since)
    return courses, paths, certs


def _audience_ok(audience: dict, partner_type: str, role: str) -> bool:
    return (not audience.get("partner_types") or partner_type in audience["partner_types"]) and (
        not audience.get("roles") or role in audience["roles"])


# --- the history, in memory --------------------------------------------------------------------------


@dataclass
class _Round:
    started: datetime
    completed: datetime | None
    achievement: Achievement | None = None


@dataclass
class _Plan:
    rounds: dict[tuple[int, int], list[_Round]] = field(default_factory=lambda: defaultdict(list))  # (user, course) -> rounds

    def completed_at(self, user_id: int, course_id: int) -> datetime | None:
        done = [r.completed for r in self.rounds.get((user_id, course_id), []) if r.completed]
        return min(done) if done else None


def seed_learning(*, rng: random.Random, now: datetime, partners: list[Partner], admin: User) -> LearningSeed:
    """The catalogue and the progress of ``partners``' users; does nothing when a catalogue exists."""
    res = LearningSeed()
    if Course.objects.exists():
        return res
    courses, paths, certs = _catalogue(admin, now)
    res.courses, res.paths, res.certifications = len(courses), len(paths), len(certs)
    spec = {s["title"]: s for s in COURSES}
    path_audience = {name: audience for name, _, audience, _ in PATHS}
    required = {name: [courses[t] for t, r in steps if r] for name, _, _, steps in PATHS}
    cert_path = {name: path_name for name, path_name, *_ in CERTIFICATIONS}

    by_partner = {p.pk: p for p in partners}
    users = defaultdict(list)
    for u in User.objects.filter(partner_id__in=list(by_partner), is_active=True).order_by("pk"):
        users[u.partner_id].append(u)
    kind_of = {p.pk: p.partner_type.code for p in partners}

    def visible_courses(user) -> list[Course]:
        return [c for t, c in courses.items() if _audience_ok(spec[t]["audience"], kind_of[user.partner_id], user.role)]

    def can_certify(user, cert_name: str) -> bool:
        path_name = cert_path[cert_name]
        return _audience_ok(path_audience[path_name], kind_of[user.partner_id], user.role) and all(
            _audience_ok(spec[c.title]["audience"], kind_of[user.partner_id], user.role) for c in required[path_name])

    plan = _Plan()
    history = Achievement.objects.filter(partner_id__in=list(by_partner), kind__in=[AchievementKind.CERTIFICATION, AchievementKind.TRAINING])
    cert_history = list(history.filter(kind=AchievementKind.CERTIFICATION).order_by("occurred_at", "pk"))
    training_history = list(history.filter(kind=AchievementKind.TRAINING).order_by("occurred_at", "pk"))

    # 1. Each certification in the history: a user completed the path's required courses by that day.
    targeted = set()  # (user, certification name)
    for ach in cert_history:
        people = users.get(ach.partner_id, [])
        names = [ach.name] + [n for n in certs if n != ach.name]
        choice = next(((u, n) for n in names for u in rng.sample(people, len(people)) if (u.pk, n) not in targeted and can_certify(u, n)), None)
        if choice is None:
            continue
        user, name = choice
        targeted.add((user.pk, name))
        steps = required[cert_path[name]]
        for i, course in enumerate(steps):
            if plan.completed_at(user.pk, course.pk):
                continue
            done = ach.occurred_at if i == len(steps) - 1 else ach.occurred_at - timedelta(days=rng.uniform(1, 40))
            plan.rounds[(user.pk, course.pk)].append(_Round(started=done - timedelta(days=rng.uniform(0.5, 14)), completed=done))
    Achievement.objects.filter(pk__in=[a.pk for a in cert_history]).delete()  # derived again below, with their holders

    # 2. Each training in the history: one more course completed by one of the partner's users (the achievement is kept).
    spare = []
    for ach in training_history:
        people = users.get(ach.partner_id, [])
        options = [(u, c) for u in people for c in visible_courses(u) if (u.pk, c.pk) not in plan.rounds]
        if not options:
            spare.append(ach.pk)
            continue
        user, course = rng.choice(options)
        plan.rounds[(user.pk, course.pk)].append(_Round(started=ach.occurred_at - timedelta(days=rng.uniform(0.5, 10)),
                                                        completed=ach.occurred_at, achievement=ach))
    Achievement.objects.filter(pk__in=spare).delete()  # more trainings than courses left to take

    # 3. Certifications as certifications_check awards them; lapsed holders sometimes take the path again.
    user_by_pk = {u.pk: u for people in users.values() for u in people}
    held = _derive(plan, user_by_pk, certs, required, cert_path, now)
    renewals = []
    for h in held:
        if h["expires"] and h["expires"] <= now and rng.random() < RECERTIFIED:
            back = now - timedelta(days=rng.uniform(2, 90))
            for course in required[cert_path[h["cert"].name]]:
                rounds = plan.rounds[(h["user"], course.pk)]
                if rounds[-1].completed and rounds[-1].completed < back - timedelta(days=20):
                    done = back - timedelta(days=rng.uniform(0, 15))
                    rounds.append(_Round(started=done - timedelta(days=rng.uniform(0.5, 5)), completed=done))
            renewals.append(h)
    if renewals:
        held = _derive(plan, user_by_pk, certs, required, cert_path, now)

    # 4. Courses in progress: started, some lessons done, maybe a failed attempt.
    for people in users.values():
        for user in people:
            p = by_partner[user.partner_id]
            if p.status not in (PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING) or rng.random() > IN_PROGRESS:
                continue
            open_courses = [c for c in visible_courses(user) if (user.pk, c.pk) not in plan.rounds]
            if open_courses:
                course = rng.choice(open_courses)
                plan.rounds[(user.pk, course.pk)].append(_Round(started=now - timedelta(days=rng.uniform(0.5, 60)), completed=None))

    _write(rng, now, plan, user_by_pk, courses, held, res)
    return res


def _derive(plan: _Plan, users: dict, certs: dict, required: dict, cert_path: dict, now: datetime) -> list[dict]:
    """Every certification a user earned: when its path's required courses were all completed (again, for a renewal,
    after the previous one's reminder window opened)."""
    out = []
    for user_id in {u for u, _ in plan.rounds}:
        for name, cert in certs.items():
            steps = required[cert_path[name]]
            completions = [sorted(r.completed for r in plan.rounds.get((user_id, c.pk), []) if r.completed) for c in steps]
            if not all(completions):
                continue
            previous = None
            while True:
                opens = None if previous is None else previous["expires"] - timedelta(days=cert.remind_days_before)
                firsts = [next((t for t in times if opens is None or t >= opens), None) for times in completions]
                if previous is not None and (previous["expires"] is None or not all(firsts)):
                    break
                if not all(firsts):
                    break
                earned = max(firsts)
                row = {"user": user_id, "cert": cert, "earned": earned,
                       "expires": add_months(earned, cert.validity_months) if cert.validity_months else None, "superseded": None}
                if previous is not None and (previous["expires"] is None or previous["expires"] > earned):
                    previous["superseded"] = earned  # still active: the new one supersedes it
                out.append(row)
                previous = row
    return out


def _answers(rng: random.Random, questions: list, wrong: int) -> tuple[dict, int]:
    """Answers with ``wrong`` questions answered wrongly: (answers, right)."""
    bad = set(rng.sample(range(len(questions)), min(wrong, len(questions))))
    answers = {}
    for i, (qid, choices) in enumerate(questions):
        right = sorted(cid for cid, ok in choices if ok)
        wrong_ids = [cid for cid, ok in choices if not ok]
        answers[qid] = sorted([rng.choice(wrong_ids)]) if i in bad and wrong_ids else right
    return answers, len(questions) - len(bad)


def _write(rng: random.Random, now: datetime, plan: _Plan, users: dict, courses: dict, held: list[dict], res: LearningSeed) -> None:
    course_by_pk = {c.pk: c for c in courses.values()}
    lessons = defaultdict(list)
    for lesson in Lesson.objects.filter(course__in=list(course_by_pk)).order_by("position", "pk"):
        lessons[lesson.course_id].append(lesson.pk)
    quizzes = {q.course_id: q for q in Quiz.objects.filter(course__in=list(course_by_pk)).prefetch_related("questions__choices")}
    questions = {cid: [(q.public_id, [(c.public_id, c.correct) for c in q.choices.all()]) for q in quiz.questions.all()]
                 for cid, quiz in quizzes.items()}

    # training achievements for completions that the history did not already have
    new_training = []
    for (user_id, course_id), rounds in plan.rounds.items():
        for r in rounds:
            if r.completed and r.achievement is None:
                r.achievement = Achievement(public_id=_pid(Achievement), partner_id=users[user_id].partner_id,
                                            kind=AchievementKind.TRAINING, name=course_by_pk[course_id].title[:200], occurred_at=r.completed)
                new_training.append(r.achievement)
    Achievement.objects.bulk_create(new_training, batch_size=BATCH)
    renamed = []
    for (_, course_id), rounds in plan.rounds.items():
        for r in rounds:
            if r.achievement is not None and r.achievement.name != course_by_pk[course_id].title:
                r.achievement.name = course_by_pk[course_id].title[:200]
                renamed.append(r.achievement)
    Achievement.objects.bulk_update(renamed, ["name"], batch_size=BATCH)

    enrollments, progress, attempts = [], [], []
    for (user_id, course_id), rounds in sorted(plan.rounds.items()):
        last = rounds[-1]
        e = Enrollment(public_id=_pid(Enrollment), user_id=user_id, partner_id=users[user_id].partner_id, course_id=course_id,
                       started_at=last.started, completed_at=last.completed, achievement=last.achievement if last.completed else None)
        enrollments.append(e)
        quiz, qs = quizzes.get(course_id), questions.get(course_id)
        number = 0
        for r in rounds:
            pass_at = r.completed
            fail_at = None
            if quiz is not None and r.completed and rng.random() < FAILED_FIRST:
                fail_at = r.completed - timedelta(hours=quiz.retry_after_hours + rng.uniform(1, 48))
                if fail_at <= r.started:
                    fail_at = None
            elif quiz is not None and r.completed is None and rng.random() < 0.25:
                fail_at = r.started + (now - r.started) * rng.uniform(0.5, 0.95)
            for when, passed in ((fail_at, False), (pass_at if quiz is not None else None, True)):
                if when is None:
                    continue
                number += 1
                wrong = 0 if passed else max(1, len(qs) - (quiz.pass_mark_percent * len(qs) - 1) // 100)
                if passed and rng.random() < 0.3:  # sometimes passed with one question wrong, where the pass mark allows it
                    wrong = 1 if (len(qs) - 1) * 100 >= quiz.pass_mark_percent * len(qs) else 0
                answers, right = _answers(rng, qs, wrong)
                attempts.append((e, QuizAttempt(public_id=_pid(QuizAttempt), number=number, submitted_at=when, answers=answers,
                                                score_percent=right * 100 // len(qs), passed=right * 100 >= quiz.pass_mark_percent * len(qs))))
        # the lessons of the current round (a restart clears the earlier round's marks)
        ids = lessons[course_id]
        n_done = len(ids) if last.completed else rng.randint(0, max(0, len(ids) - 1))
        stop = last.completed or (last.started + (now - last.started) * 0.9)
        for i, lesson_id in enumerate(ids[:n_done]):
            at = last.started + (stop - last.started) * ((i + 1) / (n_done + 1))
            progress.append((e, LessonProgress(lesson_id=lesson_id, completed_at=at)))
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
    for e, row in progress:
        row.enrollment = e
    LessonProgress.objects.bulk_create([row for _, row in progress], batch_size=BATCH)
    for e, row in attempts:
        row.enrollment = e
    QuizAttempt.objects.bulk_create([row for _, row in attempts], batch_size=BATCH)
    res.enrollments, res.attempts = len(enrollments), len(attempts)
    res.completions = sum(1 for rounds in plan.rounds.values() for r in rounds if r.completed)

    # certifications with their achievements (ending when the certification expired or was superseded)
    achievements, rows = [], []
    for h in sorted(held, key=lambda h: h["earned"]):
        cert, user = h["cert"], users[h["user"]]
        ends = h["superseded"] or h["expires"]  # superseded only while still valid, so the earlier end
        ach = Achievement(public_id=_pid(Achievement), partner_id=user.partner_id, kind=AchievementKind.CERTIFICATION, name=cert.name[:200],
                          occurred_at=h["earned"], expires_at=ends)
        status = CertStatus.EXPIRED if (h["superseded"] or (h["expires"] and h["expires"] <= now)) else CertStatus.ACTIVE
        reminded = None
        if h["expires"]:
            opens = max(h["expires"] - timedelta(days=cert.remind_days_before), h["earned"])
            if opens <= min(now, ends):  # the daily job reminded the holder once the window opened
                reminded = min(opens + timedelta(hours=rng.uniform(1, 20)), ends, now)
        achievements.append(ach)
        rows.append(UserCertification(public_id=_pid(UserCertification), user_id=user.pk, partner_id=user.partner_id,
                                      certification=cert, earned_at=h["earned"], expires_at=h["expires"], status=status,
                                      reminded_at=reminded, achievement=ach))
    Achievement.objects.bulk_create(achievements, batch_size=BATCH)
    UserCertification.objects.bulk_create(rows, batch_size=BATCH)
    res.held = len(rows)
    res.active = sum(1 for r in rows if r.status == CertStatus.ACTIVE)
    res.expired = res.held - res.active


def learning_summary() -> dict:
    """Counts for the demo's start-up message."""
    return {"courses": Course.objects.count(), "completions": Enrollment.objects.filter(~Q(completed_at=None)).count(),
            "certified": UserCertification.objects.filter(status=CertStatus.ACTIVE).count()}
