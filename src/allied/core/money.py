"""Money: ``Decimal`` amounts with a currency, stored as integer minor units (cents).

Why integers in the database: SQLite keeps a ``DecimalField`` in a NUMERIC column that turns
fractional values into binary floats, so ``SUM()`` over cents could drift. An integer number of
minor units sums exactly on SQLite and PostgreSQL alike, and converts to ``Decimal`` exactly.

Floats are refused everywhere; the test suite also turns on ``decimal.FloatOperation`` so any
float that sneaks into Decimal arithmetic fails loudly.

Rounding is half-up to the currency's minor unit. Splitting an amount between several parties
uses the largest-remainder rule: every share is rounded down to the minor unit, then the cents
left over go one each to the shares with the largest remainders, ties going to the share listed
first. The shares always add up exactly to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import DomainError

# ISO 4217 minor units for the currencies that do not use two decimals; all others use two.
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0,
    "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}
MAX_MINOR = 10**15  # a quadrillion minor units: far above any partner payment, far below int64


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-exponent(currency))


def clean_currency(value, field: str = "currency") -> str:
    code = (value or "").strip().upper() if isinstance(value, str) else ""
    if len(code) != 3 or not code.isalpha():
        raise DomainError("Give a three-letter ISO 4217 currency code such as USD or EUR.", field=field)
    return code


def clean_money(value, currency: str, field: str = "amount", *, allow_negative: bool = False) -> Decimal:
    """Parse user input into an exact ``Decimal`` in ``currency``; refuse floats and extra decimals."""
    if isinstance(value, float):
        raise DomainError("Send amounts as decimal strings or integers, not floating-point numbers.", field=field)
    if isinstance(value, bool) or value is None:
        raise DomainError("Enter an amount such as 2500 or 2500.50.", field=field)
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace(" ", "")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError("Enter an amount such as 2500 or 2500.50.", field=field)
    if not amount.is_finite():
        raise DomainError("Enter an amount such as 2500 or 2500.50.", field=field)
    if amount < 0 and not allow_negative:
        raise DomainError("The amount cannot be negative.", field=field)
    q = quantum(currency)
    if amount != amount.quantize(q):
        places = exponent(currency)
        raise DomainError(f"{currency} amounts have at most {places} decimal place{'s' if places != 1 else ''}.", field=field)
    if abs(to_minor(amount.quantize(q), currency)) >= MAX_MINOR:
        raise DomainError("The amount is too large.", field=field)
    return amount.quantize(q)


def to_minor(amount: Decimal, currency: str) -> int:
    """Exact conversion; an amount with more decimals than the currency has is a programming error."""
    if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
        raise TypeError(f"money must be Decimal or int, not {type(amount).__name__}")
    scaled = Decimal(amount).scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    if not isinstance(minor, int) or isinstance(minor, bool):
        raise TypeError(f"minor units must be int, not {type(minor).__name__}")
    return Decimal(minor).scaleb(-exponent(currency)).quantize(quantum(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Half-up to the minor unit (half a cent goes up, away from zero)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """``percent`` % of ``amount``, rounded half-up to the minor unit."""
    return round_money(amount * percent / Decimal(100), currency)


def split(total: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Divide ``total`` in proportion to ``weights`` so the shares add up exactly (largest remainder)."""
    if not weights:
        raise ValueError("split needs at least one weight")
    if any(not isinstance(w, Decimal | int) or isinstance(w, bool) for w in weights):
        raise TypeError("weights must be Decimal or int")
    weight_sum = sum(Decimal(w) for w in weights)
    if weight_sum <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative and not all zero")
    minor = to_minor(total, currency)
    sign = -1 if minor < 0 else 1
    minor = abs(minor)
    exact = [Decimal(minor) * Decimal(w) / weight_sum for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    left = minor - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [from_minor(sign * f, currency) for f in floors]


def format_money(amount: Decimal, currency: str) -> str:
    """``1234.5, 'USD'`` → ``'1,234.50 USD'`` (no locale: the same text in CSV, PDF and pages)."""
    places = exponent(currency)
    return f"{amount:,.{places}f} {currency}"
