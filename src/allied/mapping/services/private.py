"""Private mapping: the vendor's (server's) side of a private set intersection session (``allied.psi``).

The partner runs the client (``allied mapping private``); its account list never reaches the server,
only its keys raised to the partner's secret. Flow, each step one API call:

1. ``private_mapping_start``: a partner manager picks a vendor population shared with it at least as
   counts; a session with a fresh secret is made (``ordered`` when the population is shared as
   overlapping records or more).
2. ``private_mapping_points``: the vendor's blinded keys, page by page, accounts in the session's
   pseudorandom order (recomputed from the secret each time: nothing else is stored).
3. ``private_mapping_exchange``: the partner's blinded keys in batches. Ordered sessions answer each
   batch re-blinded in order. Counts-only sessions keep the batches (``PrivateMappingChunk``) and
   answer nothing until the last one; then every re-blinded point is sorted by value and served by
   ``private_mapping_answer`` — batch-by-batch answers would tell the partner which batch held a match.
4. ``private_mapping_finish``: the partner reports the overlap count and, when it agreed to reveal,
   the positions of the vendor accounts that matched; the server stores their public ids, erases its
   secret and the held points, and audits ``mapping.private_done``.

Sessions end after ``SESSION_TTL``, when the partnership stops being active, or when the vendor lowers
the population's sharing below what the session was started with; the secret is erased then too.
A partner may start ``ALLIED_PSI_SESSIONS_PER_DAY`` sessions a day (default 20): with chosen lists and
many sessions a partner could narrow a count down to accounts, so sessions are limited and audited.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied, RateLimited
from allied.psi import POINT_BYTES, InvalidPoint, PsiServer, account_keys, server_order, sort_points
from allied.psi.protocol import reblind

from .. import access
from ..models import (
    SHARE_ORDER,
    MappedAccount,
    Partnership,
    Population,
    PrivateMapping,
    PrivateMappingChunk,
    PsiStatus,
    ShareLevel,
    SharingRule,
    Side,
)
from .populations import population_q

SESSION_TTL = timedelta(hours=1)
BATCH_MAX = 20_000  # points per page or batch: 880 kB of base64, about a second of exponentiations
PARTNER_POINTS_MAX = 4_000_000  # two keys for each of two million accounts
SESSIONS_PER_DAY = 20
POPULATION_CHANGED = "The vendor's population changed during this session, so it was closed; start a new one."


def sessions_per_day() -> int:
    return int(getattr(settings, "ALLIED_PSI_SESSIONS_PER_DAY", SESSIONS_PER_DAY))


def _level(partner, population: Population) -> str:
    """The vendor's sharing level of the population with this partner right now (hidden when not active)."""
    partnership = Partnership.objects.filter(partner=partner).first()
    if partnership is None or not partnership.active:
        return ShareLevel.HIDDEN
    rule = SharingRule.objects.filter(partnership=partnership, population=population).first()
    return rule.level if rule else ShareLevel.HIDDEN


def _at_least(level: str, minimum: str) -> bool:
    return SHARE_ORDER[level] >= SHARE_ORDER[minimum]


def vendor_account_keys(population: Population) -> dict[str, tuple[str, ...]]:
    """The population's vendor accounts that have keys: public id -> keys (``allied.psi.keys``)."""
    rows = (MappedAccount.objects.filter(partner__isnull=True).filter(population_q(population.filters))
            .order_by().values_list("public_id", "name", "domain", "country"))
    accounts = {}
    for public_id, name, domain, country in rows.iterator(chunk_size=5000):
        keys = account_keys(name=name, domain=domain, country=country)
        if keys:
            accounts[public_id] = keys
    return accounts


def _server(mapping: PrivateMapping) -> PsiServer:
    return PsiServer(vendor_account_keys(mapping.vendor_population), secret=bytes(mapping.secret), processes=1)


def _erase(mapping: PrivateMapping, status: str) -> None:
    mapping.status = status
    mapping.secret = None
    mapping.finished_at = timezone.now()
    mapping.save(update_fields=["status", "secret", "finished_at"])
    PrivateMappingChunk.objects.filter(mapping=mapping).delete()


def _require_partner_manager(actor) -> None:
    if access.viewer_side(actor) != Side.PARTNER:
        raise PermissionDenied("Private mapping is run by the partner, against the vendor's populations.")
    access.require(actor, manage=True)


@transaction.atomic
def private_mapping_start(*, actor, vendor_population: Population, reveal_to_vendor: bool = False) -> PrivateMapping:
    _require_partner_manager(actor)
    partner = actor.partner
    if vendor_population.partner_id is not None:
        raise NotFound("population")
    partnership = Partnership.objects.select_for_update().filter(partner=partner).first()
    if partnership is None or not partnership.active:
        raise PermissionDenied("Private mapping needs an active partnership: both the vendor and your company must opt in.")
    level = _level(partner, vendor_population)
    if not _at_least(level, ShareLevel.COUNTS):
        raise NotFound("population")  # a hidden population is not there for the partner
    since = timezone.now() - timedelta(days=1)
    if PrivateMapping.objects.filter(partner=partner, created_at__gte=since).count() >= sessions_per_day():
        raise RateLimited(f"At most {sessions_per_day()} private mapping sessions a day; try again tomorrow.")
    accounts = vendor_account_keys(vendor_population)
    if not accounts:
        raise DomainError("This population has no accounts to compare yet.", field="vendor_population")
    server = PsiServer(accounts, processes=1)
    now = timezone.now()
    mapping = PrivateMapping.objects.create(
        partner=partner, vendor_population=vendor_population, reveal_to_vendor=bool(reveal_to_vendor), status=PsiStatus.OPEN,
        secret=server.secret, vendor_count=server.account_count, ordered=_at_least(level, ShareLevel.OVERLAPS),
        created_by=actor, created_at=now, expires_at=now + SESSION_TTL,
    )
    audit_record(actor=actor, action="mapping.private_started", obj=mapping, partner_id=partner.pk,
                 after={"vendor_population": vendor_population.public_id, "reveal_to_vendor": mapping.reveal_to_vendor,
                        "ordered": mapping.ordered, "vendor_count": mapping.vendor_count})
    return mapping


def _close(mapping: PrivateMapping, message: str) -> Conflict:
    """Close a session that may not go on (in its own transaction, so the erasure stays) and say why."""
    with transaction.atomic():
        row = PrivateMapping.objects.select_for_update().filter(pk=mapping.pk, status=PsiStatus.OPEN).first()
        if row is not None:
            _erase(row, PsiStatus.EXPIRED)
    return Conflict(message)


def _session(actor, public_id: str) -> PrivateMapping:
    """An open session of the actor's own partner, still allowed by the current sharing; else closed and refused.

    Must not run inside an outer transaction: closing a session has to outlive the refusal.
    """
    _require_partner_manager(actor)
    mapping = (PrivateMapping.objects.select_related("vendor_population", "partner")
               .filter(public_id=public_id or "", partner_id=actor.partner_id).first())
    if mapping is None:
        raise NotFound("private mapping session")
    if mapping.status != PsiStatus.OPEN:
        raise Conflict(f"This session is {mapping.get_status_display().lower()}; start a new one.")
    if timezone.now() >= mapping.expires_at:
        raise _close(mapping, "This session expired (sessions last an hour) and its secret was erased; start a new one.")
    level = _level(mapping.partner, mapping.vendor_population)
    if not _at_least(level, ShareLevel.OVERLAPS if mapping.ordered else ShareLevel.COUNTS):
        raise _close(mapping, "The vendor's sharing changed since this session began, so it was closed; start a new one.")
    return mapping


def _locked(mapping: PrivateMapping) -> PrivateMapping:
    """The session row, locked for a write, still open (another request may have finished it meanwhile)."""
    row = PrivateMapping.objects.select_for_update().select_related("vendor_population").filter(pk=mapping.pk).first()
    if row is None or row.status != PsiStatus.OPEN or row.secret is None:
        raise Conflict("This session is closed; start a new one.")
    return row


def _window(offset: int, limit: int, total: int) -> tuple[int, int]:
    if offset < 0 or (offset > total):
        raise DomainError(f"offset must be between 0 and {total:,}.", field="offset")
    if not 1 <= limit <= BATCH_MAX:
        raise DomainError(f"limit must be between 1 and {BATCH_MAX:,}.", field="limit")
    return offset, min(total, offset + limit)


def private_mapping_points(*, actor, public_id: str, offset: int = 0, limit: int = 10_000) -> dict:
    """Step 1, one page: accounts ``offset..offset+limit`` of the session's order, their key counts and blinded keys."""
    mapping = _session(actor, public_id)
    server = _server(mapping)
    if server.account_count != mapping.vendor_count:
        raise _close(mapping, POPULATION_CHANGED)
    start, stop = _window(offset, limit, server.account_count)
    first_point = sum(server.sizes[:start])
    sizes = server.sizes[start:stop]
    points = server.setup_points(first_point, first_point + sum(sizes))
    return {"offset": start, "accounts": server.account_count, "points_total": server.point_count,
            "sizes": bytes(sizes), "points": points}


def private_mapping_exchange(*, actor, public_id: str, offset: int, points: bytes, final: bool) -> dict:
    """Step 3, one batch of the partner's blinded keys; the re-blinded batch when the session is ordered."""
    mapping = _session(actor, public_id)
    with transaction.atomic():
        return _exchange(_locked(mapping), offset=offset, points=points, final=final)


def _exchange(mapping: PrivateMapping, *, offset: int, points: bytes, final: bool) -> dict:
    if mapping.exchanged_at is not None:
        raise Conflict("The partner's points were all sent already; finish the session.")
    received = mapping.partner_count or 0
    if offset != received:
        raise Conflict(f"Send the batch starting at point {received:,} (this one starts at {offset:,}).", field="offset")
    if len(points) % POINT_BYTES:
        raise DomainError(f"points must be whole {POINT_BYTES}-byte elements.", field="points")
    count = len(points) // POINT_BYTES
    if count > BATCH_MAX:
        raise DomainError(f"At most {BATCH_MAX:,} points a batch.", field="points")
    if count == 0 and not final:
        raise DomainError("The batch is empty.", field="points")
    if received + count > PARTNER_POINTS_MAX:
        raise DomainError(f"At most {PARTNER_POINTS_MAX:,} points a session.", field="points")
    try:
        answer = reblind(points, bytes(mapping.secret), ordered=True, processes=1)
    except InvalidPoint as exc:
        at = f"point {received + exc.index:,}" if exc.index is not None else "a point"
        raise DomainError(f"{at[:1].upper()}{at[1:]} of the partner's list is not a valid ristretto255 element.", field="points")
    mapping.partner_count = received + count
    fields = ["partner_count"]
    if not mapping.ordered and count:
        seq = PrivateMappingChunk.objects.filter(mapping=mapping).count()
        PrivateMappingChunk.objects.create(mapping=mapping, seq=seq, points=answer)
        answer = b""
    if final:
        if mapping.partner_count == 0:
            raise DomainError("The partner's list has no keys to compare.", field="points")
        mapping.exchanged_at = timezone.now()
        fields.append("exchanged_at")
        if not mapping.ordered:
            _sort_held_points(mapping)
    mapping.save(update_fields=fields)
    return {"received": mapping.partner_count, "final": final, "points": answer}


def _sort_held_points(mapping: PrivateMapping) -> None:
    """Counts only: all the partner's re-blinded points sorted by value, so no position ties back to a key."""
    held = b"".join(bytes(c.points) for c in PrivateMappingChunk.objects.filter(mapping=mapping).order_by("seq"))
    ordered = sort_points(held)
    PrivateMappingChunk.objects.filter(mapping=mapping).delete()
    step = BATCH_MAX * POINT_BYTES
    PrivateMappingChunk.objects.bulk_create([PrivateMappingChunk(mapping=mapping, seq=i // step, points=ordered[i:i + step])
                                             for i in range(0, len(ordered), step)])


def private_mapping_answer(*, actor, public_id: str, offset: int = 0, limit: int = BATCH_MAX) -> dict:
    """Counts only, after the last batch: the partner's re-blinded points sorted by value, one page."""
    mapping = _session(actor, public_id)
    if mapping.ordered:
        raise Conflict("This session answers each batch as it is sent; there is nothing more to fetch.")
    if mapping.exchanged_at is None:
        raise Conflict("The answer is ready once the partner's last batch is sent (final=true).")
    start, stop = _window(offset, limit, mapping.partner_count or 0)
    first, last = start // BATCH_MAX, (stop - 1) // BATCH_MAX if stop > start else start // BATCH_MAX
    blob = b"".join(bytes(c.points) for c in PrivateMappingChunk.objects.filter(mapping=mapping, seq__gte=first, seq__lte=last))
    base = first * BATCH_MAX
    return {"offset": start, "total": mapping.partner_count or 0,
            "points": blob[(start - base) * POINT_BYTES:(stop - base) * POINT_BYTES]}


def private_mapping_finish(*, actor, public_id: str, overlap_count: int, vendor_positions: list[int] | None = None) -> PrivateMapping:
    """Step 4: the partner's result. Stores the count (and the revealed vendor accounts), erases the secret."""
    mapping = _session(actor, public_id)
    if mapping.exchanged_at is None:
        raise Conflict("Send all of the partner's points (the last batch with final=true) before finishing.")
    if isinstance(overlap_count, bool) or not isinstance(overlap_count, int) or not 0 <= overlap_count <= mapping.vendor_count:
        raise DomainError(f"overlap_count must be between 0 and {mapping.vendor_count:,}.", field="overlap_count")
    revealed: list[str] = []
    if mapping.reveal_to_vendor:
        positions = list(vendor_positions or [])
        if len(set(positions)) != len(positions) or len(positions) != overlap_count:
            raise DomainError("vendor_positions must list each matching vendor account once, overlap_count of them.",
                              field="vendor_positions")
        for position in positions:
            if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < mapping.vendor_count:
                raise DomainError(f"Vendor position {position!r} is outside 0..{mapping.vendor_count - 1:,}.",
                                  field="vendor_positions")
        ids = list(vendor_account_keys(mapping.vendor_population))
        if len(ids) != mapping.vendor_count:
            raise _close(mapping, POPULATION_CHANGED)
        order = server_order(bytes(mapping.secret), ids)
        revealed = sorted(order[p] for p in positions)
    elif vendor_positions:
        raise DomainError("vendor_positions are sent only when the session reveals the overlap to the vendor.",
                          field="vendor_positions")
    with transaction.atomic():
        mapping = _locked(mapping)
        mapping.overlap_count = overlap_count
        mapping.vendor_overlap = revealed
        mapping.save(update_fields=["overlap_count", "vendor_overlap"])
        _erase(mapping, PsiStatus.DONE)
        audit_record(actor=actor, action="mapping.private_done", obj=mapping, partner_id=mapping.partner_id,
                     after={"vendor_population": mapping.vendor_population.public_id, "vendor_count": mapping.vendor_count,
                            "partner_count": mapping.partner_count, "overlap_count": overlap_count,
                            "revealed": len(revealed) if mapping.reveal_to_vendor else None})
    return mapping


def private_mappings_expire(*, now=None) -> int:
    """Close every open session past its hour and erase its secret (the worker may run this hourly)."""
    now = now or timezone.now()
    closed = 0
    for pk in PrivateMapping.objects.filter(status=PsiStatus.OPEN, expires_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            mapping = PrivateMapping.objects.select_for_update().filter(pk=pk, status=PsiStatus.OPEN).first()
            if mapping is not None:
                _erase(mapping, PsiStatus.EXPIRED)
                closed += 1
    return closed


def private_mapping_get(*, user, public_id: str) -> PrivateMapping:
    mapping = PrivateMapping.objects.select_related("partner", "vendor_population").filter(public_id=public_id or "").first()
    if mapping is None or (access.viewer_side(user) == Side.PARTNER and mapping.partner_id != user.partner_id):
        raise NotFound("private mapping session")
    access.require(user)
    if mapping.status == PsiStatus.OPEN and timezone.now() >= mapping.expires_at:
        with transaction.atomic():
            _erase(mapping, PsiStatus.EXPIRED)
    return mapping
