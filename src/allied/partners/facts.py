"""Tier facts measured from partner achievements and users."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from allied.program.facts import Fact, fact_register

from .models import Achievement, AchievementKind, Partner


def _trailing_year(as_of: datetime) -> Q:
    return Q(occurred_at__gt=as_of - timedelta(days=365), occurred_at__lte=as_of)


def _grouped(partner_ids: Iterable[int] | None, qs, value) -> dict[int, Decimal]:
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=list(partner_ids))
    return {row["partner_id"]: Decimal(row["v"] or 0) for row in qs.values("partner_id").annotate(v=value).order_by()}


def deals_won_12m(partner_ids, as_of):
    qs = Achievement.objects.filter(_trailing_year(as_of), kind=AchievementKind.DEAL_WON)
    return _grouped(partner_ids, qs, Count("id"))


def revenue_won_12m(partner_ids, as_of):
    qs = Achievement.objects.filter(_trailing_year(as_of), kind=AchievementKind.DEAL_WON)
    return _grouped(partner_ids, qs, Sum("amount"))


def active_certifications(partner_ids, as_of):
    qs = Achievement.objects.filter(kind=AchievementKind.CERTIFICATION, occurred_at__lte=as_of).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=as_of)
    )
    return _grouped(partner_ids, qs, Count("id"))


def trainings_12m(partner_ids, as_of):
    qs = Achievement.objects.filter(_trailing_year(as_of), kind=AchievementKind.TRAINING)
    return _grouped(partner_ids, qs, Count("id"))


def active_users(partner_ids, as_of):
    qs = Partner.objects.all()
    if partner_ids is not None:
        qs = qs.filter(pk__in=list(partner_ids))
    rows = qs.annotate(v=Count("users", filter=Q(users__is_active=True))).values_list("pk", "v")
    return {pk: Decimal(v) for pk, v in rows}


def register() -> None:
    fact_register(Fact("deals_won_12m", "closed-won deals (trailing 12 months)", "count", deals_won_12m))
    fact_register(Fact("revenue_won_12m", "closed-won revenue (trailing 12 months)", "money", revenue_won_12m))
    fact_register(Fact("active_certifications", "active certifications", "count", active_certifications))
    fact_register(Fact("trainings_12m", "training completions (trailing 12 months)", "count", trainings_12m))
    fact_register(Fact("active_users", "active portal users", "count", active_users))
