"""Tier facts measured from deal registrations (partner-sourced and influenced revenue)."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Sum

from allied.program.facts import Fact, fact_register

from .models import DealParticipant, DealRegistration, DealStatus, ParticipantRole


def _window(qs, as_of, field):
    return qs.filter(**{f"{field}__gt": as_of - timedelta(days=365), f"{field}__lte": as_of})


def _only(qs, partner_ids, field="partner_id"):
    return qs if partner_ids is None else qs.filter(**{f"{field}__in": list(partner_ids)})


def registrations_approved_12m(partner_ids, as_of):
    qs = _only(_window(DealRegistration.objects.filter(decided_at__isnull=False).exclude(
        status__in=[DealStatus.DECLINED, DealStatus.PENDING]), as_of, "decided_at"), partner_ids)
    return {r["partner_id"]: Decimal(r["v"]) for r in qs.values("partner_id").annotate(v=Count("id")).order_by()}


def sourced_revenue_12m(partner_ids, as_of):
    qs = _only(_window(DealRegistration.objects.filter(status=DealStatus.WON), as_of, "closed_at"), partner_ids)
    return {r["partner_id"]: Decimal(r["v"] or 0) for r in qs.values("partner_id").annotate(v=Sum("won_amount")).order_by()}


def influenced_revenue_12m(partner_ids, as_of):
    """Won revenue of deals a partner was on without sourcing them, weighted by its credit split."""
    qs = DealParticipant.objects.filter(deal__status=DealStatus.WON).exclude(role=ParticipantRole.SOURCING)
    qs = _only(_window(qs, as_of, "deal__closed_at"), partner_ids)
    rows = qs.values("partner_id").annotate(v=Sum(F("deal__won_amount") * F("split_pct") / 100)).order_by()
    return {r["partner_id"]: Decimal(r["v"] or 0).quantize(Decimal("0.01")) for r in rows}


def register() -> None:
    fact_register(Fact("registrations_approved_12m", "approved deal registrations (trailing 12 months)", "count",
                       registrations_approved_12m))
    fact_register(Fact("sourced_revenue_12m", "partner-sourced won revenue (trailing 12 months)", "money", sourced_revenue_12m))
    fact_register(Fact("influenced_revenue_12m", "partner-influenced won revenue, by credit share (trailing 12 months)", "money",
                       influenced_revenue_12m))
