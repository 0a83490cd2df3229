"""Benchmark `accruals`: the incentives engine on 1,000,000 deal events under a 20-rule program.

Run through `allied bench accruals [--size N]` (N events, default 1,000,000; 5,000 partners over
4 tiers; two years, 2024–2025). Pure Python + numpy, no database. One synthetic, seeded program
(`program()`): tiered rebates with volume brackets and accelerators, a product rebate, referral
commissions (% and fixed, in two currencies), three SPIFs with windows and caps, new-logo bonuses,
renewal and upsell percentages, consumption milestones, a versioned MSP rebate and a capped
distributor fulfilment fee; several rules claw back on refunds and churn, some hold back. Events
(`events()`): deals won, invoices paid and usage milestones in five currencies, heavy-tailed
partner activity (a few partners sell a lot and climb the brackets), ~10 % split between two or
three partners, ~3 % refunds (full or partial) and ~1.5 % churn of earlier events.

Figures, all from the same run:

- `accruals_s`: `allied.accrual.engine.evaluate_fast` wall time on the full set (reading the
  events, every rule, clawbacks, and the `Accrual` objects with their explanations);
- `reference_s`: the straightforward reference (`allied.accrual.reference`) on the same set;
- `equal_to_reference`: true only if both give the same set of (event_id, rule_id, partner_id)
  keys and, for each, the same amount to the cent (and the same currency, basis, releasable_on);
- `accruals`, `clawbacks`, `events`, `rules`, `partners`;
- `statements_s` and the other figures of `bench/statements.py` (`measure_statements(partners)`,
  partners = size / 200, so 5,000 at the default size), when that module exists.
"""

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

START, DAYS = date(2024, 1, 1), 731
TIERS = [("Registered", 0.45), ("Silver", 0.30), ("Gold", 0.18), ("Platinum", 0.07)]
TYPES = [("reseller", 0.5), ("msp", 0.2), ("si", 0.2), ("distributor", 0.1)]
# (currency, share of partners, typical deal in minor units, exponent)
CURRENCIES = [("USD", 0.50, 2_000_000, 2), ("EUR", 0.25, 1_800_000, 2), ("GBP", 0.12, 1_600_000, 2),
              ("JPY", 0.08, 3_000_000, 0), ("AUD", 0.05, 3_000_000, 2)]
PRODUCTS = ["Firewall", "EDR", "SIEM", "Backup", "SD-WAN", "IAM", "CloudSec", "Email"]
SPLITS = [  # multi-partner credit splits: (percent, role)
    (("70", "sourcing"), ("30", "referral")),
    (("50", "sourcing"), ("25", "fulfillment"), ("25", "influence")),
    (("33.34", "sourcing"), ("33.33", "referral"), ("33.33", "fulfillment")),
    (("60", "sourcing"), ("40", "fulfillment")),
]


def program():
    """The 20 rules (rule versions) of a realistic partner program."""
    from allied.accrual import Bracket, Rule

    d, f = Decimal, frozenset
    won, paid, usage = f({"deal_won"}), f({"invoice_paid"}), f({"usage_milestone"})
    start = date(2024, 1, 1)

    def brackets(*pairs):
        return tuple(Bracket(d(s), d(p)) for s, p in pairs)

    return [
        Rule(id="rul_reb_reg@1", kind="rebate", name="Registered rebate", effective_from=start, triggers=won,
             percent=d("3"), tiers=f({"Registered"}), roles=f({"sourcing"})),
        Rule(id="rul_reb_silver@2", kind="rebate", name="Silver rebate", effective_from=start, triggers=won,
             brackets=brackets(("0", "4"), ("250000", "5"), ("1000000", "6")), tiers=f({"Silver"}), currency="USD",
             roles=f({"sourcing"}), clawback_days=90),
        Rule(id="rul_reb_gold@3", kind="rebate", name="Gold rebate", effective_from=start, triggers=won,
             brackets=brackets(("0", "5"), ("500000", "6.5"), ("2000000", "8")), accelerator=(d("3000000"), d("1.25")), currency="USD",
             tiers=f({"Gold"}), roles=f({"sourcing"}), clawback_days=90, holdback_days=30),
        Rule(id="rul_reb_plat@2", kind="rebate", name="Platinum rebate", effective_from=start, triggers=won, period="year",
             brackets=brackets(("0", "6"), ("1000000", "7.5"), ("5000000", "9")), accelerator=(d("8000000"), d("1.5")), currency="EUR",
             tiers=f({"Platinum"}), roles=f({"sourcing"}), clawback_days=180, holdback_days=30),
        Rule(id="rul_reb_security@1", kind="rebate", name="Security product rebate", effective_from=start,
             triggers=won, percent=d("2.25"), products=f({"EDR", "SIEM"}), tiers=f({"Gold", "Platinum"}),
             clawback_days=90),
        Rule(id="rul_ref_pct@1", kind="referral", name="Referral commission", effective_from=start, triggers=won,
             percent=d("5"), roles=f({"referral"}), clawback_days=60),
        Rule(id="rul_ref_usd@1", kind="referral", name="Referral fee (USD)", effective_from=start, triggers=won,
             fixed=d("250.00"), currency="USD", roles=f({"referral"}), deal_types=f({"new"})),
        Rule(id="rul_ref_eur@1", kind="referral", name="Referral fee (EUR)", effective_from=start, triggers=won,
             fixed=d("200.00"), currency="EUR", roles=f({"referral"}), deal_types=f({"new"})),
        Rule(id="rul_spif_iam@1", kind="spif", name="IAM launch SPIF", effective_from=date(2024, 1, 1),
             effective_to=date(2024, 4, 1), triggers=won, fixed=d("500.00"), currency="USD", products=f({"IAM"}),
             cap=d("5000.00"), period="quarter"),
        Rule(id="rul_spif_backup@1", kind="spif", name="Backup summer SPIF", effective_from=date(2025, 7, 1),
             effective_to=date(2026, 1, 1), triggers=won, fixed=d("300.00"), currency="USD",
             products=f({"Backup"}), cap=d("3000.00"), period="month", clawback_days=30),
        Rule(id="rul_spif_sdwan@1", kind="spif", name="SD-WAN SPIF (EMEA)", effective_from=date(2024, 6, 1),
             effective_to=date(2024, 9, 1), triggers=won, fixed=d("250.00"), currency="EUR",
             products=f({"SD-WAN"}), cap=d("2500.00"), period="month"),
        Rule(id="rul_newlogo_usd@1", kind="new_logo", name="New-logo bonus", effective_from=start, triggers=won,
             fixed=d("1000.00"), currency="USD", deal_types=f({"new"}), roles=f({"sourcing"}), holdback_days=90,
             clawback_days=90),
        Rule(id="rul_newlogo_eur@1", kind="new_logo", name="New-logo bonus (EUR)", effective_from=start,
             triggers=won, fixed=d("900.00"), currency="EUR", deal_types=f({"new"}), roles=f({"sourcing"}),
             holdback_days=90, clawback_days=90),
        Rule(id="rul_renewal@1", kind="renewal", name="Renewal reward", effective_from=start, triggers=paid,
             percent=d("2"), deal_types=f({"renewal"}), clawback_days=30),
        Rule(id="rul_upsell@1", kind="upsell", name="Upsell reward", effective_from=start, triggers=won,
             percent=d("4"), deal_types=f({"upsell"}), cap=d("50000"), currency="USD", period="quarter", clawback_days=60),
        Rule(id="rul_usage_1k@1", kind="consumption", name="Consumption 1k", effective_from=start, triggers=usage,
             fixed=d("100.00"), currency="USD", milestones=f({"1k"})),
        Rule(id="rul_usage_10k@1", kind="consumption", name="Consumption 10k", effective_from=start,
             triggers=usage, fixed=d("750.00"), currency="USD", milestones=f({"10k"})),
        Rule(id="rul_usage_100k@1", kind="consumption", name="Consumption 100k", effective_from=start,
             triggers=usage, percent=d("1.5"), milestones=f({"100k"}), holdback_days=60),
        Rule(id="rul_msp@1", kind="rebate", name="MSP rebate", effective_from=start, effective_to=date(2025, 1, 1),
             triggers=won | paid, percent=d("3"), partner_types=f({"msp"}), roles=f({"sourcing"})),
        Rule(id="rul_msp@2", kind="rebate", name="MSP rebate", effective_from=date(2025, 1, 1),
             triggers=won | paid, percent=d("3.5"), partner_types=f({"msp"}), roles=f({"sourcing"}),
             cap=d("20000"), currency="USD", period="month"),
    ]


def events(n: int, n_partners: int, seed: int):
    """``n`` events (deals won, invoices paid, usage milestones, refunds, churn), seeded."""
    from allied.accrual import Credit, Event

    rng = np.random.default_rng(seed)
    tier = rng.choice([t for t, _ in TIERS], n_partners, p=[p for _, p in TIERS])
    ptype = rng.choice([t for t, _ in TYPES], n_partners, p=[p for _, p in TYPES])
    home = rng.choice(len(CURRENCIES), n_partners, p=[c[1] for c in CURRENCIES])
    weight = rng.pareto(1.2, n_partners) + 1  # heavy-tailed activity: a few partners sell a lot
    weight *= np.array([{"Registered": 0.5, "Silver": 1, "Gold": 2, "Platinum": 4}[t] for t in tier])
    partner = rng.choice(n_partners, n, p=weight / weight.sum())
    claw = rng.random(n) < 0.045
    kind = rng.choice(["deal_won", "invoice_paid", "usage_milestone"], n, p=[0.6, 0.28, 0.12])
    day = rng.integers(0, DAYS, n)
    foreign = rng.random(n) < 0.05
    currency = np.where(foreign, rng.integers(0, len(CURRENCIES), n), home[partner])
    typical = np.array([c[2] for c in CURRENCIES])[currency]
    amount = np.maximum(1, (rng.lognormal(0, 1.0, n) * typical)).astype(np.int64)
    exps = np.array([c[3] for c in CURRENCIES])
    deal_type = rng.choice(["new", "renewal", "upsell"], n, p=[0.5, 0.3, 0.2])
    n_products = rng.integers(1, 4, n)
    products = rng.integers(0, len(PRODUCTS), (n, 3))
    milestone = rng.choice(["1k", "10k", "100k"], n, p=[0.6, 0.3, 0.1])
    split = np.where(rng.random(n) < 0.10, rng.integers(0, len(SPLITS), n), -1)
    others = rng.choice(n_partners, (n, 2), p=weight / weight.sum())
    refund_part = rng.random(n) < 0.6
    refund_share = rng.integers(1, 100, n)
    delay = rng.integers(1, 200, n)
    pick = rng.random(n)
    tiers, ptypes = tier.tolist(), ptype.tolist()
    d = Decimal
    codes = [c[0] for c in CURRENCIES]
    days = [START + timedelta(days=i) for i in range(DAYS + 200)]
    out, originals = [], []
    for i in range(n):
        eid = f"evt_{i:07d}"
        cur = int(currency[i])
        if claw[i] and originals:
            orig = out[originals[int(pick[i] * len(originals))]]
            when = min(orig.occurred_on + timedelta(days=int(delay[i])), days[DAYS - 1])
            if when <= orig.occurred_on:
                when = orig.occurred_on + timedelta(days=1)
            if refund_part[i]:
                minor = to_int(orig.amount, orig.currency) * int(refund_share[i]) // 100
                out.append(Event(id=eid, kind="refund", occurred_on=when, currency=orig.currency,
                                 amount=d(minor).scaleb(-exp_of(orig.currency)), credits=(), refers_to=orig.id))
            else:
                out.append(Event(id=eid, kind="churn", occurred_on=when, currency=orig.currency, amount=d(0),
                                 credits=(), refers_to=orig.id))
            continue
        p = int(partner[i])
        if split[i] < 0:
            credits = (Credit(partner_id=p + 1, percent=d(100), role="sourcing", tier=tiers[p], partner_type=ptypes[p]),)
        else:
            shape = SPLITS[split[i]]
            who = [p] + [int(x) for x in others[i][: len(shape) - 1]]
            if len(set(who)) < len(who):
                who = [p] + [(p + k * 977) % n_partners for k in range(1, len(shape))]
            credits = tuple(Credit(partner_id=w + 1, percent=d(pc), role=role, tier=tiers[w], partner_type=ptypes[w])
                            for w, (pc, role) in zip(who, shape, strict=True))
        k = str(kind[i])
        out.append(Event(
            id=eid, kind=k, occurred_on=days[int(day[i])], currency=codes[cur],
            amount=d(int(amount[i])).scaleb(-int(exps[cur])), credits=credits, deal_type=str(deal_type[i]),
            products=frozenset(PRODUCTS[x] for x in products[i][: n_products[i]]),
            milestone=str(milestone[i]) if k == "usage_milestone" else "",
        ))
        if k != "usage_milestone":
            originals.append(len(out) - 1)
    return out


def exp_of(currency: str) -> int:
    return {c[0]: c[3] for c in CURRENCIES}[currency]


def to_int(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(exp_of(currency)))


def table(accruals) -> dict:
    return {a.key: (a.currency, a.amount, a.basis, a.releasable_on) for a in accruals}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--statement-partners", type=int, default=None, help="default: size / 200, at most 5,000")
    parser.add_argument("--repeat", type=int, default=None, help="unused; accepted for `allied bench`")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "accruals.json"))
    args = parser.parse_args()

    from allied.accrual import engine, reference

    figures: dict = {"events": args.size, "partners": args.partners, "load_avg_1m": round(os.getloadavg()[0], 2)}
    t = time.perf_counter()
    rules = program()
    evs = events(args.size, args.partners, args.seed)
    figures["rules"] = len(rules)
    figures["generate_s"] = round(time.perf_counter() - t, 2)
    figures["refunds"] = sum(1 for e in evs if e.kind == "refund")
    figures["churn"] = sum(1 for e in evs if e.kind == "churn")
    figures["split_events"] = sum(1 for e in evs if len(e.credits) > 1)

    t = time.perf_counter()
    fast = engine.evaluate_fast(rules, evs)
    figures["accruals_s"] = round(time.perf_counter() - t, 2)
    figures["accruals"] = len(fast)
    figures["clawbacks"] = sum(1 for a in fast if a.amount < 0)
    fast_table = table(fast)
    unique_keys = len(fast_table) == len(fast)
    sample = [a.explanation for a in fast[:: max(1, len(fast) // 1000)]]
    del fast

    t = time.perf_counter()
    ref = reference.evaluate(rules, evs)
    figures["reference_s"] = round(time.perf_counter() - t, 2)
    ref_table = table(ref)
    same_text = sample == [a.explanation for a in ref[:: max(1, len(ref) // 1000)]]
    figures["equal_to_reference"] = bool(unique_keys and len(ref_table) == len(ref) and fast_table == ref_table)
    figures["explanations_equal_sample"] = same_text
    figures["speedup"] = round(figures["reference_s"] / max(figures["accruals_s"], 1e-9), 1)
    del ref, ref_table, fast_table, evs

    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from statements import measure_statements
    except ImportError:
        measure_statements = None
        print("statements were not measured: bench/statements.py (measure_statements) is missing")
    statement_partners = args.statement_partners or min(5000, max(20, args.size // 200))
    if measure_statements is not None:
        try:
            figures.update(measure_statements(partners=statement_partners))
        except Exception as exc:  # report the accrual figures even when the statements bench breaks
            figures["statements_error"] = f"{type(exc).__name__}: {exc}"
            print(f"statements were not measured: {figures['statements_error']}")

    targets = {"accruals_s": ("<=", 30), "statements_s": ("<=", 60), "equal_to_reference": ("==", True)}
    width = max(len(key) for key in figures)
    print(f"\nbenchmark accruals — {args.size:,} events, {len(rules)} rules, {args.partners:,} partners "
          f"(load average {figures['load_avg_1m']} on {os.cpu_count()} cores)")
    print(f"  {'figure':<{width}}  {'ours':>14}  {'reference':>14}")
    for key, value in figures.items():
        if key == "reference_s":
            continue
        mark = ""
        if key in targets:
            op, goal = targets[key]
            ok = value <= goal if op == "<=" else value == goal
            mark = "  ok" if ok else f"  MISSES target {op} {goal}"
        if key == "accruals_s":
            print(f"  {key:<{width}}  {value!s:>14}  {figures['reference_s']!s:>14}  (reference_s){mark}")
        else:
            print(f"  {key:<{width}}  {value!s:>14}{mark}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    if not figures["equal_to_reference"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
