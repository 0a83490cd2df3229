"""The one visibility scope.

Every partner-facing read filters through ``scope_queryset``. Vendor users see every
partner's rows; a partner user sees its own organization's rows, plus its sub-partners'
rows when it is a distributor and the program lets distributors see them. Anything outside
the scope answers exactly like a missing row (see ``scoped_get``).
"""

from django.apps import apps
from django.db.models import QuerySet

from .errors import NotFound

VENDOR_ROLES = {"program_admin", "cam", "pmm", "finance"}
PARTNER_ROLES = {"partner_admin", "partner_sales", "partner_marketing"}


def is_vendor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.partner_id is None and user.role in VENDOR_ROLES


def visible_partner_ids(user) -> list[int] | None:
    """``None`` means every partner; otherwise the ids of the partners this user may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if is_vendor(user):
        return None
    if user.partner_id is None:
        return []
    cached = getattr(user, "_allied_visible_partner_ids", None)
    if cached is not None:
        return cached
    ids = [user.partner_id]
    Partner = apps.get_model("partners", "Partner")
    ProgramSettings = apps.get_model("program", "ProgramSettings")
    own = Partner.objects.filter(pk=user.partner_id).values_list("partner_type__code", flat=True).first()
    if own == "distributor" and ProgramSettings.current().distributors_see_subpartners:
        ids += list(Partner.objects.filter(parent_id=user.partner_id).values_list("pk", flat=True))
    user._allied_visible_partner_ids = ids
    return ids


def scope_queryset(qs: QuerySet, user, *, partner_field: str = "partner") -> QuerySet:
    """Restrict ``qs`` to rows this user may see; ``partner_field`` leads from a row to its partner."""
    ids = visible_partner_ids(user)
    if ids is None:
        return qs
    if partner_field == "self":
        return qs.filter(pk__in=ids)
    return qs.filter(**{f"{partner_field}__in": ids})


def scoped_get(qs: QuerySet, user, *, what: str, partner_field: str = "partner", **lookup):
    """One row inside the scope, or NotFound — the same answer for foreign and missing rows."""
    obj = scope_queryset(qs, user, partner_field=partner_field).filter(**lookup).first()
    if obj is None:
        raise NotFound(what)
    return obj
