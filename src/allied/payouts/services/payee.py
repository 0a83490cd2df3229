"""Payee profiles: where a partner is paid. Its admin keeps them; finance sets the ERP supplier id."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record, snapshot
from allied.core.errors import DomainError, PermissionDenied
from allied.core.permissions import has_perm

from ..models import PayeeProfile, PaymentMethod

AUDITED = ("legal_name", "payment_method", "account_last4", "tax_id", "remittance_email", "erp_vendor_id")
PARTNER_FIELDS = ("legal_name", "payment_method", "account_number", "tax_id", "remittance_email")
BANK_METHODS = (PaymentMethod.ACH, PaymentMethod.SEPA, PaymentMethod.WIRE)


def _text(data: dict, name: str, max_length: int, *, required: bool = False) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("Send text.", field=name)
    value = value.strip()
    if required and not value:
        raise DomainError("This field is required.", field=name)
    if len(value) > max_length:
        raise DomainError(f"At most {max_length} characters.", field=name)
    return value


def _account_last4(raw: str) -> str:
    """Keep only the last four characters of an account number or IBAN; the rest is never stored."""
    compact = re.sub(r"[\s\-./]", "", raw).upper()
    if not compact.isalnum() or not 4 <= len(compact) <= 34:
        raise DomainError("Enter the account number or IBAN: 4 to 34 letters and digits.", field="account_number")
    return compact[-4:]


def can_edit_payee(actor, partner) -> bool:
    return actor.partner_id == partner.pk and has_perm(actor, "partner.money.view")


@transaction.atomic
def payee_profile_update(*, actor, partner, data: dict) -> PayeeProfile:
    """Create or change a partner's payee profile.

    The partner's admin sets the payment details (the account number is reduced to its last four
    characters before anything is stored); finance sets only ``erp_vendor_id``.
    """
    is_finance = has_perm(actor, "finance.pay") and actor.partner_id is None
    if not is_finance and not can_edit_payee(actor, partner):
        raise PermissionDenied("Only the partner's admin can change where it is paid.")
    allowed = ("erp_vendor_id",) if is_finance else PARTNER_FIELDS
    if bad := sorted(set(data) - set(allowed)):
        who = "Finance sets only the ERP vendor id." if is_finance else "The ERP vendor id is set by the vendor's finance team."
        raise DomainError(who, field=bad[0])
    profile = PayeeProfile.objects.select_for_update().filter(partner=partner).first()
    created = profile is None
    if created:
        if is_finance:
            raise DomainError("The partner has not entered its payee details yet.", field="erp_vendor_id")
        profile = PayeeProfile(partner=partner)
    before = {} if created else snapshot(profile, AUDITED)
    if is_finance:
        profile.erp_vendor_id = _text(data, "erp_vendor_id", 40)
    else:
        profile.legal_name = _text(data, "legal_name", 200, required=created or "legal_name" in data) or profile.legal_name
        if "payment_method" in data or created:
            method = data.get("payment_method") or PaymentMethod.ACH
            if method not in PaymentMethod.values:
                raise DomainError(f"Choose one of: {', '.join(PaymentMethod.values)}.", field="payment_method")
            profile.payment_method = method
        account = _text(data, "account_number", 64)
        if account:
            profile.account_last4 = _account_last4(account)
        if profile.payment_method in BANK_METHODS and not profile.account_last4:
            raise DomainError("Enter the bank account number or IBAN to be paid by bank transfer.", field="account_number")
        if "tax_id" in data:
            profile.tax_id = _text(data, "tax_id", 40)
        if "remittance_email" in data or created:
            email = _text(data, "remittance_email", 254)
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    raise DomainError("Enter a valid email address.", field="remittance_email")
            profile.remittance_email = email
        if profile.payment_method == PaymentMethod.PAYPAL and not profile.remittance_email:
            raise DomainError("Enter the PayPal account's email address as the remittance email.", field="remittance_email")
    profile.updated_by = actor
    profile.updated_at = timezone.now()
    profile.save()
    after = snapshot(profile, AUDITED)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        audit_record(actor=actor, action="payee_profile.created" if created else "payee_profile.updated", obj=partner,
                     partner_id=partner.pk, before={k: before.get(k) for k in changed}, after=changed)
    return profile
