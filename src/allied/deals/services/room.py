"""The deal room: partners on a deal with roles and credit splits, shared notes and files.

Only the vendor and the partners on the deal can reach it (the selectors decide); these services
decide who may write.
"""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from allied.core.audit import audit_record
from allied.core.errors import DomainError, PermissionDenied
from allied.core.permissions import require_perm
from allied.core.scope import is_vendor
from allied.partners.models import Partner, PartnerStatus

from .. import events
from ..models import DealFile, DealNote, DealParticipant, DealRegistration, ParticipantRole
from .validation import clean_amount

HUNDRED = Decimal("100.00")
MAX_FILE_BYTES = 10 * 1024 * 1024
ALLOWED_FILES = {  # extension -> (content types accepted, leading bytes that prove it, or None for text)
    "pdf": ({"application/pdf"}, b"%PDF-"),
    "png": ({"image/png"}, b"\x89PNG\r\n\x1a\n"),
    "jpg": ({"image/jpeg"}, b"\xff\xd8\xff"),
    "jpeg": ({"image/jpeg"}, b"\xff\xd8\xff"),
    "docx": ({"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/octet-stream"}, b"PK\x03\x04"),
    "xlsx": ({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"}, b"PK\x03\x04"),
    "pptx": ({"application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/octet-stream"}, b"PK\x03\x04"),
    "csv": ({"text/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream"}, None),
    "txt": ({"text/plain", "application/octet-stream"}, None),
}


def is_party(actor, deal: DealRegistration) -> bool:
    if is_vendor(actor):
        return True
    return actor.partner_id is not None and deal.participants.filter(partner_id=actor.partner_id).exists()


@transaction.atomic
def participants_set(*, actor, deal: DealRegistration, participants: list[dict]) -> list[DealParticipant]:
    """Replace the partners on a deal. Each: partner, role, split_pct; shares sum to exactly 100.

    The registering partner stays on the deal as its sourcing partner; each partner appears once.
    """
    require_perm(actor, "deals.review")
    deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
    if not participants:
        raise DomainError("A deal needs at least its registering partner.", field="participants")
    rows, seen, total = [], set(), Decimal("0")
    for i, item in enumerate(participants):
        partner = item.get("partner")
        if not isinstance(partner, Partner):
            raise DomainError("Choose a partner.", field=f"participants[{i}].partner")
        if partner.pk in seen:
            raise DomainError(f"{partner.name} is listed twice.", field=f"participants[{i}].partner")
        if partner.status not in (PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING) and partner.pk != deal.partner_id:
            raise DomainError(f"{partner.name} is not an active partner.", field=f"participants[{i}].partner")
        role = item.get("role")
        if role not in ParticipantRole.values:
            raise DomainError(f"Choose one of {', '.join(ParticipantRole.values)}.", field=f"participants[{i}].role")
        split = clean_amount(item.get("split_pct"), f"participants[{i}].split_pct")
        if split > HUNDRED:
            raise DomainError("A share is at most 100 %.", field=f"participants[{i}].split_pct")
        seen.add(partner.pk)
        total += split
        rows.append(DealParticipant(deal=deal, partner=partner, role=role, split_pct=split))
    if deal.partner_id not in seen:
        raise DomainError("The registering partner must stay on the deal.", field="participants")
    sourcing = [r for r in rows if r.role == ParticipantRole.SOURCING]
    if len(sourcing) != 1 or sourcing[0].partner_id != deal.partner_id:
        raise DomainError("The registering partner is the deal's one sourcing partner.", field="participants")
    if total != HUNDRED:
        raise DomainError(f"Credit splits must add up to exactly 100 %; they add up to {total} %.", field="participants")
    before = {p.partner.public_id: [p.role, str(p.split_pct)] for p in deal.participants.select_related("partner")}
    existing = set(deal.participants.values_list("partner_id", flat=True))
    deal.participants.all().delete()
    DealParticipant.objects.bulk_create(rows)
    after = {r.partner.public_id: [r.role, str(r.split_pct)] for r in rows}
    audit_record(actor=actor, action="deal.participants_set", obj=deal, partner_id=deal.partner_id, before=before, after=after)
    for r in rows:
        if r.partner_id not in existing:
            events.participant_added(deal, r.partner)
    return list(deal.participants.select_related("partner"))


@transaction.atomic
def note_add(*, actor, deal: DealRegistration, body: str) -> DealNote:
    if not is_party(actor, deal):
        raise PermissionDenied()
    body = (body or "").strip()
    if not body:
        raise DomainError("Write a note.", field="body")
    if len(body) > 10_000:
        raise DomainError("A note is at most 10,000 characters.", field="body")
    note = DealNote.objects.create(deal=deal, author=actor, body=body)
    audit_record(actor=actor, action="deal.note_added", obj=deal, partner_id=deal.partner_id, after={"note": note.public_id})
    events.note_added(note)
    return note


def file_validate(upload) -> tuple[str, str]:
    """(safe file name, content type) of an acceptable upload, or DomainError naming the problem."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or "." not in name:
        raise DomainError("The file needs a name with an extension.", field="file")
    ext = name.rsplit(".", 1)[1].lower()
    if ext not in ALLOWED_FILES:
        raise DomainError(f"Upload one of: {', '.join(sorted(ALLOWED_FILES))}.", field="file")
    if upload.size > MAX_FILE_BYTES:
        raise DomainError("Files are at most 10 MB.", field="file")
    if upload.size == 0:
        raise DomainError("The file is empty.", field="file")
    types, magic = ALLOWED_FILES[ext]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise DomainError(f"This is not a valid .{ext} file.", field="file")
    if magic is None and b"\x00" in head:
        raise DomainError(f"This is not a text .{ext} file.", field="file")
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in name)[:150]
    content_type = getattr(upload, "content_type", None)
    return safe, content_type if content_type in types else sorted(types)[0]


@transaction.atomic
def file_add(*, actor, deal: DealRegistration, upload) -> DealFile:
    if not is_party(actor, deal):
        raise PermissionDenied()
    name, content_type = file_validate(upload)
    row = DealFile(deal=deal, uploaded_by=actor, name=name, size=upload.size, content_type=content_type)
    row.public_id = DealFile._meta.get_field("public_id").pre_save(row, True)
    row.file.save(name, ContentFile(upload.read()), save=False)
    row.save()
    audit_record(actor=actor, action="deal.file_added", obj=deal, partner_id=deal.partner_id,
                 after={"file": row.public_id, "name": name, "size": row.size})
    return row
