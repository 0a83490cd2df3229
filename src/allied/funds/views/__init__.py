"""MDF pages: the console (vendor) in ``console``, the portal (partner) in ``portal``."""

from .console import (
    console_activity_types,
    console_claim,
    console_claims,
    console_period,
    console_periods,
    console_proof,
    console_request,
    console_requests,
)
from .portal import portal_edit, portal_new, portal_proof, portal_request, portal_requests

__all__ = ["console_activity_types", "console_claim", "console_claims", "console_period", "console_periods", "console_proof",
           "console_request", "console_requests", "portal_edit", "portal_new", "portal_proof", "portal_request", "portal_requests"]
