"""/api/v1/learning catalogue operations: managers write, audiences read, the answer key stays with managers."""

import json

from tests.api_helpers import API, assert_constant_queries, error_fields, walk
from tests.learning.factories import certification, course, path, quiz_data

L = f"{API}/learning"


def test_manager_builds_and_publishes_a_course(world, api_client):
    client = api_client.as_user(world.pmm)
    resp = client.post(f"{L}/courses", {"title": "Selling security", "partner_types": ["reseller"], "roles": ["partner_sales"]})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    cid = body["id"]
    assert cid.startswith("crs_") and body["status"] == "draft"
    assert body["audience"] == {"partner_types": ["reseller"], "tiers": [], "roles": ["partner_sales"]}
    assert client.post(f"{L}/courses/{cid}/publish").status_code == 409
    lesson = client.post(f"{L}/courses/{cid}/lessons", {"title": "Why", "kind": "video", "video_url": "https://video.example/1"})
    assert lesson.status_code == 201, lesson.content
    resp = client.post(f"{L}/courses/{cid}/lessons", {"title": "Bad", "kind": "video"})
    assert resp.status_code == 400 and error_fields(resp) == ["video_url"]
    resp = _put(client, f"{L}/courses/{cid}/quiz", quiz_data(questions=[{"text": "Q", "kind": "single",
                                                                       "choices": [{"text": "a"}, {"text": "b"}]}]))
    assert resp.status_code == 400 and error_fields(resp) == ["questions[0].choices"]
    resp = _put(client, f"{L}/courses/{cid}/quiz", quiz_data())
    assert resp.status_code == 200 and sum(c["correct"] for q in resp.json()["questions"] for c in q["choices"]) == 3
    resp = client.post(f"{L}/courses/{cid}/publish")
    assert resp.status_code == 200 and resp.json()["status"] == "published"
    resp = client.patch(f"{L}/courses/{cid}", {"summary": "New summary"})
    assert resp.status_code == 200 and resp.json()["summary"] == "New summary"
    resp = client.patch(f"{L}/courses/{cid}", {"duration_minutes": -5})
    assert resp.status_code == 400 and error_fields(resp) == ["duration_minutes"]


def _put(client, url, body):
    from django.test import Client

    return Client().put(url, data=json.dumps(body), content_type="application/json", **client.headers)


def test_lessons_reorder_and_delete(world, api_client):
    c = course(world.pmm, lessons=3, quiz=False)
    client = api_client.as_user(world.admin)
    ids = [x.public_id for x in c.lessons.all()]
    resp = _put(client, f"{L}/courses/{c.public_id}/lessons/order", {"order": ids[::-1]})
    assert resp.status_code == 200 and [x["id"] for x in resp.json()] == ids[::-1]
    resp = client.patch(f"{L}/courses/{c.public_id}/lessons/{ids[0]}", {"title": "Renamed"})
    assert resp.status_code == 200 and resp.json()["title"] == "Renamed"
    assert client.delete(f"{L}/courses/{c.public_id}/lessons/{ids[0]}").status_code == 204
    other = course(world.pmm, lessons=1, quiz=False)
    assert client.delete(f"{L}/courses/{other.public_id}/lessons/{ids[1]}").status_code == 404  # not that course's lesson


def test_cam_reads_but_cannot_change(world, api_client):
    c = course(world.pmm, publish=False)
    client = api_client.as_user(world.cam)
    assert client.get(f"{L}/courses/{c.public_id}").status_code == 200
    assert client.patch(f"{L}/courses/{c.public_id}", {"title": "x"}).status_code == 403
    assert client.get(f"{L}/courses/{c.public_id}/quiz").status_code == 403
    assert client.post(f"{L}/courses", {"title": "x"}).status_code == 403


def test_learner_never_gets_the_answer_key_before_submitting(world, api_client):
    c = course(world.pmm)
    client = api_client.as_user(world.a_sales)
    resp = client.get(f"{L}/courses/{c.public_id}")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert '"correct"' not in text and "Only Business has SSO" not in text
    assert len(resp.json()["quiz"]["questions"]) == 2
    assert client.get(f"{L}/courses/{c.public_id}/quiz").status_code == 403
    assert client.post(f"{L}/courses/{c.public_id}/enroll").status_code == 200
    for url in (f"{L}/courses", f"{L}/enrollments"):
        assert '"correct"' not in client.get(url).content.decode()


def test_partner_sees_its_audience_only(world, api_client):
    course(world.pmm, title="For everyone")
    si = course(world.pmm, title="For integrators", partner_types=["si"])
    draft = course(world.pmm, title="Draft", publish=False)
    a = api_client.as_user(world.a_sales)
    assert [i["title"] for i in walk(a, f"{L}/courses", limit=1)] == ["For everyone"]
    missing = a.get(f"{L}/courses/crs_0000000000000000")
    for c in (si, draft):
        resp = a.get(f"{L}/courses/{c.public_id}")
        assert (resp.status_code, resp.json()) == (missing.status_code, missing.json())
        assert a.post(f"{L}/courses/{c.public_id}/enroll").json() == missing.json()
    b = api_client.as_user(world.b_sales)
    assert {i["title"] for i in walk(b, f"{L}/courses", limit=1)} == {"For everyone", "For integrators"}
    assert api_client.as_user(world.finance).get(f"{L}/courses").status_code == 403


def test_paths_and_certifications(world, api_client):
    c1, c2 = course(world.pmm), course(world.pmm)
    client = api_client.as_user(world.pmm)
    resp = client.post(f"{L}/paths", {"name": "Security seller", "courses": [{"course": c1.public_id}, {"course": c2.public_id,
                                                                                                         "required": False}]})
    assert resp.status_code == 201, resp.content
    pid = resp.json()["id"]
    assert [s["required"] for s in resp.json()["courses"]] == [True, False]
    resp = client.post(f"{L}/certifications", {"name": "Security Pro", "path": "path_0000000000000000"})
    assert resp.status_code == 400 and error_fields(resp) == ["path"]
    resp = client.post(f"{L}/certifications", {"name": "Security Pro", "path": pid, "status": "published"})
    assert resp.status_code == 409 and error_fields(resp) == ["status"]
    assert client.post(f"{L}/paths/{pid}/publish").status_code == 200
    resp = client.post(f"{L}/certifications", {"name": "Security Pro", "path": pid, "status": "published", "validity_months": 12})
    assert resp.status_code == 201 and resp.json()["path"]["id"] == pid
    cert_id = resp.json()["id"]
    resp = client.patch(f"{L}/certifications/{cert_id}", {"remind_days_before": 45})
    assert resp.status_code == 200 and resp.json()["remind_days_before"] == 45
    partner = api_client.as_user(world.a_sales)
    assert [i["id"] for i in partner.get(f"{L}/certifications").json()["items"]] == [cert_id]
    assert partner.get(f"{L}/paths/{pid}").status_code == 200
    assert partner.patch(f"{L}/paths/{pid}", {"name": "x"}).status_code == 403


def test_lists_use_constant_queries(world, api_client):
    for _ in range(3):
        c = course(world.pmm, partner_types=["si", "reseller"], tiers=["Registered"])
        certification(world.pmm, path(world.pmm, [c], partner_types=["si"]))
    client = api_client.as_user(world.pmm)
    for url in (f"{L}/courses", f"{L}/paths", f"{L}/certifications"):
        assert_constant_queries(client, url, small=1, large=3)
