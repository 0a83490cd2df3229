from allied.core.scope import is_vendor


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"side": "public"}
    return {"side": "console" if is_vendor(user) else "portal"}
