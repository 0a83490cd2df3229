"""Field rules of the account master, shared by the forms, the API and the CSV imports.

Each rule takes the raw value and returns the value to store, or raises ValueError saying what is wrong;
services turn that into a DomainError naming the field, imports into a row/column problem.
"""

from decimal import Decimal, InvalidOperation

from allied.matching import normalize_domain
from allied.matching.countries import country_code

from . import imports
from .models import OpportunityStatus, Segment


def text_clean(value, limit: int, *, required: str = "") -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise ValueError(required)
    if len(value) > limit:
        raise ValueError(f"At most {limit} characters (this has {len(value)}).")
    return value


def name_clean(value) -> str:
    return text_clean(value, 255, required="Enter the account name.")


def external_id_clean(value) -> str:
    return text_clean(value, 64)


def website_clean(value) -> str:
    value = text_clean(value, 255)
    if value and "://" not in value:
        value = "https://" + value
    if value and "." not in normalize_domain(value):
        raise ValueError(f'"{value}" is not a web address such as https://example.com.')
    return value


def domain_clean(value) -> str:
    domain = normalize_domain(text_clean(value, 253))
    if value and str(value).strip() and "." not in domain:
        raise ValueError(f'"{value}" is not a web domain such as example.com.')
    return domain


def country_clean(value) -> str:
    value = text_clean(value, 100)
    if not value:
        return ""
    code = country_code(value)
    if not code:
        raise ValueError(f'"{value}" is not a country: use an ISO code such as DE, DEU or US, or the English name.')
    return code


_SEGMENTS = {
    "enterprise": Segment.ENTERPRISE, "ent": Segment.ENTERPRISE, "large enterprise": Segment.ENTERPRISE,
    "mid_market": Segment.MID_MARKET, "mid-market": Segment.MID_MARKET, "mid market": Segment.MID_MARKET,
    "midmarket": Segment.MID_MARKET, "commercial": Segment.MID_MARKET,
    "smb": Segment.SMB, "small business": Segment.SMB, "small": Segment.SMB, "sme": Segment.SMB,
    "public": Segment.PUBLIC, "public sector": Segment.PUBLIC, "government": Segment.PUBLIC,
    "": Segment.UNKNOWN, "unknown": Segment.UNKNOWN,
}


def segment_clean(value) -> str:
    key = " ".join(str(value or "").strip().lower().split())
    if key not in _SEGMENTS:
        choices = ", ".join(label for v, label in Segment.choices if v)
        raise ValueError(f'"{value}" is not a segment; use {choices} (or leave it empty).')
    return _SEGMENTS[key]


def currency_clean(value) -> str:
    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f'"{value}" is not a currency: use a three-letter ISO 4217 code such as USD or EUR.')
    return code


def amount_clean(value) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, Decimal | int):
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise ValueError("Enter an amount.")
        if not amount.is_finite() or amount < 0:
            raise ValueError("An amount must be zero or more.")
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError("At most two decimals.")
        if amount >= Decimal("1e14"):
            raise ValueError("Too large.")
        return amount.quantize(Decimal("0.01"))
    amount, _code = imports.parse_amount(str(value or ""))
    return amount


def status_from_stage(stage: str) -> str:
    key = imports.stage_key(stage)
    if key in ("closedwon", "won"):
        return OpportunityStatus.WON
    if key in ("closedlost", "lost"):
        return OpportunityStatus.LOST
    return OpportunityStatus.OPEN


def status_clean(value) -> str:
    key = imports.stage_key(str(value or ""))
    for status, label in OpportunityStatus.choices:
        if key in (status, imports.stage_key(label)):
            return status
    raise ValueError(f'"{value}" is not a status; use open, won or lost.')
