"""Tiers, tier proposals and evaluations (mounted at /api/v1/), and a partner's tier progress."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from allied.core.api import ERRORS, PageQuery, PublicOut, Ref, page
from allied.core.errors import DomainError
from allied.partners import selectors as partner_selectors
from allied.program.facts import fact_get

from . import selectors, services

router = Router(tags=["tiers"])

MAX_EVALUATE_IDS = 1000


def _decimal(value: Decimal) -> str:
    return f"{value:f}"


class TierRef(PublicOut):
    id: str
    name: str
    rank: int


class BenefitsOut(Schema):
    discount_pct: str = Field(..., description="Discount in percent, a decimal as a string.")
    mdf_eligible: bool
    lead_priority: int
    support_level: str


class RequirementOut(Schema):
    fact: str
    label: str
    threshold: str = Field(..., description="Decimal, as a string: the fact must reach it.")


class TierOut(PublicOut):
    id: str = Field(..., description="Public id, `tier_...`.")
    name: str
    rank: int = Field(..., description="Higher is a higher tier.")
    description: str
    color: str
    benefits: BenefitsOut
    requirements: list[RequirementOut]


    @staticmethod
    def resolve_benefits(obj) -> dict:
        return {"discount_pct": _decimal(obj.discount_pct), "mdf_eligible": obj.mdf_eligible,
                "lead_priority": obj.lead_priority, "support_level": obj.support_level}

    @staticmethod
    def resolve_requirements(obj) -> list[dict]:
        out = []
        for r in obj.requirements.all():
            fact = fact_get(r.fact)
            out.append({"fact": r.fact, "label": fact.label if fact else r.fact, "threshold": _decimal(r.threshold)})
        return out


class TierPage(Schema):
    items: list[TierOut]
    next_cursor: str | None


class ProposalOut(PublicOut):
    id: str = Field(..., description="Public id, `tpr_...`.")
    partner: Ref
    from_tier: TierRef
    to_tier: TierRef
    direction: str = Field(..., description="upgrade or downgrade.")
    status: str = Field(..., description="grace, pending, applied, rejected or withdrawn.")
    reasons: list[str]
    facts: dict[str, str]
    created_at: datetime
    grace_until: datetime | None
    decided_at: datetime | None
    decision_note: str


    @staticmethod
    def resolve_direction(obj) -> str:
        return "upgrade" if obj.is_upgrade else "downgrade"


class ProposalPage(Schema):
    items: list[ProposalOut]
    next_cursor: str | None


class ProposalFilters(PageQuery):
    status: str | None = Field(None, description="grace, pending, applied, rejected or withdrawn.")


class DecisionIn(Schema):
    note: str = Field("", description="Why; required to reject.")


class EvaluationIn(Schema):
    partners: list[str] | None = Field(None, description="Public ids of the partners to evaluate; null evaluates all.")


class EvaluationOut(Schema):
    evaluated: int
    upgrades: int
    downgrades: int
    in_grace: int
    applied: int
    withdrawn: int
    unchanged: int
    proposals: list[str] = Field(..., description="Public ids of the proposals made.")


class RequirementCheckOut(Schema):
    fact: str
    label: str
    value: str = Field(..., description="Decimal, as a string.")
    threshold: str = Field(..., description="Decimal, as a string.")
    met: bool
    text: str


class TierProgressOut(Schema):
    partner: Ref
    current_tier: TierRef
    next_tier: TierRef | None = Field(None, description="Null at the top tier.")
    checks: list[RequirementCheckOut] = Field(..., description="The next tier's requirements and where the partner stands.")
    met_count: int
    current_checks: list[RequirementCheckOut] = Field(..., description="The current tier's requirements (to keep it).")


def _check(c) -> dict:
    return {"fact": c.fact, "label": c.label, "value": _decimal(c.value), "threshold": _decimal(c.threshold),
            "met": c.met, "text": c.text}


@router.get("/tiers", response={200: TierPage, **ERRORS}, summary="The program's tiers, lowest first")
def tier_list(request, params: Query[PageQuery]):
    return page(selectors.tier_list(), params, order=("rank", "public_id"))


@router.get("/tier-proposals", response={200: ProposalPage, **ERRORS}, summary="List tier proposals, newest first")
def proposal_list(request, filters: Query[ProposalFilters]):
    return page(selectors.proposal_list(actor=request.auth, status=filters.status), filters, order=("-created_at", "-public_id"))


@router.get("/tier-proposals/{id}", response={200: ProposalOut, **ERRORS}, summary="Get a tier proposal")
def proposal_get(request, id: str):
    return selectors.proposal_get(actor=request.auth, public_id=id)


@router.post("/tier-proposals/{id}/approve", response={200: ProposalOut, **ERRORS}, summary="Approve a tier proposal",
             description="Applies the tier change. The partner's CAM or a program admin decides.")
def proposal_approve(request, id: str, payload: DecisionIn):
    proposal = selectors.proposal_get(actor=request.auth, public_id=id)
    return services.tier_proposal_approve(actor=request.auth, proposal=proposal, note=payload.note)


@router.post("/tier-proposals/{id}/reject", response={200: ProposalOut, **ERRORS}, summary="Reject a tier proposal")
def proposal_reject(request, id: str, payload: DecisionIn):
    proposal = selectors.proposal_get(actor=request.auth, public_id=id)
    return services.tier_proposal_reject(actor=request.auth, proposal=proposal, note=payload.note)


@router.post("/tier-evaluations", response={200: EvaluationOut, **ERRORS}, summary="Evaluate partner tiers now",
             description="Finds tier changes and makes proposals (or applies them when the program auto-applies).")
def tier_evaluate(request, payload: EvaluationIn):
    partner_ids = None
    if payload.partners is not None:
        if len(payload.partners) > MAX_EVALUATE_IDS:
            raise DomainError(f"At most {MAX_EVALUATE_IDS} partners at a time; send null to evaluate all.", field="partners")
        visible = dict(partner_selectors.partner_list(actor=request.auth).filter(public_id__in=payload.partners)
                       .values_list("public_id", "pk"))
        for i, public_id in enumerate(payload.partners):
            if public_id not in visible:
                raise DomainError("No partner with this id.", field=f"partners.{i}")
        partner_ids = list(visible.values())
    summary = services.tier_evaluate(actor=request.auth, partner_ids=partner_ids)
    return summary


@router.get("/partners/{id}/tier-progress", response={200: TierProgressOut, **ERRORS}, tags=["partners"],
            summary="Where a partner stands against the next tier")
def partner_tier_progress(request, id: str):
    partner = partner_selectors.partner_get(actor=request.auth, public_id=id)
    progress = selectors.tier_progress(actor=request.auth, partner=partner)
    return {
        "partner": partner,
        "current_tier": progress.current,
        "next_tier": progress.next_tier,
        "checks": [_check(c) for c in progress.checks],
        "met_count": progress.met_count,
        "current_checks": [_check(c) for c in progress.current_checks],
    }
