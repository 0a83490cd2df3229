from allied.core.permissions import has_perm
from allied.core.scope import is_vendor


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"side": "public"}
    if is_vendor(user):
        return {"side": "console", "perms_cosell": has_perm(user, "mapping.view"), "perms_learning": has_perm(user, "learning.view")}
    return {"side": "portal", "perms_money": {"funds": has_perm(user, "partner.funds.request"),
                                              "earnings": has_perm(user, "partner.money.view")},
            "perms_cosell": has_perm(user, "partner.mapping.view"),
            "perms_learning": has_perm(user, "partner.learning")}
