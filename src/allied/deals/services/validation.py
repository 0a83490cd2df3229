"""Validation of registration input, shared by the portal form, the API and CSV import."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from allied.core.errors import DomainError
from allied.core.inputs import clean_date  # noqa: F401 - re-exported for deal services
from allied.matching import country_code, is_free_mail_domain, normalize_company_name, normalize_domain
from allied.program.models import Product

from ..models import DealStage, DealType

REQUIRED = ("customer_name", "country", "contact_name", "amount", "expected_close_date")
TEXT_LIMITS = {"customer_name": 255, "website": 255, "contact_name": 200, "contact_phone": 40, "contact_title": 120,
               "notes": 5000, "lost_reason": 200}
MAX_AMOUNT = Decimal("99999999999999.99")


def clean_amount(value, field: str = "amount") -> Decimal:
    if isinstance(value, float):
        raise DomainError("Send amounts as decimal strings or integers, not floating-point numbers.", field=field)
    if isinstance(value, bool):  # Decimal(True) would be 1
        raise DomainError("Enter an amount such as 25000 or 25000.50.", field=field)
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace(" ", "")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError("Enter an amount such as 25000 or 25000.50.", field=field)
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise DomainError("Enter an amount between 0 and 99,999,999,999,999.99.", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("Amounts have at most two decimal places.", field=field)
    return amount.quantize(Decimal("0.01"))



def clean_products(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = re.split(r"[;,|]", value)
    codes = []
    for v in value:
        code = str(v).strip().lower()
        if code and code not in codes:
            codes.append(code)
    if codes:
        known = set(Product.objects.filter(code__in=codes, active=True).values_list("code", flat=True))
        if unknown := [c for c in codes if c not in known]:
            raise DomainError(f"Unknown product code(s): {', '.join(unknown)}.", field="products")
    return codes


def clean_registration(data: dict, *, today: date, partial: bool = False) -> dict:
    """Validated, normalised registration fields; raises DomainError naming the first bad field."""
    out: dict = {}
    if not partial:
        for f in REQUIRED:
            if data.get(f) in (None, ""):
                raise DomainError("This field is required.", field=f)
    for f, limit in TEXT_LIMITS.items():
        if f in data:
            value = (data[f] or "").strip()
            if len(value) > limit:
                raise DomainError(f"At most {limit} characters.", field=f)
            out[f] = value
    if "contact_name" in out and not out["contact_name"]:  # blank or only spaces; also on a partial update
        raise DomainError("This field is required.", field="contact_name")
    if "customer_name" in out:
        if not out["customer_name"] or not normalize_company_name(out["customer_name"]):
            raise DomainError("Enter the customer's company name.", field="customer_name")
        out["customer_name_normalized"] = normalize_company_name(out["customer_name"])[:255]
    if "website" in out:
        domain = normalize_domain(out["website"]) if out["website"] else ""
        if out["website"] and "." not in domain:
            raise DomainError("Enter the customer's website, such as example.com.", field="website")
        out["domain"] = domain
    if "country" in data:
        country = country_code(str(data["country"] or ""))
        if not country:
            raise DomainError("Give the country as a two-letter ISO code (such as DE or US) or its English name.", field="country")
        out["country"] = country
    if "contact_email" in data:
        email = (data["contact_email"] or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise DomainError("Enter a valid email address.", field="contact_email")
        out["contact_email"] = email
    if "amount" in data:
        out["amount"] = clean_amount(data["amount"])
    if "currency" in data:
        currency = str(data["currency"] or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise DomainError("Use a three-letter ISO currency code, such as USD or EUR.", field="currency")
        out["currency"] = currency
    if "expected_close_date" in data:
        close = clean_date(data["expected_close_date"], "expected_close_date")
        if close < today:
            raise DomainError("The expected close date cannot be in the past.", field="expected_close_date")
        if (close - today).days > 3 * 366:
            raise DomainError("The expected close date must be within three years.", field="expected_close_date")
        out["expected_close_date"] = close
    if "deal_type" in data:
        if data["deal_type"] not in DealType.values:
            raise DomainError(f"Choose one of {', '.join(DealType.values)}.", field="deal_type")
        out["deal_type"] = data["deal_type"]
    if "stage" in data:
        if data["stage"] not in DealStage.values:
            raise DomainError(f"Choose one of {', '.join(DealStage.values)}.", field="stage")
        out["stage"] = data["stage"]
    if "products" in data:
        out["products"] = clean_products(data["products"])
    if not partial and not out.get("domain") and not out.get("contact_email"):
        raise DomainError("Give the customer's website (or the contact's company email) so the customer can be identified.",
                          field="website")
    if not partial and not out.get("domain") and out.get("contact_email"):
        domain = normalize_domain(out["contact_email"])
        if is_free_mail_domain(domain):
            raise DomainError("Give the customer's website: the contact's email address is a free-mail address.", field="website")
        out["domain"] = domain
    return out
