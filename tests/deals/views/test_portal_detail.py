"""A registration on the portal: its outcome, the actions of the registering partner's sellers, the deal room."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allied.deals.models import DealNote, DealStatus, ExtensionRequest
from allied.deals.services import file_add, participants_set

from .conftest import register, review_everything

pytestmark = pytest.mark.django_db


def _url(deal):
    return f"/portal/deals/{deal.public_id}/"


def _pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 plan", content_type="application/pdf")


def test_detail_shows_the_outcome_facts_and_actions_never_the_evidence(client, world, deal_a):
    second = register(world.b_sales, customer_name="Northwind Traders", contact_email="lee@northwind.example")
    client.force_login(world.b_sales)
    body = client.get(_url(second)).content.decode()
    assert "Declined" in body and second.decision_reason in body
    assert world.partner_a.name not in body and deal_a.public_id not in body and second.review_notes not in body
    client.force_login(world.a_sales)
    body = client.get(_url(deal_a)).content.decode()
    assert "Approved" in body and "Work this deal" in body and "Close won" in body and "Request an extension" in body


def test_foreign_and_missing_deals_answer_404(client, world, deal_a, deal_b):
    client.force_login(world.b_sales)
    assert client.get(_url(deal_a)).status_code == 404
    assert client.post(_url(deal_a), {"action": "withdraw"}).status_code == 404
    assert client.post(_url(deal_a), {"action": "note", "note-body": "hi"}).status_code == 404
    assert client.get("/portal/deals/deal_0000000000000000/").status_code == 404
    client.force_login(world.a1_admin)  # a sub-partner does not see its distributor's deals
    assert client.get(_url(deal_a)).status_code == 404
    client.force_login(world.a_admin)  # the distributor sees its sub-partner's deals, read-only
    sub = register(world.a1_admin, customer_name="Sub Customer", website="subcustomer.example", contact_email="")
    body = client.get(_url(sub)).content.decode()
    assert "Sub Customer" in body and "Work this deal" not in body
    assert client.post(_url(sub), {"action": "withdraw"}).status_code == 403


def test_update_stage_amount_and_close_date(client, world, deal_a):
    client.force_login(world.a_sales)
    close = (timezone.localdate() + timedelta(days=90)).isoformat()
    r = client.post(_url(deal_a), {"action": "update", "update-stage": "proposal", "update-amount": "52,000",
                                   "update-expected_close_date": close})
    assert r.status_code == 302
    deal_a.refresh_from_db()
    assert deal_a.stage == "proposal" and str(deal_a.amount) == "52000.00" and deal_a.expected_close_date.isoformat() == close
    r = client.post(_url(deal_a), {"action": "update", "update-stage": "proposal", "update-amount": "-5",
                                   "update-expected_close_date": close})
    assert r.status_code == 400 and "amount" in r.context["forms"]["update"].errors
    assert 'value="-5"' in r.content.decode()  # kept
    assert "<details open>" in r.content.decode()


def test_close_won_and_lost(client, world, deal_a, deal_b):
    client.force_login(world.a_sales)
    assert client.post(_url(deal_a), {"action": "won", "won-amount": ""}).status_code == 302
    deal_a.refresh_from_db()
    assert deal_a.status == DealStatus.WON and deal_a.won_amount == deal_a.amount
    assert "Closed won" in client.get(_url(deal_a)).content.decode()
    client.force_login(world.b_admin)
    r = client.post(_url(deal_b), {"action": "lost", "lost-lost_reason": ""})
    assert r.status_code == 400 and "lost_reason" in r.context["forms"]["lost"].errors
    assert client.post(_url(deal_b), {"action": "lost", "lost-lost_reason": "Chose a competitor"}).status_code == 302
    deal_b.refresh_from_db()
    assert deal_b.status == DealStatus.LOST and deal_b.lost_reason == "Chose a competitor"


def test_withdraw_and_a_closed_deal_cannot_be_worked(client, world, deal_a):
    client.force_login(world.a_sales)
    assert client.post(_url(deal_a), {"action": "withdraw"}).status_code == 302
    deal_a.refresh_from_db()
    assert deal_a.status == DealStatus.WITHDRAWN
    body = client.get(_url(deal_a)).content.decode()
    assert "Withdrawn" in body and "Work this deal" not in body
    r = client.post(_url(deal_a), {"action": "withdraw"})
    assert r.status_code == 400 and "Only open registrations can be withdrawn." in r.content.decode()


def test_extension_request_and_its_limits(client, world, deal_a):
    client.force_login(world.a_sales)
    r = client.post(_url(deal_a), {"action": "extension", "extension-days": "400", "extension-reason": "Budget cycle"})
    assert r.status_code == 400 and "days" in r.context["forms"]["extension"].errors
    r = client.post(_url(deal_a), {"action": "extension", "extension-days": "20", "extension-reason": ""})
    assert r.status_code == 400 and "reason" in r.context["forms"]["extension"].errors
    r = client.post(_url(deal_a), {"action": "extension", "extension-days": "20", "extension-reason": "Budget cycle"})
    assert r.status_code == 302 and ExtensionRequest.objects.get().days == 20
    body = client.get(_url(deal_a)).content.decode()
    assert "Request an extension" not in body and "Pending" in body  # one request at a time


def test_marketing_and_participants_read_but_cannot_work_the_deal(client, world, deal_a):
    participants_set(actor=world.cam, deal=deal_a, participants=[
        {"partner": world.partner_a, "role": "sourcing", "split_pct": "80"},
        {"partner": world.partner_b, "role": "implementing", "split_pct": "20"}])
    for user in (world.a_marketing, world.b_sales):
        client.force_login(user)
        body = client.get(_url(deal_a)).content.decode()
        assert "Work this deal" not in body and "Implementing" in body and "20 %" in body
        assert client.post(_url(deal_a), {"action": "withdraw"}).status_code == 403
        assert client.post(_url(deal_a), {"action": "won", "won-amount": ""}).status_code == 403
    deal_a.refresh_from_db()
    assert deal_a.status == DealStatus.APPROVED


def test_notes_append_with_htmx_and_without(client, world, deal_a):
    review_everything()
    client.force_login(world.a_sales)
    r = client.post(_url(deal_a), {"action": "note", "note-body": "Budget approved"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b'<div id="notes-box">' in r.content and b"Budget approved" in r.content
    assert b"<html" not in r.content  # a fragment
    r = client.post(_url(deal_a), {"action": "note", "note-body": "  "}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"errorlist" in r.content
    r = client.post(_url(deal_a), {"action": "note", "note-body": "Second note"})
    assert r.status_code == 302
    assert list(DealNote.objects.values_list("body", flat=True)) == ["Budget approved", "Second note"]
    client.force_login(world.a_marketing)  # everyone on the deal may talk in its room
    assert client.post(_url(deal_a), {"action": "note", "note-body": "Campaign ready"}).status_code == 302


def test_files_upload_and_download_as_attachments_only_to_the_parties(client, world, deal_a, deal_b):
    client.force_login(world.a_sales)
    r = client.post(_url(deal_a), {"action": "file", "file-file": _pdf()})
    assert r.status_code == 302
    row = deal_a.room_files.get()
    body = client.get(_url(deal_a)).content.decode()
    link = f"/portal/deals/{deal_a.public_id}/files/{row.public_id}/"
    assert link in body and "/media/" not in body
    r = client.get(link)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 plan"
    assert r["Content-Disposition"].startswith("attachment") and 'filename="plan.pdf"' in r["Content-Disposition"]
    assert r["X-Content-Type-Options"] == "nosniff" and r["Content-Type"] == "application/pdf"
    r = client.post(_url(deal_a), {"action": "file", "file-file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x")})
    assert r.status_code == 400 and "Upload one of" in r.content.decode()

    other = file_add(actor=world.b_sales, deal=deal_b, upload=_pdf("b.pdf"))
    assert client.get(f"/portal/deals/{deal_a.public_id}/files/{other.public_id}/").status_code == 404  # not this deal's
    assert client.get(f"/portal/deals/{deal_b.public_id}/files/{other.public_id}/").status_code == 404  # not our deal
    client.force_login(world.b_sales)
    assert client.get(link).status_code == 404
    client.force_login(world.cam)
    assert client.get(link).status_code == 404  # vendors use the console link
    assert client.get(f"/console/deals/{deal_a.public_id}/files/{row.public_id}/").status_code == 200
