"""Input and output shapes of /api/v1/payout-runs, /payouts, /statements and /payee-profile.

Money is a decimal string with its currency (``"1250.15"``, ``"USD"``); statement figures are per
bucket (``mdf.claimed``, ``incentive.payable``, ...).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from allied.core.api import PageQuery, PublicOut, Ref
from allied.core.money import from_minor

from .models import STATEMENT_BUCKETS


class UserRef(Schema):
    id: str
    name: str

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.public_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name


class CurrencyTotals(Schema):
    payouts: int
    mdf: Decimal
    incentive: Decimal
    total: Decimal


def _totals(obj) -> dict:
    return {cur: {"payouts": t["payouts"], "mdf": from_minor(t["mdf"], cur), "incentive": from_minor(t["incentive"], cur),
                  "total": from_minor(t["total"], cur)} for cur, t in (obj.totals or {}).items()}


class Progress(Schema):
    total: int = Field(..., description="Payouts to pay (cancelled ones not counted).")
    paid: int
    pending: int
    failed: int
    cancelled: int
    percent: int


class PayoutRunOut(PublicOut):
    id: str = Field(..., description="Public id, `prun_...`.")
    period_label: str
    starts_on: date
    ends_on: date
    status: str = Field(..., description="draft, approved, processing, completed or cancelled.")
    totals: dict[str, CurrencyTotals] = Field(..., description="Per currency: number of payouts, MDF, incentives and total.")
    progress: Progress
    created_by: UserRef | None
    created_at: datetime
    approved_by: UserRef | None
    approved_at: datetime | None
    executed_by: UserRef | None
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    note: str

    @staticmethod
    def resolve_totals(obj):
        return _totals(obj)

    @staticmethod
    def resolve_progress(obj):
        from .selectors import run_progress

        return run_progress(obj)


class PayoutRunPage(Schema):
    items: list[PayoutRunOut]
    next_cursor: str | None


class PayoutRunIn(Schema):
    starts_on: date
    ends_on: date
    period_label: str = Field("", description="How finance calls the period, e.g. `2026-Q1` (default: the dates).")
    note: str = ""


class RunFilters(PageQuery):
    status: str | None = Field(None, description="One or more statuses, comma-separated.")


class ReasonIn(Schema):
    reason: str


class ClaimLine(Schema):
    id: str = Field(..., description="The MDF claim, `clm_...`.")
    request: str = Field(..., description="The fund request's title.")
    amount: Decimal

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.claim.public_id

    @staticmethod
    def resolve_request(obj) -> str:
        return obj.claim.request.title

    @staticmethod
    def resolve_amount(obj) -> Decimal:
        return from_minor(obj.amount_minor, obj.claim.currency)


class PayoutOut(PublicOut):
    id: str = Field(..., description="Public id, `pay_...`.")
    run: str = Field(..., description="The payout run, `prun_...`.")
    period_label: str
    partner: Ref
    currency: str
    mdf: Decimal = Field(..., description="Approved MDF claims paid by this payout.")
    incentive: Decimal = Field(..., description="Payable incentives paid by this payout.")
    total: Decimal
    status: str = Field(..., description="pending, paid, failed or cancelled.")
    paid_at: datetime | None
    reference: str
    failure_reason: str
    ledger_transaction: str | None = Field(None, description="The ledger posting that paid it, `txn_...`.")
    claims: list[ClaimLine]

    @staticmethod
    def resolve_run(obj) -> str:
        return obj.run.public_id

    @staticmethod
    def resolve_period_label(obj) -> str:
        return obj.run.period_label

    @staticmethod
    def resolve_ledger_transaction(obj):
        return obj.ledger_txn.public_id if obj.ledger_txn_id else None

    @staticmethod
    def resolve_claims(obj):
        return list(obj.claim_links.all())


class PayoutPage(Schema):
    items: list[PayoutOut]
    next_cursor: str | None


class PayoutFilters(PageQuery):
    run: str | None = Field(None, description="Public id of a payout run.")
    partner: str | None = Field(None, description="Public id of a partner.")
    status: str | None = Field(None, description="One or more statuses, comma-separated.")
    currency: str | None = None


class PayIn(Schema):
    reference: str = Field("", description="The bank's reference for the transfer (default: the payout id).")


class StatementLine(Schema):
    date: date
    transaction: str = Field(..., description="The ledger transaction, `txn_...`.")
    kind: str
    description: str
    source: str
    amounts: dict[str, Decimal] = Field(..., description="Change per bucket (positive: money entered it).")


def _buckets(values: dict, currency: str) -> dict[str, Decimal]:
    return {code: from_minor(int(values.get(code, 0)), currency) for code in STATEMENT_BUCKETS}


class StatementOut(PublicOut):
    id: str = Field(..., description="Public id, `stm_...`.")
    partner: Ref
    period_start: date
    period_end: date
    currency: str
    opening: dict[str, Decimal] = Field(..., description="Balance per bucket at the start of the period.")
    closing: dict[str, Decimal] = Field(..., description="Balance per bucket at the end of the period.")
    totals: dict[str, Decimal] = Field(..., description="accrued (incentives accrued in the period), held, payable, "
                                                        "mdf_payable (approved claims unpaid), incentive_paid, mdf_paid, paid.")
    lines: list[StatementLine]
    generated_at: datetime
    pdf_url: str
    csv_url: str

    @staticmethod
    def resolve_opening(obj):
        return _buckets(obj.opening or {}, obj.currency)

    @staticmethod
    def resolve_closing(obj):
        return _buckets(obj.closing or {}, obj.currency)

    @staticmethod
    def resolve_totals(obj):
        return {k: from_minor(int(v), obj.currency) for k, v in (obj.totals or {}).items()}

    @staticmethod
    def resolve_lines(obj):
        from .documents import kind_label

        return [{"date": ln["date"], "transaction": ln.get("txn", ""), "kind": ln.get("kind", ""),
                 "description": ln.get("memo") or kind_label(ln.get("kind", "")), "source": ln.get("source", ""),
                 "amounts": {c: from_minor(int(m), obj.currency) for c, m in (ln.get("amounts") or {}).items()}}
                for ln in obj.lines or []]

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return f"/api/v1/statements/{obj.public_id}.pdf"

    @staticmethod
    def resolve_csv_url(obj) -> str:
        return f"/api/v1/statements/{obj.public_id}.csv"


class StatementSummaryOut(PublicOut):
    """A statement without its lines (lists)."""

    id: str
    partner: Ref
    period_start: date
    period_end: date
    currency: str
    totals: dict[str, Decimal]
    lines: int = Field(..., description="How many ledger lines the statement has.")
    generated_at: datetime

    @staticmethod
    def resolve_totals(obj):
        return {k: from_minor(int(v), obj.currency) for k, v in (obj.totals or {}).items()}

    @staticmethod
    def resolve_lines(obj) -> int:
        return len(obj.lines or [])


class StatementPage(Schema):
    items: list[StatementSummaryOut]
    next_cursor: str | None


class StatementFilters(PageQuery):
    partner: str | None = Field(None, description="Public id of a partner.")
    period_start: date | None = None
    period_end: date | None = None
    currency: str | None = None


class StatementGenerateIn(Schema):
    period_start: date
    period_end: date = Field(..., description="Last day of the period (inclusive).")
    partners: list[str] | None = Field(None, description="Public ids of partners (default: every partner with money).")


class StatementGenerateOut(Schema):
    generated: int
    period_start: date
    period_end: date


class PayeeProfileOut(Schema):
    partner: Ref
    legal_name: str
    payment_method: Literal["ach", "sepa", "wire", "paypal", "check"]
    account: str = Field(..., description="The account, masked: only its last four characters are kept.")
    tax_id: str
    remittance_email: str
    erp_vendor_id: str
    updated_at: datetime

    @staticmethod
    def resolve_account(obj) -> str:
        return obj.account_masked


class PayeeProfileIn(Schema):
    """Only the fields sent change."""

    legal_name: str = ""
    payment_method: Literal["ach", "sepa", "wire", "paypal", "check"] = "ach"
    account_number: str = Field("", description="Full account number or IBAN; only its last four characters are stored.")
    tax_id: str = ""
    remittance_email: str = ""
    erp_vendor_id: str = Field("", description="Finance only: the partner's supplier id in the ERP.")


class PayeeProfilePage(Schema):
    items: list[PayeeProfileOut]
    next_cursor: str | None


class PayeeFilters(PageQuery):
    partner: str | None = Field(None, description="Public id of a partner.")
