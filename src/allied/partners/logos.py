"""Logo upload validation: a real image, of an allowed format, within size limits."""

import io
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from allied.core.errors import DomainError

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
MAX_PIXELS_SIDE = 4000


def logo_validate(upload) -> ContentFile:
    """Return the upload as a safely named file, or raise DomainError naming the ``logo`` field."""
    limit = settings.ALLIED_LOGO_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        raise DomainError(f"The logo must be at most {limit // 1024} KB.", field="logo")
    raw = upload.read()
    if len(raw) > limit:
        raise DomainError(f"The logo must be at most {limit // 1024} KB.", field="logo")
    try:
        with Image.open(io.BytesIO(raw)) as img:
            img.verify()
        with Image.open(io.BytesIO(raw)) as img:
            fmt, (w, h) = img.format, img.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError("The logo must be a PNG, JPEG, WebP or GIF image.", field="logo")
    if fmt not in ALLOWED_FORMATS:
        raise DomainError("The logo must be a PNG, JPEG, WebP or GIF image.", field="logo")
    if w > MAX_PIXELS_SIDE or h > MAX_PIXELS_SIDE:
        raise DomainError(f"The logo must be at most {MAX_PIXELS_SIDE}×{MAX_PIXELS_SIDE} pixels.", field="logo")
    return ContentFile(raw, name=f"{secrets.token_hex(8)}.{ALLOWED_FORMATS[fmt]}")
