"""Payout runs: create (finance), approve (another finance user), execute (the worker), pay one, cancel.

Exactly once. Every payout is paid in its own transaction that first locks the run row and then the
payout row, so two attempts on the same payout (the worker, a retry, ten API calls at once) run one
after the other and the later one finds it paid. The payment is ONE ledger posting under the key
``payout:<payout id>``: even if the status update were lost, the ledger's unique key would answer the
second attempt with the first posting instead of moving the money again. A claim belongs to one
payout only (``PayoutClaim.claim`` is one-to-one), so no two runs can include it.

Crash safety. A worker killed half way leaves every payout either paid (posting, claims and status
committed together) or untouched. Executing the run again pays what is left; a starting worker
resumes runs left in ``processing`` (``payout_runs_resume``).
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.money import format_money, from_minor
from allied.core.permissions import require_perm
from allied.funds import selectors as funds_selectors
from allied.funds import services as funds_services
from allied.funds.models import CLAIM_PAYABLE
from allied.ledger.models import AccountCode, LedgerAccount, LedgerEntry
from allied.ledger.selectors import balances_by_partner
from allied.ledger.services import ledger_post, move
from allied.partners.models import Partner

from ..models import OPEN_RUN_STATUSES, Payout, PayoutClaim, PayoutRun, PayoutStatus, RunStatus

UNPAID = (PayoutStatus.PENDING, PayoutStatus.FAILED)
RUN_CREATE_LOCK = 5_000_501  # pg advisory lock id: one run is put together at a time


class PaymentRefused(DomainError):
    """A payout that cannot be paid as it stands (the reason is recorded on it)."""

    status = 409

    def __init__(self, message: str):
        super().__init__(message, code="payment_refused")


def _finance(actor) -> None:
    if actor is None or actor.partner_id is not None:
        raise PermissionDenied("Only the vendor's finance team pays partners.")
    require_perm(actor, "finance.pay")


def _serialise_run_creation() -> None:
    """One run is assembled at a time, so two finance users creating runs at once never both take
    the same incentive balance. SQLite transactions here are IMMEDIATE: already one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_CREATE_LOCK])


def _clean_period(label: str, starts_on, ends_on) -> tuple[str, date, date]:
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, date):
            raise DomainError("Enter a date (YYYY-MM-DD).", field=name)
    if ends_on < starts_on:
        raise DomainError("The period ends before it starts.", field="ends_on")
    label = (label or "").strip() or f"{starts_on.isoformat()} to {ends_on.isoformat()}"
    if len(label) > 60:
        raise DomainError("At most 60 characters.", field="period_label")
    return label, starts_on, ends_on


def _reserved_incentives() -> dict[tuple[int, str], int]:
    """Incentive amounts already promised by unpaid payouts of open runs (not to be paid twice)."""
    rows = (Payout.objects.filter(run__status__in=OPEN_RUN_STATUSES, status__in=UNPAID, incentive_minor__gt=0)
            .values("partner_id", "currency").annotate(total=Sum("incentive_minor")))
    return {(r["partner_id"], r["currency"]): int(r["total"]) for r in rows}


@transaction.atomic
def payout_run_create(*, actor, starts_on, ends_on, period_label: str = "", note: str = "",
                      partner_ids: list[int] | None = None, payable_by: datetime | None = None) -> PayoutRun:
    """Gather everything payable now (or by ``payable_by``) into a draft run: one payout per partner and currency.

    Payable: approved MDF claims not yet paid and not in another run, and the positive
    ``incentive.payable`` balances less what open runs already include. With ``payable_by``, only claims
    approved and incentive balances reached before that moment (how the demo pays quarter by quarter).
    """
    _finance(actor)
    label, starts_on, ends_on = _clean_period(period_label, starts_on, ends_on)
    cutoff = min(payable_by, timezone.now()) if payable_by else timezone.now() + timedelta(seconds=1)
    _serialise_run_creation()
    claims = list(funds_selectors.claims_payable(partner_ids=partner_ids)
                  .filter(payout_link__isnull=True, decided_at__lt=cutoff))
    owed: dict[tuple[int, str], dict] = defaultdict(lambda: {"mdf": 0, "incentive": 0, "claims": []})
    for claim in claims:
        if not claim.approved_minor or claim.approved_minor <= 0:
            continue
        row = owed[(claim.partner_id, claim.currency)]
        row["mdf"] += claim.approved_minor
        row["claims"].append(claim)
    reserved = _reserved_incentives()
    balances = balances_by_partner(codes=[AccountCode.INCENTIVE_PAYABLE], partner_ids=partner_ids, as_of=cutoff)
    for (partner_id, currency, _code), minor in balances.items():
        available = minor - reserved.get((partner_id, currency), 0)
        if available > 0:
            owed[(partner_id, currency)]["incentive"] += available
    owed = {k: v for k, v in owed.items() if v["mdf"] + v["incentive"] > 0}
    if not owed:
        raise Conflict("Nothing is payable now: no approved unpaid MDF claims outside other runs and no payable incentives.")
    run = PayoutRun.objects.create(period_label=label, starts_on=starts_on, ends_on=ends_on, created_by=actor,
                                   note=(note or "")[:500])
    keys = sorted(owed)
    payouts = Payout.objects.bulk_create([
        Payout(run=run, partner_id=pid, currency=cur, mdf_minor=owed[(pid, cur)]["mdf"],
               incentive_minor=owed[(pid, cur)]["incentive"], total_minor=owed[(pid, cur)]["mdf"] + owed[(pid, cur)]["incentive"])
        for pid, cur in keys], batch_size=500)
    if any(p.pk is None for p in payouts):  # backends that do not return keys from bulk inserts
        by_key = {(p.partner_id, p.currency): p for p in run.payouts.all()}
        payouts = [by_key[k] for k in keys]
    links = [PayoutClaim(payout=p, claim=c, amount_minor=c.approved_minor) for p in payouts for c in owed[(p.partner_id, p.currency)]["claims"]]
    try:
        with transaction.atomic():
            PayoutClaim.objects.bulk_create(links, batch_size=1000)
    except IntegrityError:  # a claim went into another run meanwhile (only if the lock above was bypassed)
        raise Conflict("A claim was added to another payout run at the same moment; try again.")
    run.totals = _totals(payouts)
    run.save(update_fields=["totals"])
    audit_record(actor=actor, action="payout_run.created", obj=run,
                 after={"period": label, "payouts": len(payouts), "claims": len(links),
                        "totals": {cur: format_money(from_minor(t["total"], cur), cur) for cur, t in run.totals.items()}})
    return run


def _totals(payouts) -> dict:
    out: dict[str, dict[str, int]] = {}
    for p in payouts:
        t = out.setdefault(p.currency, {"payouts": 0, "mdf": 0, "incentive": 0, "total": 0})
        t["payouts"] += 1
        t["mdf"] += p.mdf_minor
        t["incentive"] += p.incentive_minor
        t["total"] += p.total_minor
    return dict(sorted(out.items()))


def _locked_run(run: PayoutRun) -> PayoutRun:
    return PayoutRun.objects.select_for_update().get(pk=run.pk)


@transaction.atomic
def payout_run_approve(*, actor, run: PayoutRun) -> PayoutRun:
    """Four eyes: a finance user other than the one who created the run approves it."""
    _finance(actor)
    run = _locked_run(run)
    if run.status != RunStatus.DRAFT:
        raise Conflict(f"Only a draft run can be approved; this one is {run.get_status_display().lower()}.")
    if run.created_by_id == actor.pk:
        raise PermissionDenied("Another finance user must approve this run: you created it (four eyes).")
    run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, actor, timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, action="payout_run.approved", obj=run, before={"status": "draft"}, after={"status": "approved"})
    return run


@transaction.atomic
def payout_run_start(*, actor, run: PayoutRun) -> PayoutRun:
    """Hand an approved run (or one left half paid) to the worker; the page polls its progress."""
    from ..tasks import payout_run_execute_task  # tasks import this module

    _finance(actor)
    run = _locked_run(run)
    if run.status not in (RunStatus.APPROVED, RunStatus.PROCESSING):
        raise Conflict("Only an approved run can be executed." if run.status == RunStatus.DRAFT else
                       f"This run is {run.get_status_display().lower()}.")
    before = run.status
    run.status, run.executed_by = RunStatus.PROCESSING, actor
    run.started_at = run.started_at or timezone.now()
    run.save(update_fields=["status", "executed_by", "started_at"])
    audit_record(actor=actor, action="payout_run.executed" if before == RunStatus.APPROVED else "payout_run.resumed", obj=run,
                 before={"status": before}, after={"status": run.status})
    # The database task queue writes the task in this transaction: it exists exactly when the run is processing.
    payout_run_execute_task.enqueue(run.public_id)
    return run


def payout_run_execute(*, run: PayoutRun, actor=None) -> dict:
    """Pay every unpaid payout of an approved or processing run, each in its own transaction.

    Called by the worker (``actor`` is who pressed execute). Safe to run again, or twice at once:
    paid payouts are skipped, refused ones are recorded as failed and retried next time.
    """
    if actor is not None:
        _finance(actor)
    counts = {"paid": 0, "failed": 0, "skipped": 0}
    ids = list(run.payouts.filter(status__in=UNPAID).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        try:
            _, did_pay = _pay(payout_id=pk, actor=actor, reference="")
        except PaymentRefused:
            counts["failed"] += 1
            continue
        except Conflict:  # the run was cancelled meanwhile
            counts["skipped"] += 1
            continue
        counts["paid" if did_pay else "skipped"] += 1
    run_finish(run=run)
    return counts


def payout_pay(*, actor, payout: Payout, reference: str = "") -> Payout:
    """Pay one payout now (API ``POST /payouts/{id}/pay``): the same function the run's execution uses.

    Idempotent: paying a paid payout returns it unchanged. Refused (409, reason recorded) when the
    run is not approved, or what it would pay is no longer there.
    """
    _finance(actor)
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise DomainError("At most 100 characters.", field="reference")
    paid, _ = _pay(payout_id=payout.pk, actor=actor, reference=reference)
    return paid


def _pay(*, payout_id: int, actor, reference: str) -> tuple[Payout, bool]:
    try:
        return _pay_in_transaction(payout_id=payout_id, actor=actor, reference=reference)
    except PaymentRefused as exc:
        _record_failure(payout_id, exc.message)
        raise


@transaction.atomic
def _pay_in_transaction(*, payout_id: int, actor, reference: str) -> tuple[Payout, bool]:
    run_id = Payout.objects.filter(pk=payout_id).values_list("run_id", flat=True).get()
    run = PayoutRun.objects.select_for_update().get(pk=run_id)  # every payment of a run in turn
    payout = Payout.objects.select_for_update().select_related("partner").get(pk=payout_id)
    if payout.status == PayoutStatus.PAID:
        return payout, False
    if payout.status == PayoutStatus.CANCELLED:
        raise Conflict("This payout was cancelled.")
    if run.status not in (RunStatus.APPROVED, RunStatus.PROCESSING):
        raise Conflict("The run must be approved by a second finance user before anything is paid." if run.status == RunStatus.DRAFT
                       else f"The run is {run.get_status_display().lower()}.")
    if payout.incentive_minor:
        # incentive accruals and clawbacks lock the partner row (incentives.reconcile); taking the same lock
        # here means a clawback either lands before this check or waits until the payment is posted
        Partner.objects.select_for_update().filter(pk=payout.partner_id).values_list("pk", flat=True).first()
    links = list(payout.claim_links.select_related("claim").order_by("claim_id"))
    _check_payable(payout, links)
    legs = []
    if payout.mdf_minor:
        legs += move(from_minor(payout.mdf_minor, payout.currency), source=(AccountCode.MDF_CLAIMED, payout.partner_id),
                     to=(AccountCode.MDF_PAID, payout.partner_id))
    if payout.incentive_minor:
        legs += move(from_minor(payout.incentive_minor, payout.currency), source=(AccountCode.INCENTIVE_PAYABLE, payout.partner_id),
                     to=(AccountCode.INCENTIVE_PAID, payout.partner_id))
    now = timezone.now()
    reference = reference or payout.reference or payout.public_id
    txn = ledger_post(kind="payout.paid", idempotency_key=f"payout:{payout.public_id}", currency=payout.currency, legs=legs,
                      memo=f"Payout {payout.public_id} ({run.period_label}): {format_money(payout.total, payout.currency)}",
                      partner_id=payout.partner_id, source=f"payout:{payout.public_id}", actor=actor)  # dated by the ledger clock: now, or the demo seed's history
    if links:
        marked = funds_services.claims_mark_paid(claims=[lk.claim for lk in links], paid_at=now, actor=actor, reference=reference)
        if marked != len(links):
            raise PaymentRefused("Some claims of this payout were already marked paid elsewhere; nothing was paid.")
    payout.status, payout.paid_at, payout.paid_by, payout.ledger_txn = PayoutStatus.PAID, now, actor, txn
    payout.reference, payout.failure_reason, payout.attempts = reference, "", payout.attempts + 1
    payout.save(update_fields=["status", "paid_at", "paid_by", "ledger_txn", "reference", "failure_reason", "attempts"])
    audit_record(actor=actor, action="payout.paid", obj=payout, partner_id=payout.partner_id,
                 after={"run": run.public_id, "currency": payout.currency, "mdf": payout.mdf, "incentive": payout.incentive,
                        "total": payout.total, "reference": reference, "ledger_txn": txn.public_id,
                        "claims": [lk.claim.public_id for lk in links]})
    if run.status == RunStatus.APPROVED:
        run.status, run.started_at = RunStatus.PROCESSING, run.started_at or now
        run.save(update_fields=["status", "started_at"])
    _complete_if_done(run, actor)
    return payout, True


def _balance(partner_id: int, currency: str, code: str) -> int:
    """The account's balance, its row locked first so two payments of the same money take turns."""
    account = (LedgerAccount.objects.select_for_update(no_key=True)
               .filter(code=code, partner_id=partner_id, currency=currency).first())
    if account is None:
        return 0
    total = LedgerEntry.objects.filter(account=account, transaction__sealed=True).aggregate(t=Sum("amount_minor"))["t"]
    return int(total or 0)


def _check_payable(payout: Payout, links: list[PayoutClaim]) -> None:
    cur = payout.currency
    mdf = 0
    for link in links:
        claim = link.claim
        if claim.status not in CLAIM_PAYABLE or claim.paid_at is not None:
            raise PaymentRefused(f"Claim {claim.public_id} is {claim.get_status_display().lower()}, no longer payable.")
        if claim.currency != cur or claim.approved_minor != link.amount_minor:
            raise PaymentRefused(f"Claim {claim.public_id} changed after the run was created.")
        mdf += link.amount_minor
    if mdf != payout.mdf_minor:
        raise PaymentRefused("The payout's MDF amount does not match its claims.")
    if payout.mdf_minor and _balance(payout.partner_id, cur, AccountCode.MDF_CLAIMED) < payout.mdf_minor:
        raise PaymentRefused("The partner's approved MDF claims in the ledger are less than this payout.")
    if payout.incentive_minor:
        have = _balance(payout.partner_id, cur, AccountCode.INCENTIVE_PAYABLE)
        if have < payout.incentive_minor:
            raise PaymentRefused(f"Only {format_money(from_minor(have, cur), cur)} of incentives is payable now "
                                 f"(clawbacks since the run was created); cancel this payout and include it in a new run.")


def _record_failure(payout_id: int, reason: str) -> None:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status in (PayoutStatus.PAID, PayoutStatus.CANCELLED):
            return
        payout.status, payout.failure_reason, payout.attempts = PayoutStatus.FAILED, reason[:500], payout.attempts + 1
        payout.save(update_fields=["status", "failure_reason", "attempts"])
        audit_record(actor=None, action="payout.failed", obj=payout, partner_id=payout.partner_id, after={"reason": reason})


def _complete_if_done(run: PayoutRun, actor=None) -> bool:
    """Inside a transaction holding the run's lock: completed once nothing is left to pay."""
    if run.status != RunStatus.PROCESSING or run.payouts.filter(status__in=UNPAID).exists():
        return False
    run.status, run.completed_at = RunStatus.COMPLETED, timezone.now()
    run.save(update_fields=["status", "completed_at"])
    audit_record(actor=actor, action="payout_run.completed", obj=run, before={"status": "processing"}, after={"status": "completed"})
    return True


@transaction.atomic
def run_finish(*, run: PayoutRun) -> PayoutRun:
    run = _locked_run(run)
    _complete_if_done(run)
    return run


@transaction.atomic
def payout_cancel(*, actor, payout: Payout, reason: str) -> Payout:
    """Take an unpaid payout out of its run; its claims become payable again (in a new run)."""
    _finance(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the payout is cancelled.", field="reason")
    run = PayoutRun.objects.select_for_update().get(pk=payout.run_id)
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.status not in UNPAID:
        raise Conflict(f"A {payout.get_status_display().lower()} payout cannot be cancelled.")
    claims = list(payout.claim_links.values_list("claim__public_id", flat=True))
    payout.claim_links.all().delete()
    payout.status, payout.failure_reason = PayoutStatus.CANCELLED, reason[:500]
    payout.save(update_fields=["status", "failure_reason"])
    audit_record(actor=actor, action="payout.cancelled", obj=payout, partner_id=payout.partner_id,
                 after={"reason": reason, "released_claims": claims})
    if run.status in (RunStatus.DRAFT, RunStatus.APPROVED) and not run.payouts.exclude(status=PayoutStatus.CANCELLED).exists():
        run.status, run.cancelled_by, run.cancelled_at = RunStatus.CANCELLED, actor, timezone.now()
        run.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    elif run.status == RunStatus.PROCESSING:
        _complete_if_done(run, actor)
    return payout


@transaction.atomic
def payout_run_cancel(*, actor, run: PayoutRun, reason: str) -> PayoutRun:
    """Cancel a run before anything of it is paid; every claim it held becomes payable again."""
    _finance(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the run is cancelled.", field="reason")
    run = _locked_run(run)
    if run.status not in OPEN_RUN_STATUSES:
        raise Conflict(f"This run is {run.get_status_display().lower()}.")
    if run.payouts.filter(status=PayoutStatus.PAID).exists():
        raise Conflict("Some payouts of this run are paid; cancel the remaining payouts one by one.")
    released = PayoutClaim.objects.filter(payout__run=run).count()
    PayoutClaim.objects.filter(payout__run=run).delete()
    run.payouts.filter(status__in=UNPAID).update(status=PayoutStatus.CANCELLED, failure_reason=reason[:500])
    before = run.status
    run.status, run.cancelled_by, run.cancelled_at, run.note = RunStatus.CANCELLED, actor, timezone.now(), reason[:500]
    run.save(update_fields=["status", "cancelled_by", "cancelled_at", "note"])
    audit_record(actor=actor, action="payout_run.cancelled", obj=run, before={"status": before},
                 after={"status": "cancelled", "reason": reason, "released_claims": released})
    return run


def payout_runs_resume() -> list[str]:
    """Hand runs left in ``processing`` with unpaid payouts (a worker died) to the worker again.

    Harmless when another worker is still on one: payments of a run take turns and skip paid payouts.
    """
    from ..tasks import payout_run_execute_task

    ids = list(PayoutRun.objects.filter(status=RunStatus.PROCESSING)
               .filter(Q(payouts__status=PayoutStatus.PENDING) | Q(payouts__status=PayoutStatus.FAILED, payouts__attempts__lt=3))
               .distinct().values_list("public_id", flat=True))
    for public_id in ids:
        payout_run_execute_task.enqueue(public_id)
    return ids
