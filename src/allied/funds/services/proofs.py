"""Proof-of-performance uploads: checked by extension, by content and by size, stored under claims/."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.ids import new_public_id
from allied.core.uploads import content_matches

from ..models import ClaimProof, ClaimStatus, FundClaim, ProofKind
from .requests import can_request

# extension -> content type served back
PROOF_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_PROOFS_PER_CLAIM = 20


def max_proof_bytes() -> int:
    return int(getattr(settings, "ALLIED_PROOF_MAX_BYTES", 10 * 1024 * 1024))


def proof_validate(upload, *, field: str = "file") -> tuple[str, str, bytes]:
    """``(safe original name, content type, bytes)`` of an acceptable proof, or DomainError naming ``field``."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or "." not in name:
        raise DomainError("The file needs a name with an extension.", field=field)
    ext = name.rsplit(".", 1)[1].lower()
    if ext not in PROOF_TYPES:
        raise DomainError("Upload a PDF, PNG, JPEG, CSV or XLSX file.", field=field)
    limit = max_proof_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise DomainError(f"A proof file is at most {limit // (1024 * 1024)} MB.", field=field)
    upload.seek(0)
    raw = upload.read(limit + 1)
    upload.seek(0)
    if len(raw) > limit:
        raise DomainError(f"A proof file is at most {limit // (1024 * 1024)} MB.", field=field)
    if not raw:
        raise DomainError("The file is empty.", field=field)
    if not content_matches(ext, raw):
        raise DomainError(f"This is not a valid .{ext} file.", field=field)
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in name)[-150:]
    return safe, PROOF_TYPES[ext], raw


def proof_store(*, actor, claim: FundClaim, kind: str, upload, field: str = "file") -> ClaimProof:
    """Validate and save one proof (the caller holds the claim's lock and has checked who may add it)."""
    if kind not in ProofKind.values:
        raise DomainError(f"Choose a proof kind: {', '.join(ProofKind.values)}.", field="kind")
    name, content_type, raw = proof_validate(upload, field=field)
    row = ClaimProof(claim=claim, kind=kind, original_name=name, content_type=content_type, size=len(raw),
                     sha256=hashlib.sha256(raw).hexdigest(), uploaded_by=actor if getattr(actor, "pk", None) else None)
    row.public_id = new_public_id("prf")
    row.file.save(f"{row.public_id}.{name.rsplit('.', 1)[1].lower()}", ContentFile(raw), save=False)
    row.save()
    return row


@transaction.atomic
def proof_add(*, actor, claim: FundClaim, kind: str, upload) -> ClaimProof:
    """Add a proof to a claim awaiting its decision (the claiming partner's admins and marketers)."""
    claim = FundClaim.objects.select_for_update().get(pk=claim.pk)
    if not can_request(actor, claim.partner_id):
        raise PermissionDenied("Only the partner's admins and marketers can add proof to its claims.")
    if claim.status != ClaimStatus.SUBMITTED:
        raise Conflict("Proof can be added only while the claim awaits its decision.")
    if claim.proofs.count() >= MAX_PROOFS_PER_CLAIM:
        raise Conflict(f"A claim holds at most {MAX_PROOFS_PER_CLAIM} files.", field="file")
    row = proof_store(actor=actor, claim=claim, kind=kind, upload=upload)
    audit_record(actor=actor, action="fund_claim.proof_added", obj=claim, partner_id=claim.partner_id,
                 after={"proof": row.public_id, "kind": row.kind, "name": row.original_name, "size": row.size})
    return row
