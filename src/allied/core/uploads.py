"""Uploaded files checked by what they contain, not by what their name says (MDF proofs, library assets)."""

import csv
import io
import zipfile

from PIL import Image, UnidentifiedImageError

# the folder inside an Office Open XML package that says which kind of document it is
_OOXML_ROOT = {"pptx": "ppt/", "docx": "word/", "xlsx": "xl/"}


def content_matches(ext: str, raw: bytes) -> bool:
    """Do ``raw`` bytes really hold a file of type ``ext`` (pdf, png, jpg/jpeg, csv, pptx, docx, xlsx, mp4)?"""
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
