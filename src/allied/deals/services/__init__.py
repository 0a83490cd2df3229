"""Every write about deal registrations (one module per concern, re-exported here)."""

from .csv_import import ImportRejected, deals_import
from .engagement import rules_update
from .idempotency import deal_register_once
from .lifecycle import (
    can_work,
    deal_close,
    deal_update,
    deal_withdraw,
    deals_expire,
    deals_remind_expiring,
    extension_decide,
    extension_request,
)
from .products import product_create, product_update
from .registration import deal_register, keys_drop, keys_write, registering_partner
from .review import deal_approve, deal_decline, deals_bulk_decide, deals_escalate_overdue
from .room import file_add, file_validate, is_party, note_add, participants_set

__all__ = [
    "ImportRejected", "can_work", "deal_approve", "deal_close", "deal_decline", "deal_register", "deal_register_once", "deal_update", "deal_withdraw",
    "deals_bulk_decide", "deals_escalate_overdue", "deals_expire", "deals_import", "deals_remind_expiring", "extension_decide",
    "extension_request", "file_add", "file_validate", "is_party", "keys_drop", "keys_write", "note_add", "participants_set",
    "product_create", "product_update", "registering_partner", "rules_update",
]
