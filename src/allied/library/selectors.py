"""Every read of the content library, always given the acting user.

Vendor users see the whole catalogue (drafts and retired assets too) and every partner's engagement.
A partner user sees published assets whose audience includes its partner's type and tier (an empty list
means everyone); anything else answers exactly like a missing asset. Partners never read engagement.
"""

from datetime import datetime, timedelta

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from allied.core.errors import NotFound
from allied.core.scope import is_vendor

from .models import Asset, AssetEvent, AssetStatus, AssetVersion, EventKind, Tag


def vendor_reader(user) -> bool:
    return is_vendor(user)


def partner_reader(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and getattr(user, "partner_id", None) is not None


def _audience(qs: QuerySet, partner) -> QuerySet:
    qs = qs.filter(status=AssetStatus.PUBLISHED, current_version__isnull=False)
    for through, column, value in ((Asset.partner_types.through, "partnertype_id", partner.partner_type_id),
                                   (Asset.tiers.through, "tier_id", partner.tier_id)):
        anyone = ~Exists(through.objects.filter(asset_id=OuterRef("pk")))
        qs = qs.filter(anyone | Exists(through.objects.filter(asset_id=OuterRef("pk"), **{column: value})))
    return qs


def visible_assets(user) -> QuerySet:
    """The assets ``user`` may see: all for vendor users, the published audience for partner users, none otherwise."""
    qs = Asset.objects.all()
    if vendor_reader(user):
        return qs
    if not partner_reader(user):
        return qs.none()
    return _audience(qs, user.partner)


def _tagged(name: str):
    return Exists(Asset.tags.through.objects.filter(asset_id=OuterRef("pk"), tag__name=name))


def asset_list(*, actor, q: str = "", kind: str = "", tag: str = "", status: str = "") -> QuerySet:
    """Visible assets, searched over title, description and tags (an exact tag match ranks first, then title
    matches), filtered by kind, tag and (vendor) status; featured and recently updated first."""
    qs = visible_assets(actor).select_related("current_version").prefetch_related("tags")
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(_tagged(tag.strip().lower()))
    if status and vendor_reader(actor):
        qs = qs.filter(status=status)
    q = " ".join((q or "").split())[:100]
    if q:
        tag_hit = Exists(Asset.tags.through.objects.filter(asset_id=OuterRef("pk"), tag__name__icontains=q))
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q) | tag_hit)
        qs = qs.annotate(rank=Case(When(_tagged(q.lower()), then=Value(0)), When(title__icontains=q, then=Value(1)),
                                   default=Value(2), output_field=IntegerField()))
        return qs.order_by("rank", "-featured", "-updated_at", "id")
    return qs.order_by("-featured", "-updated_at", "id")


def asset_get(*, actor, public_id: str) -> Asset:
    asset = visible_assets(actor).select_related("current_version").filter(public_id=public_id).first()
    if asset is None:
        raise NotFound("asset")
    return asset


def version_list(*, actor, asset: Asset) -> list[AssetVersion]:
    """The version history: every version for vendor users, the current one for partners."""
    if vendor_reader(actor):
        return list(asset.versions.select_related("uploaded_by").order_by("-number"))
    return [asset.current_version] if asset.current_version_id else []


def version_get(*, actor, asset: Asset, public_id: str | None = None) -> AssetVersion:
    """A version to download: partners get the current one only, vendor users any from the history."""
    if not public_id or (asset.current_version_id and asset.current_version.public_id == public_id):
        if asset.current_version_id is None:
            raise NotFound("version")
        return asset.current_version
    if not vendor_reader(actor):
        raise NotFound("version")
    row = asset.versions.filter(public_id=public_id).first()
    if row is None:
        raise NotFound("version")
    return row


def tag_list(*, actor) -> list[str]:
    """Tags used by the assets ``actor`` sees, most used first."""
    ids = visible_assets(actor).values("pk")
    rows = (Tag.objects.filter(assets__in=ids).annotate(n=Count("assets")).order_by("-n", "name").values_list("name", flat=True))
    return list(rows)


def _require_vendor(actor) -> None:
    if not vendor_reader(actor):
        raise NotFound("engagement")


def _events(since: datetime | None, asset: Asset | None = None) -> QuerySet:
    qs = AssetEvent.objects.all()
    if since is not None:
        qs = qs.filter(at__gte=since)
    if asset is not None:
        qs = qs.filter(asset=asset)
    return qs


_COUNTS = {"views": Count("id", filter=Q(kind=EventKind.VIEW)), "downloads": Count("id", filter=Q(kind=EventKind.DOWNLOAD)),
           "last_at": Max("at")}


def engagement_by_partner(*, actor, asset: Asset | None = None, since: datetime | None = None, limit: int | None = None) -> list[dict]:
    """Per partner (of one asset, or of the whole library): views, downloads, last activity; most engaged first.
    Vendor users only (anyone else: NotFound)."""
    _require_vendor(actor)
    rows = (_events(since, asset).values("partner_id", "partner__public_id", "partner__name").annotate(**_COUNTS)
            .order_by("-last_at", "partner_id"))
    rows = list(rows[:limit] if limit else rows)
    return [{"partner_id": r["partner__public_id"], "partner": r["partner__name"], "views": r["views"], "downloads": r["downloads"],
             "last_at": r["last_at"]} for r in rows]


def engagement_by_asset(*, actor, since: datetime | None = None, partner=None) -> dict[int, dict]:
    """``{asset pk: {views, downloads, last_at, partners}}`` in one grouped query. Vendor users only."""
    _require_vendor(actor)
    qs = _events(since)
    if partner is not None:
        qs = qs.filter(partner=partner)
    rows = qs.values("asset_id").annotate(**_COUNTS, partners=Count("partner_id", distinct=True)).order_by()
    return {r["asset_id"]: {"views": r["views"], "downloads": r["downloads"], "last_at": r["last_at"], "partners": r["partners"]}
            for r in rows}


def engagement_totals(*, actor, days: int = 90) -> dict:
    _require_vendor(actor)
    since = timezone.now() - timedelta(days=days)
    row = AssetEvent.objects.filter(at__gte=since).aggregate(**{k: v for k, v in _COUNTS.items() if k != "last_at"},
                                                              partners=Count("partner_id", distinct=True))
    return {"days": days, **row}


def engagement_rows(*, actor, asset: Asset | None = None) -> list[dict]:
    """Per asset and partner: views, downloads, last activity (one grouped query), for the CSV export. Vendor users only."""
    _require_vendor(actor)
    rows = (_events(None, asset).values("asset__public_id", "asset__title", "asset__kind", "asset__status", "partner__public_id",
                                        "partner__name").annotate(**_COUNTS).order_by("asset__title", "asset_id", "-last_at", "partner_id"))
    return [{"asset_id": r["asset__public_id"], "asset": r["asset__title"], "kind": r["asset__kind"], "status": r["asset__status"],
             "partner_id": r["partner__public_id"], "partner": r["partner__name"], "views": r["views"], "downloads": r["downloads"],
             "last_at": r["last_at"]} for r in rows]
