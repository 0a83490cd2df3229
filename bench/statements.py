"""Benchmark `statements`: a quarter's partner statements, computed from the ledger and rendered as PDF and CSV.

Run through `allied bench statements [--size N]` (N partners, default 5,000), or from another
benchmark with `measure_statements(partners=N)` (`allied bench accruals` does). Each measurement
runs in a child process on a fresh database: a temporary SQLite file, or the PostgreSQL database
named by `--database-url` / ALLIED_BENCH_DATABASE_URL.

The database gets realistic ledger activity, written in bulk through the ledger's own tables (the
database triggers still check every transaction when it is sealed): per partner an MDF allocation
and an incentive accrual before the quarter, then 20 transactions in it (accruals, holdbacks and
releases, fund requests and claims approved, a payout, sometimes a clawback), every bucket staying
non-negative as in real life.

Timed, together as `statements_s`: `payouts.services.statements_generate` for every partner (one
grouped query for the opening balances, one for the period's entries, one bulk upsert), then
rendering every statement as PDF and as CSV. Figures: `statements_s`, `statements` (how many),
`pdf_ms_per_statement`, plus `statements_generate_s`, `statements_render_s`,
`statements_csv_ms_per_statement`, `statements_ledger_transactions`, `statements_pdf_kb_avg`.
Target: 5,000 partners in at most 60 s.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TXNS_PER_PARTNER = 20


def measure_statements(partners: int = 5000, *, database_url: str | None = None, seed: int = 7) -> dict:
    """Build a fresh database with `partners` partners' ledger activity and time their statements (child process)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--size", str(partners), "--seed", str(seed)]
    url = database_url or os.environ.get("ALLIED_BENCH_STATEMENTS_DATABASE_URL")
    if url:
        cmd += ["--database-url", url]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- the child: one fresh database ---------------------------------------------------------------------------


def _setup(database_url: str | None) -> None:
    workdir = tempfile.mkdtemp(prefix="allied-bench-statements-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "allied.config.settings"
    os.environ["ALLIED_DATA_DIR"] = workdir
    os.environ.setdefault("ALLIED_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("ALLIED_TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)


def _activity(rng: random.Random) -> list[tuple[str, list[tuple[str, int]]]]:
    """One partner's quarter: (kind, [(bucket, minor)]) per transaction, each summing to zero, no bucket below zero."""
    bal = {"mdf.allocated": 0, "mdf.committed": 0, "mdf.claimed": 0, "incentive.accrued": 0, "incentive.held": 0,
           "incentive.payable": 0}
    out = []

    def move(kind, src, dst, amount):
        if src in bal:
            bal[src] -= amount
        if dst in bal:
            bal[dst] += amount
        out.append((kind, [(src, -amount), (dst, amount)]))

    move("mdf.allocation", "mdf.pool", "mdf.allocated", rng.randrange(500_000, 2_500_000))
    move("incentive.accrued", "incentive.expense", "incentive.accrued", rng.randrange(10_000, 400_000))
    while len(out) < TXNS_PER_PARTNER + 2:
        step = rng.random()
        if step < 0.3:
            move("incentive.accrued", "incentive.expense", "incentive.accrued", rng.randrange(1_000, 250_000))
        elif step < 0.4 and bal["incentive.accrued"] > 100:
            move("incentive.held", "incentive.accrued", "incentive.held", bal["incentive.accrued"] // 5)
        elif step < 0.55 and bal["incentive.accrued"] > 0:
            move("incentive.released", "incentive.accrued", "incentive.payable", bal["incentive.accrued"])
        elif step < 0.6 and bal["incentive.held"] > 0:
            move("incentive.released", "incentive.held", "incentive.payable", bal["incentive.held"])
        elif step < 0.7 and bal["mdf.allocated"] > 10_000:
            move("mdf.request_approved", "mdf.allocated", "mdf.committed", rng.randrange(5_000, bal["mdf.allocated"] // 2 + 5_001))
        elif step < 0.8 and bal["mdf.committed"] > 0:
            move("mdf.claim_approved", "mdf.committed", "mdf.claimed", rng.randrange(1, bal["mdf.committed"] + 1))
        elif step < 0.95 and (bal["mdf.claimed"] or bal["incentive.payable"]):
            legs = []
            if bal["mdf.claimed"]:
                legs += [("mdf.claimed", -bal["mdf.claimed"]), ("mdf.paid", bal["mdf.claimed"])]
                bal["mdf.claimed"] = 0
            if bal["incentive.payable"]:
                legs += [("incentive.payable", -bal["incentive.payable"]), ("incentive.paid", bal["incentive.payable"])]
                bal["incentive.payable"] = 0
            out.append(("payout.paid", legs))
        elif bal["incentive.payable"] > 100:
            move("incentive.clawback", "incentive.payable", "incentive.clawback", bal["incentive.payable"] // 10)
    return out


MEMOS = {"mdf.allocation": "MDF allocation for the quarter", "incentive.accrued": "Rebate on deal {n}",
         "incentive.held": "Holdback on deal {n}", "incentive.released": "Holdback released",
         "mdf.request_approved": "Fund request approved: regional roadshow", "mdf.claim_approved": "MDF claim approved",
         "payout.paid": "Payout {n}", "incentive.clawback": "Clawback: refund on deal {n}"}


def _populate(partners: int, seed: int, start, end) -> int:
    """Partners and their ledger activity, written in bulk; returns the number of ledger transactions."""
    from datetime import datetime, timedelta

    from django.db import transaction
    from django.utils import timezone

    from allied.ledger.models import VENDOR_CODES, AccountCode, LedgerAccount, LedgerEntry, LedgerTransaction
    from allied.partners.models import Partner, PartnerStatus
    from allied.program.models import PartnerType, Tier

    rng = random.Random(seed)
    kind, tier = PartnerType.objects.get(code="reseller"), Tier.objects.order_by("rank").first()
    Partner.objects.bulk_create([Partner(name=f"Bench Partner {i:05d} {rng.choice(['Ltd', 'GmbH', 'Inc.', 'SAS', 'B.V.'])}",
                                         partner_type=kind, tier=tier, country="US", region="na", status=PartnerStatus.ACTIVE)
                                 for i in range(partners)], batch_size=2000)
    pids = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    currency = "USD"
    vendor = {code: LedgerAccount.objects.create(code=code, partner=None, currency=currency) for code in VENDOR_CODES}
    partner_codes = [c for c in AccountCode.values if c not in VENDOR_CODES]
    LedgerAccount.objects.bulk_create([LedgerAccount(code=c, partner_id=pid, currency=currency) for pid in pids for c in partner_codes],
                                      batch_size=5000)
    accounts = {(a.code, a.partner_id): a.pk for a in LedgerAccount.objects.all()}
    accounts.update({(code, None): acc.pk for code, acc in vendor.items()})
    tz = timezone.get_current_timezone()
    t_start = timezone.make_aware(datetime.combine(start, datetime.min.time()), tz)
    span = (end - start).days * 86400
    total = 0
    batch = 500  # partners per write
    for lo in range(0, len(pids), batch):
        txns, legs = [], []
        for pid in pids[lo:lo + batch]:
            steps = _activity(rng)
            times = sorted(rng.randrange(0, span) for _ in range(len(steps) - 2))
            for i, (kind_, moves) in enumerate(steps):
                at = t_start - timedelta(days=10 - i) if i < 2 else t_start + timedelta(seconds=times[i - 2])
                n = rng.randrange(1000, 99999)
                txns.append(LedgerTransaction(kind=kind_, memo=MEMOS[kind_].format(n=n), idempotency_key=f"bench:{pid}:{i}",
                                              body_hash="bench", partner_id=pid, source=f"bench:{kind_.split('.')[0]}:{n}",
                                              effective_at=at, created_at=at))
                legs.append(moves)
        with transaction.atomic():
            made = LedgerTransaction.objects.bulk_create(txns, batch_size=2000)
            if any(t.pk is None for t in made):
                keys = {t.idempotency_key: t.pk for t in LedgerTransaction.objects.filter(
                    idempotency_key__in=[t.idempotency_key for t in txns]).only("pk", "idempotency_key")}
                for t in made:
                    t.pk = keys[t.idempotency_key]
            entries = []
            for txn, moves in zip(made, legs, strict=True):
                for code, minor in moves:
                    pid = None if code in VENDOR_CODES else txn.partner_id
                    entries.append(LedgerEntry(transaction_id=txn.pk, account_id=accounts[(code, pid)], currency=currency,
                                               amount_minor=minor))
            LedgerEntry.objects.bulk_create(entries, batch_size=5000)
            ids = [t.pk for t in made]
            for i in range(0, len(ids), 5000):  # sealing runs the database's balance check on each transaction
                LedgerTransaction.objects.filter(pk__in=ids[i:i + 5000]).update(sealed=True)
        total += len(made)
    return total


def run_child(partners: int, seed: int, database_url: str | None) -> dict:
    _setup(database_url)
    from datetime import date

    from django.db import connection

    from allied.payouts.documents import render_statement_csv, render_statement_pdf
    from allied.payouts.models import Statement
    from allied.payouts.services import statements_generate
    from allied.program.models import ProgramSettings

    start, end = date(2026, 1, 1), date(2026, 3, 31)
    t = time.perf_counter()
    txns = _populate(partners, seed, start, end)
    populate_s = time.perf_counter() - t
    vendor_name = ProgramSettings.current().vendor_name

    t0 = time.perf_counter()
    n = statements_generate(actor=None, period_start=start, period_end=end)
    generate_s = time.perf_counter() - t0
    pdf_s = csv_s = 0.0
    pdf_bytes = 0
    rendered = 0
    rows = (Statement.objects.filter(period_start=start, period_end=end).order_by("pk")
            .values_list("pk", "partner__name", "partner__public_id"))
    names = {pk: (name, public_id) for pk, name, public_id in rows}
    for st in Statement.objects.filter(period_start=start, period_end=end).order_by("pk").iterator(chunk_size=500):
        name, public_id = names[st.pk]
        a = time.perf_counter()
        pdf = render_statement_pdf(st, partner_name=name, partner_public_id=public_id, vendor_name=vendor_name)
        b = time.perf_counter()
        render_statement_csv(st, partner_name=name, partner_public_id=public_id)
        c = time.perf_counter()
        pdf_s += b - a
        csv_s += c - b
        pdf_bytes += len(pdf)
        rendered += 1
    total_s = time.perf_counter() - t0
    assert rendered == n, (rendered, n)
    return {
        "statements_s": round(total_s, 2), "statements": n, "pdf_ms_per_statement": round(1000 * pdf_s / max(n, 1), 2),
        "statements_generate_s": round(generate_s, 2), "statements_render_s": round(pdf_s + csv_s, 2),
        "statements_csv_ms_per_statement": round(1000 * csv_s / max(n, 1), 2), "statements_ledger_transactions": txns,
        "statements_pdf_kb_avg": round(pdf_bytes / max(n, 1) / 1024, 1), "statements_setup_s": round(populate_s, 1),
        "statements_database": connection.vendor,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000, help="partners (default 5,000)")
    parser.add_argument("--repeat", type=int, default=None, help="unused; accepted for `allied bench`")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "statements.json"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.size, args.seed, args.database_url)))
        return
    figures = measure_statements(partners=args.size, database_url=args.database_url or os.environ.get("ALLIED_BENCH_DATABASE_URL"),
                                 seed=args.seed)
    width = max(len(k) for k in figures)
    print(f"\nbenchmark statements — {args.size:,} partners, {TXNS_PER_PARTNER} ledger transactions each in the quarter")
    for k, v in figures.items():
        mark = ("  ok" if v <= 60 else "  MISSES target <= 60") if k == "statements_s" and args.size >= 5000 else ""
        print(f"  {k:<{width}}  {v}{mark}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
