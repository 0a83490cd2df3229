"""API building blocks shared by every app's router: auth, one error shape, cursor pagination.

Error shape (every non-2xx answer):
    {"error": {"code": "invalid", "message": "...", "fields": [{"field": "name", "message": "..."}]}}
"""

import base64
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from ninja import Field, Schema

from .errors import DomainError, NotFound

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PublicOut(Schema):
    """Output of an object known by its prefixed public id: the integer key stays on the server."""

    id: str

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.public_id


class FieldError(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorOut(Schema):
    error: ErrorBody


class ImportProblemOut(Schema):
    row: int = Field(..., description="Line in the file; the header is line 1.")
    column: str = Field(..., description="The column as the file names it; empty when the whole row is at fault.")
    message: str


class ImportErrorBody(ErrorBody):
    """A rejected CSV import: nothing was imported; every problem by row and column."""

    problems: list[ImportProblemOut] = Field([], description="Every problem (the first thousand when there are more).")
    problem_count: int = 0


class ImportErrorOut(Schema):
    error: ImportErrorBody


IMPORT_ERRORS = {400: ImportErrorOut, frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}


def error_body(code: str, message: str, fields: list[dict] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or []}}


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        pad = "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(cursor + pad))
    except (ValueError, json.JSONDecodeError):
        raise DomainError("The cursor is not valid; start again without one.", field="cursor")
    if not isinstance(values, list):
        raise DomainError("The cursor is not valid; start again without one.", field="cursor")
    return values


def cursor_page(qs: QuerySet, *, cursor: str | None, limit: int | None, order: tuple[str, ...] = ("public_id",)) -> tuple[list, str | None]:
    """Keyset pagination over ``order`` (each field ascending, or descending with a leading ``-``),
    ending in a unique field.

    Returns the page and the cursor of the next page (None at the end). The cost of a page
    does not grow with how deep it is.
    """
    limit = limit or DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise DomainError(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    fields = [o.lstrip("-") for o in order]
    qs = qs.order_by(*order)
    if cursor:
        values = _decode(cursor)
        if len(values) != len(order) or not all(isinstance(v, (str, int, float, bool)) for v in values):
            raise DomainError("The cursor is not valid; start again without one.", field="cursor")
        # (a, b, c) > (x, y, z) expanded into ORs: portable across SQLite and PostgreSQL.
        cond = Q()
        for i in range(len(order)):
            op = "lt" if order[i].startswith("-") else "gt"
            part = Q(**{fields[j]: values[j] for j in range(i)}) & Q(**{f"{fields[i]}__{op}": values[i]})
            cond |= part
        try:
            qs = qs.filter(cond)
        except (ValueError, TypeError, DjangoValidationError):
            raise DomainError("The cursor is not valid; start again without one.", field="cursor")
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode([_attr(last, f) for f in fields])
    return rows, next_cursor


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def not_found(what: str = "object"):
    raise NotFound(what)


# Every error answer has the same body; listed per operation so the OpenAPI document shows it.
ERRORS = {frozenset({400, 401, 403, 404, 409, 422, 429}): ErrorOut}


class PageQuery(Schema):
    """Query parameters every list takes."""

    cursor: str | None = Field(None, description="The `next_cursor` of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page (1-{MAX_LIMIT}).")


def page(qs: QuerySet, params: PageQuery, *, order: tuple[str, ...] = ("public_id",)) -> dict:
    """One page of ``qs`` in the shape every list answers with: ``{"items": [...], "next_cursor": ...}``."""
    rows, next_cursor = cursor_page(qs, cursor=params.cursor, limit=params.limit, order=order)
    return {"items": rows, "next_cursor": next_cursor}


def resolve_ref(get: Callable[..., Any], *, field: str, **lookup) -> Any:
    """Load an object named by id in the input; unknown or not visible names the field (400).

    Foreign and missing ids give the same answer, so the input cannot probe for other partners' rows.
    """
    try:
        return get(**lookup)
    except NotFound as exc:
        raise DomainError(f"{exc.message[:1].upper()}{exc.message[1:]}: no such id.", field=field)


class Ref(Schema):
    """A related object in an answer: its public id and what people call it."""

    id: str
    name: str

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.public_id

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)
