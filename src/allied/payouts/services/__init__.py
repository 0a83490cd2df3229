"""Every write of the payouts app (one module per concern, re-exported here)."""

from .payee import can_edit_payee, payee_profile_update
from .runs import (
    PaymentRefused,
    payout_cancel,
    payout_pay,
    payout_run_approve,
    payout_run_cancel,
    payout_run_create,
    payout_run_execute,
    payout_run_start,
    payout_runs_resume,
    run_finish,
)
from .statements import (
    can_generate_statements,
    clean_period,
    period_bounds,
    statements_build,
    statements_generate,
)

__all__ = [
    "PaymentRefused", "can_edit_payee", "can_generate_statements", "clean_period", "payee_profile_update", "payout_cancel",
    "payout_pay", "payout_run_approve", "payout_run_cancel", "payout_run_create", "payout_run_execute", "payout_run_start",
    "payout_runs_resume", "period_bounds", "run_finish", "statements_build", "statements_generate",
]
