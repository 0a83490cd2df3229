"""`allied mapping private` end to end: a real process, a real API key, the live test server over HTTP."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from allied.accounts.services import apikey_create
from allied.mapping.models import PopulationKind, PrivateMapping, PsiStatus, ShareLevel
from tests.conftest import World, program_reseed
from tests.mapping.factories import HUBSPOT_HEADER, account, activate, default_population, share

pytestmark = pytest.mark.urls("tests.mapping.private_urls")
ALLIED = str(Path(sys.executable).with_name("allied"))


@pytest.fixture
def live_world(transactional_db, live_server):
    program_reseed()  # a transactional test before this one may have flushed the seeded program
    return World()


def _hubspot_file(path: Path) -> Path:
    path.write_text(HUBSPOT_HEADER
                    + "101,ACME Corp.,www.acme.example,United States,customer,Manufacturing,120,Pat Partner\n"
                    + "102,Globex,,United States,opportunity,Energy,40,Pat Partner\n"
                    + "103,Initech Software,,United States,lead,Software,15,Pat Partner\n"
                    + "104,Hooli,hooli.example,United States,lead,Software,900,Pat Partner\n", encoding="utf-8")
    return path


def _run(live_server, token, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "ALLIED_TOKEN")}
    return subprocess.run([ALLIED, "mapping", "private", "--server", live_server.url, "--token", token, *args],
                          env=env, capture_output=True, text=True, timeout=240)


def test_partner_runs_private_mapping_from_its_crm_export(live_world, live_server, tmp_path):
    world = live_world
    activate(world, world.partner_a)
    acme = account(None, "Acme Inc", "acme.example", status="customer")
    account(None, "Globex Corporation", "", status="customer")
    account(None, "Initech", "", status="customer")
    account(None, "Umbrella Corp", "umbrella.example", status="customer")
    population = default_population(None, PopulationKind.CUSTOMERS)
    share(world, world.partner_a, population, ShareLevel.OVERLAPS)
    _, token = apikey_create(actor=None, user=world.a_admin, name="private mapping")
    crm = _hubspot_file(tmp_path / "hubspot-companies.csv")
    out = tmp_path / "overlap.csv"

    proc = _run(live_server, token, "--file", str(crm), "--population", population.public_id, "--reveal", "--out", str(out))

    assert proc.returncode == 0, proc.stderr
    assert "2 of the vendor's 4 accounts in Customers overlap with your 4 accounts" in proc.stdout
    assert "2 of your accounts overlap." in proc.stdout and "The vendor was told" in proc.stdout
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["id"], r["name"]) for r in rows] == [("101", "ACME Corp."), ("102", "Globex")]
    mapping = PrivateMapping.objects.get()
    assert (mapping.status, mapping.secret, mapping.overlap_count) == (PsiStatus.DONE, None, 2)
    assert acme.public_id in mapping.vendor_overlap and len(mapping.vendor_overlap) == 2


def test_cli_reports_refusals_and_bad_files(live_world, live_server, tmp_path):
    world = live_world
    activate(world, world.partner_a)
    account(None, "Acme Inc", "acme.example", status="customer")
    population = default_population(None, PopulationKind.CUSTOMERS)  # hidden
    _, token = apikey_create(actor=None, user=world.a_admin)
    crm = _hubspot_file(tmp_path / "crm.csv")

    hidden = _run(live_server, token, "--file", str(crm), "--population", population.public_id, "--no-progress")
    assert hidden.returncode == 1 and "the server refused (404): population not found" in hidden.stderr

    share(world, world.partner_a, population, ShareLevel.COUNTS)
    counts = _run(live_server, token, "--file", str(crm), "--population", population.public_id, "--out", str(tmp_path / "o.csv"))
    assert counts.returncode == 0 and "1 of the vendor's 1 accounts" in counts.stdout and "counts only" in counts.stdout
    assert not (tmp_path / "o.csv").exists()

    bad_token = _run(live_server, "not-a-key", "--file", str(crm), "--population", population.public_id)
    assert bad_token.returncode == 1 and "401" in bad_token.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("Record ID,Company name\n1,\n", encoding="utf-8")
    bad_file = _run(live_server, token, "--file", str(bad), "--population", population.public_id)
    assert bad_file.returncode == 2 and "row 1" in bad_file.stderr
