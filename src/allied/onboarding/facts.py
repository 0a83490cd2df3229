from decimal import Decimal

from django.db.models import Count, Q

from allied.program.facts import Fact, fact_register

from .models import OnboardingTask, TaskStatus


def onboarding_complete(partner_ids, as_of):
    qs = OnboardingTask.objects.all()
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=list(partner_ids))
    rows = qs.values("partner_id").annotate(open=Count("id", filter=Q(status=TaskStatus.OPEN))).order_by()
    return {r["partner_id"]: Decimal(1 if r["open"] == 0 else 0) for r in rows}


def register() -> None:
    fact_register(Fact("onboarding_complete", "onboarding completed", "flag", onboarding_complete))
