"""/api/v1 operations of the incentives app: rules, events, replay, accruals and earnings.

Rules, events and replays are the vendor's: every such call from a partner user answers 404.
Reading is for every vendor role; writing needs ``incentives.manage`` (program admins, finance).
Accruals and earnings are the partner's: partner admins read their own (a distributor its
sub-partners' too), vendor users any partner's; another partner's answers like a missing one.
"""

from django.utils import timezone
from ninja import Query, Router, Status

from allied.core.api import ERRORS, page, resolve_ref
from allied.core.errors import DomainError, NotFound
from allied.core.permissions import require_perm
from allied.core.scope import is_vendor
from allied.deals import selectors as deal_selectors
from allied.partners import selectors as partner_selectors

from . import selectors, services
from .schemas import (
    AccrualFilters,
    AccrualOut,
    AccrualPage,
    EarningsOut,
    EarningsQuery,
    EventDetailOut,
    EventFilters,
    EventIn,
    EventPage,
    ReplayIn,
    ReplayOut,
    RuleDetailOut,
    RuleFilters,
    RuleIn,
    RulePage,
    RuleRetireIn,
    RuleVersionIn,
)

router = Router(tags=["incentives"])


def _vendor(request, what: str) -> None:
    """The vendor's own data: a partner user gets 404 whatever it names."""
    if not is_vendor(request.auth):
        raise NotFound(what)


def _money_reader(actor) -> None:
    require_perm(actor, "money.view" if is_vendor(actor) else "partner.money.view")


def _partner(request, public_id: str | None, field: str = "partner"):
    if not public_id:
        return None
    return resolve_ref(partner_selectors.partner_get, field=field, actor=request.auth, public_id=public_id)


def _rule_detail(actor, rule) -> dict:
    rule.versions = selectors.rule_versions(actor=actor, rule=rule)
    return rule


# --- rules -----------------------------------------------------------------------------------------


@router.get("/incentive-rules", response={200: RulePage, **ERRORS}, summary="List incentive rules (current versions)")
def rule_list(request, filters: Query[RuleFilters]):
    _vendor(request, "incentive rule")
    require_perm(request.auth, "money.view")
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    return page(selectors.rule_list(actor=request.auth, filters=data), filters, order=("name", "public_id"))


@router.post("/incentive-rules", response={201: RuleDetailOut, **ERRORS}, summary="Create an incentive rule",
             description="Program admins and finance. Give exactly one of `percent`, `brackets` or `fixed` (with `currency`). "
                         "Each bad field is named in the error. `activate: false` keeps it as a draft.")
def rule_create(request, payload: RuleIn):
    _vendor(request, "incentive rule")
    data = payload.dict(exclude={"activate"}, exclude_none=True)
    rule = services.rule_create(actor=request.auth, data=data, activate=payload.activate)
    return Status(201, _rule_detail(request.auth, rule))


@router.get("/incentive-rules/{id}", response={200: RuleDetailOut, **ERRORS}, summary="Get a rule version and its history")
def rule_get(request, id: str):
    _vendor(request, "incentive rule")
    rule = selectors.rule_get(actor=request.auth, public_id=id)
    require_perm(request.auth, "money.view")
    return _rule_detail(request.auth, rule)


@router.post("/incentive-rules/{id}/versions", response={201: RuleDetailOut, **ERRORS}, summary="Change a rule (a new version)",
             description="An active rule gets a new version from `effective_from` (default today), and the current version "
                         "ends that day; accruals already posted for later events change when their period is replayed. "
                         "A draft is changed in place. Only the fields sent change.")
def rule_version(request, id: str, payload: RuleVersionIn):
    _vendor(request, "incentive rule")
    rule = selectors.rule_get(actor=request.auth, public_id=id)
    data = payload.dict(exclude_unset=True)
    rule = services.rule_revise(actor=request.auth, rule=rule, data=data)
    return Status(201, _rule_detail(request.auth, rule))


@router.post("/incentive-rules/{id}/activate", response={200: RuleDetailOut, **ERRORS}, summary="Activate a draft rule")
def rule_activate(request, id: str):
    _vendor(request, "incentive rule")
    rule = selectors.rule_get(actor=request.auth, public_id=id)
    return _rule_detail(request.auth, services.rule_activate(actor=request.auth, rule=rule))


@router.post("/incentive-rules/{id}/retire", response={200: RuleDetailOut, **ERRORS}, summary="Retire a rule",
             description="No event from `effective_to` on (default tomorrow) accrues under any version of the rule.")
def rule_retire(request, id: str, payload: RuleRetireIn | None = None):
    _vendor(request, "incentive rule")
    rule = selectors.rule_get(actor=request.auth, public_id=id)
    rule = services.rule_retire(actor=request.auth, rule=rule, effective_to=payload.effective_to if payload else None)
    return _rule_detail(request.auth, rule)


# --- events ----------------------------------------------------------------------------------------


def _event_detail(actor, event):
    event.accrual_rows = list(selectors.event_accruals(actor=actor, event=event))
    return event


@router.post("/incentive-events", response={200: EventDetailOut, 201: EventDetailOut, **ERRORS},
             summary="Record an incentive event (invoice paid, usage milestone, refund, churn)",
             description="Program admins and finance (or their API keys). The event is accrued at once: the answer lists the "
                         "accruals it gave. Idempotent by (`source`, `external_ref`): a repeat answers 200 with the first "
                         "event; the same reference with other values answers 409. Won deals are recorded when they close.")
def event_record(request, payload: EventIn):
    _vendor(request, "incentive event")
    actor = request.auth
    data = payload.dict(exclude_none=True)
    if payload.deal:
        data["deal"] = resolve_ref(deal_selectors.deal_get, field="deal", actor=actor, public_id=payload.deal)
    if payload.partner:
        data["partner"] = _partner(request, payload.partner)
    if payload.refers_to:
        data["refers_to"] = resolve_ref(selectors.event_get, field="refers_to", actor=actor, public_id=payload.refers_to)
    if payload.credits:
        data["credits"] = [{**c.dict(), "partner": _partner(request, c.partner, f"credits[{i}].partner")}
                           for i, c in enumerate(payload.credits)]
    event, created = services.event_record(actor=actor, data=data)
    return Status(201 if created else 200, _event_detail(actor, selectors.event_get(actor=actor, public_id=event.public_id)))


@router.get("/incentive-events", response={200: EventPage, **ERRORS}, summary="List incentive events, newest first")
def event_list(request, filters: Query[EventFilters]):
    _vendor(request, "incentive event")
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    if filters.partner:
        data["partner"] = _partner(request, filters.partner).public_id
    require_perm(request.auth, "money.view")
    return page(selectors.event_list(actor=request.auth, filters=data).distinct(), filters,
                order=("-occurred_at", "-public_id"))


@router.get("/incentive-events/{id}", response={200: EventDetailOut, **ERRORS}, summary="Get an incentive event and its accruals")
def event_get(request, id: str):
    _vendor(request, "incentive event")
    event = selectors.event_get(actor=request.auth, public_id=id)
    require_perm(request.auth, "money.view")
    return _event_detail(request.auth, event)


@router.post("/incentive-periods/replay", response={200: ReplayOut, **ERRORS}, summary="Replay a period",
             description="Program admins and finance. Every event of the rule periods around the dates is evaluated again with "
                         "the rules as they are now, and only differences are posted: replaying again changes nothing.")
def period_replay(request, payload: ReplayIn):
    _vendor(request, "replay")
    return services.incentives_replay(actor=request.auth, period_start=payload.period_start, period_end=payload.period_end)


# --- accruals and earnings ------------------------------------------------------------------------


@router.get("/accruals", response={200: AccrualPage, **ERRORS}, summary="List incentive accruals with their explanations",
            description="Partner admins see their organisation's; vendor users every partner's (filter with `partner`).")
def accrual_list(request, filters: Query[AccrualFilters]):
    actor = request.auth
    data = filters.dict(exclude={"cursor", "limit"}, exclude_none=True)
    if filters.partner:
        data["partner"] = _partner(request, filters.partner).public_id
    if filters.state and (bad := [s for s in filters.state.split(",") if s and s not in ("accrued", "held", "payable")]):
        raise DomainError(f"Unknown state {bad[0]!r}; use accrued, held, payable.", field="state")
    _money_reader(actor)
    return page(selectors.accrual_list(actor=actor, filters=data), filters, order=("-created_at", "-public_id"))


@router.get("/accruals/{id}", response={200: AccrualOut, **ERRORS}, summary="Get an accrual")
def accrual_get(request, id: str):
    accrual = selectors.accrual_get(actor=request.auth, public_id=id)
    _money_reader(request.auth)
    return accrual


@router.get("/earnings", response={200: EarningsOut, **ERRORS}, summary="Earnings: accrued, held, payable and paid per currency",
            description="From the ledger, live. Partner admins get their organisation's; vendor users one partner's "
                        "(`partner`) or the program's total.")
def earnings(request, query: Query[EarningsQuery]):
    actor = request.auth
    partner = _partner(request, query.partner)
    _money_reader(actor)
    if partner is None and not is_vendor(actor):
        partner = partner_selectors.partner_get(actor=actor, public_id=actor.partner.public_id)
    held = selectors.held_schedule(actor=actor, partner=partner, today=timezone.localdate()) if partner is not None else []
    return {"partner": partner, "items": selectors.earnings_summary(actor=actor, partner=partner), "held_until": held}
