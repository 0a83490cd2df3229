"""Benchmark `conflicts`: one deal-registration conflict check against a big database, and its accuracy.

Run through `allied bench conflicts [--size N]` (N registrations, default 1,000,000, and N/5
accounts). Runs on SQLite and, when reachable, on PostgreSQL (ALLIED_BENCH_DATABASE_URL or the
local server), each in a fresh database. Figures:

- `p50_ms`, `p99_ms`: latency of `deals.conflicts.conflict_check` (the worse of the databases;
  per-database figures are kept too), over queries that are variants of held registrations,
  variants of accounts, and names that match nothing;
- `precision`, `recall`: on a labeled set of company name/domain variants and hard negatives
  (`allied.simulate.company_variants.labeled_pairs`), each left record registered in the big
  database and each right record checked through the same conflict check;
- `exact_baseline_recall` (equal normalised domain or equal lower-cased name) and
  `rapidfuzz_scan_p99_ms` (a brute-force rapidfuzz scan of every held registration name), side by
  side in the same run.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

SYL = ["ka", "lo", "ri", "ven", "tor", "mi", "sa", "qu", "zen", "bra", "dor", "lux", "ne", "vo", "tal", "cor", "fi", "gra",
       "ho", "ix", "jun", "kel", "mar", "nor", "pax", "ros", "sil", "tra", "ul", "vex", "wen", "yar", "zo", "al", "be", "cy"]
INDUSTRY = ["Logistics", "Foods", "Health", "Software", "Robotics", "Energy", "Capital", "Media", "Labs", "Analytics", "Pharma",
            "Textiles", "Motors", "Insurance", "Consulting", "Networks", "Dynamics", "Foods", "Retail", "Aerospace"]
SUFFIX = ["Inc.", "LLC", "Ltd", "GmbH", "S.A.", "B.V.", "AG", "Corp.", "Pty Ltd", "SAS", "AB", "Oy", "", "", ""]
COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "NL", "CA", "AU", "SE", "ES", "IT", "JP", "BR", "IN"]
TLD = {"US": "com", "GB": "co.uk", "DE": "de", "FR": "fr", "NL": "nl", "CA": "ca", "AU": "com.au", "SE": "se", "ES": "es",
       "IT": "it", "JP": "co.jp", "BR": "com.br", "IN": "in"}


def company(rng: random.Random) -> tuple[str, str, str]:
    brand = "".join(rng.choice(SYL) for _ in range(rng.choice((2, 3, 3, 4)))).capitalize()
    industry = rng.choice(INDUSTRY)
    country = rng.choice(COUNTRIES)
    name = f"{brand} {industry} {rng.choice(SUFFIX)}".strip()
    domain = f"{brand.lower()}{industry.lower()[: rng.choice((0, 3, 20))]}.{TLD[country]}"
    return name, domain, country


def variant(rng: random.Random, name: str, domain: str) -> tuple[str, str]:
    """How a second partner might type the same customer."""
    words = name.split()
    kind = rng.randrange(5)
    if kind == 0:
        return name.upper(), f"https://www.{domain}/"
    if kind == 1:
        return " ".join(words[:2]) + " Corporation", domain
    if kind == 2:
        return " ".join(words[:2]), f"sales@{domain}"
    if kind == 3:
        i = rng.randrange(1, len(words[0]) - 1)
        return words[0][:i] + words[0][i + 1:] + " " + " ".join(words[1:]), ""  # a typo, no website
    return name, f"shop.{domain}"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_one(args) -> dict:
    workdir = tempfile.mkdtemp(prefix="allied-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "allied.config.settings"
    os.environ["ALLIED_DATA_DIR"] = workdir
    os.environ.setdefault("ALLIED_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("ALLIED_TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from rapidfuzz import fuzz, process
    from rich.console import Console
    from rich.progress import Progress

    from allied.customers.models import AccountKey, CustomerAccount
    from allied.deals.conflicts import conflict_check
    from allied.deals.models import DealRegistration, RegistrationKey
    from allied.matching import (
        SAME_COMPANY,
        Record,
        blocking_keys,
        country_code,
        normalize_company_name,
        normalize_domain,
        prepare,
    )
    from allied.partners.models import Partner
    from allied.simulate.company_variants import labeled_pairs
    from allied.simulate.ecosystem import seed_ecosystem

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)
    seed_ecosystem(partners=200, seed=3, money=False)  # its deals are replaced below; money would pin them
    DealRegistration.objects.all().delete()  # only the benchmark's registrations and accounts below
    CustomerAccount.objects.all().delete()
    partner_ids = list(Partner.objects.values_list("pk", flat=True))
    rng = random.Random(args.seed)
    now = timezone.now()
    n_regs, n_accts = args.size, max(1000, args.size // 5)
    figures: dict = {"database": connection.vendor, "registrations": n_regs, "accounts": n_accts}

    statuses = ["approved"] * 35 + ["pending"] * 5 + ["won"] * 15 + ["lost"] * 15 + ["expired"] * 20 + ["declined"] * 10
    reg_table, key_table = DealRegistration._meta.db_table, RegistrationKey._meta.db_table
    acct_table, akey_table = CustomerAccount._meta.db_table, AccountKey._meta.db_table
    reg_cols = ["public_id", "partner_id", "source", "customer_name", "customer_name_normalized", "website", "domain", "country",
                "contact_name", "contact_email", "contact_phone", "contact_title", "products", "amount", "currency",
                "expected_close_date", "deal_type", "notes", "status", "stage", "decision", "decision_code", "decision_reason",
                "review_notes", "submitted_at", "extensions", "lost_reason", "updated_at"]
    acct_cols = ["public_id", "external_id", "name", "name_normalized", "website", "domain", "country", "segment", "industry",
                 "owner_name", "is_customer", "is_named_direct", "source", "created_at", "updated_at"]

    def insert(table, cols, rows):
        q = connection.ops.quote_name
        sql = f"INSERT INTO {q(table)} ({', '.join(q(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        with connection.cursor() as cur:
            cur.executemany(sql, rows)

    def dt(value):
        return connection.ops.adapt_datetimefield_value(value)

    close_date = connection.ops.adapt_datefield_value((now + timedelta(days=60)).date())

    def pks(model, rows):
        return dict(model.objects.filter(public_id__gte=rows[0][0], public_id__lte=rows[-1][0]).values_list("public_id", "pk"))

    held: list[tuple[str, str, str]] = []
    accounts: list[tuple[str, str, str]] = []
    t0 = time.perf_counter()
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(f"[{connection.vendor}] registrations", total=n_regs)
        batch = 20_000
        for start in range(0, n_regs, batch):
            rows, keys = [], []
            with transaction.atomic():
                for i in range(start, min(n_regs, start + batch)):
                    name, domain, country = company(rng)
                    status = rng.choice(statuses)
                    submitted = dt(now - timedelta(days=rng.uniform(0, 730)))
                    rows.append((f"deal_b{i:014d}", rng.choice(partner_ids), "api", name, normalize_company_name(name), domain,
                                 normalize_domain(domain), country, "Pat Buyer", "", "", "", "[]", "25000.00", "USD",
                                 close_date, "new_logo", "", status, "qualification", "auto_approved",
                                 "clean", "", "", submitted, 0, "", dt(now)))
                    if status in ("approved", "pending"):
                        held.append((name, domain, country))
                        for k in blocking_keys(prepare(Record(id="", name=name, domain=domain, country=country))):
                            keys.append((rows[-1][0], k))
                insert(reg_table, reg_cols, rows)
                ids = pks(DealRegistration, rows)
                insert(key_table, ["registration_id", "key"], [(ids[pid], k) for pid, k in keys])
            bar.advance(task, len(rows))
        task = bar.add_task(f"[{connection.vendor}] accounts", total=n_accts)
        for start in range(0, n_accts, batch):
            rows, keys = [], []
            with transaction.atomic():
                for i in range(start, min(n_accts, start + batch)):
                    name, domain, country = company(rng)
                    accounts.append((name, domain, country))
                    rows.append((f"acct_b{i:014d}", f"SF{i:09d}", name, normalize_company_name(name), domain, normalize_domain(domain),
                                 country, "", "", "", rng.random() < 0.5, rng.random() < 0.05, "csv", dt(now), dt(now)))
                    keys += [(rows[-1][0], k) for k in blocking_keys(prepare(Record(id="", name=name, domain=domain, country=country)))]
                insert(acct_table, acct_cols, rows)
                ids = pks(CustomerAccount, rows)
                insert(akey_table, ["account_id", "key"], [(ids[pid], k) for pid, k in keys])
            bar.advance(task, len(rows))
    figures["held_registrations"] = len(held)
    figures["load_s"] = round(time.perf_counter() - t0, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    # Latency: variants of held registrations, variants of accounts, and fresh names.
    queries = []
    for _ in range(args.queries):
        r = rng.random()
        if r < 0.4:
            name, domain, country = rng.choice(held)
            name, domain = variant(rng, name, domain)
        elif r < 0.7:
            name, domain, country = rng.choice(accounts)
            name, domain = variant(rng, name, domain)
        else:
            name, domain, country = company(rng)
        queries.append((name, domain, country))
    for q in queries[:20]:  # warm caches
        conflict_check(name=q[0], domain=q[1], country=q[2], partner_id=partner_ids[0])
    times, found = [], 0
    profiler = None
    if os.environ.get("ALLIED_BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    for name, domain, country in queries:
        t = time.perf_counter()
        ev = conflict_check(name=name, domain=domain, country=country, partner_id=partner_ids[0])
        times.append((time.perf_counter() - t) * 1000)
        found += bool(ev)
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    figures["p50_ms"] = round(pct(times, 50), 2)
    figures["p99_ms"] = round(pct(times, 99), 2)
    figures["checks"] = len(times)
    figures["checks_with_candidates"] = found

    # Accuracy: register each left record, check each right one through the same engine.
    pairs = labeled_pairs(args.labeled, seed=args.seed)
    lefts = []
    with transaction.atomic():
        for i, (left, _, _) in enumerate(pairs):
            deal = DealRegistration.objects.create(
                partner_id=partner_ids[i % len(partner_ids)], customer_name=left.name,
                customer_name_normalized=normalize_company_name(left.name), website=left.domain,
                domain=normalize_domain(left.domain), country=country_code(left.country), contact_name="x", amount=1,
                expected_close_date=now.date(), status="approved")
            lefts.append(deal)
        RegistrationKey.objects.bulk_create([
            RegistrationKey(registration=d, key=k) for d in lefts
            for k in blocking_keys(prepare(Record(id=d.public_id, name=d.customer_name, domain=d.domain, country=d.country)))
        ], ignore_conflicts=True)
    tp = fp = fn = base_tp = 0
    for deal, (left, right, same) in zip(lefts, pairs, strict=True):
        ev = conflict_check(name=right.name, domain=right.domain, country=right.country or "", partner_id=-1)
        hit = any(e.ref == deal.public_id and e.score >= SAME_COMPANY for e in ev)
        tp += hit and same
        fp += hit and not same
        fn += same and not hit
        exact = (normalize_domain(left.domain) and normalize_domain(left.domain) == normalize_domain(right.domain)) or \
            left.name.strip().lower() == right.name.strip().lower()
        base_tp += bool(exact) and same
    positives = sum(1 for *_, s in pairs if s)
    figures["labeled_pairs"] = len(pairs)
    figures["precision"] = round(tp / max(tp + fp, 1), 4)
    figures["recall"] = round(tp / max(positives, 1), 4)
    figures["exact_baseline_recall"] = round(base_tp / max(positives, 1), 4)

    # Peer: brute-force rapidfuzz scan of every held registration name, for a sample of queries.
    choices = [normalize_company_name(n) for n, _, _ in held]
    scan = []
    for name, _, _ in queries[: args.scan_queries]:
        t = time.perf_counter()
        process.extract(normalize_company_name(name), choices, scorer=fuzz.token_sort_ratio, limit=5, score_cutoff=80)
        scan.append((time.perf_counter() - t) * 1000)
    figures["rapidfuzz_scan_p50_ms"] = round(pct(scan, 50), 1)
    figures["rapidfuzz_scan_p99_ms"] = round(pct(scan, 99), 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=None, help="unused; accepted for `allied bench`")
    parser.add_argument("--queries", type=int, default=None, help="timed checks (default 2,000, fewer for small sizes)")
    parser.add_argument("--labeled", type=int, default=None, help="labeled pairs (default 5,000, fewer for small sizes)")
    parser.add_argument("--scan-queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "conflicts.json"))
    args = parser.parse_args()

    args.labeled = args.labeled or min(5000, max(500, args.size // 2))
    args.queries = args.queries or min(2000, max(200, args.size // 5))
    if args.database_url is not None:  # child process: one database
        print(json.dumps(run_one(args)))
        return
    results = {}
    pg_url = os.environ.get("ALLIED_BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/allied_bench_conflicts"
    for db in args.databases.split(","):
        url = "" if db == "sqlite" else pg_url
        if db == "postgresql" and not _pg_ready(pg_url):
            print("PostgreSQL not reachable; skipping it", file=sys.stderr)
            continue
        cmd = [sys.executable, __file__, "--database-url", url, "--size", str(args.size), "--queries", str(args.queries),
               "--labeled", str(args.labeled), "--scan-queries", str(args.scan_queries), "--seed", str(args.seed)]
        out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True).stdout
        results[db] = json.loads(out.strip().splitlines()[-1])
    figures = {"size": args.size}
    for key in ("p50_ms", "p99_ms", "rapidfuzz_scan_p99_ms"):
        figures[key] = max(r[key] for r in results.values())
    for key in ("precision", "recall", "exact_baseline_recall"):
        figures[key] = min(r[key] for r in results.values())
    for db, r in results.items():
        figures.update({f"{db}_{k}": v for k, v in r.items() if k != "database"})
    figures["scan_vs_check_p99_ratio"] = round(figures["rapidfuzz_scan_p99_ms"] / max(figures["p99_ms"], 0.01), 1)
    targets = {"p50_ms": ("<=", 5), "p99_ms": ("<=", 20), "precision": (">=", 0.97), "recall": (">=", 0.97)}
    width = max(len(k) for k in figures)
    print(f"\nbenchmark conflicts — {args.size:,} registrations, {max(1000, args.size // 5):,} accounts on {', '.join(results)}")
    for k, v in figures.items():
        mark = ""
        if k in targets:
            op, goal = targets[k]
            ok = v <= goal if op == "<=" else v >= goal
            mark = "  ok" if ok else f"  MISSES target {op} {goal}"
        print(f"  {k:<{width}}  {v}{mark}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwrote {args.out}")


def _pg_ready(url: str) -> bool:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception:  # noqa: BLE001
        return False


if __name__ == "__main__":
    sys.exit(main())
