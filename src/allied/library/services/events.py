"""Engagement signals: a partner user viewing or downloading an asset.

The ``AssetEvent`` row is itself the record (who, which partner, which asset and version, when), append-only;
views and downloads are not copied into the audit log, which would double every page view.
"""

from django.utils import timezone

from allied.core.errors import DomainError

from ..models import Asset, AssetEvent, AssetVersion, EventKind


def event_record(*, actor, asset: Asset, kind: str, version: AssetVersion | None = None, at=None) -> AssetEvent | None:
    """Record a view or download by a partner user (the caller has read ``asset`` through the selectors, so it is
    in the user's audience). Vendor users' previews are not engagement: nothing is recorded for them."""
    if kind not in EventKind.values:
        raise DomainError(f"Choose an event kind: {', '.join(EventKind.values)}.", field="kind")
    partner_id = getattr(actor, "partner_id", None)
    if partner_id is None or not getattr(actor, "is_active", False):
        return None
    if version is not None and version.asset_id != asset.pk:
        raise DomainError("That version belongs to another asset.", field="version")
    return AssetEvent.objects.create(asset=asset, version=version or asset.current_version, partner_id=partner_id, user=actor,
                                     kind=kind, at=at or timezone.now())
