"""payee_profile_update: the partner's admin keeps the payment details (account reduced to its last four); finance sets the ERP id."""

import pytest

from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.payouts.services import payee_profile_update

pytestmark = pytest.mark.django_db

DATA = {"legal_name": "Alpha Distribution LLC", "payment_method": "sepa", "account_number": "DE89 3704 0044 0532 0130 00",
        "tax_id": "DE123456789", "remittance_email": "ap@alpha.example"}


def test_admin_creates_then_finance_sets_erp_id(world):
    profile = payee_profile_update(actor=world.a_admin, partner=world.partner_a, data=DATA)
    assert (profile.account_last4, profile.account_masked, profile.payment_method) == ("3000", "****3000", "sepa")
    event = AuditEvent.objects.get(action="payee_profile.created")
    assert "0532" not in str(event.after) and event.after["account_last4"] == "3000"
    profile = payee_profile_update(actor=world.finance, partner=world.partner_a, data={"erp_vendor_id": "SUP-7"})
    assert profile.erp_vendor_id == "SUP-7" and profile.legal_name == "Alpha Distribution LLC"


@pytest.mark.parametrize("field,value", [("legal_name", ""), ("payment_method", "cash"), ("account_number", "12"),
                                         ("account_number", "12-34-!!"), ("remittance_email", "not-an-email"),
                                         ("tax_id", "x" * 41)])
def test_bad_input_names_the_field(world, field, value):
    with pytest.raises(DomainError) as exc:
        payee_profile_update(actor=world.a_admin, partner=world.partner_a, data={**DATA, field: value})
    assert exc.value.field == field


def test_paypal_needs_an_email_and_bank_needs_an_account(world):
    with pytest.raises(DomainError) as exc:
        payee_profile_update(actor=world.a_admin, partner=world.partner_a,
                             data={"legal_name": "A", "payment_method": "paypal", "remittance_email": ""})
    assert exc.value.field == "remittance_email"
    with pytest.raises(DomainError) as exc:
        payee_profile_update(actor=world.a_admin, partner=world.partner_a, data={"legal_name": "A", "payment_method": "ach"})
    assert exc.value.field == "account_number"
    assert payee_profile_update(actor=world.a_admin, partner=world.partner_a,
                                data={"legal_name": "A", "payment_method": "check"}).account_last4 == ""


def test_who_may_change_what(world):
    for user in (world.a_sales, world.a_marketing, world.b_admin, world.admin, world.cam):
        with pytest.raises(PermissionDenied):
            payee_profile_update(actor=user, partner=world.partner_a, data=DATA)
    with pytest.raises(PermissionDenied):  # a distributor's admin does not set its sub-partner's bank account
        payee_profile_update(actor=world.a_admin, partner=world.partner_a1, data=DATA)
    with pytest.raises(DomainError) as exc:
        payee_profile_update(actor=world.a_admin, partner=world.partner_a, data={**DATA, "erp_vendor_id": "X"})
    assert exc.value.field == "erp_vendor_id"
    with pytest.raises(DomainError) as exc:  # finance before the partner entered anything
        payee_profile_update(actor=world.finance, partner=world.partner_b, data={"erp_vendor_id": "X"})
    assert exc.value.field == "erp_vendor_id"
