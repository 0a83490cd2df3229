"""Every write about leads (one module per concern, re-exported here)."""

from .housekeeping import leads_pull_back, leads_remind, leads_retry_unroutable
from .inbox import lead_accept, lead_convert, lead_decline, lead_reassign, lead_status_set
from .intake import LeadImportRejected, lead_clean, lead_create, lead_submit_public, leads_import
from .routing import lead_route, leads_route_batch, partner_profiles, routing_rules
from .settings import partner_lead_settings_update, routing_settings_update

__all__ = [
    "LeadImportRejected", "lead_accept", "lead_clean", "lead_convert", "lead_create", "lead_decline", "lead_reassign", "lead_route",
    "lead_status_set", "lead_submit_public", "leads_import", "leads_pull_back", "leads_remind", "leads_retry_unroutable",
    "leads_route_batch", "partner_lead_settings_update", "partner_profiles", "routing_rules", "routing_settings_update",
]
