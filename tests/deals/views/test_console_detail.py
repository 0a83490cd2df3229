"""The console's review page: the evidence side by side, approve/decline, partners on the deal, extensions, room, audit."""

import pytest

from allied.customers.models import CustomerAccount, DirectOpportunity
from allied.customers.services import account_keys_refresh
from allied.deals.models import DealNote, DealParticipant, DealStatus, ExtensionRequest
from allied.deals.services import extension_request
from tests.conftest import make_partner

from .conftest import register, rules_set

pytestmark = pytest.mark.django_db


def _url(deal):
    return f"/console/deals/{deal.public_id}/"


@pytest.fixture
def contested(world):
    """Partner A holds Northwind; partner B registers it too and waits for a CAM."""
    first = register(world.a_sales)
    rules_set(registration_conflict="review")
    second = register(world.b_sales, customer_name="Northwind Traders", contact_email="dana@northwind.example")
    assert second.status == DealStatus.PENDING
    return first, second


def test_evidence_side_by_side_names_the_other_partner_with_score_and_reason(client, world, contested):
    first, second = contested
    client.force_login(world.cam)
    r = client.get(_url(second))
    assert r.status_code == 200
    [candidate] = r.context["candidates"]
    assert candidate["conflict"].other_deal == first and candidate["partner"] == world.partner_a
    facts = {row["label"]: row for row in candidate["rows"]}
    assert facts["Domain"]["same"] and facts["Domain"]["value"] == "northwind.example"
    assert facts["Status"]["value"] == "Approved" and facts["Protected until"]["value"] == f"{first.protection_expires_at:%Y-%m-%d}"
    body = r.content.decode()
    assert "This registration" in body and "Alpha Distribution" in body and "<mark" in body
    assert f"{candidate['conflict'].score:.2f}" in body and candidate["conflict"].reason.replace("'", "&#x27;") in body
    assert "Approve registration" in body and "Decline registration" in body


def test_named_account_opportunity_and_customer_evidence(client, world):
    acct = CustomerAccount.objects.create(name="Northwind Traders", name_normalized="northwind traders", domain="northwind.example",
                                          country="US", is_customer=True, is_named_direct=True, incumbent_partner=world.partner_b)
    account_keys_refresh([acct])
    DirectOpportunity.objects.create(account=acct, name="Northwind expansion", amount=90000, stage="Proposal", owner_name="Sam Direct")
    rules_set(named_account_policy="review")
    deal = register(world.a_sales)
    client.force_login(world.admin)
    r = client.get(_url(deal))
    kinds = {c["conflict"].kind for c in r.context["candidates"]}
    assert {"named_account", "customer", "direct_opportunity"} <= kinds
    body = r.content.decode()
    assert "Northwind expansion" in body and "Sam Direct" in body and "Partner of record" in body and "Bravo Systems" in body


def test_approve_with_a_note_and_decline_needs_a_reason(client, world, contested):
    first, second = contested
    client.force_login(world.cam)
    r = client.post(_url(second), {"action": "decline", "decline-reason": ""})
    assert r.status_code == 400 and "reason" in r.context["forms"]["decline"].errors
    r = client.post(_url(second), {"action": "approve", "approve-reason": "Joint deal agreed with both partners"})
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.status == DealStatus.APPROVED and second.decision_reason == "Joint deal agreed with both partners"
    r = client.post(_url(second), {"action": "approve", "approve-reason": ""}, follow=True)
    assert "Only registrations in review can be approved" in r.content.decode()
    client.force_login(world.b_sales)
    body = client.get(f"/portal/deals/{second.public_id}/").content.decode()
    assert "Approved" in body and "Joint deal agreed with both partners" in body


def test_participants_editor_keeps_input_and_shows_the_sum_error(client, world, contested):
    first, _ = contested
    charlie = make_partner("Charlie Cloud", "msp")
    client.force_login(world.cam)
    body = client.get(_url(first)).content.decode()
    assert f'value="Alpha Distribution ({world.partner_a.public_id})"' in body and f"Charlie Cloud ({charlie.public_id})" in body
    data = {"action": "participants", "rows": "3",
            "p-0-partner": f"Alpha Distribution ({world.partner_a.public_id})", "p-0-role": "sourcing", "p-0-split": "60",
            "p-1-partner": f"Charlie Cloud ({charlie.public_id})", "p-1-role": "implementing", "p-1-split": "30",
            "p-2-partner": "", "p-2-role": "influencing", "p-2-split": ""}
    r = client.post(_url(first), data)
    assert r.status_code == 400
    body = r.content.decode()
    assert "Credit splits must add up to exactly 100 %; they add up to 90.00 %." in body
    assert f'value="Charlie Cloud ({charlie.public_id})"' in body and 'value="30"' in body
    r = client.post(_url(first), {**data, "p-1-partner": "Nobody Inc"})
    assert "Row 2: “Nobody Inc” is not a partner" in r.content.decode()
    r = client.post(_url(first), {**data, "p-0-split": "110"})
    assert "Row 1: A share is at most 100 %." in r.content.decode()
    assert client.post(_url(first), {**data, "p-1-split": "40"}).status_code == 302
    assert sorted(DealParticipant.objects.filter(deal=first).values_list("split_pct", flat=True)) == [40, 60]
    data = {**data, "p-1-split": "40", "p-1-remove": "on", "p-0-split": "100"}
    assert client.post(_url(first), data).status_code == 302
    assert DealParticipant.objects.filter(deal=first).count() == 1


def test_extension_requests_are_decided_here(client, world, contested):
    first, _ = contested
    before = first.protection_expires_at
    ext = extension_request(actor=world.a_sales, deal=first, days=15, reason="Board meets next month")
    client.force_login(world.cam)
    body = client.get(_url(first)).content.decode()
    assert "Board meets next month" in body and "Approve 15 days" in body
    assert client.post(_url(first), {"action": "extension_approve", "request": ext.public_id}).status_code == 302
    first.refresh_from_db()
    assert first.protection_expires_at > before and first.extensions == 1
    r = client.post(_url(first), {"action": "extension_decline", "request": ext.public_id}, follow=True)
    assert "already been decided" in r.content.decode()
    assert client.post(_url(first), {"action": "extension_approve", "request": "ext_0000000000000000"}).status_code == 404
    assert ExtensionRequest.objects.get().status == "approved"


def test_room_and_audit_trail(client, world, contested):
    first, _ = contested
    client.force_login(world.cam)
    r = client.post(_url(first), {"action": "note", "note-body": "Please send the proposal"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"Please send the proposal" in r.content
    client.force_login(world.a_sales)
    body = client.get(f"/portal/deals/{first.public_id}/").content.decode()
    assert "Please send the proposal" in body and "Cam" in body  # the partner reads the vendor's note
    client.force_login(world.cam)
    body = client.get(_url(first)).content.decode()
    assert "deal.registered" in body and "deal.note_added" in body and DealNote.objects.count() == 1


def test_readers_see_but_cannot_decide_and_partners_get_404(client, world, contested):
    _, second = contested
    client.force_login(world.finance)
    body = client.get(_url(second)).content.decode()
    assert "Approve registration" not in body and "Save partners" not in body
    assert client.post(_url(second), {"action": "approve", "approve-reason": ""}).status_code == 403
    assert client.post(_url(second), {"action": "participants", "rows": "0"}).status_code == 403
    for user in (world.b_sales, world.a_admin):
        client.force_login(user)
        assert client.get(_url(second)).status_code == 404
        assert client.post(_url(second), {"action": "approve"}).status_code == 404
    second.refresh_from_db()
    assert second.status == DealStatus.PENDING
