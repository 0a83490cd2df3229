"""Asset uploads: checked by extension, by content and by size, stored under ``MEDIA_ROOT/library/``."""

import hashlib

from django.conf import settings

from allied.core.errors import DomainError
from allied.core.uploads import content_matches

# extension -> content type served back
ASSET_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "mp4": "video/mp4",
}
def max_asset_bytes() -> int:
    return int(getattr(settings, "ALLIED_LIBRARY_MAX_BYTES", 50 * 1024 * 1024))


def asset_file_validate(upload, *, field: str = "file") -> tuple[str, str, bytes, str]:
    """``(safe original name, content type, bytes, sha256)`` of an acceptable file, or DomainError naming ``field``."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or "." not in name:
        raise DomainError("The file needs a name with an extension.", field=field)
    ext = name.rsplit(".", 1)[1].lower()
    if ext not in ASSET_TYPES:
        raise DomainError("Upload a PDF, PowerPoint, Word, Excel, CSV, PNG, JPEG or MP4 file.", field=field)
    limit = max_asset_bytes()
    too_big = f"A library file is at most {limit // (1024 * 1024)} MB."
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise DomainError(too_big, field=field)
    upload.seek(0)
    raw = upload.read(limit + 1)
    upload.seek(0)
    if len(raw) > limit:
        raise DomainError(too_big, field=field)
    if not raw:
        raise DomainError("The file is empty.", field=field)
    if not content_matches(ext, raw):
        raise DomainError(f"This is not a valid .{ext} file.", field=field)
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in name)[-150:]
    return safe, ASSET_TYPES[ext], raw, hashlib.sha256(raw).hexdigest()
