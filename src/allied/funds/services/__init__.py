"""Every write about market development funds (one module per concern, re-exported here)."""

from .claims import claim_approve, claim_create, claim_reject, claims_mark_paid
from .periods import (
    activity_type_save,
    allocation_set,
    allocations_by_tier,
    period_close,
    period_create,
    period_update,
)
from .proofs import PROOF_TYPES, proof_add, proof_validate
from .requests import (
    claim_deadline,
    claimable_left_minor,
    committed_left_minor,
    request_approve,
    request_cancel,
    request_complete,
    request_create,
    request_criteria,
    request_reject,
    request_submit,
    request_update,
    requests_complete_expired,
)

__all__ = [
    "PROOF_TYPES", "activity_type_save", "allocation_set", "allocations_by_tier", "claim_approve", "claim_create", "claim_deadline",
    "claim_reject", "claimable_left_minor", "claims_mark_paid", "committed_left_minor", "period_close", "period_create",
    "period_update", "proof_add", "proof_validate", "request_approve", "request_cancel", "request_complete", "request_create",
    "request_criteria", "request_reject", "request_submit", "request_update", "requests_complete_expired",
]
