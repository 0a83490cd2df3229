"""What both sides' library pages share."""

from allied.core.errors import NotFound, PermissionDenied

from ..models import AssetKind

FORBIDDEN = (PermissionDenied, NotFound)  # let the page guard answer these (403 / 404)

# a small glyph per kind, beside its label (the label carries the meaning for screen readers)
KIND_ICONS = {AssetKind.BATTLECARD: "⚔", AssetKind.ONE_PAGER: "▤", AssetKind.DECK: "▦", AssetKind.VIDEO: "▶",
              AssetKind.PRICE_SHEET: "$", AssetKind.CASE_STUDY: "★", AssetKind.OTHER: "◆"}


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"


def decorate(assets) -> list:
    for a in assets:
        a.icon = KIND_ICONS.get(a.kind, "◆")
        v = a.current_version
        a.size_label = human_size(v.size) if v is not None and v.size else ""
    return assets
