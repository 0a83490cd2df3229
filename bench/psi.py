"""Benchmark `psi`: private set intersection of `--size` × `--size` keys, ours against openmined-psi.

Run through `allied bench psi [--size N]` (default 1,000,000) or `python bench/psi.py --size N`;
`bench/mapping.py` calls `measure_psi(size)` for its private-mode figures. No database.

The data: the vendor holds N keys, the partner N keys, a tenth of them shared (realistic key
strings: ``d:<domain>`` and ``n:<name>|<country>``). Figures, all from the same run and the same data:

- `psi_seconds`: our whole protocol (allied.psi), both roles in this process one after the other,
  message by message as over the API: the vendor blinds and orders its keys, the partner blinds its
  own, the vendor re-blinds them (partner's order kept: the "overlapping records" setting), the
  partner re-blinds the vendor's points and compares. Exponentiations on every core (2 here).
- `openmined_psi_seconds`: openmined-psi (P-256 ECDH-PSI, C++), one process, the same keys, with
  the exact RAW setup message so that its result is comparable: server setup, client request,
  server response, client intersection.
- `psi_intersection`, `openmined_psi_intersection`, `true_intersection`: sizes found (must agree).
- `psi_processes`, plus our per-step seconds (`psi_*_s`).
- `psi_cpu_seconds`, `openmined_psi_cpu_seconds`: CPU time (user + system, worker processes included).
  On a shared machine the wall figures depend on what else runs; CPU time does not. Our CPU time divided
  by the processes (`psi_cpu_seconds_per_core`) is a lower bound of the wall time on that many idle cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `allied` importable from the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from allied.psi import PsiClient, PsiServer  # noqa: E402
from allied.psi.parallel import default_processes  # noqa: E402


def cpu_seconds() -> float:
    """User + system time of this process and of its reaped children (the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


COUNTRIES = ("US", "DE", "FR", "GB", "NL", "CA", "ES", "IT", "JP", "AU")


def key_sets(size: int) -> tuple[list[str], list[str], int]:
    """N vendor keys and N partner keys of which N/10 are shared; half domains, half name|country."""

    def key(i: int) -> str:
        return f"d:company{i:08d}.com" if i % 2 else f"n:companyname{i:08d}|{COUNTRIES[i % len(COUNTRIES)]}"

    shared = size // 10
    vendor = [key(i) for i in range(size)]
    # the partner's own accounts are numbered after the vendor's; its shared ones are spread over the vendor list
    step = max(1, size // max(1, shared))
    partner = [key(i * step) for i in range(shared)] + [key(size + i) for i in range(size - shared)]
    return vendor, partner, len(set(vendor) & set(partner))


def run_ours(vendor: list[str], partner: list[str], processes: int) -> dict:
    steps = {}
    cpu = cpu_seconds()
    started = time.perf_counter()
    t = time.perf_counter()
    server = PsiServer({f"v{i}": (k,) for i, k in enumerate(vendor)}, processes=processes)
    client = PsiClient([(k,) for k in partner], processes=processes)
    steps["psi_prepare_s"] = time.perf_counter() - t
    t = time.perf_counter()
    setup = server.setup_points()
    steps["psi_vendor_blind_s"] = time.perf_counter() - t
    t = time.perf_counter()
    request = client.request()
    steps["psi_partner_blind_s"] = time.perf_counter() - t
    t = time.perf_counter()
    answer = server.reblind(request, ordered=True)
    steps["psi_vendor_reblind_s"] = time.perf_counter() - t
    t = time.perf_counter()
    double = client.blind_server_points(setup)
    steps["psi_partner_reblind_s"] = time.perf_counter() - t
    t = time.perf_counter()
    result = client.result(double, server.sizes_message(), answer, ordered=True)
    steps["psi_compare_s"] = time.perf_counter() - t
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    assert result.client_accounts is not None
    if len(result.client_accounts) != result.overlap_count:  # one key per account: both sides must agree
        raise AssertionError("vendor-side and partner-side intersections differ")
    return {"psi_seconds": round(seconds, 2), "psi_intersection": result.overlap_count, "psi_cpu_seconds": round(cpu, 2),
            "psi_cpu_seconds_per_core": round(cpu / processes, 2),
            **{k: round(v, 2) for k, v in steps.items()}}


def run_openmined(vendor: list[str], partner: list[str]) -> dict:
    try:
        from private_set_intersection.python import DataStructure, client, server
    except ImportError:
        return {"openmined_psi_seconds": None, "openmined_psi_intersection": None,
                "openmined_psi_note": "openmined.psi is not installed (pip install -e '.[dev]')"}
    cpu = cpu_seconds()
    started = time.perf_counter()
    psi_server = server.CreateWithNewKey(True)
    psi_client = client.CreateWithNewKey(True)
    setup = psi_server.CreateSetupMessage(1e-9, len(partner), vendor, DataStructure.RAW)
    request = psi_client.CreateRequest(partner)
    response = psi_server.ProcessRequest(request)
    found = psi_client.GetIntersection(setup, response)
    seconds = time.perf_counter() - started
    return {"openmined_psi_seconds": round(seconds, 2), "openmined_psi_intersection": len(found),
            "openmined_psi_cpu_seconds": round(cpu_seconds() - cpu, 2)}


def measure_psi(size: int, *, processes: int | None = None, openmined: bool = True) -> dict:
    """Both implementations on the same size × size keys; raises if either finds a wrong intersection."""
    processes = processes or min(2, default_processes())
    vendor, partner, truth = key_sets(size)
    figures = {"psi_size": size, "true_intersection": truth, "psi_processes": processes}
    figures.update(run_ours(vendor, partner, processes))
    if openmined:
        figures.update(run_openmined(vendor, partner))
    for name in ("psi_intersection", "openmined_psi_intersection"):
        if figures.get(name) is not None and figures[name] != truth:
            raise AssertionError(f"{name} = {figures[name]} but the true intersection has {truth} keys")
    if figures.get("openmined_psi_seconds"):
        figures["psi_speedup_vs_openmined"] = round(figures["openmined_psi_seconds"] / figures["psi_seconds"], 2)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="accepted for `allied bench`; one run is made")
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--no-openmined", action="store_true", help="measure ours only")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "psi.json"))
    args = parser.parse_args(argv)
    figures = measure_psi(args.size, processes=args.processes, openmined=not args.no_openmined)
    figures["cpu_count"] = os.cpu_count()
    width = max(len(k) for k in figures)
    for name, value in figures.items():
        print(f"{name:<{width}}  {value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else f"{name:<{width}}  {value}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
