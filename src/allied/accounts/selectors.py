from allied.core.scope import scope_queryset, scoped_get

from .models import ApiKey, User


def user_list(*, actor, partner=None):
    qs = scope_queryset(User.objects.select_related("partner"), actor)
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs.order_by("email")


def user_get(*, actor, public_id: str) -> User:
    return scoped_get(User.objects.select_related("partner"), actor, what="user", public_id=public_id)


def apikey_list(*, actor):
    return ApiKey.objects.filter(user=actor).order_by("-created_at")
