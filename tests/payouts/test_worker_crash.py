"""A real `allied worker` process is killed (SIGKILL) in the middle of a payout run; started again, it
finishes the run and every payout is paid exactly once, to the cent."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ALLIED = str(Path(sys.executable).with_name("allied"))
PARTNERS = 2500  # and every fifth also paid in EUR: 3,000 payouts


def _env(database_url: str, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(ALLIED_DATA_DIR=str(data_dir), DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="allied.config.settings",
               ALLIED_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", PYTHONPATH=str(ROOT))
    return env


class Db:
    """Reads the worker's database directly (the test's own Django connection points elsewhere)."""

    def __init__(self, url: str):
        self.url = url

    def one(self, sql: str):
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as con:
                return con.execute(sql).fetchone()
        import psycopg

        with psycopg.connect(self.url) as con:
            return con.execute(sql).fetchone()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/allied.sqlite3"
        return
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL run of this test goes with the PostgreSQL test suite")
    import psycopg

    settings = connection.settings_dict
    base = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    name = f"allied_crash_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _wait(db: Db, predicate, what: str, timeout: float, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = db.one("SELECT count(*) FROM payouts_payout WHERE status = 'paid'")[0]
        if predicate(value):
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the worker exited ({proc.returncode}) before {what}: {proc.stdout.read()[-3000:]}")
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_then_restarted_pays_every_payout_once(database, tmp_path):
    env = _env(database, tmp_path)
    db = Db(database)
    subprocess.run([ALLIED, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    setup = subprocess.run([sys.executable, "-c", f"import django; django.setup(); from tests.payouts.crash_setup import build; "
                            f"build({PARTNERS})"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stderr[-3000:]
    total = db.one("SELECT count(*) FROM payouts_payout")[0]
    assert total == PARTNERS + PARTNERS // 5
    expected = db.one("SELECT sum(total_minor) FROM payouts_payout")[0]

    # the worker starts paying; it is killed (no clean-up, no signal handler) half way
    worker = subprocess.Popen([ALLIED, "worker", "--no-schedule"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        paid_before_kill = _wait(db, lambda n: n >= 50, "the first payments", 180, worker)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)
    paid_at_kill = db.one("SELECT count(*) FROM payouts_payout WHERE status = 'paid'")[0]
    assert paid_before_kill <= paid_at_kill < total, "the kill should land in the middle of the run"
    print(f"worker killed with {paid_at_kill} of {total} payouts paid")
    assert db.one("SELECT count(*) FROM ledger_ledgertransaction WHERE kind = 'payout.paid'")[0] == paid_at_kill
    assert db.one("SELECT status FROM payouts_payoutrun")[0] == "processing"

    # started again, the worker resumes the run by itself and finishes it
    worker = subprocess.Popen([ALLIED, "worker", "--no-schedule"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait(db, lambda n: n == total, "every payout paid", 300, worker)
        deadline = time.time() + 60
        while db.one("SELECT status FROM payouts_payoutrun")[0] != "completed" and time.time() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert db.one("SELECT status FROM payouts_payoutrun")[0] == "completed"
    # exactly once: one posting per payout, under its own key, for exactly its amount
    assert db.one("SELECT count(*), count(DISTINCT idempotency_key) FROM ledger_ledgertransaction WHERE kind = 'payout.paid'") == (total, total)
    assert db.one("SELECT count(*) FROM payouts_payout p JOIN ledger_ledgertransaction t ON t.id = p.ledger_txn_id "
                  "WHERE t.idempotency_key = 'payout:' || p.public_id")[0] == total
    paid = db.one("SELECT sum(e.amount_minor) FROM ledger_ledgerentry e JOIN ledger_ledgeraccount a ON a.id = e.account_id "
                  "WHERE a.code IN ('mdf.paid', 'incentive.paid')")[0]
    assert paid == expected
    assert db.one("SELECT sum(e.amount_minor) FROM ledger_ledgerentry e JOIN ledger_ledgeraccount a ON a.id = e.account_id "
                  "WHERE a.code IN ('mdf.claimed', 'incentive.payable')")[0] == 0
    assert db.one("SELECT count(*) FROM core_auditevent WHERE action = 'payout.paid'")[0] == total
    assert db.one("SELECT count(*), count(DISTINCT object_id) FROM core_auditevent WHERE action = 'fund_claim.paid'") == (10, 10)
    assert db.one("SELECT count(*) FROM funds_fundclaim WHERE status = 'paid'")[0] == 10
    assert db.one("SELECT coalesce(sum(amount_minor), 0) FROM ledger_ledgerentry")[0] == 0
