"""Benchmark `mapping`: account mapping of two CRM lists of `--size` accounts each (default 1,000,000 × 1,000,000).

Run through `allied bench mapping [--size N]`. No database. The labeled lists come from
`allied.simulate.mapping_bench.mapping_lists` (half the companies on both sides, written as two
CRMs write them; hard negatives; see that module). Figures:

- `seconds`, `precision`, `recall`, `f1`: `allied.matching.map_accounts` on the full size × size
  lists (wall time of the call: normalising both lists, the exact joins, the fuzzy pass, on two
  worker processes above 50,000 records);
- `splink_seconds`, `splink_f1` (`splink_precision`, `splink_recall`): Splink 5 with the DuckDB
  backend on a smaller sample (`splink_sample` × `splink_sample`, another seed), and our figures on
  the very same sample (`sample_seconds`, `sample_f1`, ...), like for like. Splink gets the same
  cleaned inputs ours computes (normalised name, registered domain without free-mail providers,
  ISO country code); blocking on the domain, on the first word of the name and on the first four
  letters of the name; comparisons: Jaro-Winkler on the name (0.95, 0.88, 0.7), exact domain,
  exact country; u by random sampling (1e7 pairs), m by expectation maximisation over two
  blocking passes (domain; first word of the name), prior from a deterministic rule (same domain,
  assumed recall 0.6). Pairs with a match probability of at least 0.5 are predicted matches
  (`splink_threshold`): Splink's usual reading, not tuned on the labels. `splink_best_f1` keeps
  only each left record's most probable pair, as our matcher does;
- `psi_seconds`, `openmined_psi_seconds` and the other figures of `bench/psi.py`
  (`measure_psi(size)`), when that module exists (null otherwise, with `psi_error` saying why).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

SPLINK_THRESHOLD = 0.5


def run_ours(left, right, truth, label: str) -> dict:
    from allied.matching import map_accounts
    from allied.simulate.mapping_bench import score_pairs

    marks: dict[str, float] = {}
    start = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(stage, round(time.perf_counter() - start, 2))

    cpu = _cpu()
    pairs = map_accounts(left, right, progress=progress)
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu
    figures = score_pairs({(p.left_id, p.right_id) for p in pairs}, truth)
    methods: dict[str, int] = {}
    for p in pairs:
        methods[p.method] = methods.get(p.method, 0) + 1
    print(f"  {label}: {seconds:.1f} s wall, {cpu:.1f} s CPU (all processes), F1 {figures['f1']} "
          f"(precision {figures['precision']}, recall {figures['recall']}), stages started at {marks}")
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), **figures, "pairs": len(pairs),
            "methods": methods, "stage_started_s": marks}


def _cpu() -> float:
    self_, children = os.times()[0:2], os.times()[2:4]
    return sum(self_) + sum(children)


def splink_rows(records) -> dict[str, list]:
    """Cleaned columns for Splink: the same normalisation our matcher applies."""
    from allied.matching import prepare

    ids, names, first, domains, countries = [], [], [], [], []
    for r in records:
        p = prepare(r)
        ids.append(r.id)
        names.append(p.name or None)
        first.append(p.tokens[0] if p.tokens else None)
        domains.append(p.domain or None)
        countries.append(p.country or None)
    return {"unique_id": ids, "name": names, "first_word": first, "domain": domains, "country": countries}


def run_splink(left, right, truth) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from allied.simulate.mapping_bench import score_pairs

    start = time.perf_counter()
    db_api = DuckDBAPI()
    df_left = db_api.register(splink_rows(left), table_name="accounts_left")
    df_right = db_api.register(splink_rows(right), table_name="accounts_right")
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("domain"),
            block_on("first_word"),
            block_on("substr(name, 1, 4)"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.7]),
            cl.ExactMatch("domain"),
            cl.ExactMatch("country"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([df_left, df_right], settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match([block_on("domain")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("domain"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_word"))
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLD)
    rows = predictions.as_record_list()
    seconds = time.perf_counter() - start
    predicted = set()
    best: dict[str, tuple[float, str]] = {}
    for row in rows:
        a, b = row["unique_id_l"], row["unique_id_r"]
        if a.startswith("R"):  # link_only may put either table on the left
            a, b = b, a
        predicted.add((a, b))
        if row["match_probability"] > best.get(a, (-1.0, ""))[0]:
            best[a] = (row["match_probability"], b)
    figures = score_pairs(predicted, truth)
    best_figures = score_pairs({(a, b) for a, (_, b) in best.items()}, truth)
    print(f"  splink: {seconds:.1f} s, F1 {figures['f1']} (precision {figures['precision']}, recall "
          f"{figures['recall']}); best pair per left record: F1 {best_figures['f1']}")
    return {"splink_seconds": round(seconds, 2), "splink_f1": figures["f1"], "splink_precision": figures["precision"],
            "splink_recall": figures["recall"], "splink_pairs": len(predicted), "splink_best_f1": best_figures["f1"],
            "splink_best_precision": best_figures["precision"], "splink_best_recall": best_figures["recall"],
            "splink_threshold": SPLINK_THRESHOLD}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--splink-sample", type=int, default=None, help="default: min(size, 20,000)")
    parser.add_argument("--overlap", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-psi", action="store_true", help="skip bench/psi.py (the psi figures are then null)")
    parser.add_argument("--psi-size", type=int, default=None, help="size for measure_psi (default: --size)")
    parser.add_argument("--repeat", type=int, default=None, help="unused; accepted for `allied bench`")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "mapping.json"))
    args = parser.parse_args()

    from allied.simulate.mapping_bench import mapping_lists

    sample = args.splink_sample or min(args.size, 20_000)
    figures: dict = {"size": args.size, "overlap": args.overlap, "cores": os.cpu_count(),
                     "load_avg_1m": round(os.getloadavg()[0], 2)}
    print(f"benchmark mapping — {args.size:,} × {args.size:,} accounts, {args.overlap:.0%} overlap "
          f"(load average {figures['load_avg_1m']} on {os.cpu_count()} cores)")
    t = time.perf_counter()
    data = mapping_lists(args.size, overlap=args.overlap, seed=args.seed)
    figures["generate_s"] = round(time.perf_counter() - t, 2)
    figures["true_pairs"] = len(data.truth)
    figures["kinds"] = data.kinds
    ours = run_ours(data.left, data.right, data.truth, f"ours {args.size:,} × {args.size:,}")
    figures.update({k: ours[k] for k in ("seconds", "cpu_seconds", "precision", "recall", "f1", "tp", "fp", "fn",
                                         "pairs", "methods", "stage_started_s")})
    del data

    figures["splink_sample"] = sample
    small = mapping_lists(sample, overlap=args.overlap, seed=args.seed + 1)
    mine = run_ours(small.left, small.right, small.truth, f"ours {sample:,} × {sample:,}")
    figures.update({"sample_seconds": mine["seconds"], "sample_f1": mine["f1"], "sample_precision": mine["precision"],
                    "sample_recall": mine["recall"]})
    try:
        figures.update(run_splink(small.left, small.right, small.truth))
    except ImportError as exc:
        figures.update({"splink_seconds": None, "splink_f1": None, "splink_error": f"splink is not installed: {exc}"})
        print(f"  splink was not measured: {exc}")

    figures.update({"psi_seconds": None, "openmined_psi_seconds": None})
    if args.no_psi:
        figures["psi_error"] = "not measured (--no-psi)"
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        try:
            from psi import measure_psi
        except ImportError as exc:
            figures["psi_error"] = f"bench/psi.py (measure_psi) is missing or broken: {exc}"
            print(f"  PSI was not measured: {figures['psi_error']}")
        else:
            try:
                figures.update(measure_psi(args.psi_size or args.size))
            except Exception as exc:  # report the matching figures even when the PSI bench breaks
                figures["psi_error"] = f"{type(exc).__name__}: {exc}"
                print(f"  PSI was not measured: {figures['psi_error']}")

    targets = {"seconds": ("<=", 60), "f1": (">=", 0.95), "psi_seconds": ("<=", 180)}
    print()
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        if isinstance(value, dict):
            continue
        mark = ""
        if key in targets and value is not None:
            op, goal = targets[key]
            ok = value <= goal if op == "<=" else value >= goal
            mark = "  ok" if ok else f"  MISSES target {op} {goal}"
        print(f"  {key:<{width}}  {value!s:>14}{mark}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 1 if "psi_error" in figures and not args.no_psi else 0  # the matching figures are written either way


if __name__ == "__main__":
    sys.exit(main())
