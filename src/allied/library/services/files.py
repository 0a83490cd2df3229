"""Asset uploads: checked by extension, by content and by size, stored under ``MEDIA_ROOT/library/``."""

import csv
import hashlib
import io
import zipfile

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from allied.core.errors import DomainError

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
# the folder inside an Office Open XML package that says which kind of document it is
_OOXML_ROOT = {"pptx": "ppt/", "docx": "word/", "xlsx": "xl/"}


def max_asset_bytes() -> int:
    return int(getattr(settings, "ALLIED_LIBRARY_MAX_BYTES", 50 * 1024 * 1024))


def _content_ok(ext: str, raw: bytes) -> bool:
    if ext == "pdf":
        return raw[:1024].lstrip().startswith(b"%PDF-") and b"%%EOF" in raw[-2048:]
    if ext in ("png", "jpg", "jpeg"):
        try:
            with Image.open(io.BytesIO(raw)) as img:
                img.verify()
                fmt = img.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            return False
        return fmt == ("PNG" if ext == "png" else "JPEG")
    if ext == "csv":
        if b"\x00" in raw:
            return False
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                return False
        try:
            rows = list(csv.reader(io.StringIO(text[:65536])))
        except csv.Error:
            return False
        return bool(rows) and any(cell.strip() for cell in rows[0])
    if ext in _OOXML_ROOT:
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(_OOXML_ROOT[ext]) for n in names)
    if ext == "mp4":
        return len(raw) > 12 and raw[4:8] == b"ftyp"
    return False


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
    if not _content_ok(ext, raw):
        raise DomainError(f"This is not a valid .{ext} file.", field=field)
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in name)[-150:]
    return safe, ASSET_TYPES[ext], raw, hashlib.sha256(raw).hexdigest()
