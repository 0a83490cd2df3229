"""deal_register: validation, the conflict check and the rules of engagement, as a partner meets them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from allied.core.errors import DomainError, PermissionDenied
from allied.customers.models import CustomerAccount, DirectOpportunity
from allied.deals.models import DealConflict, DealStatus, EngagementRules, RegistrationKey
from allied.deals.services import deal_register
from allied.partners.models import PartnerStatus
from allied.program.models import Product
from tests.factories import audit_actions, deal_data, outbox_to

pytestmark = pytest.mark.django_db


def test_clean_registration_is_approved_and_protected(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    assert deal.status == DealStatus.APPROVED and deal.decision_code == "clean"
    assert deal.domain == "northwind.example" and deal.amount == Decimal("48000.00")
    expected = deal.submitted_at + timedelta(days=90)
    assert abs((deal.protection_expires_at - expected).total_seconds()) < 1
    assert list(deal.participants.values_list("partner_id", "role", "split_pct")) == [(world.partner_a.pk, "sourcing", Decimal("100"))]
    assert RegistrationKey.objects.filter(registration=deal).exists()
    assert "deal.registered" in audit_actions(object_id=deal.public_id)
    assert any("approved" in m.subject for m in outbox_to(world.a_sales.email))


def test_second_partner_learns_already_registered_but_never_who(world):
    first = deal_register(actor=world.a_sales, data=deal_data())
    second = deal_register(actor=world.b_sales, data=deal_data(customer_name="Northwind Traders", website="northwind.example/contact"))
    assert second.status == DealStatus.DECLINED and second.decision_code == "already_registered"
    assert world.partner_a.name not in second.decision_reason and first.public_id not in second.decision_reason
    evidence = DealConflict.objects.get(deal=second, decisive=True)
    assert evidence.other_deal == first and evidence.kind == "registration" and evidence.score >= Decimal("0.85")
    assert world.partner_a.name in second.review_notes  # the vendor sees who
    assert not RegistrationKey.objects.filter(registration=second).exists()  # a declined deal holds nothing


def test_name_variant_without_website_is_caught_through_the_contact_email(world):
    deal_register(actor=world.a_sales, data=deal_data())
    second = deal_register(actor=world.b_sales, data=deal_data(customer_name="NORTHWIND TRADERS GMBH", website="",
                                                               contact_email="ceo@northwind.example", country="US"))
    assert second.decision_code == "already_registered"


def test_same_partner_twice_is_a_duplicate_naming_its_own_deal(world):
    first = deal_register(actor=world.a_sales, data=deal_data())
    again = deal_register(actor=world.a_admin, data=deal_data())
    assert again.status == DealStatus.DECLINED and again.decision_code == "duplicate"
    assert first.public_id in again.decision_reason


def test_named_direct_account_is_excluded(world):
    CustomerAccount.objects.create(name="Northwind Traders", name_normalized="northwind traders", domain="northwind.example",
                                   country="US", is_named_direct=True)
    _refresh_account_keys()
    deal = deal_register(actor=world.a_sales, data=deal_data())
    assert (deal.status, deal.decision_code) == (DealStatus.DECLINED, "direct_account")
    assert "direct account" in deal.decision_reason


def test_open_direct_opportunity_goes_to_cam_review_with_an_sla(world):
    account = CustomerAccount.objects.create(name="Northwind Traders", name_normalized="northwind traders",
                                             domain="northwind.example", country="US")
    DirectOpportunity.objects.create(account=account, name="Northwind expansion", amount=Decimal("90000"))
    _refresh_account_keys()
    deal = deal_register(actor=world.a_sales, data=deal_data())
    assert (deal.status, deal.decision_code) == (DealStatus.PENDING, "direct_opportunity")
    assert abs((deal.sla_due_at - deal.submitted_at) - timedelta(hours=48)) < timedelta(seconds=1)
    assert any("review" in m.subject for m in outbox_to(world.cam.email))
    assert RegistrationKey.objects.filter(registration=deal).exists()  # a pending registration holds its place


def test_existing_customer_new_logo_goes_to_review(world):
    CustomerAccount.objects.create(name="Northwind Traders", name_normalized="northwind traders", domain="northwind.example",
                                   country="US", is_customer=True)
    _refresh_account_keys()
    deal = deal_register(actor=world.a_sales, data=deal_data())
    assert (deal.status, deal.decision_code) == (DealStatus.PENDING, "existing_customer")


def test_similar_but_different_company_does_not_conflict(world):
    deal_register(actor=world.a_sales, data=deal_data())
    other = deal_register(actor=world.b_sales, data=deal_data(customer_name="Northwind Health Partners",
                                                              website="northwindhealth.example", contact_email=""))
    assert other.status == DealStatus.APPROVED


def test_vendor_registers_on_behalf_of_a_partner(world):
    with pytest.raises(DomainError) as exc:
        deal_register(actor=world.cam, data=deal_data())
    assert exc.value.field == "partner"
    deal = deal_register(actor=world.cam, data=deal_data(), partner=world.partner_b, source="console")
    assert deal.partner == world.partner_b


@pytest.mark.parametrize("role_user", ["a_marketing", "pmm", "finance"])
def test_roles_that_cannot_register(world, role_user):
    with pytest.raises(PermissionDenied):
        deal_register(actor=getattr(world, role_user), data=deal_data(), partner=world.partner_a)


def test_partner_cannot_register_for_another_partner(world):
    with pytest.raises(PermissionDenied):
        deal_register(actor=world.a_sales, data=deal_data(), partner=world.partner_b)


def test_suspended_partner_cannot_register(world):
    world.partner_a.status = PartnerStatus.SUSPENDED
    world.partner_a.save()
    with pytest.raises(DomainError):
        deal_register(actor=world.a_sales, data=deal_data())


@pytest.mark.parametrize("field,value", [
    ("amount", 1000.5), ("country", "Atlantis"), ("amount", "12,34.567"), ("amount", "-5"), ("currency", "dollars"),
    ("expected_close_date", "2020-01-01"), ("expected_close_date", "31/12/2026"), ("deal_type", "big"),
    ("customer_name", ""), ("contact_email", "not-an-email"), ("products", ["nope"]),
])
def test_bad_input_names_the_field_and_registers_nothing(world, field, value):
    with pytest.raises(DomainError) as exc:
        deal_register(actor=world.a_sales, data=deal_data(**{field: value}))
    assert exc.value.field == field
    assert not world.partner_a.deal_registrations.exists()


def test_free_mail_contact_is_not_company_evidence(world):
    with pytest.raises(DomainError) as exc:
        deal_register(actor=world.a_sales, data=deal_data(website="", contact_email="someone@gmail.com"))
    assert exc.value.field == "website"


def test_products_are_checked_against_the_catalogue(world):
    Product.objects.create(code="core", name="Core platform")
    deal = deal_register(actor=world.a_sales, data=deal_data(products=["CORE", "core"]))
    assert deal.products == ["core"]


def test_rules_can_send_clean_registrations_to_review(world):
    EngagementRules.objects.filter(pk=EngagementRules.current().pk).update(auto_approve_clean=False)
    deal = deal_register(actor=world.a_sales, data=deal_data())
    assert deal.status == DealStatus.PENDING and deal.sla_due_at > timezone.now()


def _refresh_account_keys():
    from allied.customers.services import account_keys_refresh

    account_keys_refresh(list(CustomerAccount.objects.all()))
