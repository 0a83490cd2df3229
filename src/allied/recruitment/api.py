"""/api/v1/applications: public partner applications and the vendor's approval pipeline."""

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from allied.accounts import selectors as account_selectors
from allied.core.api import ERRORS, PageQuery, PublicOut, page, resolve_ref

from . import selectors, services

router = Router(tags=["applications"])


class ApplicationIn(Schema):
    company_name: str
    website: str
    partner_type: str = Field(..., description="Partner type code, such as `reseller` or `msp`.")
    country: str = Field(..., description="ISO 3166-1 alpha-2 country code.")
    region: str = Field(..., description="na, latam, emea or apac.")
    team_size: int
    contact_name: str
    contact_email: str
    contact_phone: str = ""
    specialties: list[str] = []
    industries: list[str] = []
    regions_served: list[str] = []
    customer_segments: list[str] = []
    annual_revenue_band: str = ""
    message: str = ""


class ApplicationReceiptOut(PublicOut):
    """What an applicant learns: that the application arrived (not how it scored)."""

    id: str
    company_name: str
    status: str
    submitted_at: datetime


class FitCriterionOut(Schema):
    criterion: str
    weight: int
    points: float
    reason: str


class ApplicationOut(PublicOut):
    id: str = Field(..., description="Public id, `app_...`.")
    company_name: str
    website: str
    domain: str
    country: str
    region: str
    partner_type: str
    specialties: list[str]
    industries: list[str]
    regions_served: list[str]
    customer_segments: list[str]
    team_size: int
    annual_revenue_band: str
    contact_name: str
    contact_email: str
    contact_phone: str
    message: str
    status: str
    fit_score: int = Field(..., description="0-100 against the ideal partner profile.")
    fit_explanation: list[FitCriterionOut]
    duplicate_of: str | None = Field(None, description="Public id of an existing partner this looks like.")
    duplicate_reason: str
    partner: str | None = Field(None, description="Public id of the partner created on approval.")
    submitted_at: datetime
    decided_at: datetime | None
    decline_reason: str


    @staticmethod
    def resolve_partner_type(obj) -> str:
        return obj.partner_type.code

    @staticmethod
    def resolve_duplicate_of(obj) -> str | None:
        return obj.duplicate_of.public_id if obj.duplicate_of_id else None

    @staticmethod
    def resolve_partner(obj) -> str | None:
        return obj.partner.public_id if obj.partner_id else None


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    next_cursor: str | None


class ApplicationFilters(PageQuery):
    status: str | None = Field(None, description="applied, qualified, approved or declined.")
    q: str | None = Field(None, description="Part of the company name.")


class ApproveIn(Schema):
    cam: str | None = Field(None, description="Public id of the vendor CAM for the new partner (default: you, if a CAM).")


class DeclineIn(Schema):
    reason: str
    notify: bool = Field(True, description="Email the applicant the reason.")


@router.post("", auth=None, response={201: ApplicationReceiptOut, **ERRORS}, summary="Apply to the partner program",
             description="Public: no API key needed.")
def application_submit(request, payload: ApplicationIn):
    app = services.application_submit(data=payload.dict(), ip_address=request.META.get("REMOTE_ADDR"))
    return Status(201, app)


@router.get("", response={200: ApplicationPage, **ERRORS}, summary="List applications (vendor users)")
def application_list(request, filters: Query[ApplicationFilters]):
    qs = selectors.application_list(actor=request.auth, status=filters.status, q=filters.q or "")
    return page(qs, filters, order=("-submitted_at", "-public_id"))


@router.get("/{id}", response={200: ApplicationOut, **ERRORS}, summary="Get an application")
def application_get(request, id: str):
    return selectors.application_get(actor=request.auth, public_id=id)


@router.post("/{id}/qualify", response={200: ApplicationOut, **ERRORS}, summary="Mark an application qualified")
def application_qualify(request, id: str):
    app = selectors.application_get(actor=request.auth, public_id=id)
    return services.application_qualify(actor=request.auth, application=app)


@router.post("/{id}/approve", response={200: ApplicationOut, **ERRORS}, summary="Approve an application",
             description="Creates the partner, invites the applicant as its admin and starts onboarding.")
def application_approve(request, id: str, payload: ApproveIn):
    app = selectors.application_get(actor=request.auth, public_id=id)
    cam = None
    if payload.cam:
        cam = resolve_ref(account_selectors.user_get, field="cam", actor=request.auth, public_id=payload.cam)
    app, _partner = services.application_approve(actor=request.auth, application=app, cam=cam)
    return app


@router.post("/{id}/decline", response={200: ApplicationOut, **ERRORS}, summary="Decline an application")
def application_decline(request, id: str, payload: DeclineIn):
    app = selectors.application_get(actor=request.auth, public_id=id)
    return services.application_decline(actor=request.auth, application=app, reason=payload.reason, notify=payload.notify)
