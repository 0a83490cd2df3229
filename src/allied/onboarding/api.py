"""/api/v1/onboarding-tasks: partners' 30-60-90 onboarding tasks."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from allied.accounts import selectors as account_selectors
from allied.core.api import ERRORS, PageQuery, PublicOut, Ref, page, resolve_ref
from allied.core.errors import DomainError
from allied.partners import selectors as partner_selectors

from . import selectors, services

router = Router(tags=["onboarding"])


class TaskOut(PublicOut):
    id: str = Field(..., description="Public id, `obt_...`.")
    partner: Ref
    title: str
    description: str
    kind: str
    side: str = Field(..., description="partner or vendor: who does the task.")
    due_date: date
    overdue: bool
    owner: Ref | None
    status: str = Field(..., description="open, done or skipped.")
    completed_at: datetime | None


    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.status == "open" and obj.due_date < timezone.localdate()


class TaskPage(Schema):
    items: list[TaskOut]
    next_cursor: str | None


class TaskFilters(PageQuery):
    partner: str | None = Field(None, description="Public id of a partner: only its tasks.")
    status: str | None = Field(None, description="open, done or skipped.")
    mine: bool = Field(False, description="Only tasks you own.")


class TaskPatchIn(Schema):
    due_date: date | None = None
    owner: str | None = Field(None, description="Public id of the new owner: a vendor user for vendor tasks, "
                                                "a user of the partner for partner tasks.")


@router.get("", response={200: TaskPage, **ERRORS}, summary="List onboarding tasks")
def task_list(request, filters: Query[TaskFilters]):
    partner = None
    if filters.partner:
        partner = resolve_ref(partner_selectors.partner_get, field="partner", actor=request.auth, public_id=filters.partner)
    qs = selectors.task_list(actor=request.auth, partner=partner, status=filters.status, mine=filters.mine)
    return page(qs, filters, order=("due_date", "public_id"))


@router.get("/{id}", response={200: TaskOut, **ERRORS}, summary="Get an onboarding task")
def task_get(request, id: str):
    return selectors.task_get(actor=request.auth, public_id=id)


@router.post("/{id}/complete", response={200: TaskOut, **ERRORS}, summary="Mark a task done",
             description="Tasks with a checkable outcome (agreement, profile, team) are done only when it is there.")
def task_complete(request, id: str):
    task = selectors.task_get(actor=request.auth, public_id=id)
    return services.task_complete(actor=request.auth, task=task)


@router.post("/{id}/reopen", response={200: TaskOut, **ERRORS}, summary="Reopen a task (vendor)")
def task_reopen(request, id: str):
    task = selectors.task_get(actor=request.auth, public_id=id)
    return services.task_reopen(actor=request.auth, task=task)


@router.patch("/{id}", response={200: TaskOut, **ERRORS}, summary="Change a task's due date or owner (vendor)")
def task_patch(request, id: str, payload: TaskPatchIn):
    task = selectors.task_get(actor=request.auth, public_id=id)
    data = payload.dict(exclude_unset=True)
    if "due_date" in data and data["due_date"] is None:
        raise DomainError("Give a due date.", field="due_date")
    owner = None
    if "owner" in data:
        if not data["owner"]:
            raise DomainError("Give the public id of the new owner.", field="owner")
        owner = resolve_ref(account_selectors.user_get, field="owner", actor=request.auth, public_id=data["owner"])
    return services.task_update(actor=request.auth, task=task, due_date=data.get("due_date"), owner=owner)
