"""/api/v1/partners: partner organizations, their users and audit trail (tier progress: tiering/api.py)."""

from datetime import datetime
from typing import Any

from django.db import transaction
from ninja import Field, Query, Router, Schema, Status

from allied.accounts import selectors as account_selectors
from allied.accounts.schemas import UserPage
from allied.core.api import ERRORS, PageQuery, PublicOut, Ref, page, resolve_ref
from allied.core.errors import DomainError
from allied.program.models import PartnerType

from . import selectors, services

router = Router(tags=["partners"])

ADMIN_FIELDS = ("cam", "status", "partner_type", "parent")


class PartnerOut(PublicOut):
    id: str = Field(..., description="Public id, `ptn_...`.")
    name: str
    partner_type: str = Field(..., description="Partner type code, such as `reseller` or `distributor`.")
    tier: Ref
    tier_since: datetime
    status: str
    parent: Ref | None = Field(None, description="The distributor this partner buys through, if any.")
    cam: Ref | None = Field(None, description="The vendor's channel account manager for this partner.")
    website: str
    domain: str
    country: str
    region: str
    city: str
    description: str
    specialties: list[str]
    industries: list[str]
    regions_served: list[str]
    customer_segments: list[str]
    team_size: int | None
    listed_in_locator: bool
    joined_at: datetime
    updated_at: datetime


    @staticmethod
    def resolve_partner_type(obj) -> str:
        return obj.partner_type.code


class PartnerPage(Schema):
    items: list[PartnerOut]
    next_cursor: str | None


class PartnerFilters(PageQuery):
    q: str | None = Field(None, description="Part of the name or web domain, or an exact public id.")
    partner_type: str | None = Field(None, description="Partner type code.")
    tier: str | None = Field(None, description="Tier public id or name.")
    status: str | None = None
    region: str | None = None
    cam: str | None = Field(None, description="Public id of the owning CAM.")
    specialty: str | None = None


class ProfileIn(Schema):
    city: str | None = None
    description: str | None = None
    specialties: list[str] | None = None
    industries: list[str] | None = None
    regions_served: list[str] | None = None
    customer_segments: list[str] | None = None
    team_size: int | None = None
    listed_in_locator: bool | None = None


class PartnerCreateIn(ProfileIn):
    name: str
    partner_type: str = Field(..., description="Partner type code, such as `reseller`.")
    country: str = Field(..., description="ISO 3166-1 alpha-2 country code.")
    region: str = Field(..., description="na, latam, emea or apac.")
    website: str = ""
    parent: str | None = Field(None, description="Public id of the parent distributor.")
    cam: str | None = Field(None, description="Public id of the owning CAM (a vendor user).")


class PartnerPatchIn(ProfileIn):
    name: str | None = None
    website: str | None = None
    country: str | None = None
    region: str | None = None
    cam: str | None = Field(None, description="Vendor only: public id of the owning CAM.")
    status: str | None = Field(None, description="Vendor only: onboarding, active, suspended or offboarded.")
    partner_type: str | None = Field(None, description="Vendor only: partner type code.")
    parent: str | None = Field(None, description="Vendor only: public id of the parent distributor; null removes it.")


class AuditEventOut(Schema):
    occurred_at: datetime
    actor: str = Field(..., description="Email of the user who acted, or `system`.")
    action: str
    object_type: str
    object_id: str = Field(..., description="Public id of the changed object.")
    before: dict[str, Any]
    after: dict[str, Any]

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label


class AuditPage(Schema):
    items: list[AuditEventOut]
    next_cursor: str | None


def _partner_type(code: str, field: str = "partner_type") -> PartnerType:
    ptype = PartnerType.objects.filter(code=code, active=True).first()
    if ptype is None:
        raise DomainError("Unknown partner type code.", field=field)
    return ptype


@router.get("", response={200: PartnerPage, **ERRORS}, summary="List partners")
def partner_list(request, filters: Query[PartnerFilters]):
    qs = selectors.partner_list(actor=request.auth, filters=filters.dict(exclude={"cursor", "limit"}, exclude_none=True))
    return page(qs, filters, order=("name", "public_id"))


@router.post("", response={201: PartnerOut, **ERRORS}, summary="Create a partner")
def partner_create(request, payload: PartnerCreateIn):
    actor = request.auth
    data = payload.dict(exclude_unset=True, exclude={"parent", "cam"})
    data["partner_type"] = _partner_type(payload.partner_type)
    if payload.parent:
        data["parent"] = resolve_ref(selectors.partner_get, field="parent", actor=actor, public_id=payload.parent)
    if payload.cam:
        data["cam"] = resolve_ref(account_selectors.user_get, field="cam", actor=actor, public_id=payload.cam)
    partner = services.partner_create(actor=actor, **data)
    return Status(201, partner)


@router.get("/{id}", response={200: PartnerOut, **ERRORS}, summary="Get a partner")
def partner_get(request, id: str):
    return selectors.partner_get(actor=request.auth, public_id=id)


@router.patch("/{id}", response={200: PartnerOut, **ERRORS}, summary="Update a partner",
              description="Profile fields need `partner.profile.edit` on the own organization (or `partners.manage`); "
                          "`cam`, `status`, `partner_type` and `parent` are vendor-only.")
def partner_patch(request, id: str, payload: PartnerPatchIn):
    actor = request.auth
    partner = selectors.partner_get(actor=actor, public_id=id)
    profile = payload.dict(exclude_unset=True)
    admin = {k: profile.pop(k) for k in ADMIN_FIELDS if k in profile}
    kwargs: dict[str, Any] = {}
    if "cam" in admin:
        if not admin["cam"]:
            raise DomainError("Give the public id of a vendor channel account manager.", field="cam")
        kwargs["cam"] = resolve_ref(account_selectors.user_get, field="cam", actor=actor, public_id=admin["cam"])
    if "status" in admin:
        if not admin["status"]:
            raise DomainError("Give a status.", field="status")
        kwargs["status"] = admin["status"]
    if "partner_type" in admin:
        kwargs["partner_type"] = _partner_type(admin["partner_type"] or "")
    if "parent" in admin:
        if admin["parent"]:
            kwargs["parent"] = resolve_ref(selectors.partner_get, field="parent", actor=actor, public_id=admin["parent"])
        else:
            kwargs["clear_parent"] = True
    # Both halves or neither: a refused vendor-only field must not leave the profile half-saved.
    with transaction.atomic():
        if admin:
            partner = services.partner_admin_update(actor=actor, partner=partner, **kwargs)
        if profile or not admin:  # an empty PATCH still answers only to those who may edit
            partner = services.partner_update(actor=actor, partner=partner, data=profile)
    return partner


@router.get("/{id}/users", response={200: UserPage, **ERRORS}, summary="List a partner's users")
def partner_users(request, id: str, params: Query[PageQuery]):
    partner = selectors.partner_get(actor=request.auth, public_id=id)
    return page(account_selectors.user_list(actor=request.auth, partner=partner), params, order=("email", "public_id"))


@router.get("/{id}/audit", response={200: AuditPage, **ERRORS}, summary="A partner's audit trail, newest first")
def partner_audit(request, id: str, params: Query[PageQuery]):
    partner = selectors.partner_get(actor=request.auth, public_id=id)
    return page(selectors.audit_list(actor=request.auth, partner=partner), params, order=("-occurred_at", "-public_id"))
