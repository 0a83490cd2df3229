"""/api/v1/onboarding-tasks: list, get, complete, reopen, patch."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from allied.onboarding.models import OnboardingTask, Side, TaskStatus
from allied.onboarding.services import journey_start
from allied.partners.models import PartnerStatus
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, walk
from tests.conftest import make_partner

URL = f"{API}/onboarding-tasks"


@pytest.fixture
def tasks(world):
    for partner in (world.partner_a, world.partner_a1, world.partner_b):
        journey_start(actor=None, partner=partner)
    return OnboardingTask.objects.all()


def task(partner, *, side=Side.PARTNER, kind="training") -> OnboardingTask:
    qs = OnboardingTask.objects.filter(partner=partner, side=side)
    return (qs.filter(kind=kind) if side == Side.PARTNER else qs).order_by("due_date", "id").first()


def partner_ids(resp) -> set[str]:
    assert resp.status_code == 200, resp.content
    return {t["partner"]["id"] for t in resp.json()["items"]}


def test_vendor_lists_all_tasks_by_due_date(world, api_client, tasks):
    api_client.as_user(world.cam)
    items = walk(api_client, URL, limit=200)
    assert len(items) == tasks.count()
    assert [t["due_date"] for t in items] == sorted(t["due_date"] for t in items)
    first = items[0]
    assert first["id"].startswith("obt_") and first["status"] == "open" and first["overdue"] is False
    assert first["side"] in ("partner", "vendor")


def test_scope_of_partner_users(world, api_client, tasks):
    assert partner_ids(api_client.as_user(world.a_marketing).get(URL)) == {world.partner_a.public_id, world.partner_a1.public_id}
    assert partner_ids(api_client.as_user(world.a1_admin).get(URL)) == {world.partner_a1.public_id}
    assert partner_ids(api_client.as_user(world.b_sales).get(URL)) == {world.partner_b.public_id}


def test_filters(world, api_client, tasks):
    t = task(world.partner_b)
    api_client.as_user(world.admin).post(f"{URL}/{t.public_id}/complete")

    assert partner_ids(api_client.get(f"{URL}?partner={world.partner_a1.public_id}")) == {world.partner_a1.public_id}
    done = api_client.get(f"{URL}?status=done").json()["items"]
    assert [x["id"] for x in done] == [t.public_id]
    mine = api_client.as_user(world.b_admin).get(f"{URL}?mine=true").json()["items"]
    assert mine and all(x["owner"]["id"] == world.b_admin.public_id for x in mine)


def test_filter_by_foreign_partner_answers_like_missing(world, api_client, tasks):
    api_client.as_user(world.b_admin)
    foreign = api_client.get(f"{URL}?partner={world.partner_a.public_id}")
    missing = api_client.get(f"{URL}?partner={missing_id('ptn')}")
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    assert error_fields(foreign) == ["partner"]


def test_list_pages_and_query_count(world, api_client, tasks):
    for i in range(5):
        journey_start(actor=None, partner=make_partner(f"Onboarding {i}", status=PartnerStatus.ONBOARDING, cam=world.cam))
    api_client.as_user(world.admin)
    items = walk(api_client, URL, limit=9)
    assert {t["id"] for t in items} == set(OnboardingTask.objects.values_list("public_id", flat=True))
    assert_constant_queries(api_client, URL)


def test_overdue_flag(world, api_client, tasks):
    t = task(world.partner_b)
    OnboardingTask.objects.filter(pk=t.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    body = api_client.as_user(world.b_admin).get(f"{URL}/{t.public_id}").json()
    assert body["overdue"] is True


def test_get_own_task(world, api_client, tasks):
    t = task(world.partner_a1)
    resp = api_client.as_user(world.a_sales).get(f"{URL}/{t.public_id}")
    assert resp.status_code == 200
    assert resp.json()["title"] == t.title


def test_foreign_task_answers_like_missing(world, api_client, tasks):
    api_client.as_user(world.a1_admin)
    foreign = api_client.get(f"{URL}/{task(world.partner_a).public_id}")
    missing = api_client.get(f"{URL}/{missing_id('obt')}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_partner_completes_its_task(world, api_client, tasks):
    t = task(world.partner_b)
    resp = api_client.as_user(world.b_sales).post(f"{URL}/{t.public_id}/complete")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "done" and resp.json()["completed_at"]


def test_complete_a_checkable_task_too_early_names_why(world, api_client, tasks):
    t = task(world.partner_b, kind="agreement")
    resp = api_client.as_user(world.b_admin).post(f"{URL}/{t.public_id}/complete")
    assert resp.status_code == 400
    assert error_fields(resp) == ["status"]
    assert "agreement" in resp.json()["error"]["message"]


@pytest.mark.parametrize(("role", "side", "partner"), [
    ("b_admin", Side.VENDOR, "partner_b"),  # the vendor's task
    ("a_admin", Side.PARTNER, "partner_a1"),  # sees the sub-partner's task, may not work it
])
def test_complete_without_permission_is_403(world, api_client, tasks, role, side, partner):
    t = task(getattr(world, partner), side=side)
    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{t.public_id}/complete")
    assert resp.status_code == 403
    assert OnboardingTask.objects.get(pk=t.pk).status == TaskStatus.OPEN


def test_vendor_reopens(world, api_client, tasks):
    t = task(world.partner_b)
    api_client.as_user(world.cam).post(f"{URL}/{t.public_id}/complete")
    resp = api_client.post(f"{URL}/{t.public_id}/reopen")
    assert resp.status_code == 200
    assert resp.json()["status"] == "open" and resp.json()["completed_at"] is None


def test_partner_cannot_reopen(world, api_client, tasks):
    t = task(world.partner_b)
    api_client.as_user(world.b_admin).post(f"{URL}/{t.public_id}/complete")
    resp = api_client.post(f"{URL}/{t.public_id}/reopen")
    assert resp.status_code == 403


def test_vendor_moves_due_date_and_owner(world, api_client, tasks):
    t = task(world.partner_b)
    resp = api_client.as_user(world.cam).patch(f"{URL}/{t.public_id}", {"due_date": "2031-05-01", "owner": world.b_sales.public_id})

    assert resp.status_code == 200, resp.content
    assert resp.json()["due_date"] == "2031-05-01"
    assert resp.json()["owner"]["id"] == world.b_sales.public_id
    t.refresh_from_db()
    assert (t.due_date, t.owner) == (date(2031, 5, 1), world.b_sales)


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"due_date": "someday"}, 422, "due_date"),
    ({"due_date": None}, 400, "due_date"),
    ({"owner": None}, 400, "owner"),
    ({"owner": "usr_0000000000000000"}, 400, "owner"),
    ({"owner": "a_admin"}, 400, "owner"),  # a user of another partner
])
def test_patch_names_the_bad_field(world, api_client, tasks, body, status, field):
    if body.get("owner") == "a_admin":
        body = {"owner": world.a_admin.public_id}
    t = task(world.partner_b)
    resp = api_client.as_user(world.admin).patch(f"{URL}/{t.public_id}", body)
    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]


def test_partner_cannot_patch(world, api_client, tasks):
    t = task(world.partner_b)
    resp = api_client.as_user(world.b_admin).patch(f"{URL}/{t.public_id}", {"due_date": "2031-05-01"})
    assert resp.status_code == 403


@pytest.mark.parametrize(("method", "suffix"), [("post", "/complete"), ("post", "/reopen"), ("patch", "")])
def test_foreign_task_mutations_answer_like_missing(world, api_client, tasks, method, suffix):
    api_client.as_user(world.b_admin)
    call = getattr(api_client, method)
    foreign = call(f"{URL}/{task(world.partner_a).public_id}{suffix}", {"due_date": "2031-05-01"})
    missing = call(f"{URL}/{missing_id('obt')}{suffix}", {"due_date": "2031-05-01"})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert OnboardingTask.objects.get(pk=task(world.partner_a).pk).status == TaskStatus.OPEN
