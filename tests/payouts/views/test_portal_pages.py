"""Portal money pages: payouts with the claims and incentives they pay, statements, payment details."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.payouts.models import PayeeProfile, Statement
from allied.payouts.services import payout_run_start, statements_generate
from tests.factories import approved_claim
from tests.payouts.factories import incentive_payable, run_for

pytestmark = pytest.mark.django_db


def test_partner_admin_sees_own_payouts_with_their_claims(client, world):
    claim = approved_claim(world, "250.00")
    incentive_payable(world.partner_a, "3.50")
    incentive_payable(world.partner_b, "99.00")
    run = run_for(world)
    client.force_login(world.a_admin)
    body = client.get("/portal/payouts/").content.decode()
    assert "Being paid" in body and claim.public_id in body and "253.50 USD" in body and "99.00" not in body
    assert "Enter your payment details" in body
    payout_run_start(actor=world.finance, run=run)
    body = client.get("/portal/payouts/").content.decode()
    assert "Paid" in body and "Nothing paid yet" not in body
    assert client.get("/portal/payouts/").context["upcoming"] == []


def test_sellers_and_marketers_do_not_see_money_pages(client, world):
    for user in (world.a_sales, world.a_marketing):
        client.force_login(user)
        for url in ("/portal/payouts/", "/portal/statements/", "/portal/payouts/payee/"):
            assert client.get(url).status_code == 404


def test_statements_download_own_only(client, world):
    incentive_payable(world.partner_a, "1.00")
    incentive_payable(world.partner_b, "2.00")
    today = timezone.localdate()
    statements_generate(actor=world.finance, period_start=today - timedelta(days=3), period_end=today)
    own, other = Statement.objects.get(partner=world.partner_a), Statement.objects.get(partner=world.partner_b)
    client.force_login(world.a_admin)
    body = client.get("/portal/statements/").content.decode()
    assert f"/portal/statements/{own.public_id}/pdf/" in body and other.public_id not in body
    csv = client.get(f"/portal/statements/{own.public_id}/csv/")
    assert "Closing balance" in b"".join(csv.streaming_content).decode("utf-8-sig")
    assert client.get(f"/portal/statements/{other.public_id}/pdf/").status_code == 404


def test_payee_form_keeps_only_the_last_four(client, world):
    client.force_login(world.a_admin)
    r = client.post("/portal/payouts/payee/", {"legal_name": "Alpha Distribution LLC", "payment_method": "ach",
                                               "account_number": "", "remittance_email": "ap@alpha.example"})
    assert r.status_code == 400 and "account_number" in r.context["form"].errors
    r = client.post("/portal/payouts/payee/", {"legal_name": "Alpha Distribution LLC", "payment_method": "ach",
                                               "account_number": "000123456789", "tax_id": "12-345", "remittance_email": "ap@alpha.example"})
    assert r.status_code == 302
    profile = PayeeProfile.objects.get()
    assert profile.account_last4 == "6789" and "000123456789" not in str(profile.__dict__)
    body = client.get("/portal/payouts/payee/").content.decode()
    assert "****6789" in body and "000123456789" not in body
    # saving again without the number keeps the stored one
    client.post("/portal/payouts/payee/", {"legal_name": "Alpha Distribution LLC", "payment_method": "wire", "account_number": "",
                                           "remittance_email": "ap@alpha.example"})
    profile.refresh_from_db()
    assert profile.payment_method == "wire" and profile.account_last4 == "6789"
