"""The partner's earnings page: live accrued / held / payable / paid, what is held until when, each accrual explained."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.incentives.services import incentives_release

from ..factories import rule, won_deal

pytestmark = pytest.mark.django_db


def test_a_partner_admin_sees_its_earnings_live(world, client):
    rule(world, name="Resale rebate", percent="10")
    rule(world, name="Launch bonus", kind="spif", percent=None, fixed="250", currency="USD", holdback_days=30)
    won_deal(world.a_sales, "1000", customer_name="Northwind Traders")
    incentives_release()
    won_deal(world.a_sales, "4000", customer_name="Fabrikam Inc", website="fabrikam.example", contact_email="x@fabrikam.example")
    client.force_login(world.a_admin)

    resp = client.get("/portal/earnings/")

    assert resp.status_code == 200
    summary = resp.context["summary"][0]
    assert {k: str(summary[k]) for k in ("accrued", "held", "payable", "paid")} == {
        "accrued": "650.00", "held": "250.00", "payable": "100.00", "paid": "0.00"}
    body = resp.content.decode()
    until = (timezone.localdate() + timedelta(days=30)).strftime("%Y-%m-%d")
    assert f"Held back until {until}" in body
    assert "held back until" in body and "Northwind Traders" in body and "Fabrikam Inc" in body
    assert "10 % of 4,000.00 USD under &#x27;Resale rebate&#x27; v1" in body


def test_another_partners_earnings_never_show(world, client):
    rule(world, percent="10")
    won_deal(world.a_sales, "1000", customer_name="Northwind Traders")
    client.force_login(world.b_admin)

    resp = client.get("/portal/earnings/")

    assert resp.status_code == 200
    assert "Northwind Traders" not in resp.content.decode() and resp.context["summary"] == []
    assert "No earnings yet" in resp.content.decode()


@pytest.mark.parametrize("role", ["a_sales", "a_marketing"])
def test_only_partner_admins_have_the_page(world, client, role):
    client.force_login(getattr(world, role))
    assert client.get("/portal/earnings/").status_code == 404
