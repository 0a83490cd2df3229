from .console import (
    console_asset,
    console_edit,
    console_export,
    console_list,
    console_new,
    console_version,
)
from .portal import portal_asset, portal_download, portal_list, portal_watch

__all__ = ["console_asset", "console_edit", "console_export", "console_list", "console_new", "console_version", "portal_asset",
           "portal_download", "portal_list", "portal_watch"]
