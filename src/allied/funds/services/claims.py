"""Claims: the partner shows what was spent and achieved, with proof; the vendor approves (in full or in
part) or rejects; approval moves the money from committed to claimed, and the payouts app pays it."""

from django.db import transaction
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.money import clean_money, format_money, from_minor, percent_of, to_minor
from allied.core.permissions import require_perm
from allied.ledger.services import move

from ..models import CLAIM_PAYABLE, REQUEST_FUNDED, ClaimStatus, FundClaim, FundRequest, ProofKind
from .postings import CLAIMED, COMMITTED, post
from .proofs import MAX_PROOFS_PER_CLAIM, proof_store
from .requests import (
    can_request,
    claim_deadline,
    claimable_left_minor,
    clean_count,
    committed_left_minor,
    complete_locked,
)


def _locked_request(request: FundRequest) -> FundRequest:
    return (FundRequest.objects.select_for_update(of=("self",)).select_related("period", "activity_type", "partner")
            .get(pk=request.pk))


@transaction.atomic
def claim_create(*, actor, request: FundRequest, spent, leads=0, pipeline="0", note: str = "", final: bool = False,
                 proofs: list | None = None, now=None) -> FundClaim:
    """File a claim before the deadline, with at least one proof (``[(kind, upload), ...]``).

    The amount claimed is the activity type's share of the spend, capped at what is left of the approval.
    """
    request = _locked_request(request)
    if not can_request(actor, request.partner_id):
        raise PermissionDenied("Only the partner's admins and marketers can claim its funds.")
    if request.status not in REQUEST_FUNDED:
        raise Conflict("Claims can be filed only against approved requests; this one is " + request.get_status_display().lower() + ".")
    today = timezone.localdate(now) if now else timezone.localdate()
    deadline = claim_deadline(request)
    if today > deadline:
        raise Conflict(f"The claim deadline was {deadline.isoformat()}.")
    cur = request.currency
    spent = clean_money(spent, cur, "spent")
    if spent <= 0:
        raise DomainError("Enter what the activity actually cost.", field="spent")
    pipeline = clean_money(pipeline if pipeline not in (None, "") else "0", cur, "pipeline")
    leads = clean_count(leads, "leads")
    note = (note or "").strip()
    if len(note) > 5000:
        raise DomainError("The note is at most 5,000 characters.", field="note")
    proofs = list(proofs or [])
    if not proofs:
        raise DomainError("Attach at least one proof of performance (invoice, photos, attendee or lead list).", field="file")
    if len(proofs) > MAX_PROOFS_PER_CLAIM:
        raise DomainError(f"Attach at most {MAX_PROOFS_PER_CLAIM} files.", field="file")
    left = claimable_left_minor(request)
    if left <= 0:
        raise Conflict("Nothing is left to claim on this request (claims awaiting a decision count too).")
    share = to_minor(percent_of(spent, request.activity_type.reimbursement_percent, cur), cur)
    claimed = min(share, left)
    if claimed <= 0:
        raise DomainError(f"{request.activity_type.name} is not reimbursed; nothing can be claimed.", field="spent")
    claim = FundClaim.objects.create(
        request=request, partner_id=request.partner_id, currency=cur, spent_minor=to_minor(spent, cur), claimed_minor=claimed,
        leads=leads, pipeline_minor=to_minor(pipeline, cur), note=note, final=bool(final), deadline=deadline,
        submitted_at=now or timezone.now(), created_by=actor)
    stored = [proof_store(actor=actor, claim=claim, kind=kind or ProofKind.INVOICE, upload=upload, field=f"file[{i}]"
                          if len(proofs) > 1 else "file") for i, (kind, upload) in enumerate(proofs)]
    audit_record(actor=actor, action="fund_claim.submitted", obj=claim, partner_id=claim.partner_id,
                 after={"request": request.public_id, "spent": spent, "claimed": claim.claimed, "leads": leads, "pipeline": pipeline,
                        "final": claim.final, "proofs": [p.public_id for p in stored],
                        "capped": claimed < share})
    return claim


def _locked_claim(claim: FundClaim) -> tuple[FundRequest, FundClaim]:
    request = _locked_request(claim.request)  # request first, then claim: the order claim_create uses
    return request, FundClaim.objects.select_for_update().get(pk=claim.pk)


def _after_decision(*, actor, request: FundRequest, claim: FundClaim) -> None:
    """A decided final claim, or an approval that used up the commitment, completes the request."""
    if request.claims.filter(status=ClaimStatus.SUBMITTED).exists():
        return
    if claim.final or committed_left_minor(request) == 0:
        complete_locked(actor=actor, request=request, note="Final claim decided." if claim.final else "Fully claimed.")


@transaction.atomic
def claim_approve(*, actor, claim: FundClaim, amount=None, note: str = "") -> FundClaim:
    """Approve ``amount`` (default: all that was claimed): committed -> claimed, ready to pay."""
    require_perm(actor, "funds.review")
    request, claim = _locked_claim(claim)
    if claim.status != ClaimStatus.SUBMITTED:
        raise Conflict("Only submitted claims can be approved; this one is " + claim.get_status_display().lower() + ".")
    if not claim.proofs.exists():
        raise Conflict("The claim has no proof of performance.")
    cur = claim.currency
    approved = claim.claimed if amount in (None, "") else clean_money(amount, cur, "amount")
    minor = to_minor(approved, cur)
    if minor <= 0:
        raise DomainError("Approve an amount above zero, or reject the claim.", field="amount")
    if minor > claim.claimed_minor:
        raise DomainError(f"Approve at most the {format_money(claim.claimed, cur)} claimed.", field="amount")
    note = (note or "").strip()
    partial = minor < claim.claimed_minor
    if partial and not note:
        raise DomainError("Tell the partner why only part of the claim is approved.", field="note")
    if len(note) > 5000:
        raise DomainError("The note is at most 5,000 characters.", field="note")
    if minor > committed_left_minor(request):
        raise Conflict("The request has less committed than this claim asks for.", field="amount")  # guarded by claimable_left
    post(kind="mdf.claim_approved", key=f"mdf-claim-approve:{claim.public_id}", period=request.period, obj=claim,
         legs=move(approved, source=(COMMITTED, claim.partner_id), to=(CLAIMED, claim.partner_id)),
         memo=f"Claim {claim.public_id} on {request.public_id}", partner_id=claim.partner_id, actor=actor)
    now = timezone.now()
    claim.status = ClaimStatus.PARTIALLY_APPROVED if partial else ClaimStatus.APPROVED
    claim.approved_minor, claim.decided_by, claim.decided_at, claim.decision_note = minor, actor, now, note
    claim.save(update_fields=["status", "approved_minor", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="fund_claim.approved", obj=claim, partner_id=claim.partner_id, before={"status": "submitted"},
                 after={"status": claim.status, "approved": approved, "note": note})
    _after_decision(actor=actor, request=request, claim=claim)
    return claim


@transaction.atomic
def claim_reject(*, actor, claim: FundClaim, note: str) -> FundClaim:
    require_perm(actor, "funds.review")
    note = (note or "").strip()
    if not note:
        raise DomainError("Tell the partner why the claim is rejected.", field="note")
    if len(note) > 5000:
        raise DomainError("The note is at most 5,000 characters.", field="note")
    request, claim = _locked_claim(claim)
    if claim.status != ClaimStatus.SUBMITTED:
        raise Conflict("Only submitted claims can be rejected; this one is " + claim.get_status_display().lower() + ".")
    claim.status, claim.decided_by, claim.decided_at, claim.decision_note = ClaimStatus.REJECTED, actor, timezone.now(), note
    claim.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="fund_claim.rejected", obj=claim, partner_id=claim.partner_id, before={"status": "submitted"},
                 after={"status": "rejected", "note": note})
    _after_decision(actor=actor, request=request, claim=claim)
    return claim


@transaction.atomic
def claims_mark_paid(*, claims, paid_at, actor, reference: str) -> int:
    """Mark approved claims paid (called by the payouts app, which checks ``finance.pay`` and posts
    ``mdf.claimed -> mdf.paid`` itself). Claims already paid are skipped, so a retry changes nothing."""
    ids = sorted({c.pk if hasattr(c, "pk") else int(c) for c in claims})
    reference = (reference or "").strip()[:100]
    count = 0
    for claim in FundClaim.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if claim.status not in CLAIM_PAYABLE or claim.paid_at is not None:
            continue
        before = claim.status
        claim.status, claim.paid_at, claim.payment_reference = ClaimStatus.PAID, paid_at, reference
        claim.save(update_fields=["status", "paid_at", "payment_reference"])
        audit_record(actor=actor, action="fund_claim.paid", obj=claim, partner_id=claim.partner_id, before={"status": before},
                     after={"status": "paid", "paid_at": paid_at, "amount": from_minor(claim.approved_minor, claim.currency),
                            "reference": reference})
        count += 1
    return count
