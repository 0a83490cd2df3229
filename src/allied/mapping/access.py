"""Who acts for which side of a partnership, and may they.

Vendor users (program admin, CAM, partner marketing, finance) act for the vendor side of every
partnership; a partner user acts for its own partner's side only. A partner user naming another
partner (a sub-partner included: account lists are never shared down a distribution tree) gets
``NotFound``, exactly like a partner that does not exist. Reading needs ``mapping.view`` /
``partner.mapping.view``, changing ``mapping.manage`` / ``partner.mapping.manage``.
"""

from allied.core.errors import NotFound, PermissionDenied
from allied.core.permissions import has_perm
from allied.core.scope import is_vendor
from allied.partners.models import Partner

from .models import Side


def viewer_side(user) -> str:
    """``Side.VENDOR`` or ``Side.PARTNER``; anybody else may not use account mapping."""
    if is_vendor(user):
        return Side.VENDOR
    if getattr(user, "is_authenticated", False) and user.is_active and user.partner_id is not None:
        return Side.PARTNER
    raise PermissionDenied()


def can(user, *, manage: bool = False) -> bool:
    side = viewer_side(user)
    if side == Side.VENDOR:
        return has_perm(user, "mapping.manage" if manage else "mapping.view")
    return has_perm(user, "partner.mapping.manage" if manage else "partner.mapping.view")


def require(user, *, manage: bool = False) -> str:
    """The user's side, or PermissionDenied when the role may not read (or change) account mapping."""
    side = viewer_side(user)
    if not can(user, manage=manage):
        raise PermissionDenied("Your role cannot change account mapping." if manage else "Your role cannot see account mapping.")
    return side


def partner_for(user, *, public_id: str | None = None, partner: Partner | None = None, manage: bool = False) -> Partner:
    """The partner of the partnership the user acts on: any partner for the vendor, the user's own for a partner user.

    Foreign and missing partners answer the same (NotFound), before any permission is checked.
    """
    if partner is None:
        partner = Partner.objects.select_related("cam").filter(public_id=public_id or "").first()
    side = viewer_side(user)
    if partner is None or (side == Side.PARTNER and partner.pk != user.partner_id):
        raise NotFound("partner")
    require(user, manage=manage)
    return partner


def own_list_partner(user, *, manage: bool = False) -> Partner | None:
    """Whose list the user works on: ``None`` (the vendor's) for vendor users, the user's partner otherwise."""
    side = require(user, manage=manage)
    return None if side == Side.VENDOR else Partner.objects.get(pk=user.partner_id)


def require_list_owner(user, partner: Partner | None, *, manage: bool = True) -> None:
    """The user may change the list (or a population) of ``partner`` (None: the vendor's)."""
    if user is None:
        return  # the system itself: CLI, demo data, tasks
    side = viewer_side(user)
    if (side == Side.VENDOR) != (partner is None) or (partner is not None and partner.pk != user.partner_id):
        raise PermissionDenied("Each side changes only its own account list and populations.")
    require(user, manage=manage)
