"""Console pages: incentive events with their accruals, all accruals with filters, replaying a period."""

import pytest
from django.utils import timezone

from allied.incentives.models import IncentiveEvent, IncentiveReplay

from ..factories import rule, won_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    rule(world, name="Rebate", percent="10")
    won_deal(world.a_sales, "1000", customer_name="Northwind Traders")
    won_deal(world.b_sales, "2000", customer_name="Contoso Ltd", website="contoso.example", contact_email="k@contoso.example")
    return world


def test_events_list_and_filter(history, client):
    world = history
    client.force_login(world.pmm)

    body = client.get("/console/incentives/events/").content.decode()
    assert "Northwind Traders" in body and "Contoso Ltd" in body and "2 events" in body

    only_b = client.get(f"/console/incentives/events/?partner={world.partner_b.public_id}").content.decode()
    assert "Contoso Ltd" in only_b and "Northwind Traders" not in only_b


def test_event_detail_shows_credits_and_accruals_with_explanations(history, client):
    world = history
    event = IncentiveEvent.objects.get(deal__customer_name="Northwind Traders")
    client.force_login(world.cam)

    body = client.get(f"/console/incentives/events/{event.public_id}/").content.decode()

    assert "Alpha Distribution" in body and "100.00 %" in body and "sourcing" in body
    assert "100.00 USD" in body and "10 % of 1,000.00 USD under &#x27;Rebate&#x27; v1" in body
    assert client.get("/console/incentives/events/iev_0000000000000000/").status_code == 404


def test_accruals_list_filters(history, client):
    world = history
    client.force_login(world.finance)

    body = client.get("/console/incentives/accruals/").content.decode()
    assert "2 accruals" in body and "300.00 USD" in body

    only_a = client.get(f"/console/incentives/accruals/?partner={world.partner_a.public_id}&state=accrued").content.decode()
    assert "1 accrual " in only_a and "100.00 USD" in only_a


def test_replay_twice_posts_nothing_the_second_time(history, client):
    world = history
    client.force_login(world.finance)
    today = timezone.localdate()

    resp = client.post("/console/incentives/replay/", {"period_start": today.replace(day=1).isoformat(),
                                                       "period_end": today.isoformat()}, follow=True)

    assert "Replayed 2 events: nothing changed, nothing was posted." in resp.content.decode()
    assert IncentiveReplay.objects.count() == 1
    bad = client.post("/console/incentives/replay/", {"period_start": today.isoformat(), "period_end": "2000-01-01"})
    assert bad.status_code == 400 and "period_end" in bad.context["form"].errors
