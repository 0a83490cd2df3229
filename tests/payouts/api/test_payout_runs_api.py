"""/api/v1/payout-runs and /api/v1/payouts: finance creates, a second finance user approves, execution pays."""

from decimal import Decimal

import pytest

from allied.ledger.models import LedgerTransaction
from allied.payouts.services import payout_run_cancel
from tests.api_helpers import API, assert_constant_queries, error_fields, walk
from tests.factories import approved_claim
from tests.payouts.factories import incentive_payable, payee, run_for, second_finance

pytestmark = pytest.mark.django_db

RUN = {"starts_on": "2026-01-01", "ends_on": "2026-03-31", "period_label": "2026-Q1"}


def test_create_approve_execute(world, api_client):
    claim = approved_claim(world, "1000.10")
    incentive_payable(world.partner_b, "20.05")
    payee(world.partner_a)
    finance = api_client.as_user(world.finance)
    r = finance.post(f"{API}/payout-runs", RUN)
    assert r.status_code == 201, r.content
    run = r.json()
    assert run["status"] == "draft" and run["period_label"] == "2026-Q1" and run["id"].startswith("prun_")
    assert run["totals"] == {"USD": {"payouts": 2, "mdf": "1000.10", "incentive": "20.05", "total": "1020.15"}}
    assert run["progress"] == {"total": 2, "paid": 0, "pending": 2, "failed": 0, "cancelled": 0, "percent": 0}
    # the creator cannot approve (four eyes)
    r = finance.post(f"{API}/payout-runs/{run['id']}/approve")
    assert r.status_code == 403 and "four eyes" in r.json()["error"]["message"]
    r = api_client.as_user(second_finance(world)).post(f"{API}/payout-runs/{run['id']}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["approved_by"]["name"]
    finance = api_client.as_user(world.finance)
    r = finance.post(f"{API}/payout-runs/{run['id']}/execute")
    assert r.status_code == 202, r.content
    assert r.json()["status"] == "completed" and r.json()["progress"]["percent"] == 100  # tasks run inline in tests
    items = walk(finance, f"{API}/payouts?run={run['id']}", limit=1)
    assert {i["partner"]["name"]: (i["status"], i["total"]) for i in items} == {
        world.partner_a.name: ("paid", "1000.10"), world.partner_b.name: ("paid", "20.05")}
    a = next(i for i in items if i["partner"]["id"] == world.partner_a.public_id)
    assert a["claims"] == [{"id": claim.public_id, "request": claim.request.title, "amount": "1000.10"}]
    assert a["ledger_transaction"].startswith("txn_") and a["reference"] == a["id"]
    # the ERP file
    r = finance.get(f"{API}/payout-runs/{run['id']}/export.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("run_id,period,payout_id,partner_id,erp_vendor_id")
    assert f"V{world.partner_a.pk:05d},Alpha Distribution Ltd,ach,****6789" in text
    r = finance.get(f"{API}/payout-runs/{run['id']}/export.csv?kind=remittance")
    assert claim.public_id in b"".join(r.streaming_content).decode()
    assert finance.get(f"{API}/payout-runs/{run['id']}/export.csv?kind=nope").status_code == 400


def test_errors_name_the_field(world, api_client):
    finance = api_client.as_user(world.finance)
    r = finance.post(f"{API}/payout-runs", {**RUN, "ends_on": "2025-01-01"})
    assert r.status_code == 400 and error_fields(r) == ["ends_on"]
    r = finance.post(f"{API}/payout-runs", {**RUN, "starts_on": "not a date"})
    assert r.status_code == 422 and error_fields(r) == ["starts_on"]
    r = finance.post(f"{API}/payout-runs", RUN)
    assert r.status_code == 409 and "Nothing is payable" in r.json()["error"]["message"]
    assert api_client.as_user(world.admin).post(f"{API}/payout-runs", RUN).status_code == 403
    assert api_client.as_user(world.a_admin).post(f"{API}/payout-runs", RUN).status_code == 404


def test_pay_one_payout_twice_pays_once(world, api_client):
    incentive_payable(world.partner_b, "20.05")
    run = run_for(world)
    payout = run.payouts.get()
    finance = api_client.as_user(world.finance)
    first = finance.post(f"{API}/payouts/{payout.public_id}/pay", {"reference": "BANK-1"})
    second = finance.post(f"{API}/payouts/{payout.public_id}/pay", {"reference": "BANK-2"})
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and first.json()["reference"] == "BANK-1"
    assert LedgerTransaction.objects.filter(kind="payout.paid").count() == 1
    r = api_client.as_user(world.admin).post(f"{API}/payouts/{payout.public_id}/pay", {})
    assert r.status_code == 403


def test_partner_sees_own_payouts_of_approved_runs_only(world, api_client):
    incentive_payable(world.partner_a, "5.00")
    incentive_payable(world.partner_b, "7.00")
    draft = run_for(world, approve=False)
    a_admin = api_client.as_user(world.a_admin)
    assert a_admin.get(f"{API}/payouts").json()["items"] == []
    from allied.payouts.services import payout_run_approve

    payout_run_approve(actor=second_finance(world), run=draft)
    items = a_admin.get(f"{API}/payouts").json()["items"]
    assert [i["partner"]["id"] for i in items] == [world.partner_a.public_id] and items[0]["incentive"] == "5.00"
    b_payout = draft.payouts.get(partner=world.partner_b)
    assert a_admin.get(f"{API}/payouts/{b_payout.public_id}").status_code == 404
    assert api_client.as_user(world.a_sales).get(f"{API}/payouts").status_code == 403


def test_lists_do_not_grow_queries(world, api_client):
    for i in range(12):
        incentive_payable(world.partner_a, f"{i + 1}.00", currency=["USD", "EUR", "GBP", "JPY"][i % 4])
    for _ in range(3):
        approved_claim(world, "10.00")
    for i in range(3):  # three runs: two cancelled, the last one holds everything
        run = run_for(world)
        if i < 2:
            payout_run_cancel(actor=world.finance, run=run, reason="Again")
    finance = api_client.as_user(world.finance)
    assert_constant_queries(finance, f"{API}/payouts", small=1, large=4)
    assert_constant_queries(finance, f"{API}/payout-runs", small=1, large=3)
    assert Decimal(finance.get(f"{API}/payouts?currency=JPY&status=pending").json()["items"][0]["total"]) == Decimal("24")
