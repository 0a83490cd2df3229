"""Learning reads: catalogue by audience, progress by person (own, team for partner admins, all for vendor readers)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allied.core.errors import NotFound, PermissionDenied
from allied.learning import selectors, services
from allied.learning.models import Course
from tests.learning.factories import certification, complete, course, path


def test_catalogue_by_audience_and_status(world):
    everyone = course(world.pmm, title="Everyone")
    si_only = course(world.pmm, title="SI only", partner_types=["si"])
    admins = course(world.pmm, title="Admins only", roles=["partner_admin"])
    draft = course(world.pmm, title="Draft", publish=False)
    titles = lambda user: {c.title for c in selectors.course_list(actor=user)}  # noqa: E731
    assert titles(world.a_sales) == {"Everyone"}
    assert titles(world.a_admin) == {"Everyone", "Admins only"}
    assert titles(world.b_sales) == {"Everyone", "SI only"}
    assert titles(world.pmm) == titles(world.cam) == {"Everyone", "SI only", "Admins only", "Draft"}
    with pytest.raises(PermissionDenied):
        selectors.course_list(actor=world.finance)
    for user, c in ((world.a_sales, si_only), (world.a_sales, admins), (world.b_sales, draft)):
        with pytest.raises(NotFound):
            selectors.course_get(actor=user, public_id=c.public_id)
    assert selectors.course_get(actor=world.b_sales, public_id=si_only.public_id) == si_only
    assert everyone


def test_paths_and_certifications_follow_the_path_audience(world):
    c = course(world.pmm)
    mine = path(world.pmm, [c], partner_types=["distributor"])
    theirs = path(world.pmm, [c], partner_types=["si"])
    cert_mine, cert_theirs = certification(world.pmm, mine), certification(world.pmm, theirs)
    assert list(selectors.path_list(actor=world.a_sales)) == [mine]
    assert list(selectors.certification_list(actor=world.a_sales)) == [cert_mine]
    with pytest.raises(NotFound):
        selectors.certification_get(actor=world.a_sales, public_id=cert_theirs.public_id)
    with pytest.raises(NotFound):
        selectors.path_get(actor=world.a_sales, public_id=theirs.public_id)


def test_progress_is_own_team_or_vendor(world):
    c = course(world.pmm)
    mine = services.enroll(actor=world.a_sales, course=c)
    colleague = services.enroll(actor=world.a_marketing, course=c)
    sub = services.enroll(actor=world.a1_admin, course=c)
    other = services.enroll(actor=world.b_sales, course=c)
    ids = lambda user: {e.public_id for e in selectors.enrollment_list(actor=user)}  # noqa: E731
    assert ids(world.a_sales) == {mine.public_id}
    assert ids(world.a_admin) == {mine.public_id, colleague.public_id, sub.public_id}  # the distributor's scope holds A1
    assert ids(world.b_admin) == {other.public_id}
    assert ids(world.cam) == {mine.public_id, colleague.public_id, sub.public_id, other.public_id}
    for user, e in ((world.a_sales, colleague), (world.a_sales, other), (world.a_admin, other), (world.b_admin, mine)):
        with pytest.raises(NotFound):
            selectors.enrollment_get(actor=user, public_id=e.public_id)
    attempt = services.quiz_submit(actor=world.b_sales, enrollment=other, answers={})
    with pytest.raises(NotFound):
        selectors.attempt_get(actor=world.a_admin, public_id=attempt.public_id)
    assert selectors.attempt_get(actor=world.b_admin, public_id=attempt.public_id) == attempt


def test_team_progress_is_for_partner_admins(world):
    c = course(world.pmm)
    certification(world.pmm, path(world.pmm, [c]))
    complete(world.a_sales, c)
    services.enroll(actor=world.a_marketing, course=course(world.pmm))
    rows = {r["user"].email: r for r in selectors.team_progress(world.a_admin)}
    assert rows["sales@alpha.example"]["completed"] == 1 and rows["sales@alpha.example"]["certifications"] == 1
    assert rows["marketing@alpha.example"]["in_progress"] == 1
    assert "sales@bravo.example" not in rows
    assert {r["user"].email for r in selectors.team_progress(world.b_admin)} == {"admin@bravo.example", "sales@bravo.example",
                                                                               "marketing@bravo.example"}
    for user in (world.a_sales, world.cam):
        with pytest.raises(PermissionDenied):
            selectors.team_progress(user)


def test_my_learning_and_catalogue_for(world):
    c1, c2 = course(world.pmm, title="One"), course(world.pmm, title="Two")
    cert = certification(world.pmm, path(world.pmm, [c1, c2]))
    complete(world.a_sales, c1)
    e2 = services.enroll(actor=world.a_sales, course=c2)
    services.lesson_complete(actor=world.a_sales, enrollment=e2, lesson=c2.lessons.first())
    mine = selectors.my_learning(world.a_sales)
    assert [r["enrollment"] for r in mine["in_progress"]] == [e2] and mine["in_progress"][0]["progress"]["lessons_done"] == 1
    assert mine["in_progress"][0]["progress"]["percent"] == 33  # one of two lessons and the quiz
    assert [e.course for e in mine["completed"]] == [c1] and mine["certifications"] == []
    cat = selectors.catalogue_for(world.a_sales)
    assert [r["course"].title for r in cat["courses"]] == ["One", "Two"]
    assert cat["courses"][0]["progress"]["completed"] and cat["courses"][1]["progress"]["quiz"]["can_attempt"]
    assert cat["paths"][0]["required_done"] == 1 and cat["paths"][0]["required_total"] == 2
    assert cat["certifications"] == [{"certification": cert, "held": None}]
    with pytest.raises(PermissionDenied):
        selectors.my_learning(world.cam)


def test_vendor_reports(world):
    c1, c2 = course(world.pmm, title="One"), course(world.pmm, title="Two")
    p = path(world.pmm, [c1, c2])
    certification(world.pmm, p)
    complete(world.a_sales, c1)
    complete(world.a_sales, c2)
    complete(world.b_sales, c1)
    services.enroll(actor=world.b_admin, course=c2)
    by_partner = {r["partner"].name: r for r in selectors.completion_by_partner(actor=world.cam)}
    assert by_partner["Alpha Distribution"] | {"partner": None} == {"partner": None, "learners": 1, "enrolled": 2, "completed": 2,
                                                                     "completion_rate": 100, "active_certifications": 1}
    assert (by_partner["Bravo Systems"]["learners"], by_partner["Bravo Systems"]["completion_rate"]) == (2, 50)
    by_course = {r["course"].title: r for r in selectors.completion_by_course(actor=world.pmm)}
    assert (by_course["One"]["enrolled"], by_course["One"]["completed"], by_course["One"]["partners"]) == (2, 2, 2)
    assert (by_course["Two"]["enrolled"], by_course["Two"]["completed"], by_course["Two"]["attempts_passed"]) == (2, 1, 1)
    (row,) = selectors.completion_by_path(actor=world.admin)
    assert (row["learners"], row["completed"], row["completion_rate"], row["active_certifications"]) == (3, 1, 33, 1)
    holders = selectors.certification_holders(actor=world.cam)
    assert [h.user for h in holders] == [world.a_sales]
    for user in (world.finance, world.a_admin):
        with pytest.raises(PermissionDenied):
            selectors.completion_by_partner(actor=user)


def test_reports_use_a_constant_number_of_queries(world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.completion_by_partner(actor=world.cam)
            selectors.completion_by_course(actor=world.cam)
            selectors.completion_by_path(actor=world.cam)
        return len(ctx.captured_queries)

    c = course(world.pmm)
    path(world.pmm, [c])
    complete(world.a_sales, c)
    few = count()
    for _ in range(3):
        c = course(world.pmm)
        path(world.pmm, [c])
        for user in (world.b_sales, world.a1_admin):
            complete(user, c)
    assert count() == few
    assert Course.objects.count() == 4
