"""Minor units, half-up rounding, largest-remainder splits and the texts, without Django.

The engine may not import ``allied.core`` (it is pure), so the ISO 4217 exponents mirror
``allied.core.money._EXPONENTS``; a test asserts they stay equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

LIMIT = 2**62  # the fast engine checks every int64 product against this before computing it

_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0,
    "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: Decimal, currency: str, what: str) -> int:
    """Exact conversion; ``what`` names the field in the error."""
    if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
        raise ValueError(f"{what}: money must be Decimal, not {type(amount).__name__}")
    scaled = Decimal(amount).scaleb(exponent(currency))
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise ValueError(f"{what}: {amount} has more decimals than {currency} allows")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def minor_ceil(value: Decimal, currency: str) -> int:
    """A threshold in whole minor units, rounded up (exact: Fraction of the Decimal)."""
    f = Fraction(value) * 10 ** exponent(currency)
    return -((-f.numerator) // f.denominator)


def minor_floor(value: Decimal, currency: str) -> int:
    f = Fraction(value) * 10 ** exponent(currency)
    return f.numerator // f.denominator


def round_half_up(value: Fraction) -> int:
    """Half a minor unit goes away from zero."""
    sign = -1 if value < 0 else 1
    q, r = divmod(abs(value.numerator), value.denominator)
    return sign * (q + (2 * r >= value.denominator))


def split_minor(total: int, weights: Sequence[Fraction]) -> list[int]:
    """Largest remainder: floors, then one unit each to the largest remainders, ties to the first."""
    weight_sum = sum(weights, Fraction(0))
    exact = [Fraction(total) * w / weight_sum for w in weights]
    floors = [x.numerator // x.denominator for x in exact]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def fmt(minor: int, currency: str) -> str:
    """``123456, 'USD'`` → ``'1,234.56'`` (the same digits as ``allied.core.money.format_money``)."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 10**places)
    return f"{sign}{q:,}.{r:0{places}d}" if places else f"{sign}{q:,}"


def pct(value: Decimal | Fraction) -> str:
    """``Decimal('7.50')`` → ``'7.5'``; a Fraction shows up to 4 decimals."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        value = Decimal(value.numerator) / Decimal(value.denominator)
        value = value.quantize(Decimal("0.0001"))
    text = format(value.normalize(), "f")
    return text


def period_key(day: date, period: str) -> int:
    if period == "month":
        return day.year * 12 + day.month - 1
    if period == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    return day.year


def period_label(day: date, period: str) -> str:
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def rule_label(rule) -> str:
    head, _, version = rule.id.rpartition("@")
    if head and version.isdigit():
        return f"'{rule.name}' v{version}"
    return f"'{rule.name}' ({rule.id})"
