"""Benchmark `routing`: batch and online lead routing against OR-Tools' optimum and Odoo's lottery.

Run through `allied bench routing [--size N]` (N leads, default 100,000; 2,000 partners). Pure
Python + numpy (no database). One synthetic instance (`instance()`): partners spread over 44
cities in 15 countries with tiers, types, capacities, specialties, certifications and lead
histories; leads clustered around the same cities, with more demand than supply in some cities
and the reverse in others. Figures, all from the same run:

- `batch_s`: `route_batch` wall time for all N leads (table build, scoring, top-K edges, auction,
  and the Assignment objects with breakdowns and runners-up);
- `ortools_s`, `objective_gap_pct`: OR-Tools' SimpleMinCostFlow optimum on the same candidate edges
  (each lead's top K), gap = (optimum - ours) / optimum × 100;
- `full_optimum_gap_pct`: the same against OR-Tools on every eligible pair of the instance (what
  the top-K truncation costs on top of the solver), `greedy_gap_pct`: the greedy baseline;
- `online_p50_ms`, `online_p99_ms`: `route_one` for 2,000 single leads against the 2,000-partner table;
- the Odoo-style lottery (`allied.routing.odoo_lottery`) on the same leads and partners:
  `lottery_capacity_violations` (partners given more leads than their free capacity),
  `lottery_leads_over_capacity`, `lottery_ineligible_pairs` (pairs our rules forbid), mean
  distance, mean score and conversion-weighted score (score × the partner's shrunk conversion
  rate) and total objective, ours vs lottery.
"""

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

# (city, country, region, lat, lon, demand weight)
CITIES = [
    ("New York", "US", "US-NY", 40.71, -74.01, 8), ("Los Angeles", "US", "US-CA", 34.05, -118.24, 6),
    ("Chicago", "US", "US-IL", 41.88, -87.63, 5), ("Houston", "US", "US-TX", 29.76, -95.37, 4),
    ("Phoenix", "US", "US-AZ", 33.45, -112.07, 2), ("Philadelphia", "US", "US-PA", 39.95, -75.17, 3),
    ("San Francisco", "US", "US-CA", 37.77, -122.42, 5), ("Seattle", "US", "US-WA", 47.61, -122.33, 3),
    ("Boston", "US", "US-MA", 42.36, -71.06, 3), ("Atlanta", "US", "US-GA", 33.75, -84.39, 3),
    ("Dallas", "US", "US-TX", 32.78, -96.80, 4), ("Denver", "US", "US-CO", 39.74, -104.99, 2),
    ("Miami", "US", "US-FL", 25.76, -80.19, 2),
    ("London", "GB", "GB-LND", 51.51, -0.13, 6), ("Manchester", "GB", "GB-MAN", 53.48, -2.24, 2),
    ("Birmingham", "GB", "GB-BIR", 52.49, -1.89, 1.5), ("Edinburgh", "GB", "GB-EDH", 55.95, -3.19, 1),
    ("Berlin", "DE", "DE-BE", 52.52, 13.40, 3), ("Munich", "DE", "DE-BY", 48.14, 11.58, 3),
    ("Hamburg", "DE", "DE-HH", 53.55, 9.99, 2), ("Frankfurt", "DE", "DE-HE", 50.11, 8.68, 2),
    ("Cologne", "DE", "DE-NW", 50.94, 6.96, 1.5),
    ("Paris", "FR", "FR-IDF", 48.86, 2.35, 5), ("Lyon", "FR", "FR-ARA", 45.76, 4.84, 1.5),
    ("Marseille", "FR", "FR-PAC", 43.30, 5.37, 1), ("Toulouse", "FR", "FR-OCC", 43.60, 1.44, 1),
    ("Amsterdam", "NL", "NL-NH", 52.37, 4.90, 2), ("Rotterdam", "NL", "NL-ZH", 51.92, 4.48, 1),
    ("Toronto", "CA", "CA-ON", 43.65, -79.38, 3), ("Vancouver", "CA", "CA-BC", 49.28, -123.12, 1.5),
    ("Montreal", "CA", "CA-QC", 45.50, -73.57, 1.5),
    ("Sydney", "AU", "AU-NSW", -33.87, 151.21, 2.5), ("Melbourne", "AU", "AU-VIC", -37.81, 144.96, 2),
    ("Tokyo", "JP", "JP-13", 35.68, 139.69, 4), ("Osaka", "JP", "JP-27", 34.69, 135.50, 2),
    ("Sao Paulo", "BR", "BR-SP", -23.55, -46.63, 3), ("Rio de Janeiro", "BR", "BR-RJ", -22.91, -43.17, 1.5),
    ("Bangalore", "IN", "IN-KA", 12.97, 77.59, 3), ("Mumbai", "IN", "IN-MH", 19.08, 72.88, 2.5),
    ("Delhi", "IN", "IN-DL", 28.61, 77.21, 2),
    ("Madrid", "ES", "ES-MD", 40.42, -3.70, 2), ("Barcelona", "ES", "ES-CT", 41.39, 2.17, 1.5),
    ("Milan", "IT", "IT-MI", 45.46, 9.19, 2), ("Stockholm", "SE", "SE-AB", 59.33, 18.07, 1.5),
]
NEIGHBOURS = {"US": ["CA"], "CA": ["US"], "DE": ["NL"], "NL": ["DE"], "FR": ["ES"], "ES": ["FR"], "GB": [], "IT": ["FR"],
              "SE": [], "AU": [], "JP": [], "BR": [], "IN": []}
TIERS = [("Registered", 1, 0.45, 0.6), ("Silver", 2, 0.30, 1.0), ("Gold", 3, 0.18, 1.8), ("Platinum", 4, 0.07, 3.0)]
TYPES = [("reseller", 0.5), ("msp", 0.2), ("si", 0.2), ("distributor", 0.1)]
SPECIALTIES = ["security", "cloud", "networking", "data", "collaboration", "devops"]
PRODUCTS = ["Firewall", "EDR", "SIEM", "Backup", "SD-WAN", "IAM", "CloudSec", "Email"]
NOW = datetime(2025, 6, 2, 9, 0)


def km_offset(rng, lat, lon, sigma_km, n):
    dlat = rng.normal(0, sigma_km, n) / 111.0
    dlon = rng.normal(0, sigma_km, n) / (111.0 * np.cos(np.radians(lat)))
    return lat + dlat, lon + dlon


def instance(n_leads: int, n_partners: int, seed: int):
    """(partners, leads, rules): a deterministic synthetic routing instance."""
    from allied.routing import Lead, PartnerProfile, RoutingRules

    rng = np.random.default_rng(seed)
    demand = np.array([c[5] for c in CITIES], dtype=float)
    supply = demand * rng.uniform(0.55, 1.45, len(CITIES))  # some cities short of partners, some long
    partners = []
    p_city = rng.choice(len(CITIES), n_partners, p=supply / supply.sum())
    tier_idx = rng.choice(len(TIERS), n_partners, p=[t[2] for t in TIERS])
    type_idx = rng.choice(len(TYPES), n_partners, p=[t[1] for t in TYPES])
    # Capacities: the eligible partners' free seats add up to ~1.1 leads each, bigger for higher tiers.
    size_factor = np.array([TIERS[t][3] for t in tier_idx]) * rng.uniform(0.5, 1.5, n_partners)
    routable = np.array([TYPES[t][0] != "distributor" for t in type_idx])
    free = size_factor / size_factor[routable].sum() * 1.1 * n_leads
    open_now = np.floor(free * rng.uniform(0.0, 0.8, n_partners))
    capacity = np.maximum(1, np.round(free + open_now)).astype(int)
    open_now = np.minimum(open_now.astype(int), capacity - 1)
    full = rng.random(n_partners) < 0.03  # a few partners are at capacity already
    open_now[full] = capacity[full]
    for i in range(n_partners):
        city = CITIES[p_city[i]]
        rural = rng.random() < 0.1
        lat, lon = km_offset(rng, city[3], city[4], 80 if rural else 15, 1)
        tier = TIERS[tier_idx[i]]
        countries = {city[1]} | ({*NEIGHBOURS[city[1]]} if rng.random() < 0.1 else set())
        offered = int(rng.choice([0, 2, 5, 10, 30, 80, 200, 500], p=[0.08, 0.07, 0.1, 0.15, 0.2, 0.2, 0.15, 0.05]))
        accept_p = rng.beta(7, 3)
        accepted = int(rng.binomial(offered, accept_p))
        conv_p = min(0.9, rng.beta(2, 8) * (0.8 + 0.15 * tier[1]))
        converted = int(rng.binomial(accepted, conv_p))
        partners.append(PartnerProfile(
            id=f"ptn_{i:05d}", partner_type=TYPES[type_idx[i]][0], tier=tier[0], tier_rank=tier[1], country=city[1],
            countries=frozenset(countries), regions=frozenset(), lat=float(lat[0]), lon=float(lon[0]),
            service_radius_km=None if rng.random() < 0.6 else float(rng.uniform(80, 400)),
            specialties=frozenset(rng.choice(SPECIALTIES, rng.integers(1, 4), replace=False).tolist()),
            products=frozenset(rng.choice(PRODUCTS, rng.integers(1, 5), replace=False).tolist()),
            capacity=int(capacity[i]), open_leads=int(open_now[i]), offered=offered, accepted=accepted, converted=converted,
            last_assigned_at=None if offered == 0 else NOW - timedelta(hours=float(rng.exponential(48))),
            assigned_count=offered, name=f"Partner {i}",
        ))
    l_city = rng.choice(len(CITIES), n_leads, p=demand / demand.sum())
    sigma = np.where(rng.random(n_leads) < 0.15, 120.0, 25.0)
    lat0 = np.array([CITIES[c][3] for c in l_city])
    lon0 = np.array([CITIES[c][4] for c in l_city])
    lat = lat0 + rng.normal(0, 1, n_leads) * sigma / 111.0
    lon = lon0 + rng.normal(0, 1, n_leads) * sigma / (111.0 * np.cos(np.radians(lat0)))
    no_coords = rng.random(n_leads) < 0.08
    spec = rng.integers(0, len(SPECIALTIES) + 1, n_leads)  # the last value: no specialty given
    n_prod = rng.choice([0, 1, 2], n_leads, p=[0.3, 0.5, 0.2])
    prod_pick = rng.integers(0, len(PRODUCTS), (n_leads, 2))
    leads = []
    for i in range(n_leads):
        city = CITIES[l_city[i]]
        leads.append(Lead(
            id=f"lead_{i:07d}", country=city[1], region=city[2], postcode=f"{l_city[i]:02d}{i % 1000:03d}",
            lat=None if no_coords[i] else float(lat[i]), lon=None if no_coords[i] else float(lon[i]),
            products=tuple(PRODUCTS[p] for p in prod_pick[i, : n_prod[i]]),
            specialty=SPECIALTIES[spec[i]] if spec[i] < len(SPECIALTIES) else "", segment="smb",
        ))
    rules = RoutingRules(
        max_distance_km=300, allowed_partner_types=frozenset({"reseller", "msp", "si"}), now=NOW, top_k=20,
    )
    return partners, leads, rules


def ortools_optimum(rows: np.ndarray, cols: np.ndarray, keys: np.ndarray, capacity: np.ndarray, n_leads: int):
    """Max-benefit assignment on the given edges with OR-Tools' min-cost flow; (chosen edge mask, seconds)."""
    from ortools.graph.python import min_cost_flow

    t = time.perf_counter()
    n_p = len(capacity)
    source, sink = n_leads + n_p, n_leads + n_p + 1
    scale = 1e6  # integer costs: keys are points to 8 decimals, so micro-points lose nothing that matters
    lead_nodes = np.arange(n_leads)
    tails = np.concatenate((np.full(n_leads, source), rows, n_leads + np.arange(n_p), [source]))
    heads = np.concatenate((lead_nodes, n_leads + cols, np.full(n_p, sink), [sink]))
    caps = np.concatenate((np.ones(n_leads, np.int64), np.ones(len(rows), np.int64), capacity.astype(np.int64), [n_leads]))
    costs = np.concatenate((np.zeros(n_leads, np.int64), -np.round(keys * scale).astype(np.int64),
                            np.zeros(n_p, np.int64), [0]))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    supplies = np.zeros(n_leads + n_p + 2, np.int64)
    supplies[source], supplies[sink] = n_leads, -n_leads
    smcf.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min cost flow: status {status}")
    flows = smcf.flows(np.arange(n_leads, n_leads + len(rows), dtype=np.int32))
    return flows > 0, time.perf_counter() - t


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--online", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=None, help="unused; accepted for `allied bench`")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-full", action="store_true", help="skip OR-Tools on every eligible pair")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "routing.json"))
    args = parser.parse_args()

    from allied.routing import LeadArrays, PartnerTable, all_edges, odoo_lottery, route_one, solve_batch
    from allied.routing.auction import greedy

    figures: dict = {"size": args.size, "partners": args.partners, "load_avg_1m": round(os.getloadavg()[0], 2)}
    t = time.perf_counter()
    partners, leads, rules = instance(args.size, args.partners, args.seed)
    figures["instance_s"] = round(time.perf_counter() - t, 2)

    # 1. Batch.
    t = time.perf_counter()
    result = solve_batch(leads, partners, rules)
    figures["batch_s"] = round(time.perf_counter() - t, 2)
    table = result.table
    E, A = result.edges
    choice = result.choice
    assigned = choice >= 0
    ours_key = float(A[np.flatnonzero(assigned), choice[assigned]].sum())
    figures["top_k"] = rules.top_k
    figures["auction_rounds"] = result.rounds
    figures["assigned"] = int(assigned.sum())
    figures["unassigned"] = int((~assigned).sum())
    figures["no_eligible_partner"] = sum(1 for a in result.assignments if a.eligible == 0)
    figures["objective"] = round(result.objective, 1)
    figures["dual_bound_gap_pct"] = round((result.dual_bound - ours_key) / max(result.dual_bound, 1e-9) * 100, 4)

    # 2. OR-Tools on the same edges (each lead's top K).
    r, k = np.nonzero(E >= 0)
    chosen, figures["ortools_s"] = ortools_optimum(r, E[r, k], A[r, k], table.remaining, len(leads))
    opt_key = float(A[r, k][chosen].sum())
    figures["ortools_s"] = round(figures["ortools_s"], 2)
    figures["ortools_objective"] = round(opt_key, 1)
    figures["objective_gap_pct"] = round((opt_key - ours_key) / opt_key * 100, 4)
    # The greedy baseline on the same edges.
    g = greedy(E, A, table.remaining)
    greedy_key = float(A[np.flatnonzero(g >= 0), g[g >= 0]].sum())
    figures["greedy_gap_pct"] = round((opt_key - greedy_key) / opt_key * 100, 4)

    # 3. OR-Tools on every eligible pair: what the top-K truncation costs.
    if not args.no_full:
        arrays = LeadArrays([leads[i] for i in result.lead_order.tolist()], table)
        fr, fc, fk = all_edges(table, arrays)
        figures["eligible_pairs"] = int(len(fr))
        chosen_full, secs = ortools_optimum(fr, fc, fk, table.remaining, len(leads))
        full_key = float(fk[chosen_full].sum())
        figures["ortools_full_s"] = round(secs, 2)
        figures["full_optimum_gap_pct"] = round((full_key - ours_key) / full_key * 100, 4)
        del fr, fc, fk, chosen_full

    # 4. Online: single leads against the prebuilt 2,000-partner table.
    online_table = PartnerTable(partners, rules)
    sample = [leads[i] for i in np.random.default_rng(args.seed + 1).choice(len(leads), args.online, replace=False)]
    for lead in sample[:50]:
        route_one(lead, online_table, rules)
    times = []
    for lead in sample:
        t = time.perf_counter()
        route_one(lead, online_table, rules)
        times.append((time.perf_counter() - t) * 1000)
    figures["online_p50_ms"] = round(pct(times, 50), 3)
    figures["online_p99_ms"] = round(pct(times, 99), 3)
    t = time.perf_counter()
    PartnerTable(partners, rules)
    figures["table_build_ms"] = round((time.perf_counter() - t) * 1000, 1)

    # 5. Odoo's lottery on the same leads and partners.
    t = time.perf_counter()
    draws = odoo_lottery(leads, partners, args.seed)
    figures["lottery_s"] = round(time.perf_counter() - t, 2)
    by_id = {ld.id: i for i, ld in enumerate(leads)}
    pos_of_row = result.lead_order
    row_of_pos = np.empty_like(pos_of_row)
    row_of_pos[pos_of_row] = np.arange(len(pos_of_row))
    arrays = LeadArrays([leads[i] for i in pos_of_row.tolist()], table)
    got = [(row_of_pos[by_id[d.lead_id]], table.index[d.partner_id]) for d in draws if d.partner_id is not None]
    lr = np.array([g[0] for g in got], dtype=np.int64)
    lc = np.array([g[1] for g in got], dtype=np.int64)
    ev_l = table.evaluate(arrays, lr, lc)
    ineligible = ~ev_l.eligible | ~table.ok[lc]
    counts = np.bincount(lc, minlength=table.size)
    over = np.maximum(0, counts - table.remaining)
    figures["lottery_assigned"] = len(got)
    figures["lottery_capacity_violations"] = int((over > 0).sum())
    figures["lottery_leads_over_capacity"] = int(over.sum())
    figures["lottery_ineligible_pairs"] = int(ineligible.sum())

    rows_o = np.flatnonzero(assigned)
    cols_o = E[rows_o, choice[rows_o]]
    ev_o = table.evaluate(arrays, rows_o, cols_o)
    figures["mean_distance_km_ours"] = round(float(np.nanmean(ev_o.distance)), 1)
    figures["mean_distance_km_lottery"] = round(float(np.nanmean(ev_l.distance)), 1)
    figures["mean_score_ours"] = round(float(ev_o.total.mean()), 2)
    figures["mean_score_lottery"] = round(float(ev_l.total.mean()), 2)
    figures["mean_conv_weighted_score_ours"] = round(float((ev_o.total * table.conversion[cols_o]).mean()), 3)
    figures["mean_conv_weighted_score_lottery"] = round(float((ev_l.total * table.conversion[lc]).mean()), 3)
    figures["expected_conversions_ours"] = round(float(table.conversion[cols_o].sum()), 0)
    figures["expected_conversions_lottery"] = round(float(table.conversion[lc].sum()), 0)
    figures["lottery_objective"] = round(float(ev_l.total.sum()), 1)
    # What the lottery would score if partners only worked leads up to their capacity (in lead order).
    seen = np.zeros(table.size, np.int64)
    within = np.zeros(len(lc), bool)
    for i, c in enumerate(lc.tolist()):
        if seen[c] < table.remaining[c]:
            seen[c] += 1
            within[i] = True
    figures["lottery_objective_within_capacity"] = round(float(ev_l.total[within & ~ineligible].sum()), 1)
    figures["objective_vs_lottery"] = round(result.objective / max(figures["lottery_objective_within_capacity"], 1e-9), 2)

    targets = {"batch_s": ("<=", 10), "objective_gap_pct": ("<=", 1), "online_p99_ms": ("<=", 20)}
    width = max(len(key) for key in figures)
    print(f"\nbenchmark routing — {args.size:,} leads, {args.partners:,} partners "
          f"(load average {figures['load_avg_1m']} on {os.cpu_count()} cores)")
    print(f"  {'figure':<{width}}  {'ours':>14}  {'reference':>14}")
    pairs = {
        "objective": "ortools_objective", "mean_distance_km_ours": "mean_distance_km_lottery",
        "mean_score_ours": "mean_score_lottery", "mean_conv_weighted_score_ours": "mean_conv_weighted_score_lottery",
        "expected_conversions_ours": "expected_conversions_lottery", "batch_s": "ortools_s",
    }
    shown = set()
    for key, value in figures.items():
        if key in shown:
            continue
        ref = pairs.get(key)
        mark = ""
        if key in targets:
            op, goal = targets[key]
            mark = "  ok" if (value <= goal if op == "<=" else value >= goal) else f"  MISSES target {op} {goal}"
        if ref:
            shown.add(ref)
            print(f"  {key:<{width}}  {value!s:>14}  {figures[ref]!s:>14}  ({ref}){mark}")
        else:
            print(f"  {key:<{width}}  {value!s:>14}{mark}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
