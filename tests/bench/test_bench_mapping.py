"""`bench/mapping.py` at a small size: the figures it writes (structure and accuracy, never timing)."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "mapping.py"


def test_bench_mapping_writes_its_figures(tmp_path):
    out = tmp_path / "mapping.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--size", "2000", "--splink-sample", "1000", "--no-psi",
                           "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(out.read_text())
    for key in ("seconds", "f1", "precision", "recall", "splink_seconds", "splink_f1", "splink_sample",
                "sample_seconds", "sample_f1", "psi_seconds", "openmined_psi_seconds"):
        assert key in figures, key
    assert figures["size"] == 2000 and figures["splink_sample"] == 1000
    assert figures["f1"] >= 0.9 and figures["sample_f1"] >= 0.9, figures
    assert 0 <= figures["splink_f1"] <= 1 and figures["splink_seconds"] > 0
    assert figures["psi_seconds"] is None and "--no-psi" in figures["psi_error"]
