"""Console payout pages: runs list, create, detail with progress, approve (four eyes), execute, ERP file;
statements with generation and downloads; payees with the ERP vendor id."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.ledger.models import LedgerTransaction
from allied.payouts.models import PayeeProfile, PayoutRun, PayoutStatus, RunStatus, Statement
from tests.factories import approved_claim
from tests.payouts.factories import incentive_payable, payee, second_finance

pytestmark = pytest.mark.django_db


def test_finance_creates_another_approves_then_executes(client, world):
    claim = approved_claim(world, "1000.10")
    incentive_payable(world.partner_b, "20.05")
    payee(world.partner_a)
    client.force_login(world.finance)
    body = client.get("/console/payouts/").content.decode()
    assert "Payable now" in body and "1,020.15 USD" in body and "New payout run" in body
    r = client.post("/console/payouts/new/", {"period_label": "2026-Q1", "starts_on": "2026-01-01", "ends_on": "2026-03-31"})
    run = PayoutRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/console/payouts/{run.public_id}/"
    body = client.get(r["Location"]).content.decode()
    assert "You created this run" in body and "Approve the run" not in body and claim.public_id in body
    assert "payee without payment details" in body
    # the creator's approval is refused with a message; a second finance user approves
    r = client.post(f"/console/payouts/{run.public_id}/approve/", follow=True)
    assert "four eyes" in r.content.decode()
    client.force_login(second_finance(world))
    assert "Approve the run" in client.get(f"/console/payouts/{run.public_id}/").content.decode()
    client.post(f"/console/payouts/{run.public_id}/approve/")
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    r = client.post(f"/console/payouts/{run.public_id}/execute/", follow=True)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and "2 of 2 paid" in r.content.decode()
    assert LedgerTransaction.objects.filter(kind="payout.paid").count() == 2
    progress = client.get(f"/console/payouts/{run.public_id}/progress/").content.decode()
    assert "2 of 2 paid" in progress and "hx-get" not in progress  # no more polling once done
    csv = b"".join(client.get(f"/console/payouts/{run.public_id}/export.csv").streaming_content).decode("utf-8-sig")
    assert "Alpha Distribution Ltd" in csv and "1000.10" in csv


def test_progress_polls_while_processing(client, world):
    incentive_payable(world.partner_b, "20.05")
    run = PayoutRun.objects.create(period_label="x", starts_on=timezone.localdate(), ends_on=timezone.localdate(),
                                   created_by=world.finance, status=RunStatus.PROCESSING)
    run.payouts.create(partner=world.partner_b, currency="USD", incentive_minor=2005, total_minor=2005)
    client.force_login(world.pmm)
    body = client.get(f"/console/payouts/{run.public_id}/progress/").content.decode()
    assert "hx-get" in body and "0 of 1 paid" in body
    body = client.get(f"/console/payouts/{run.public_id}/").content.decode()
    assert "Finance actions" not in body  # read only for other vendor roles


def test_single_payout_pay_and_cancel_from_the_run_page(client, world):
    incentive_payable(world.partner_a, "5.00")
    incentive_payable(world.partner_b, "7.00")
    from tests.payouts.factories import run_for

    run = run_for(world)
    client.force_login(world.finance)
    a, b = run.payouts.get(partner=world.partner_a), run.payouts.get(partner=world.partner_b)
    client.post(f"/console/payouts/payments/{a.public_id}/", {"action": "pay", "reference": "BANK-9"})
    r = client.post(f"/console/payouts/payments/{b.public_id}/", {"action": "cancel", "reason": ""}, follow=True)
    assert "Say why" in r.content.decode()
    client.post(f"/console/payouts/payments/{b.public_id}/", {"action": "cancel", "reason": "Bank closed"})
    a.refresh_from_db()
    b.refresh_from_db()
    run.refresh_from_db()
    assert (a.status, a.reference, b.status, run.status) == (PayoutStatus.PAID, "BANK-9", PayoutStatus.CANCELLED, RunStatus.COMPLETED)


def test_statements_page_generates_and_downloads(client, world):
    incentive_payable(world.partner_a, "12.34")
    client.force_login(world.admin)
    body = client.get("/console/payouts/statements/").content.decode()
    assert "Generate statements" not in body and "No statements yet" in body
    client.force_login(world.finance)
    today = timezone.localdate()
    r = client.post("/console/payouts/statements/", {"period_start": (today - timedelta(days=5)).isoformat(),
                                                     "period_end": today.isoformat()}, follow=True)
    assert "1 statement generated" in r.content.decode() and world.partner_a.name in r.content.decode()
    st = Statement.objects.get()
    pdf = client.get(f"/console/payouts/statements/{st.public_id}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    assert client.get(f"/console/payouts/statements/{st.public_id}/xls/").status_code == 404
    r = client.post("/console/payouts/statements/", {"period_start": today.isoformat(), "period_end": (today - timedelta(days=5)).isoformat()})
    assert r.status_code == 400 and "period_end" in r.context["form"].errors


def test_payees_page_sets_erp_vendor_id(client, world):
    payee(world.partner_a, erp_vendor_id="")
    client.force_login(world.cam)
    body = client.get("/console/payouts/payees/").content.decode()
    assert "****6789" in body and 'name="erp_vendor_id"' not in body
    client.force_login(world.finance)
    client.post("/console/payouts/payees/", {"partner": world.partner_a.public_id, "erp_vendor_id": "SUP-1"})
    assert PayeeProfile.objects.get().erp_vendor_id == "SUP-1"
