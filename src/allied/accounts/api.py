"""/api/v1/users: the people of the vendor and of partner organizations, and invitations."""

from datetime import datetime

from django.apps import apps
from ninja import Field, Query, Router, Schema, Status

from allied.core.api import ERRORS, PageQuery, PublicOut, Ref, page, resolve_ref
from allied.core.scope import scoped_get

from . import selectors, services
from .schemas import UserOut, UserPage

router = Router(tags=["users"])


class UserFilters(PageQuery):
    partner: str | None = Field(None, description="Public id of a partner: only its users.")


class InvitationIn(Schema):
    email: str
    role: str = Field(..., description="A vendor role when `partner` is null, otherwise a partner role.")
    partner: str | None = Field(None, description="Public id of the partner to join; null invites a vendor user.")
    full_name: str = ""


class InvitationOut(PublicOut):
    id: str = Field(..., description="Public id, `inv_...`. The token goes only to the invited email address.")
    email: str
    role: str
    partner: Ref | None
    expires_at: datetime


def _partner_get(*, actor, public_id: str):
    # The same scoped lookup as partners.selectors.partner_get; partners sits above accounts, so by name.
    partner_model = apps.get_model("partners", "Partner")
    return scoped_get(partner_model.objects.all(), actor, what="partner", partner_field="self", public_id=public_id)


@router.get("", response={200: UserPage, **ERRORS}, summary="List users")
def user_list(request, filters: Query[UserFilters]):
    partner = None
    if filters.partner:
        partner = resolve_ref(_partner_get, field="partner", actor=request.auth, public_id=filters.partner)
    return page(selectors.user_list(actor=request.auth, partner=partner), filters, order=("email", "public_id"))


@router.get("/me", response={200: UserOut, **ERRORS}, summary="The user the API key belongs to")
def user_me(request):
    return request.auth


@router.post("/invitations", response={201: InvitationOut, **ERRORS}, summary="Invite someone by email")
def invitation_create(request, payload: InvitationIn):
    partner = None
    if payload.partner:
        partner = resolve_ref(_partner_get, field="partner", actor=request.auth, public_id=payload.partner)
    invitation, _token = services.invitation_create(actor=request.auth, email=payload.email, role=payload.role,
                                                    partner=partner, full_name=payload.full_name)
    return Status(201, invitation)


@router.get("/{id}", response={200: UserOut, **ERRORS}, summary="Get a user")
def user_get(request, id: str):
    return selectors.user_get(actor=request.auth, public_id=id)


@router.post("/{id}/deactivate", response={200: UserOut, **ERRORS}, summary="Deactivate a user",
             description="The user can no longer sign in and their API keys are revoked.")
def user_deactivate(request, id: str):
    user = selectors.user_get(actor=request.auth, public_id=id)
    return services.user_deactivate(actor=request.auth, user=user)
