"""/api/v1/mapping/private-sessions: private mapping (private set intersection) with the vendor as server.

The partner's client (``allied mapping private``) drives a session: start it against a vendor population
shared with the partner at least as counts, fetch the vendor's blinded keys, send its own blinded keys in
batches, fetch the answer (counts-only sessions), report the result. Points are ristretto255 elements,
32 bytes each, concatenated and base64-encoded; at most 20,000 a page or batch. Partner managers
(``partner.mapping.manage``) run sessions; vendor users (``mapping.view``) and partner viewers see them
(counts; the vendor accounts in the intersection only when the partner revealed them, and only to the vendor).

Mounted by config/api.py next to the other mapping operations: ``api.add_router("/mapping", private_router)``.
"""

from datetime import datetime

from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from allied.core.api import ERRORS, PageQuery, PublicOut, Ref, page
from allied.core.errors import DomainError, NotFound
from allied.psi import InvalidPoint, decode_points, encode_points

from . import access, selectors
from .models import Population, PrivateMapping, Side
from .services import private as services

router = Router(tags=["private mapping"])
BATCH = services.BATCH_MAX


class PrivateSessionIn(Schema):
    vendor_population: str = SchemaField(..., description="Public id of a vendor population shared with you as counts or more.")
    reveal_to_vendor: bool = SchemaField(False, description="Tell the vendor which of its accounts are in the intersection.")


class PrivateSessionOut(PublicOut):
    partner: Ref
    vendor_population: Ref
    reveal_to_vendor: bool
    mode: str = SchemaField(..., description="`overlaps`: you learn which of your accounts overlap; `counts`: only how many.")
    status: str
    vendor_count: int = SchemaField(..., description="Vendor accounts in the session (with at least one key).")
    partner_count: int | None = SchemaField(None, description="Keys the partner sent.")
    overlap_count: int | None = SchemaField(None, description="Vendor accounts in the intersection, as the partner reported.")
    vendor_overlap: list[str] = SchemaField([], description="Vendor account ids in the intersection: vendor users only, when revealed.")
    created_at: datetime
    expires_at: datetime
    exchanged_at: datetime | None = None
    finished_at: datetime | None = None

    @staticmethod
    def resolve_mode(obj) -> str:
        return "overlaps" if obj.ordered else "counts"


class PrivateSessionPage(Schema):
    items: list[PrivateSessionOut]
    next_cursor: str | None


class PrivateSessionFilters(PageQuery):
    partner: str | None = SchemaField(None, description="Vendor users: one partner's sessions.")


class WindowQuery(Schema):
    offset: int = SchemaField(0, ge=0)
    limit: int = SchemaField(10_000, ge=1, le=BATCH)


class VendorPointsOut(Schema):
    offset: int = SchemaField(..., description="First vendor account of this page (in the session's order).")
    accounts: int = SchemaField(..., description="Vendor accounts in all.")
    points_total: int
    sizes: str = SchemaField(..., description="Base64: one byte per account of this page, its number of keys.")
    points: str = SchemaField(..., description="Base64: the keys of this page's accounts, each H(key)^a, 32 bytes.")


class ExchangeIn(Schema):
    offset: int = SchemaField(..., ge=0, description="Position of this batch's first point in your whole list.")
    points: str = SchemaField(..., description="Base64: your keys H(key)^b, 32 bytes each, at most 20,000.")
    final: bool = SchemaField(False, description="This is the last batch.")


class ExchangeOut(Schema):
    received: int
    final: bool
    points: str = SchemaField(..., description="Overlaps sessions: this batch raised to a, in order. Counts sessions: empty.")


class AnswerOut(Schema):
    offset: int
    total: int
    points: str = SchemaField(..., description="Counts sessions: all your points raised to a, sorted by value, this page.")


class FinishIn(Schema):
    overlap_count: int = SchemaField(..., ge=0, description="Vendor accounts with a key in the intersection.")
    vendor_positions: list[int] | None = SchemaField(None, description="When revealing: their positions in the vendor's order.")


def _out(request, mapping: PrivateMapping) -> PrivateMapping:
    # The vendor's account ids are the vendor's: a partner user is told how many, never which.
    if access.viewer_side(request.auth) == Side.PARTNER:
        mapping.vendor_overlap = []
    return mapping


def _points(text: str) -> bytes:
    try:
        return decode_points(text)
    except InvalidPoint as exc:
        raise DomainError(f"points: {exc}.", field="points")


@router.post("/private-sessions", response={201: PrivateSessionOut, **ERRORS}, summary="Start a private mapping session")
def private_session_start(request, payload: PrivateSessionIn):
    population = Population.objects.filter(public_id=payload.vendor_population, partner__isnull=True).first()
    if population is None:
        raise NotFound("population")
    mapping = services.private_mapping_start(actor=request.auth, vendor_population=population, reveal_to_vendor=payload.reveal_to_vendor)
    return Status(201, _out(request, mapping))


@router.get("/private-sessions", response={200: PrivateSessionPage, **ERRORS}, summary="List private mapping sessions")
def private_session_list(request, filters: Query[PrivateSessionFilters]):
    partner = None
    if filters.partner:
        partner = access.partner_for(request.auth, public_id=filters.partner)
        if access.viewer_side(request.auth) == Side.PARTNER and partner.pk != request.auth.partner_id:
            raise NotFound("partner")
    data = page(selectors.private_mapping_list(user=request.auth, partner=partner), filters)
    data["items"] = [_out(request, m) for m in data["items"]]
    return data


@router.get("/private-sessions/{session_id}", response={200: PrivateSessionOut, **ERRORS}, summary="One private mapping session")
def private_session_get(request, session_id: str):
    return _out(request, services.private_mapping_get(user=request.auth, public_id=session_id))


@router.get("/private-sessions/{session_id}/points", response={200: VendorPointsOut, **ERRORS},
            summary="The vendor's blinded keys, one page of accounts")
def private_session_points(request, session_id: str, window: Query[WindowQuery]):
    data = services.private_mapping_points(actor=request.auth, public_id=session_id, offset=window.offset, limit=window.limit)
    return {**data, "sizes": encode_points(data["sizes"]), "points": encode_points(data["points"])}


@router.post("/private-sessions/{session_id}/exchange", response={200: ExchangeOut, **ERRORS},
             summary="Send a batch of your blinded keys")
def private_session_exchange(request, session_id: str, payload: ExchangeIn):
    data = services.private_mapping_exchange(actor=request.auth, public_id=session_id, offset=payload.offset,
                                             points=_points(payload.points), final=payload.final)
    return {**data, "points": encode_points(data["points"])}


@router.get("/private-sessions/{session_id}/answer", response={200: AnswerOut, **ERRORS},
            summary="Counts sessions: your keys re-blinded by the vendor, sorted, one page")
def private_session_answer(request, session_id: str, window: Query[WindowQuery]):
    data = services.private_mapping_answer(actor=request.auth, public_id=session_id, offset=window.offset, limit=window.limit)
    return {**data, "points": encode_points(data["points"])}


@router.post("/private-sessions/{session_id}/finish", response={200: PrivateSessionOut, **ERRORS},
             summary="Report the result; the vendor's secret is erased")
def private_session_finish(request, session_id: str, payload: FinishIn):
    mapping = services.private_mapping_finish(actor=request.auth, public_id=session_id, overlap_count=payload.overlap_count,
                                              vendor_positions=payload.vendor_positions)
    return _out(request, mapping)

