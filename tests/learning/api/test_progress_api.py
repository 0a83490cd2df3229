"""/api/v1/learning progress: a partner takes a course, passes the quiz, gets certified; nobody else's progress leaks."""

from datetime import timedelta

from django.utils import timezone

from allied.learning import services
from allied.learning.models import UserCertification
from tests.api_helpers import API, error_fields
from tests.learning.factories import (
    certification,
    complete,
    course,
    path,
    quiz_data,
    right_answers,
    wrong_answers,
)

L = f"{API}/learning"


def test_take_a_course_pass_the_quiz_get_certified(world, api_client):
    c = course(world.pmm, lessons=2)
    cert = certification(world.pmm, path(world.pmm, [c]))
    client = api_client.as_user(world.a_sales)
    resp = client.post(f"{L}/courses/{c.public_id}/enroll")
    assert resp.status_code == 200, resp.content
    enr = resp.json()
    assert enr["progress"] == {"lessons_total": 2, "lessons_done": 0, "done_lesson_ids": [], "percent": 0, "completed": False,
                               "quiz": {"used": 0, "left": 3, "passed": False, "next_at": None, "best_score": None,
                                        "pass_mark_percent": 100, "can_attempt": True}}
    detail = client.get(f"{L}/courses/{c.public_id}").json()
    for lesson in detail["lessons"]:
        resp = client.post(f"{L}/enrollments/{enr['id']}/lessons/{lesson['id']}/complete")
        assert resp.status_code == 200, resp.content
    assert resp.json()["progress"]["lessons_done"] == 2 and not resp.json()["progress"]["completed"]
    questions = detail["quiz"]["questions"]
    # a failed attempt: the review says which questions were wrong, not which choices are right
    first = [q["choices"][0]["id"] for q in questions]
    resp = client.post(f"{L}/enrollments/{enr['id']}/attempts", {"answers": {q["id"]: [cid] for q, cid in zip(questions, first, strict=True)}})
    assert resp.status_code == 201, resp.content
    assert resp.json()["passed"] is False
    assert all(ch["correct"] is None for q in resp.json()["review"] for ch in q["choices"])
    resp = client.post(f"{L}/enrollments/{enr['id']}/attempts", {"answers": right_answers(c)})
    assert resp.status_code == 201 and resp.json()["passed"] is True and resp.json()["score_percent"] == 100
    assert all(ch["correct"] is not None for q in resp.json()["review"] for ch in q["choices"])
    resp = client.get(f"{L}/enrollments/{enr['id']}")
    assert resp.json()["completed_at"] and resp.json()["progress"]["percent"] == 100
    resp = client.get(f"{L}/user-certifications")
    (held,) = resp.json()["items"]
    assert held["certification"]["id"] == cert.public_id and held["status"] == "active" and held["expires_at"]
    assert client.get(f"{L}/user-certifications/{held['id']}").status_code == 200
    attempts = client.get(f"{L}/enrollments/{enr['id']}/attempts").json()["items"]
    assert [a["number"] for a in attempts] == [1, 2]


def test_attempt_errors(world, api_client):
    c = course(world.pmm, quiz=quiz_data(max_attempts=1))
    client = api_client.as_user(world.a_sales)
    eid = client.post(f"{L}/courses/{c.public_id}/enroll").json()["id"]
    resp = client.post(f"{L}/enrollments/{eid}/attempts", {"answers": {"qst_0000000000000000": []}})
    assert resp.status_code == 400 and error_fields(resp) == ["answers.qst_0000000000000000"]
    resp = client.post(f"{L}/enrollments/{eid}/attempts", {"answers": "nope"})
    assert resp.status_code == 422
    assert client.post(f"{L}/enrollments/{eid}/attempts", {"answers": wrong_answers(c)}).status_code == 201
    resp = client.post(f"{L}/enrollments/{eid}/attempts", {"answers": right_answers(c)})
    assert resp.status_code == 409 and error_fields(resp) == ["quiz"]
    # the round is over: now the review shows the key
    (attempt,) = client.get(f"{L}/enrollments/{eid}/attempts").json()["items"]
    review = client.get(f"{L}/attempts/{attempt['id']}").json()["review"]
    assert all(ch["correct"] is not None for q in review for ch in q["choices"])


def test_another_partners_progress_answers_like_missing(world, api_client):
    c = course(world.pmm)
    certification(world.pmm, path(world.pmm, [c]))
    b_enr = complete(world.b_sales, c)
    b_attempt = b_enr.attempts.get()
    b_cert = UserCertification.objects.get(user=world.b_sales)
    colleague = services.enroll(actor=world.a_marketing, course=c)
    for user in (world.a_admin, world.a_sales):
        client = api_client.as_user(user)
        for kind, obj, prefix in (("enrollments", b_enr, "enr"), ("attempts", b_attempt, "att"),
                                  ("user-certifications", b_cert, "ucert")):
            missing = client.get(f"{L}/{kind}/{prefix}_0000000000000000")
            foreign = client.get(f"{L}/{kind}/{obj.public_id}")
            assert missing.status_code == 404 and (foreign.status_code, foreign.json()) == (404, missing.json())
        missing = client.post(f"{L}/enrollments/enr_0000000000000000/attempts", {"answers": {}})
        assert client.post(f"{L}/enrollments/{b_enr.public_id}/attempts", {"answers": {}}).json() == missing.json()
        assert b_enr.public_id not in client.get(f"{L}/enrollments").content.decode()
    # a colleague's enrollment: the admin reads it (team), the sales rep does not, and only the learner works on it
    assert api_client.as_user(world.a_admin).get(f"{L}/enrollments/{colleague.public_id}").status_code == 200
    assert api_client.as_user(world.a_sales).get(f"{L}/enrollments/{colleague.public_id}").status_code == 404
    resp = api_client.as_user(world.a_admin).post(f"{L}/enrollments/{colleague.public_id}/attempts", {"answers": {}})
    assert resp.status_code == 403
    # the vendor sees everyone's
    assert api_client.as_user(world.cam).get(f"{L}/enrollments/{b_enr.public_id}").status_code == 200


def test_team_and_reports(world, api_client):
    c = course(world.pmm)
    complete(world.a_sales, c)
    resp = api_client.as_user(world.a_admin).get(f"{L}/team")
    assert resp.status_code == 200
    rows = {r["user"]["email"]: r for r in resp.json()}
    assert rows["sales@alpha.example"]["completed"] == 1 and "sales@bravo.example" not in rows
    for user in (world.a_sales, world.b_marketing, world.cam):
        assert api_client.as_user(user).get(f"{L}/team").status_code == 403
    for report in ("partners", "courses", "paths"):  # (as_user switches the one shared client)
        assert api_client.as_user(world.a_admin).get(f"{L}/reports/{report}").status_code == 403
        assert api_client.as_user(world.cam).get(f"{L}/reports/{report}").status_code == 200
    (row,) = api_client.get(f"{L}/reports/partners").json()
    assert (row["partner"]["name"], row["completed"]) == ("Alpha Distribution", 1)


def test_restart_and_revoke(world, api_client):
    c = course(world.pmm)
    certification(world.pmm, path(world.pmm, [c]))
    e = complete(world.a_sales, c)
    client = api_client.as_user(world.a_sales)
    assert client.post(f"{L}/enrollments/{e.public_id}/restart").status_code == 409  # the certification is not due
    held = UserCertification.objects.get()
    UserCertification.objects.filter(pk=held.pk).update(expires_at=timezone.now() + timedelta(days=3))  # reminder window open
    resp = client.post(f"{L}/enrollments/{e.public_id}/restart")
    assert resp.status_code == 200 and resp.json()["completed_at"] is None and resp.json()["progress"]["lessons_done"] == 0
    assert client.post(f"{L}/enrollments/{e.public_id}/restart").status_code == 409  # not completed again yet
    assert client.post(f"{L}/user-certifications/{held.public_id}/revoke", {"reason": "x"}).status_code == 403
    resp = api_client.as_user(world.pmm).post(f"{L}/user-certifications/{held.public_id}/revoke", {"reason": ""})
    assert resp.status_code == 400 and error_fields(resp) == ["reason"]
    resp = api_client.as_user(world.pmm).post(f"{L}/user-certifications/{held.public_id}/revoke", {"reason": "Shared answers"})
    assert resp.status_code == 200 and resp.json()["status"] == "revoked"
    assert timezone.now() - timedelta(minutes=1) < held.earned_at
