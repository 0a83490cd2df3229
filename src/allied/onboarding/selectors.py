from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from allied.core.scope import scope_queryset, scoped_get
from allied.partners.models import Partner, PartnerStatus
from allied.program.models import Agreement

from .models import AgreementAcceptance, OnboardingTask, TaskStatus


def task_list(*, actor, partner: Partner | None = None, status: str | None = None, mine: bool = False) -> QuerySet:
    qs = scope_queryset(OnboardingTask.objects.select_related("partner", "partner__cam", "owner"), actor)
    if partner is not None:
        qs = qs.filter(partner=partner)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(owner=actor)
    return qs.order_by("due_date", "id")


def task_get(*, actor, public_id: str) -> OnboardingTask:
    return scoped_get(OnboardingTask.objects.select_related("partner", "owner"), actor, what="onboarding task",
                      public_id=public_id)


def progress(*, actor, partner: Partner) -> dict:
    rows = task_list(actor=actor, partner=partner).aggregate(
        total=Count("id"), done=Count("id", filter=~Q(status=TaskStatus.OPEN)),
        overdue=Count("id", filter=Q(status=TaskStatus.OPEN, due_date__lt=timezone.now().date())),
    )
    rows["pct"] = round(100 * rows["done"] / rows["total"]) if rows["total"] else 100
    return rows


def laggards(*, actor, limit: int = 10) -> list[dict]:
    """Onboarding partners with the most overdue tasks."""
    today = timezone.now().date()
    qs = (
        scope_queryset(Partner.objects.filter(status=PartnerStatus.ONBOARDING), actor, partner_field="self")
        .annotate(
            overdue=Count("onboarding_tasks", filter=Q(onboarding_tasks__status=TaskStatus.OPEN, onboarding_tasks__due_date__lt=today)),
            total=Count("onboarding_tasks"),
            done=Count("onboarding_tasks", filter=~Q(onboarding_tasks__status=TaskStatus.OPEN)),
        )
        .filter(overdue__gt=0)
        .select_related("cam")
        .order_by("-overdue", "name")[:limit]
    )
    return list(qs)


def current_agreement() -> Agreement | None:
    return Agreement.objects.filter(is_current=True).order_by("-published_at").first()


def acceptance_for(*, actor, partner: Partner, agreement: Agreement | None) -> AgreementAcceptance | None:
    if agreement is None:
        return None
    return scope_queryset(AgreementAcceptance.objects.select_related("user"), actor).filter(partner=partner, agreement=agreement).first()
