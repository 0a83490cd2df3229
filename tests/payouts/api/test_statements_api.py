"""/api/v1/statements and /api/v1/payee-profiles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api_helpers import API, error_fields
from tests.payouts.factories import incentive_payable, payee

pytestmark = pytest.mark.django_db


def _period():
    today = timezone.localdate()
    return {"period_start": (today - timedelta(days=10)).isoformat(), "period_end": today.isoformat()}


def test_generate_list_get_and_download(world, api_client):
    incentive_payable(world.partner_a, "12.34")
    incentive_payable(world.partner_b, "1.00")
    finance = api_client.as_user(world.finance)
    r = finance.post(f"{API}/statements/generate", _period())
    assert r.status_code == 201 and r.json()["generated"] == 2
    items = finance.get(f"{API}/statements").json()["items"]
    assert {i["partner"]["name"] for i in items} == {world.partner_a.name, world.partner_b.name}
    a_admin = api_client.as_user(world.a_admin)
    mine = a_admin.get(f"{API}/statements").json()["items"]
    assert [i["partner"]["id"] for i in mine] == [world.partner_a.public_id]
    st = a_admin.get(f"{API}/statements/{mine[0]['id']}").json()
    assert st["opening"]["incentive.payable"] == "0.00" and st["closing"]["incentive.payable"] == "12.34"
    assert st["totals"]["payable"] == "12.34" and st["lines"][0]["amounts"] == {"incentive.payable": "12.34"}
    assert st["lines"][0]["description"] == "Rebate on a won deal"
    pdf = a_admin.get(st["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    csv = a_admin.get(f"{API}/statements/{st['id']}?format=csv")
    assert "12.34" in b"".join(csv.streaming_content).decode("utf-8-sig")
    other = next(i for i in items if i["partner"]["id"] == world.partner_b.public_id)
    assert a_admin.get(f"{API}/statements/{other['id']}").status_code == 404
    assert a_admin.get(f"{API}/statements/{other['id']}.pdf").status_code == 404
    assert a_admin.get(f"{API}/statements/{st['id']}?format=xml").status_code == 400


def test_only_finance_generates(world, api_client):
    assert api_client.as_user(world.admin).post(f"{API}/statements/generate", _period()).status_code == 403
    assert api_client.as_user(world.a_admin).post(f"{API}/statements/generate", _period()).status_code == 404
    r = api_client.as_user(world.finance).post(f"{API}/statements/generate", {"period_start": "2026-03-01", "period_end": "2026-01-01"})
    assert r.status_code == 400 and error_fields(r) == ["period_end"]


def test_payee_profile(world, api_client):
    a_admin = api_client.as_user(world.a_admin)
    url = f"{API}/payee-profiles/{world.partner_a.public_id}"
    assert a_admin.get(url).status_code == 404
    r = a_admin.patch(url, {"legal_name": "Alpha Distribution GmbH", "payment_method": "sepa",
                            "account_number": "DE89 3704 0044 0532 0130 00", "remittance_email": "ap@alpha.example"})
    assert r.status_code == 200, r.content
    assert r.json()["account"] == "****3000" and r.json()["payment_method"] == "sepa"
    r = a_admin.patch(url, {"erp_vendor_id": "V1"})
    assert r.status_code == 400 and error_fields(r) == ["erp_vendor_id"]
    r = a_admin.patch(url, {"account_number": "12"})
    assert r.status_code == 400 and error_fields(r) == ["account_number"]
    finance = api_client.as_user(world.finance)
    r = finance.patch(url, {"erp_vendor_id": "SUP-0042"})
    assert r.status_code == 200 and r.json()["erp_vendor_id"] == "SUP-0042"
    assert finance.patch(url, {"legal_name": "x"}).status_code == 400
    # another partner's admin: not found; a seller of the partner: forbidden
    assert api_client.as_user(world.b_admin).get(url).status_code == 404
    assert api_client.as_user(world.a_sales).get(url).status_code == 403
    payee(world.partner_b)
    assert [i["partner"]["id"] for i in api_client.as_user(world.a_admin).get(f"{API}/payee-profiles").json()["items"]] == \
        [world.partner_a.public_id]
