"""Every write about the content library (one module per concern, re-exported here)."""

from .assets import (
           asset_create,
           asset_publish,
           asset_retire,
           asset_snapshot,
           asset_update,
           tags_normalise,
           version_add,
)
from .events import event_record
from .files import ASSET_TYPES, asset_file_validate, max_asset_bytes

__all__ = ["ASSET_TYPES", "asset_create", "asset_file_validate", "asset_publish", "asset_retire", "asset_snapshot", "asset_update",
           "event_record", "max_asset_bytes", "tags_normalise", "version_add"]
