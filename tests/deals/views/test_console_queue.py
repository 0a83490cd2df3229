"""The CAM's registration queue: what waits for a decision, the top evidence, filters and bulk decisions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import DealRegistration, DealStatus
from allied.deals.services import deals_escalate_overdue, extension_request
from tests.conftest import make_partner, make_user

from .conftest import register, review_everything, rules_set

pytestmark = pytest.mark.django_db
URL = "/console/deals/"


@pytest.fixture
def queue(world):
    """Two registrations of the same customer (the second waits for review) plus one of another CAM's partner."""
    first = register(world.a_sales)
    rules_set(registration_conflict="review")
    second = register(world.b_sales, customer_name="Northwind Traders", contact_email="lee@northwind.example")
    other_cam = make_user("cam2@vendor.example", "cam")
    echo = make_partner("Echo Networks", "reseller", cam=other_cam)
    echo_sales = make_user("sales@echo.example", "partner_sales", echo)
    review_everything()
    third = register(echo_sales, customer_name="Litware", website="litware.example", contact_email="")
    return first, second, third


def _ids(response):
    return [d.public_id for d in response.context["page"]]


def test_default_is_in_review_for_my_partners_with_the_top_evidence(client, world, queue):
    _, second, third = queue
    client.force_login(world.cam)
    r = client.get(URL)
    assert r.status_code == 200 and _ids(r) == [second.public_id]  # the other CAM's partner is not "mine"
    body = r.content.decode()
    assert "Another partner&#x27;s registration" in body and "Bravo Systems" in body
    assert "Approve selected" in body
    r = client.get(URL, {"f": "1", "status": "pending"})  # "only my partners" unticked
    assert set(_ids(r)) == {second.public_id, third.public_id}
    client.force_login(world.admin)  # a program admin sees every partner's queue by default
    assert set(_ids(client.get(URL))) == {second.public_id, third.public_id}


def test_filters_search_partner_type_escalated_expiring_and_extensions(client, world, queue):
    first, second, third = queue
    client.force_login(world.admin)
    assert _ids(client.get(URL, {"f": "1", "q": "litware"})) == [third.public_id]
    assert set(_ids(client.get(URL, {"f": "1", "partner": world.partner_a.public_id}))) == {first.public_id}
    assert _ids(client.get(URL, {"f": "1", "deal_type": "renewal"})) == []
    DealRegistration.objects.filter(pk=third.pk).update(sla_due_at=timezone.now() - timedelta(hours=1))
    deals_escalate_overdue()
    r = client.get(URL, {"f": "1", "escalated": "on"})
    assert _ids(r) == [third.public_id] and "escalated" in r.content.decode() and "overdue" in r.content.decode()
    DealRegistration.objects.filter(pk=first.pk).update(protection_expires_at=timezone.now() + timedelta(days=5))
    assert _ids(client.get(URL, {"f": "1", "expiring_days": "7"})) == [first.public_id]
    extension_request(actor=world.a_sales, deal=first, days=10, reason="Budget cycle")
    r = client.get(URL, {"extensions": "on"})
    assert _ids(r) == [first.public_id] and r.context["counts"]["extensions"] == 1
    assert client.get(URL, {"f": "1", "status": "bogus"}).status_code == 200  # a bad filter is ignored, not a crash


def test_bulk_approve_and_decline(client, world, queue):
    _, second, third = queue
    client.force_login(world.admin)
    r = client.post(URL, {"action": "bulk_decline", "deal": [second.public_id, third.public_id], "reason": ""})
    assert r.status_code == 302
    assert "Tell the partner why" in client.get(URL).content.decode()
    assert DealRegistration.objects.filter(status=DealStatus.PENDING).count() >= 1
    r = client.post(URL, {"action": "bulk_approve", "deal": [third.public_id], "reason": "Welcome", "next": "/console/deals/?f=1"})
    assert r.status_code == 302 and r.url == "/console/deals/?f=1"
    third.refresh_from_db()
    assert third.status == DealStatus.APPROVED and third.decision_reason == "Welcome"
    r = client.post(URL, {"action": "bulk_approve", "deal": [third.public_id]}, follow=True)
    assert "Nothing was changed: no longer in review: Litware" in r.content.decode()
    r = client.post(URL, {"action": "bulk_approve"}, follow=True)
    assert "Select at least one registration." in r.content.decode()


def test_readers_and_partners(client, world, queue):
    _, second, _ = queue
    client.force_login(world.pmm)  # vendor readers see the queue, cannot decide
    r = client.get(URL, {"f": "1"})
    assert r.status_code == 200 and "Approve selected" not in r.content.decode()
    assert client.post(URL, {"action": "bulk_approve", "deal": [second.public_id]}).status_code == 403
    client.force_login(world.b_admin)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"action": "bulk_approve", "deal": [second.public_id]}).status_code == 404
    second.refresh_from_db()
    assert second.status != DealStatus.APPROVED
