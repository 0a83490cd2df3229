"""After registering: review, close won/lost, withdraw, extensions, expiry, reminders and SLA escalation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.customers.models import CustomerAccount
from allied.deals.models import DealStatus, EngagementRules, RegistrationKey
from allied.deals.services import (
    deal_approve,
    deal_close,
    deal_decline,
    deal_register,
    deal_update,
    deal_withdraw,
    deals_bulk_decide,
    deals_escalate_overdue,
    deals_expire,
    deals_remind_expiring,
    extension_decide,
    extension_request,
)
from allied.partners.models import Achievement
from tests.factories import audit_actions, deal_data, outbox_to

pytestmark = pytest.mark.django_db


def _review_rules():
    EngagementRules.objects.filter(pk=EngagementRules.current().pk).update(auto_approve_clean=False)


def test_cam_approves_a_registration_in_review(world):
    _review_rules()
    deal = deal_register(actor=world.a_sales, data=deal_data())
    deal = deal_approve(actor=world.cam, deal=deal, reason="Good fit")
    assert deal.status == DealStatus.APPROVED and deal.decided_by == world.cam
    assert deal.protection_expires_at > timezone.now() + timedelta(days=89)
    assert "deal.approved" in audit_actions(object_id=deal.public_id)
    with pytest.raises(Conflict):
        deal_approve(actor=world.cam, deal=deal)


def test_decline_needs_a_reason_and_frees_the_customer(world):
    _review_rules()
    deal = deal_register(actor=world.a_sales, data=deal_data())
    with pytest.raises(DomainError):
        deal_decline(actor=world.cam, deal=deal, reason=" ")
    with pytest.raises(PermissionDenied):
        deal_decline(actor=world.a_admin, deal=deal, reason="no")
    deal_decline(actor=world.cam, deal=deal, reason="Direct team owns this")
    assert not RegistrationKey.objects.filter(registration=deal).exists()


def test_bulk_decide_is_all_or_nothing(world):
    _review_rules()
    d1 = deal_register(actor=world.a_sales, data=deal_data())
    d2 = deal_register(actor=world.b_sales, data=deal_data(customer_name="Contoso", website="contoso.example", contact_email=""))
    d2_done = deal_approve(actor=world.cam, deal=d2)
    with pytest.raises(Conflict):
        deals_bulk_decide(actor=world.cam, deals=[d1, d2_done], approve=True)
    d1.refresh_from_db()
    assert d1.status == DealStatus.PENDING


def test_won_deal_records_sourced_revenue_and_the_customer(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    deal = deal_close(actor=world.a_sales, deal=deal, won=True, amount="51000.00")
    assert deal.status == DealStatus.WON and deal.won_amount == Decimal("51000.00")
    assert Achievement.objects.filter(partner=world.partner_a, kind="deal_won", amount=Decimal("51000.00")).exists()
    account = CustomerAccount.objects.get(domain="northwind.example")
    assert account.is_customer and account.incumbent_partner == world.partner_a
    assert not RegistrationKey.objects.filter(registration=deal).exists()
    # renewals then belong to the partner of record
    mine = deal_register(actor=world.a_sales, data=deal_data(deal_type="renewal"))
    theirs = deal_register(actor=world.b_sales, data=deal_data(deal_type="renewal"))
    assert mine.status == DealStatus.APPROVED and mine.decision_code == "incumbent"
    assert theirs.status == DealStatus.DECLINED and theirs.decision_code == "incumbent"
    assert world.partner_a.name not in theirs.decision_reason


def test_lost_needs_a_reason(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    with pytest.raises(DomainError):
        deal_close(actor=world.a_sales, deal=deal, won=False)
    deal = deal_close(actor=world.a_sales, deal=deal, won=False, lost_reason="Chose a competitor")
    assert deal.status == DealStatus.LOST


def test_only_the_registering_sellers_or_vendor_work_a_deal(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    for outsider in (world.b_admin, world.a_marketing, world.pmm):
        with pytest.raises(PermissionDenied):
            deal_update(actor=outsider, deal=deal, data={"stage": "proposal"})
    deal = deal_update(actor=world.a_admin, deal=deal, data={"stage": "proposal", "amount": "50000"})
    assert deal.stage == "proposal" and deal.amount == Decimal("50000")


def test_the_customer_of_a_registration_cannot_change(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    with pytest.raises(DomainError) as exc:
        deal_update(actor=world.a_sales, deal=deal, data={"website": "other.example"})
    assert exc.value.field == "website"


def test_withdrawn_registration_lets_another_partner_register(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    deal_withdraw(actor=world.a_sales, deal=deal)
    assert deal_register(actor=world.b_sales, data=deal_data()).status == DealStatus.APPROVED


def test_extension_request_and_approval(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    before = deal.protection_expires_at
    with pytest.raises(DomainError):
        extension_request(actor=world.a_sales, deal=deal, days=31, reason="Budget cycle")
    ext = extension_request(actor=world.a_sales, deal=deal, days=30, reason="Budget cycle")
    with pytest.raises(Conflict):
        extension_request(actor=world.a_sales, deal=deal, days=10, reason="again")
    assert any("Extension requested" in m.subject for m in outbox_to(world.cam.email))
    ext = extension_decide(actor=world.cam, request=ext, approve=True)
    deal.refresh_from_db()
    assert deal.extensions == 1 and deal.protection_expires_at >= before + timedelta(days=30)


def test_extensions_are_capped(world):
    EngagementRules.objects.filter(pk=EngagementRules.current().pk).update(max_extensions=1)
    deal = deal_register(actor=world.a_sales, data=deal_data())
    extension_decide(actor=world.cam, request=extension_request(actor=world.a_sales, deal=deal, days=5, reason="x"), approve=True)
    with pytest.raises(Conflict):
        extension_request(actor=world.a_sales, deal=deal, days=5, reason="x")


def test_expiry_frees_the_customer_and_tells_the_partner(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    assert deals_expire(now=timezone.now() + timedelta(days=89)) == 0
    assert deals_expire(now=timezone.now() + timedelta(days=91)) == 1
    deal.refresh_from_db()
    assert deal.status == DealStatus.EXPIRED
    assert any("expired" in m.subject for m in outbox_to(world.a_sales.email))
    assert deal_register(actor=world.b_sales, data=deal_data()).status == DealStatus.APPROVED


def test_reminders_once_per_threshold(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    end = deal.protection_expires_at
    assert deals_remind_expiring(now=end - timedelta(days=20)) == 0
    assert deals_remind_expiring(now=end - timedelta(days=13)) == 1
    assert deals_remind_expiring(now=end - timedelta(days=12)) == 0
    assert deals_remind_expiring(now=end - timedelta(days=2)) == 1
    assert deals_remind_expiring(now=end - timedelta(days=1)) == 0
    assert len([m for m in outbox_to(world.a_sales.email) if "expires in" in m.subject]) == 2


def test_sla_escalation_happens_once(world):
    _review_rules()
    deal = deal_register(actor=world.a_sales, data=deal_data())
    assert deals_escalate_overdue(now=timezone.now() + timedelta(hours=47)) == 0
    assert deals_escalate_overdue(now=timezone.now() + timedelta(hours=49)) == 1
    assert deals_escalate_overdue(now=timezone.now() + timedelta(hours=50)) == 0
    deal.refresh_from_db()
    assert deal.escalated_at is not None
    assert any("Overdue" in m.subject for m in outbox_to(world.admin.email))
