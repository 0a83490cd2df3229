"""Display helpers of the MDF pages."""

from decimal import Decimal

from django import template

from allied.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """``1234.5|money:"USD"`` → ``1,234.50 USD``; empty for no amount."""
    if amount is None or amount == "":
        return "—"
    if not isinstance(amount, Decimal):
        amount = Decimal(str(amount)) if not isinstance(amount, float) else Decimal(repr(amount))
    return format_money(amount, currency or "USD")


@register.filter
def ratio(value) -> str:
    """A multiple such as pipeline per unit: ``12.5×``; a dash when there is none."""
    return "—" if value is None else f"{value:,}×"


@register.filter
def request_status_class(status: str) -> str:
    return {"approved": "ok", "partially_approved": "ok", "completed": "", "paid": "ok", "submitted": "warn", "draft": "",
            "rejected": "bad", "cancelled": ""}.get(str(status), "")
