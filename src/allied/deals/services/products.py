"""The product catalogue partners register deals for (``program.Product``): add, rename, deactivate."""

import re

from django.db import transaction

from allied.core.audit import audit_record, snapshot
from allied.core.errors import Conflict, DomainError
from allied.core.permissions import require_perm
from allied.program.models import Product

FIELDS = ("name", "family", "active")


def _clean(data: dict) -> dict:
    out = {}
    if "name" in data:
        out["name"] = (data["name"] or "").strip()
        if not out["name"]:
            raise DomainError("Give the product a name.", field="name")
        if len(out["name"]) > 120:
            raise DomainError("At most 120 characters.", field="name")
    if "family" in data:
        out["family"] = (data["family"] or "").strip()
        if len(out["family"]) > 80:
            raise DomainError("At most 80 characters.", field="family")
    if "active" in data:
        out["active"] = bool(data["active"])
    return out


@transaction.atomic
def product_create(*, actor, code: str, name: str, family: str = "") -> Product:
    """A new active product. Codes are what registrations, the API and CSV files name, so they never change."""
    require_perm(actor, "deals.rules")
    code = (code or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", code):
        raise DomainError("Use 1 to 40 lower-case letters, digits, '-' or '_', such as cloud-suite.", field="code")
    fields = _clean({"name": name, "family": family})
    if Product.objects.filter(code=code).exists():
        raise Conflict(f"A product with code {code!r} already exists.", field="code")
    product = Product.objects.create(code=code, **fields)
    audit_record(actor=actor, action="product.created", obj=product, after=snapshot(product, ["code", *FIELDS]))
    return product


@transaction.atomic
def product_update(*, actor, product: Product, data: dict) -> Product:
    """Rename, regroup, deactivate or reactivate. A deactivated product stays on the deals that name it."""
    require_perm(actor, "deals.rules")
    if bad := sorted(set(data) - set(FIELDS)):
        raise DomainError("A product's code cannot change; add a new product instead.", field=bad[0])
    product = Product.objects.select_for_update().get(pk=product.pk)
    fields = _clean(data)
    before = snapshot(product, list(fields))
    for k, v in fields.items():
        setattr(product, k, v)
    product.save()
    after = snapshot(product, list(fields))
    if changed := {k: v for k, v in after.items() if before[k] != v}:
        audit_record(actor=actor, action="product.updated", obj=product, before={k: before[k] for k in changed}, after=changed)
    return product
