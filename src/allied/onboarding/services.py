"""Onboarding journeys: tasks from templates, completion, agreement acceptance, overdue alerts."""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.outbox import email_enqueue
from allied.core.permissions import has_perm
from allied.partners.models import Partner, PartnerStatus
from allied.program.models import Agreement

from .models import AgreementAcceptance, JourneyTemplate, OnboardingTask, Side, TaskKind, TaskStatus

PROFILE_REQUIRED = {
    "description": "a description",
    "specialties": "specialties",
    "industries": "industries",
    "regions_served": "regions served",
    "customer_segments": "customer segments",
    "team_size": "team size",
}


def journey_for(partner: Partner) -> JourneyTemplate | None:
    return (JourneyTemplate.objects.filter(partner_type=partner.partner_type_id).first()
            or JourneyTemplate.objects.filter(partner_type__isnull=True).first())


@transaction.atomic
def journey_start(*, actor, partner: Partner, start=None) -> list[OnboardingTask]:
    """Create the partner's onboarding tasks from its type's journey; partner tasks go to its admin."""
    if OnboardingTask.objects.filter(partner=partner).exists():
        raise Conflict("Onboarding has already started for this partner.")
    journey = journey_for(partner)
    if journey is None:
        return []
    start = (start or timezone.now()).date()
    admin = partner.users.filter(role="partner_admin", is_active=True).order_by("pk").first()
    tasks = [
        OnboardingTask(partner=partner, template=step, title=step.title, description=step.description, kind=step.kind,
                       side=step.side, due_date=start + timedelta(days=step.due_day),
                       owner=partner.cam if step.side == Side.VENDOR else admin)
        for step in journey.steps.all()
    ]
    for t in tasks:
        t.public_id = OnboardingTask._meta.get_field("public_id").pre_save(t, True)
    OnboardingTask.objects.bulk_create(tasks)
    audit_record(actor=actor, action="onboarding.started", obj=partner, after={"journey": journey.name, "tasks": len(tasks)},
                 partner_id=partner.pk)
    return tasks


def _can_work(actor, task: OnboardingTask) -> bool:
    if has_perm(actor, "onboarding.manage"):
        return True
    return task.side == Side.PARTNER and actor.partner_id == task.partner_id and has_perm(actor, "partner.onboarding.work")


def profile_missing(partner: Partner) -> list[str]:
    return [label for field, label in PROFILE_REQUIRED.items() if not getattr(partner, field)]


def _check_done(task: OnboardingTask) -> None:
    """Tasks with a checkable outcome can only be marked done when the outcome is there."""
    partner = task.partner
    if task.kind == TaskKind.AGREEMENT and not AgreementAcceptance.objects.filter(partner=partner, agreement__is_current=True).exists():
        raise DomainError("Accept the current partner agreement to complete this task.", field="status")
    if task.kind == TaskKind.PROFILE and (missing := profile_missing(partner)):
        raise DomainError(f"The profile still needs {', '.join(missing)}.", field="status")
    if task.kind == TaskKind.INVITE_USERS and partner.users.count() + partner.invitations.filter(accepted_at__isnull=True).count() < 2:
        raise DomainError("Invite at least one more colleague first.", field="status")


def _finish_if_complete(actor, partner: Partner) -> None:
    if partner.status == PartnerStatus.ONBOARDING and not OnboardingTask.objects.filter(partner=partner, status=TaskStatus.OPEN).exists():
        Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.ACTIVE)
        audit_record(actor=actor, action="partner.activated", obj=partner, before={"status": "onboarding"},
                     after={"status": "active"}, partner_id=partner.pk)


@transaction.atomic
def task_complete(*, actor, task: OnboardingTask) -> OnboardingTask:
    task = OnboardingTask.objects.select_for_update().select_related("partner").get(pk=task.pk)
    if not _can_work(actor, task):
        raise PermissionDenied("This task is for the vendor team." if task.side == Side.VENDOR else "You cannot complete this task.")
    if task.status == TaskStatus.DONE:
        return task
    _check_done(task)
    task.status, task.completed_at, task.completed_by = TaskStatus.DONE, timezone.now(), actor
    task.save(update_fields=["status", "completed_at", "completed_by"])
    audit_record(actor=actor, action="onboarding_task.completed", obj=task, before={"status": "open"},
                 after={"status": "done"}, partner_id=task.partner_id)
    _finish_if_complete(actor, task.partner)
    return task


@transaction.atomic
def task_reopen(*, actor, task: OnboardingTask) -> OnboardingTask:
    task = OnboardingTask.objects.select_for_update().get(pk=task.pk)
    if not has_perm(actor, "onboarding.manage"):
        raise PermissionDenied()
    before = task.status
    task.status, task.completed_at, task.completed_by = TaskStatus.OPEN, None, None
    task.save(update_fields=["status", "completed_at", "completed_by"])
    audit_record(actor=actor, action="onboarding_task.reopened", obj=task, before={"status": before},
                 after={"status": "open"}, partner_id=task.partner_id)
    return task


@transaction.atomic
def task_update(*, actor, task: OnboardingTask, due_date=None, owner=None) -> OnboardingTask:
    if not has_perm(actor, "onboarding.manage"):
        raise PermissionDenied()
    before = {"due_date": str(task.due_date), "owner": getattr(task.owner, "email", None)}
    if due_date is not None:
        task.due_date = due_date
    if owner is not None:
        expected_partner = None if task.side == Side.VENDOR else task.partner_id
        if owner.partner_id != expected_partner:
            side = "a vendor user" if task.side == Side.VENDOR else "a user of this partner"
            raise DomainError(f"The owner must be {side}.", field="owner")
        task.owner = owner
    task.save(update_fields=["due_date", "owner"])
    audit_record(actor=actor, action="onboarding_task.updated", obj=task, before=before,
                 after={"due_date": str(task.due_date), "owner": getattr(task.owner, "email", None)}, partner_id=task.partner_id)
    return task


@transaction.atomic
def agreement_accept(*, actor, partner: Partner, agreement: Agreement, ip_address: str | None, user_agent: str = "") -> AgreementAcceptance:
    """Click-through acceptance by a partner admin; records version, user, time and IP."""
    if actor.partner_id != partner.pk or not has_perm(actor, "partner.agreement.accept"):
        raise PermissionDenied("Only the partner's admin can accept the agreement.")
    if not agreement.is_current:
        raise Conflict("This agreement version is no longer current; reload the page.", field="agreement")
    existing = AgreementAcceptance.objects.filter(partner=partner, agreement=agreement).first()
    if existing:
        return existing
    acceptance = AgreementAcceptance.objects.create(
        partner=partner, agreement=agreement, agreement_version=agreement.version, user=actor,
        accepted_at=timezone.now(), ip_address=ip_address or None, user_agent=(user_agent or "")[:300],
    )
    audit_record(actor=actor, action="agreement.accepted", obj=acceptance,
                 after={"agreement": agreement.name, "version": agreement.version, "ip": ip_address}, partner_id=partner.pk,
                 ip_address=ip_address or None)
    now = timezone.now()
    for task in OnboardingTask.objects.filter(partner=partner, kind=TaskKind.AGREEMENT, status=TaskStatus.OPEN):
        task.status, task.completed_at, task.completed_by = TaskStatus.DONE, now, actor
        task.save(update_fields=["status", "completed_at", "completed_by"])
        audit_record(actor=actor, action="onboarding_task.completed", obj=task, before={"status": "open"},
                     after={"status": "done"}, partner_id=partner.pk)
    _finish_if_complete(actor, partner)
    return acceptance


@transaction.atomic
def onboarding_overdue_alert(*, today=None) -> int:
    """Email each CAM one digest of their partners' newly overdue tasks; returns tasks alerted."""
    today = today or timezone.now().date()
    overdue = list(
        OnboardingTask.objects.select_for_update(of=("self",)).select_related("partner", "partner__cam")
        .filter(status=TaskStatus.OPEN, due_date__lt=today, overdue_alerted_at__isnull=True, partner__cam__isnull=False)
        .order_by("pk")
    )
    by_cam = defaultdict(list)
    for task in overdue:
        by_cam[task.partner.cam].append(task)
    for cam, tasks in by_cam.items():
        lines = "\n".join(f"- {t.partner.name}: {t.title} (due {t.due_date:%Y-%m-%d}, {t.get_side_display()} side)" for t in tasks)
        email_enqueue(to=cam.email, subject=f"{len(tasks)} onboarding task(s) overdue",
                      body=f"These onboarding tasks of your partners are overdue:\n\n{lines}\n")
    OnboardingTask.objects.filter(pk__in=[t.pk for t in overdue]).update(overdue_alerted_at=timezone.now())
    return len(overdue)


def _clean_step(data: dict) -> dict:
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError("Enter the task title.", field="title")
    if data.get("kind") not in TaskKind.values:
        raise DomainError("Choose a task kind from the list.", field="kind")
    if data.get("side") not in Side.values:
        raise DomainError("Choose partner or vendor.", field="side")
    try:
        due_day = int(data.get("due_day"))
    except (TypeError, ValueError):
        raise DomainError("Enter the number of days after joining.", field="due_day")
    if not 0 <= due_day <= 365:
        raise DomainError("Enter 0 to 365 days.", field="due_day")
    return {"title": title[:200], "description": (data.get("description") or "").strip(), "kind": data["kind"],
            "side": data["side"], "due_day": due_day}


@transaction.atomic
def journey_step_add(*, actor, journey: JourneyTemplate, data: dict):
    if not has_perm(actor, "program.manage"):
        raise PermissionDenied("Only a program admin can change onboarding journeys.")
    clean = _clean_step(data)
    step = journey.steps.create(position=journey.steps.count(), **clean)
    audit_record(actor=actor, action="journey_step.added", obj=journey, after=clean)
    return step


@transaction.atomic
def journey_step_update(*, actor, step, data: dict):
    if not has_perm(actor, "program.manage"):
        raise PermissionDenied("Only a program admin can change onboarding journeys.")
    clean = _clean_step(data)
    before = {k: getattr(step, k) for k in clean}
    for k, v in clean.items():
        setattr(step, k, v)
    step.save()
    audit_record(actor=actor, action="journey_step.updated", obj=step.journey, before=before, after=clean)
    return step


@transaction.atomic
def journey_step_delete(*, actor, step) -> None:
    """Remove a step from the template; tasks already created for partners stay."""
    if not has_perm(actor, "program.manage"):
        raise PermissionDenied("Only a program admin can change onboarding journeys.")
    audit_record(actor=actor, action="journey_step.deleted", obj=step.journey, before={"title": step.title, "due_day": step.due_day})
    step.delete()
