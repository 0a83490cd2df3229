"""Writes to the catalogue: assets, their tags and audience, versions, publishing and retiring.

Audiences are given as partner type codes and tier names (or tier ids); empty means everyone.
Every change is audited in its own transaction; only users with ``library.manage`` make them.
"""

import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError
from allied.core.ids import new_public_id
from allied.core.permissions import require_perm
from allied.program.models import PartnerType, Tier

from ..models import Asset, AssetKind, AssetStatus, AssetVersion, Tag
from .files import asset_file_validate

ASSET_FIELDS = ("title", "description", "kind", "featured", "tags", "partner_types", "tiers")
MAX_TAGS = 20


def _list(value, field: str) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",")]
    if isinstance(value, (list, tuple, set)):
        return list(value)
    raise DomainError("Give a list.", field=field)


def tags_normalise(value) -> list[str]:
    """Lower case, single spaces, no duplicates, in the order given; errors name ``tags``."""
    out: list[str] = []
    for raw in _list(value, "tags"):
        tag = re.sub(r"\s+", " ", str(raw)).strip().lower().lstrip("#")
        if not tag:
            continue
        if len(tag) > 40:
            raise DomainError(f"A tag is at most 40 characters ({tag[:20]!r}...).", field="tags")
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise DomainError(f"At most {MAX_TAGS} tags.", field="tags")
    return out


def _audience(data: dict) -> dict:
    out: dict = {}
    if "partner_types" in data:
        codes = [str(c).strip().lower() for c in _list(data["partner_types"], "partner_types") if str(c).strip()]
        found = {t.code: t for t in PartnerType.objects.filter(code__in=codes)}
        bad = [c for c in codes if c not in found]
        if bad:
            raise DomainError(f"Unknown partner type {bad[0]!r}.", field="partner_types")
        out["partner_types"] = [found[c] for c in dict.fromkeys(codes)]
    if "tiers" in data:
        names = [str(n).strip() for n in _list(data["tiers"], "tiers") if str(n).strip()]
        tiers = list(Tier.objects.all())
        by = {t.name.lower(): t for t in tiers} | {t.public_id: t for t in tiers}
        bad = [n for n in names if n not in by and n.lower() not in by]
        if bad:
            raise DomainError(f"Unknown tier {bad[0]!r}.", field="tiers")
        picked = [by.get(n) or by[n.lower()] for n in names]
        out["tiers"] = list({t.pk: t for t in picked}.values())
    return out


def _clean(data: dict, *, partial: bool) -> dict:
    unknown = set(data) - set(ASSET_FIELDS)
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    out: dict = {}
    if "title" in data or not partial:
        title = str(data.get("title") or "").strip()
        if not title:
            raise DomainError("Give the asset a title.", field="title")
        if len(title) > 200:
            raise DomainError("A title is at most 200 characters.", field="title")
        out["title"] = title
    if "description" in data:
        desc = str(data.get("description") or "").strip()
        if len(desc) > 5000:
            raise DomainError("A description is at most 5,000 characters.", field="description")
        out["description"] = desc
    if "kind" in data or not partial:
        kind = str(data.get("kind") or AssetKind.OTHER).strip()
        if kind not in AssetKind.values:
            raise DomainError(f"Choose a kind: {', '.join(AssetKind.values)}.", field="kind")
        out["kind"] = kind
    if "featured" in data:
        if not isinstance(data["featured"], bool):
            raise DomainError("Featured is true or false.", field="featured")
        out["featured"] = data["featured"]
    if "tags" in data:
        out["tags"] = tags_normalise(data["tags"])
    return out


def _apply_relations(asset: Asset, clean: dict, audience: dict) -> None:
    if "tags" in clean:
        names = clean["tags"]
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
        missing = [Tag(name=n) for n in names if n not in existing]
        if missing:
            Tag.objects.bulk_create(missing, ignore_conflicts=True)
            existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
        asset.tags.set([existing[n] for n in names])
    if "partner_types" in audience:
        asset.partner_types.set(audience["partner_types"])
    if "tiers" in audience:
        asset.tiers.set(audience["tiers"])


def asset_snapshot(asset: Asset) -> dict:
    return {"title": asset.title, "description": asset.description, "kind": asset.kind, "featured": asset.featured,
            "status": asset.status, "tags": sorted(t.name for t in asset.tags.all()),
            "partner_types": sorted(t.code for t in asset.partner_types.all()),
            "tiers": sorted(t.name for t in asset.tiers.all()),
            "current_version": asset.current_version.number if asset.current_version_id else None}


@transaction.atomic
def asset_create(*, actor, data: dict) -> Asset:
    """A draft asset with its tags and audience; upload a version, then publish it."""
    require_perm(actor, "library.manage")
    clean = _clean(data, partial=False)
    audience = _audience(data)
    asset = Asset.objects.create(title=clean["title"], description=clean.get("description", ""), kind=clean["kind"],
                                 featured=clean.get("featured", False), created_by=actor if getattr(actor, "pk", None) else None)
    _apply_relations(asset, clean, audience)
    audit_record(actor=actor, action="library_asset.created", obj=asset, after=asset_snapshot(asset))
    return asset


@transaction.atomic
def asset_update(*, actor, asset: Asset, data: dict) -> Asset:
    """Change the keys present in ``data`` (title, description, kind, featured, tags, partner_types, tiers)."""
    require_perm(actor, "library.manage")
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    clean = _clean(data, partial=True)
    audience = _audience(data)
    before = asset_snapshot(asset)
    for field in ("title", "description", "kind", "featured"):
        if field in clean:
            setattr(asset, field, clean[field])
    asset.updated_at = timezone.now()
    asset.save()
    _apply_relations(asset, clean, audience)
    after = asset_snapshot(asset)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit_record(actor=actor, action="library_asset.updated", obj=asset,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return asset


def _video_url_clean(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 200:
        raise DomainError("A video link is at most 200 characters.", field="video_url")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise DomainError("Give a video link starting with https://.", field="video_url") from None
    return url


@transaction.atomic
def version_add(*, actor, asset: Asset, upload=None, video_url: str = "", notes: str = "") -> AssetVersion:
    """A new version (a checked file or a video link) that becomes the current one; older ones stay in the history."""
    require_perm(actor, "library.manage")
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status == AssetStatus.RETIRED:
        raise Conflict("A retired asset takes no new versions; publish it again first.")
    notes = (notes or "").strip()
    if len(notes) > 2000:
        raise DomainError("Version notes are at most 2,000 characters.", field="notes")
    if (upload is None) == (not (video_url or "").strip()):
        raise DomainError("Upload a file or give a video link (one of the two).", field="file")
    number = (asset.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    row = AssetVersion(asset=asset, number=number, notes=notes, uploaded_by=actor if getattr(actor, "pk", None) else None)
    row.public_id = new_public_id("astv")
    if upload is not None:
        name, content_type, raw, digest = asset_file_validate(upload)
        row.original_name, row.content_type, row.size, row.sha256 = name, content_type, len(raw), digest
        row.file.save(f"{row.public_id}.{name.rsplit('.', 1)[1].lower()}", ContentFile(raw), save=False)
    else:
        row.video_url = _video_url_clean(video_url)
    row.save()
    previous = asset.current_version.number if asset.current_version_id else None
    asset.current_version = row
    asset.updated_at = timezone.now()
    asset.save(update_fields=["current_version", "updated_at"])
    audit_record(actor=actor, action="library_asset.version_added", obj=asset, before={"current_version": previous},
                 after={"current_version": number, "version": row.public_id, "name": row.original_name, "size": row.size,
                        "sha256": row.sha256, "video_url": row.video_url})
    return row


@transaction.atomic
def asset_publish(*, actor, asset: Asset) -> Asset:
    """Make the asset visible to its audience (it needs a version); a retired asset may be published again."""
    require_perm(actor, "library.manage")
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status == AssetStatus.PUBLISHED:
        raise Conflict("The asset is already published.")
    if asset.current_version_id is None:
        raise Conflict("Upload a file or a video link before publishing.", field="file")
    before = asset.status
    now = timezone.now()
    asset.status, asset.published_at, asset.updated_at = AssetStatus.PUBLISHED, now, now
    asset.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=actor, action="library_asset.published", obj=asset, before={"status": before}, after={"status": asset.status})
    return asset


@transaction.atomic
def asset_retire(*, actor, asset: Asset) -> Asset:
    """Take the asset out of the portal; its history and engagement stay."""
    require_perm(actor, "library.manage")
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status == AssetStatus.RETIRED:
        raise Conflict("The asset is already retired.")
    before = asset.status
    asset.status, asset.updated_at = AssetStatus.RETIRED, timezone.now()
    asset.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="library_asset.retired", obj=asset, before={"status": before}, after={"status": asset.status})
    return asset
