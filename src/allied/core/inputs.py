"""Small input and output rules every app shares: dates typed by people, cells written for spreadsheets."""

from datetime import date

from .errors import DomainError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_date(value, field: str) -> date:
    """A ``date`` or ISO ``YYYY-MM-DD`` text; anything else is an error naming ``field``."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value if value is not None else "").strip())
    except ValueError:
        raise DomainError("Enter a date as YYYY-MM-DD.", field=field)


def escape_cell(value) -> str:
    """A CSV cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
