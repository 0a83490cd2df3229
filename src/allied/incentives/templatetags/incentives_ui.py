"""Template filters of the incentives pages."""

from decimal import Decimal

from django import template

from allied.core.money import format_money

register = template.Library()


@register.filter
def amount(value, currency: str) -> str:
    """``Decimal('1234.5'), 'USD'`` → ``1,234.50 USD``; empty for no value."""
    if value is None or value == "":
        return ""
    return format_money(Decimal(value), currency)


@register.filter
def signed_class(value) -> str:
    """A CSS class for an amount: clawbacks (negative) in red."""
    return "overdue" if value is not None and Decimal(value) < 0 else ""
