"""Every write of account mapping (one module per concern, re-exported here)."""

from .cosell import cosell_to_deal, cosell_to_lead
from .introductions import introduction_create
from .lists import (
    ImportRejected,
    ImportResult,
    account_clean,
    account_delete,
    account_update,
    account_upsert,
    accounts_import,
    vendor_list_sync,
)
from .partnerships import discoverable_set, opt_in, opt_out, partnership_for, sharing_set
from .populations import (
    clean_filters,
    population_create,
    population_delete,
    population_update,
    populations_ensure_defaults,
)
from .runs import mapping_run_execute, mapping_run_request, mapping_runs_resume

__all__ = [
    "ImportRejected", "ImportResult", "account_clean", "account_delete", "account_update", "account_upsert", "accounts_import",
    "clean_filters", "cosell_to_deal", "cosell_to_lead", "discoverable_set", "introduction_create", "mapping_run_execute",
    "mapping_run_request", "mapping_runs_resume", "opt_in", "opt_out", "partnership_for", "population_create", "population_delete",
    "population_update", "populations_ensure_defaults", "sharing_set", "vendor_list_sync",
]
