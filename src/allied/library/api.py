"""/api/v1/library operations: assets (list, get, create, change, publish, retire), versions (multipart upload),
downloads (recorded as engagement) and the vendor's engagement reads.

Every caller reads the assets it may see (a partner: published ones in its audience; anything else is 404);
writes need ``library.manage`` (program admin, partner marketing); engagement is for vendor users only.
"""

from datetime import timedelta

from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from allied.core.api import ERRORS, page
from allied.core.errors import DomainError, NotFound

from . import selectors, services
from .downloads import version_response
from .models import AssetStatus, EventKind
from .schemas import (
    AssetDetailOut,
    AssetEngagementOut,
    AssetFilters,
    AssetIn,
    AssetPage,
    AssetPatchIn,
    EngagementQuery,
    PartnerEngagementOut,
    VersionOut,
)

router = Router(tags=["library"])
DOWNLOAD = {200: {"description": "The file, as an attachment.",
                  "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


def _detail(request, asset):
    asset.versions_list = selectors.version_list(actor=request.auth, asset=asset)
    return asset


@router.get("/assets", response={200: AssetPage, **ERRORS}, summary="List and search library assets")
def asset_list(request, filters: Query[AssetFilters]):
    if filters.status and filters.status not in AssetStatus.values:
        raise DomainError(f"Unknown status; use {', '.join(AssetStatus.values)}.", field="status")
    qs = selectors.asset_list(actor=request.auth, q=filters.q or "", kind=filters.kind or "", tag=filters.tag or "",
                              status=filters.status or "")
    order = ("rank", "-updated_at", "public_id") if (filters.q or "").strip() else ("-updated_at", "public_id")
    return page(qs, filters, order=order)


@router.post("/assets", response={201: AssetDetailOut, **ERRORS}, summary="Create a draft asset",
             description="`library.manage`. Upload a version (`POST /library/assets/{id}/versions`), then publish it.")
def asset_create(request, payload: AssetIn):
    asset = services.asset_create(actor=request.auth, data=payload.dict())
    return Status(201, _detail(request, asset))


@router.get("/assets/{id}", response={200: AssetDetailOut, **ERRORS}, summary="Get an asset",
            description="Partners get published assets of their audience, with the current version; vendor users every "
                        "asset with its version history. Reading it through the API is not recorded as a view.")
def asset_get(request, id: str):
    return _detail(request, selectors.asset_get(actor=request.auth, public_id=id))


@router.patch("/assets/{id}", response={200: AssetDetailOut, **ERRORS}, summary="Change an asset, its tags or audience")
def asset_update(request, id: str, payload: AssetPatchIn):
    asset = selectors.asset_get(actor=request.auth, public_id=id)
    asset = services.asset_update(actor=request.auth, asset=asset, data=payload.dict(exclude_unset=True))
    return _detail(request, asset)


@router.post("/assets/{id}/publish", response={200: AssetDetailOut, **ERRORS}, summary="Publish an asset to its audience")
def asset_publish(request, id: str):
    asset = selectors.asset_get(actor=request.auth, public_id=id)
    return _detail(request, services.asset_publish(actor=request.auth, asset=asset))


@router.post("/assets/{id}/retire", response={200: AssetDetailOut, **ERRORS}, summary="Retire an asset (partners stop seeing it)")
def asset_retire(request, id: str):
    asset = selectors.asset_get(actor=request.auth, public_id=id)
    return _detail(request, services.asset_retire(actor=request.auth, asset=asset))


@router.post("/assets/{id}/versions", response={201: VersionOut, **ERRORS}, summary="Upload a new version",
             description="Multipart: `file` (PDF, PPTX, DOCX, XLSX, CSV, PNG, JPEG or MP4, checked by content, at most 50 MB) "
                         "or `video_url`, and `notes`. The new version becomes the current one.")
def version_add(request, id: str, file: File[UploadedFile | None] = None, video_url: Form[str] = "", notes: Form[str] = ""):
    asset = selectors.asset_get(actor=request.auth, public_id=id)
    return Status(201, services.version_add(actor=request.auth, asset=asset, upload=file, video_url=video_url, notes=notes))


@router.get("/assets/{id}/download", response=ERRORS, openapi_extra={"responses": DOWNLOAD}, summary="Download an asset",
            description="The current version (vendor users may name an older one with `version`). A partner user's "
                        "download is recorded as engagement. A video link answers 409 with the link.")
def asset_download(request, id: str, version: str | None = None):
    asset = selectors.asset_get(actor=request.auth, public_id=id)
    row = selectors.version_get(actor=request.auth, asset=asset, public_id=version)
    if not row.file:
        raise DomainError(f"This version is a video link: {row.video_url}", field="version")
    services.event_record(actor=request.auth, asset=asset, version=row, kind=EventKind.DOWNLOAD)
    return version_response(row)


def _since(q: EngagementQuery):
    return timezone.now() - timedelta(days=q.days) if q.days else None


@router.get("/engagement/partners", response={200: list[PartnerEngagementOut], **ERRORS}, summary="Engagement by partner",
            description="Vendor users: views, downloads and last activity per partner over the whole library.")
def engagement_partners(request, q: Query[EngagementQuery]):
    return selectors.engagement_by_partner(actor=request.auth, since=_since(q), limit=1000)


@router.get("/engagement/assets", response={200: list[AssetEngagementOut], **ERRORS}, summary="Engagement by asset",
            description="Vendor users: views, downloads, partners reached and last activity per asset.")
def engagement_assets(request, q: Query[EngagementQuery]):
    stats = selectors.engagement_by_asset(actor=request.auth, since=_since(q))
    assets = selectors.visible_assets(request.auth).filter(pk__in=list(stats)).only("pk", "public_id", "title")
    rows = [{"asset_id": a.public_id, "title": a.title, **stats[a.pk]} for a in assets]
    return sorted(rows, key=lambda r: (-(r["views"] + r["downloads"]), r["asset_id"]))


@router.get("/assets/{id}/engagement", response={200: list[PartnerEngagementOut], **ERRORS}, summary="Engagement with one asset",
            description="Vendor users: per partner views, downloads and last activity on this asset.")
def asset_engagement(request, id: str, q: Query[EngagementQuery]):
    if not selectors.vendor_reader(request.auth):
        raise NotFound("asset")  # partners never read engagement: every asset answers like a missing one
    asset = selectors.asset_get(actor=request.auth, public_id=id)
    return selectors.engagement_by_partner(actor=request.auth, asset=asset, since=_since(q))
