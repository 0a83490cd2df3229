"""Mapping runs: match a partner's list against the vendor's in the worker, with progress, incrementally.

A pair is kept when it scores at least SAME_COMPANY and one of its records is the other's best
match (``allied.matching.map_accounts`` is asked both ways: partner → vendor and vendor → partner).

*Full* runs match every account. *Incremental* runs (the default, and what a list change asks for)
match again only the accounts changed since the partnership's last run (``updated_at >
matched_at``): their old matches are deleted, then the changed partner accounts are matched against
the whole vendor list and the changed vendor accounts against the whole partner list. Pairs of
two unchanged accounts stay as they are (a new, better candidate for an unchanged account shows up in
the new account's own matches); a full run recomputes everything.

The matching itself runs outside any transaction, saving ``done``/``total`` every chunk so the pages
can show progress; the result is written in one transaction (old matches out, new ones in,
``matched_at`` set to when the run *started*, so a change made during the run is picked up by the
next one). A run that fails is marked failed with the error; the matches stay as they were.
"""

import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from allied.core.audit import audit_record
from allied.core.errors import Conflict
from allied.matching import SAME_COMPANY, Record

from .. import access
from ..models import AccountMatch, MappedAccount, MappingRun, Partnership, RunStatus
from .partnerships import partnership_for

log = logging.getLogger(__name__)

BATCH = 2000
PROGRESS_EVERY = 2000

try:
    from allied.matching import map_accounts
except ImportError:  # exported from the package by the batch-mapping change; the module is there already
    from allied.matching.mapping import map_accounts

# map_accounts reports progress per stage (prepare, exact, fuzzy); a run shows one number: the share of its left records
_STAGES = {"prepare": (0.0, 0.3), "exact": (0.3, 0.4), "fuzzy": (0.7, 0.3)}


def _map(left: list[Record], right: list[Record], progress: Callable[[int], None]) -> Iterable[tuple[str, str, float, str, str]]:
    """``(left_id, right_id, score, method, reason)`` for each left record's best right match(es)."""
    n = len(left)

    def report(stage: str, done: int, total: int) -> None:
        start, span = _STAGES.get(stage, (0.0, 1.0))
        progress(int(n * (start + span * min(done, total) / max(total, 1))))

    pairs = map_accounts(left, right, threshold=SAME_COMPANY, progress=report) if left and right else []
    progress(n)
    return [(p.left_id, p.right_id, p.score, p.method, p.reason) for p in pairs]


def _records(qs) -> list[Record]:
    return [Record(id=str(pk), name=name, domain=domain, country=country)
            for pk, name, domain, country in qs.values_list("pk", "name", "domain", "country").iterator(chunk_size=BATCH)]


@transaction.atomic
def mapping_run_request(*, actor, partner, incremental: bool = True) -> MappingRun:
    """Queue a run for the worker (on commit). A run already waiting is reused (made full if this asks for full)."""
    if actor is not None:
        access.partner_for(actor, partner=partner, manage=True)
    partnership = partnership_for(partner)
    if not partnership.active:
        raise Conflict("Both sides must opt in before accounts are mapped.")
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()  # one request at a time per partnership
    run = MappingRun.objects.filter(partner=partner, status=RunStatus.QUEUED).order_by("created_at", "id").first()
    if run is not None:
        if run.incremental and not incremental:
            run.incremental = False
            run.save(update_fields=["incremental"])
        return run
    run = MappingRun.objects.create(partner=partner, incremental=incremental, requested_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="mapping.run_requested", obj=run, partner_id=partner.pk, after={"incremental": incremental})
    public_id = run.public_id
    transaction.on_commit(lambda: _enqueue(public_id))
    return run


def _enqueue(public_id: str) -> None:
    from ..tasks import mapping_run_task  # tasks import this module

    try:
        mapping_run_task.enqueue(public_id)
    except Exception:  # the worker hands queued runs back to the queue when it starts (mapping_runs_resume)
        log.exception("could not enqueue mapping run %s", public_id)


def runs_request_after_change(*, partner, actor=None) -> str:
    """A list changed: an incremental run for the partner (or, for the vendor's list, every active partnership)."""
    active = Partnership.objects.filter(vendor_opted_in_at__isnull=False, partner_opted_in_at__isnull=False)
    if partner is not None:
        active = active.filter(partner=partner)
    run_id = ""
    for partnership in active.select_related("partner").order_by("pk"):
        run_id = mapping_run_request(actor=None, partner=partnership.partner, incremental=True).public_id
    return run_id if partner is not None else ""


def mapping_runs_resume() -> list[str]:
    """Queued runs whose task was lost (a process died between commit and enqueue) go back to the queue."""
    ids = list(MappingRun.objects.filter(status=RunStatus.QUEUED).values_list("public_id", flat=True))
    for public_id in ids:
        _enqueue(public_id)
    return ids


def _claim(run: MappingRun) -> bool:
    """Queued → running, by one worker only."""
    now = timezone.now()
    if not MappingRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING, started_at=now):
        return False
    run.refresh_from_db()
    return True


def mapping_run_execute(run: MappingRun) -> dict:
    """Run a queued mapping (the worker). Returns the counts; a run not queued any more is left alone."""
    if not _claim(run):
        return {"skipped": run.public_id}
    try:
        return _execute(run)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, shown on the page; the matches stay as they were
        log.exception("mapping run %s failed", run.public_id)
        MappingRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        return {"failed": run.public_id, "error": str(exc)[:200]}


def _execute(run: MappingRun) -> dict:
    partner_id = run.partner_id
    partnership = Partnership.objects.get(partner_id=partner_id)
    since = partnership.matched_at if run.incremental else None
    vendor = MappedAccount.objects.filter(partner__isnull=True)
    own = MappedAccount.objects.filter(partner_id=partner_id)
    all_vendor, all_partner = _records(vendor), _records(own)
    if since is None:
        changed_partner, changed_vendor = all_partner, all_vendor
    else:
        changed_partner = _records(own.filter(updated_at__gt=since))
        changed_vendor = _records(vendor.filter(updated_at__gt=since))
    run.total = len(changed_partner) + len(changed_vendor)
    MappingRun.objects.filter(pk=run.pk).update(total=run.total, done=0)

    offset = 0

    def progress(done: int) -> None:
        value = min(offset + done, run.total)
        if value - getattr(progress, "saved", 0) >= PROGRESS_EVERY or value == run.total:
            progress.saved = value
            MappingRun.objects.filter(pk=run.pk).update(done=value)

    pairs: dict[tuple[int, int], tuple[float, str, str]] = {}
    for left_id, right_id, score, method, reason in _map(changed_partner, all_vendor, progress):
        pairs[(int(right_id), int(left_id))] = (score, method, reason)
    offset = len(changed_partner)
    for left_id, right_id, score, method, reason in _map(changed_vendor, all_partner, progress):
        key = (int(left_id), int(right_id))
        if key not in pairs or pairs[key][0] < score:
            pairs[key] = (score, method, reason)
    del all_vendor, all_partner

    with transaction.atomic():
        Partnership.objects.select_for_update().get(pk=partnership.pk)
        current = AccountMatch.objects.filter(partner_id=partner_id)
        if since is None:
            removed = current.delete()[0]
        else:
            p_ids, v_ids = [int(r.id) for r in changed_partner], [int(r.id) for r in changed_vendor]
            removed = 0
            for i in range(0, max(len(p_ids), len(v_ids)), BATCH):
                removed += current.filter(Q(partner_account_id__in=p_ids[i:i + BATCH]) |
                                          Q(vendor_account_id__in=v_ids[i:i + BATCH])).delete()[0]
        # accounts deleted while the run was matching are left out (their matches went with them)
        live_v = set(MappedAccount.objects.filter(partner__isnull=True, pk__in={v for v, _ in pairs}).values_list("pk", flat=True))
        live_p = set(own.filter(pk__in={p for _, p in pairs}).values_list("pk", flat=True))
        now = timezone.now()
        rows = [AccountMatch(partner_id=partner_id, vendor_account_id=v, partner_account_id=p, score=round(score, 4), method=method,
                             reason=reason[:255], created_at=now)
                for (v, p), (score, method, reason) in pairs.items() if v in live_v and p in live_p]
        AccountMatch.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        Partnership.objects.filter(pk=partnership.pk).update(matched_at=run.started_at)
        MappingRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, done=run.total, matches_added=len(rows),
                                                    matches_removed=removed, finished_at=now)
        run.refresh_from_db()
        counts = {"partner_accounts": len(changed_partner), "vendor_accounts": len(changed_vendor), "added": len(rows),
                  "removed": removed, "total_matches": AccountMatch.objects.filter(partner_id=partner_id).count()}
        audit_record(actor=None, action="mapping.run_done", obj=run, partner_id=partner_id,
                     after={"incremental": since is not None, **counts})
    return {"run": run.public_id, **counts}
