"""The `allied` console script run as a user runs it: a real process, a real SQLite file."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ALLIED = str(Path(sys.executable).with_name("allied"))


@pytest.fixture
def env(tmp_path):
    e = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    e.update(ALLIED_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/allied.sqlite3",
             DJANGO_SETTINGS_MODULE="allied.config.settings",
             ALLIED_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")
    return e


def run(env, *args, timeout=240) -> subprocess.CompletedProcess:
    proc = subprocess.run([ALLIED, *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_prepares_seeds_and_prints_logins(env):
    out = run(env, "demo", "--no-serve", "--partners", "25").stdout
    assert "admin@vendor.example" in out and "allied-demo-2026" in out
    again = run(env, "demo", "--no-serve").stdout  # a second start keeps the data and still prints logins
    assert "admin@vendor.example" in again and "Seeded" not in again


def test_serve_answers_http(env):
    run(env, "migrate", "-v", "0")
    port = free_port()
    server = subprocess.Popen([ALLIED, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as resp:
                    assert resp.status == 200
                    assert b"Sign in" in resp.read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5) as resp:
            assert "/api/v1/partners" in json.load(resp)["paths"]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_worker_batch_sends_the_outbox(env, tmp_path):
    env["EMAIL_FILE_PATH"] = str(tmp_path / "mail")
    run(env, "seed", "--partners", "5", "--seed", "2")
    run(env, "shell", "-c", "from allied.core.outbox import email_enqueue; email_enqueue(to='x@example.com', subject='Hi', body='B')")
    run(env, "worker", "--batch")
    out = run(env, "shell", "-c", "from allied.core.models import OutboxEmail; "
                                  "print(OutboxEmail.objects.filter(sent_at__isnull=True).count(), OutboxEmail.objects.count())").stdout
    unsent, total = map(int, out.split()[-2:])
    assert total >= 1 and unsent == 0


def test_worker_pulls_back_a_lead_not_accepted_in_time(env):
    run(env, "seed", "--partners", "8", "--seed", "3")
    lead_id = run(env, "shell", "-c", (
        "from datetime import timedelta; from django.utils import timezone; "
        "from allied.partners.models import Partner; from allied.leads.services import lead_create; "
        "from allied.leads.models import LeadOffer; "
        "p = Partner.objects.filter(status='active').order_by('pk').first(); "
        "lead = lead_create(actor=None, data={'company_name': 'Late Answer Co', 'website': 'late-answer.example', 'country': p.country, "
        "'contact_name': 'Pat Late', 'contact_email': 'pat@late-answer.example'}); "
        "LeadOffer.objects.filter(lead=lead).update(sla_due_at=timezone.now() - timedelta(minutes=1)); "
        "print(lead.public_id, lead.status)")).stdout.split()
    assert lead_id[-1] == "offered"
    run(env, "worker", "--batch")
    out = run(env, "shell", "-c", (
        f"from allied.leads.models import Lead; lead = Lead.objects.get(public_id='{lead_id[-2]}'); "
        "o = list(lead.offers.order_by('offered_at').values_list('outcome', 'partner_id')); "
        "print(o[0][0], lead.status, len(o), len({p for _, p in o}))")).stdout.split()
    first, status, offers, partners = out[-4], out[-3], int(out[-2]), int(out[-1])
    assert first == "timed_out" and offers == partners  # never offered twice to the same partner
    assert status in ("offered", "unroutable")


def test_token_create_prints_the_key_last(env):
    run(env, "seed", "--partners", "3")
    key = run(env, "token", "create", "--email", "admin@vendor.example").stdout.strip().splitlines()[-1]
    assert key.startswith("allied_")


def test_bench_writes_its_figures(env, tmp_path):
    out = tmp_path / "console.json"
    run(env, "bench", "console", "--size", "1000", "--repeat", "2", "--out", str(out), timeout=600)
    figures = json.loads(out.read_text())
    for key in ("partner_list_median_ms", "api_list_median_ms", "queries_page_10", "queries_page_100", "tier_eval_10k_s", "seed_1000_s"):
        assert key in figures
    assert figures["queries_page_10"] == figures["queries_page_100"]


def test_bench_conflicts_writes_its_figures(env, tmp_path):
    out = tmp_path / "conflicts.json"
    run(env, "bench", "conflicts", "--size", "2000", "--out", str(out), timeout=900)
    figures = json.loads(out.read_text())
    for key in ("p50_ms", "p99_ms", "precision", "recall", "exact_baseline_recall", "rapidfuzz_scan_p99_ms"):
        assert key in figures
    assert figures["recall"] > figures["exact_baseline_recall"]


def test_bench_routing_writes_its_figures(env, tmp_path):
    out = tmp_path / "routing.json"
    run(env, "bench", "routing", "--size", "3000", "--out", str(out), timeout=600)
    figures = json.loads(out.read_text())
    for key in ("batch_s", "objective_gap_pct", "online_p99_ms", "lottery_capacity_violations"):
        assert key in figures
    assert figures["objective_gap_pct"] <= 1


def test_bench_accruals_writes_its_figures(env, tmp_path):
    out = tmp_path / "accruals.json"
    run(env, "bench", "accruals", "--size", "3000", "--out", str(out), timeout=600)
    figures = json.loads(out.read_text())
    for key in ("accruals_s", "reference_s", "equal_to_reference", "accruals", "events", "rules"):
        assert key in figures
    assert figures["equal_to_reference"] is True and figures["rules"] == 20 and figures["accruals"] > 3000


def test_bench_mapping_writes_its_figures_with_private_mapping(env, tmp_path):
    out = tmp_path / "mapping.json"
    run(env, "bench", "mapping", "--size", "1500", "--psi-size", "400", "--out", str(out), timeout=900)
    figures = json.loads(out.read_text())
    for key in ("seconds", "f1", "splink_seconds", "splink_f1", "psi_seconds", "openmined_psi_seconds"):
        assert isinstance(figures[key], float), key
    assert figures["f1"] >= 0.9
    assert figures["psi_intersection"] == figures["openmined_psi_intersection"] == figures["true_intersection"] > 0
    proc = subprocess.run([ALLIED, "bench", "routing", "--no-psi"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "mapping benchmark" in proc.stderr


def test_import_accounts_from_a_crm_export(env):
    run(env, "seed", "--partners", "3")
    fixture = Path(__file__).parents[1] / "customers" / "fixtures" / "hubspot_companies.csv"
    out = run(env, "import", "accounts", str(fixture), "--as", "admin@vendor.example").stdout
    assert "hubspot format" in out and "created" in out
    proc = subprocess.run([ALLIED, "import", "accounts", str(fixture.with_name("bad_country.csv")), "--as", "admin@vendor.example"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "row" in proc.stderr and "Nothing was imported" in proc.stderr


def test_unknown_bench_lists_the_available_ones(env):
    proc = subprocess.run([ALLIED, "bench", "nope"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "console" in proc.stderr
