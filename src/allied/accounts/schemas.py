"""API shapes of users, shared by every router that lists people (users, a partner's users)."""

from datetime import datetime

from ninja import Field, Schema

from allied.core.api import PublicOut, Ref


class UserOut(PublicOut):
    id: str = Field(..., description="Public id, `usr_...`.")
    email: str
    full_name: str
    title: str
    role: str
    partner: Ref | None = Field(None, description="The partner organization; null for vendor users.")
    is_active: bool
    date_joined: datetime


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None
