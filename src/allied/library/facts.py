"""The content-engagement tier fact: views and downloads of library assets by the partner's users."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count

from allied.program.facts import Fact, fact_register

from .models import AssetEvent


def content_engagement_90d(partner_ids, as_of):
    qs = AssetEvent.objects.filter(at__gt=as_of - timedelta(days=90), at__lte=as_of)
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=list(partner_ids))
    return {row["partner_id"]: Decimal(row["v"]) for row in qs.values("partner_id").annotate(v=Count("id")).order_by()}


def register() -> None:
    fact_register(Fact("content_engagement_90d", "library views and downloads (trailing 90 days)", "count", content_engagement_90d))
