"""Input and output shapes of /api/v1/library/... .

What a partner must never learn through them: assets outside its audience (they answer like missing ones),
the version history, and any partner's engagement (engagement reads are the vendor's).
"""

from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from allied.core.api import PageQuery, PublicOut


class AssetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    description: str = ""
    kind: str = Field("other", description="battlecard, one_pager, deck, video, price_sheet, case_study or other.")
    featured: bool = False
    tags: list[str] = Field([], description="Labels; stored lower case.")
    partner_types: list[str] = Field([], description="Partner type codes (reseller, si, msp, ...); empty: every type.")
    tiers: list[str] = Field([], description="Tier names or ids; empty: every tier.")


class AssetPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    description: str | None = None
    kind: str | None = None
    featured: bool | None = None
    tags: list[str] | None = None
    partner_types: list[str] | None = None
    tiers: list[str] | None = None


class VersionOut(PublicOut):
    id: str = Field(..., description="Public id, `astv_...`.")
    number: int
    file_name: str = Field(..., description="The uploaded file's name; empty for a video link.")
    content_type: str
    size: int
    sha256: str
    video_url: str
    notes: str
    created_at: datetime

    @staticmethod
    def resolve_file_name(obj) -> str:
        return obj.original_name


class AssetOut(PublicOut):
    id: str = Field(..., description="Public id, `ast_...`.")
    title: str
    description: str
    kind: str
    status: str
    featured: bool
    tags: list[str]
    partner_types: list[str]
    tiers: list[str]
    current_version: VersionOut | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return sorted(t.name for t in obj.tags.all())

    @staticmethod
    def resolve_partner_types(obj) -> list[str]:
        return sorted(t.code for t in obj.partner_types.all())

    @staticmethod
    def resolve_tiers(obj) -> list[str]:
        return sorted(t.name for t in obj.tiers.all())


class AssetDetailOut(AssetOut):
    versions: list[VersionOut] = Field(..., description="The version history, newest first (vendor users; partners get the current one).")

    @staticmethod
    def resolve_versions(obj) -> list:
        return obj.versions_list


class AssetPage(Schema):
    items: list[AssetOut]
    next_cursor: str | None


class AssetFilters(PageQuery):
    q: str | None = Field(None, description="Search in titles, descriptions and tags (an exact tag ranks first).")
    kind: str | None = None
    tag: str | None = None
    status: str | None = Field(None, description="draft, published or retired (vendor users).")


class PartnerEngagementOut(Schema):
    partner_id: str
    partner: str
    views: int
    downloads: int
    last_at: datetime | None


class AssetEngagementOut(Schema):
    asset_id: str
    title: str
    views: int
    downloads: int
    partners: int
    last_at: datetime | None


class EngagementQuery(Schema):
    days: int | None = Field(None, ge=1, le=3650, description="Only the trailing number of days (default: all time).")
