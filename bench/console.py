"""Benchmark `console`: the console partner list, the API list, tier evaluation and seeding.

Run through `allied bench console [--size N]`. Server time is measured through Django's full
request stack (middleware, auth, templates) with the test client, so no network noise.
References in the same run: a hand-written SQL query for the same page (the floor any list can
reach), and a naive per-partner tier evaluation (one query per fact per partner).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def median_ms(fn, repeat: int) -> float:
    fn()  # warm caches and templates
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "console.json"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="allied-bench-")
    os.environ.setdefault("DATABASE_URL", os.environ.get("ALLIED_BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "allied.config.settings"
    os.environ["ALLIED_DATA_DIR"] = workdir
    os.environ.setdefault("ALLIED_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("ALLIED_TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from allied.accounts.models import User
    from allied.accounts.services import apikey_create
    from allied.partners.models import Partner
    from allied.simulate.ecosystem import ADMIN_EMAIL, seed_ecosystem
    from allied.tiering.rules import qualifying_rule
    from allied.tiering.services import facts_for, tier_evaluate, tier_rules

    call_command("migrate", verbosity=0, interactive=False)
    figures: dict = {"size": args.size, "database": connection.vendor}

    # 1. Seeding 1000 partners (fresh database): the first thing `allied demo` does.
    # The money history (issue 5: MDF, incentives, payouts through the real services) is timed on its own.
    t = time.perf_counter()
    seeded = seed_ecosystem(partners=1000, seed=7)
    figures["seed_1000_s"] = round(time.perf_counter() - t - seeded.money_s, 2)
    figures["seed_1000_money_s"] = round(seeded.money_s, 2)
    if args.size > 1000:
        t = time.perf_counter()
        seed_ecosystem(partners=args.size - 1000, seed=8)
        figures["seed_rest_s"] = round(time.perf_counter() - t, 2)
    figures["partners"] = Partner.objects.count()

    admin = User.objects.get(email=ADMIN_EMAIL)
    client = Client()
    client.force_login(admin)
    _, key = apikey_create(actor=None, user=admin)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def page(url, **kw):
        r = client.get(url, **kw)
        assert r.status_code == 200, (url, r.status_code, r.content[:300])
        return r

    figures["partner_list_median_ms"] = round(median_ms(lambda: page("/console/partners/?size=25&page=7"), args.repeat), 1)
    figures["api_list_median_ms"] = round(median_ms(lambda: page("/api/v1/partners?limit=50", **auth), args.repeat), 1)

    def count_queries(url, **kw) -> int:
        with CaptureQueriesContext(connection) as ctx:
            page(url, **kw)
        return len(ctx.captured_queries)

    figures["queries_page_10"] = count_queries("/api/v1/partners?limit=10", **auth)
    figures["queries_page_100"] = count_queries("/api/v1/partners?limit=100", **auth)
    figures["console_queries_page_25"] = count_queries("/console/partners/?size=25")
    figures["console_queries_page_100"] = count_queries("/console/partners/?size=100")

    # Reference: the same API page as one hand-written SQL query (what a list cannot beat).
    sql = ("SELECT p.public_id, p.name, p.country, p.region, p.status, t.name, pt.code FROM partners_partner p "
           "JOIN program_tier t ON t.id = p.tier_id JOIN program_partnertype pt ON pt.id = p.partner_type_id "
           "ORDER BY p.name, p.id LIMIT 51")

    def raw():
        with connection.cursor() as cur:
            cur.execute(sql)
            cur.fetchall()

    figures["reference_sql_page_ms"] = round(median_ms(raw, args.repeat), 2)
    figures["api_list_vs_sql_ratio"] = round(figures["api_list_median_ms"] / max(figures["reference_sql_page_ms"], 0.01), 1)

    # 2. Tier evaluation of every partner, against a naive per-partner reference on a sample.
    t = time.perf_counter()
    summary = tier_evaluate(actor=None)
    elapsed = time.perf_counter() - t
    figures["tier_eval_partners"] = summary.evaluated
    figures["tier_eval_10k_s"] = round(elapsed * 10_000 / max(summary.evaluated, 1), 2)
    figures["tier_eval_measured_s"] = round(elapsed, 2)

    rules = tier_rules()
    keys = {k for r in rules for k, _ in r.requirements}
    sample = list(Partner.objects.values_list("pk", flat=True)[:200])
    from django.utils import timezone

    now = timezone.now()
    t = time.perf_counter()
    for pid in sample:
        qualifying_rule(rules, facts_for([pid], now, keys).get(pid, {}))
    naive_per_partner = (time.perf_counter() - t) / len(sample)
    figures["naive_tier_eval_10k_s"] = round(naive_per_partner * 10_000, 2)
    figures["tier_eval_speedup_vs_naive"] = round(figures["naive_tier_eval_10k_s"] / max(figures["tier_eval_10k_s"], 0.001), 1)

    targets = {
        "partner_list_median_ms": ("<=", 150), "api_list_median_ms": ("<=", 150), "tier_eval_10k_s": ("<=", 10),
        "seed_1000_s": ("<=", 60),
    }
    figures["queries_constant"] = figures["queries_page_10"] == figures["queries_page_100"]
    width = max(len(k) for k in figures)
    print(f"\nbenchmark console — {figures['partners']} partners on {figures['database']}")
    for k, v in figures.items():
        target = targets.get(k)
        mark = ""
        if target:
            mark = "  ok" if v <= target[1] else f"  OVER target {target[1]}"
        print(f"  {k:<{width}}  {v}{mark}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
