from decimal import Decimal

from django import template

from allied.core.money import format_money, from_minor

register = template.Library()


@register.filter
def money(value, currency: str) -> str:
    """A Decimal amount with its currency: ``1,234.50 USD``."""
    if value is None or value == "":
        return ""
    return format_money(value if isinstance(value, Decimal) else Decimal(str(value)), currency)


@register.filter
def minor(value, currency: str) -> str:
    """Integer minor units (as stored in totals and statements) with their currency."""
    return format_money(from_minor(int(value or 0), currency), currency)


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)
