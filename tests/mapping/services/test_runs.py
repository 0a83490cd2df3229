"""Mapping runs: full and incremental, progress, one worker per run, and the task on commit."""

import pytest

from allied.core.errors import Conflict
from allied.core.models import AuditEvent
from allied.mapping.models import AccountMatch, MappingRun, Partnership, RunStatus
from allied.mapping.services import account_delete, account_update, mapping_run_execute, mapping_run_request
from tests.mapping.factories import account, activate, overlap_world, run_now


def _pairs(partner):
    return set(AccountMatch.objects.filter(partner=partner).values_list("vendor_account__name", "partner_account__name"))


def test_full_run_matches_the_same_companies_with_reasons(world):
    partner, _, _ = overlap_world(world)
    assert _pairs(partner) == {("Acme Inc", "ACME Corp."), ("Globex Corporation", "Globex"), ("Initech", "Initech LLC")}
    match = AccountMatch.objects.get(partner_account__name="Globex")
    assert match.method == "domain" and match.score >= 0.85 and "domain" in match.reason
    run = MappingRun.objects.filter(partner=partner, status=RunStatus.DONE).first()
    assert run.done == run.total == 8 and run.matches_added == 3
    assert Partnership.objects.get(partner=partner).matched_at == run.started_at
    done = AuditEvent.objects.filter(action="mapping.run_done", object_id=run.public_id).get()
    assert done.after["total_matches"] == 3


def test_incremental_run_rematches_only_changed_accounts(world):
    partner, vendor, theirs = overlap_world(world)
    untouched = AccountMatch.objects.get(partner_account=theirs["acme"])
    account_update(actor=None, account=theirs["globex"], data={"website": "globex-energy.example", "name": "Globex Energy"})
    account(partner, "Umbrella Corporation", "umbrella.example", status="prospect")
    result = run_now(partner)
    assert (result["partner_accounts"], result["vendor_accounts"]) == (2, 0)
    assert ("Umbrella Corp", "Umbrella Corporation") in _pairs(partner)
    assert ("Globex Corporation", "Globex Energy") not in _pairs(partner)  # another domain now: no longer the same company
    assert AccountMatch.objects.get(partner_account=theirs["acme"]).pk == untouched.pk  # not re-matched
    # a vendor account changed: matched against the whole partner list
    account_update(actor=None, account=vendor["globex"], data={"website": "globex-energy.example", "name": "Globex Energy Inc"})
    result = run_now(partner)
    assert (result["partner_accounts"], result["vendor_accounts"]) == (0, 1)
    assert ("Globex Energy Inc", "Globex Energy") in _pairs(partner)


def test_incremental_and_full_agree(world):
    partner, vendor, theirs = overlap_world(world)
    account_delete(actor=None, account=vendor["acme"])
    account(None, "Hooli XYZ", "hooli.example", status="customer")
    run_now(partner)
    incremental = _pairs(partner)
    run_now(partner, incremental=False)
    assert _pairs(partner) == incremental == {("Globex Corporation", "Globex"), ("Initech", "Initech LLC"), ("Hooli XYZ", "Hooli")}


def test_a_waiting_run_is_reused_and_a_run_executes_once(world):
    partner, _, _ = overlap_world(world)
    first = mapping_run_request(actor=world.cam, partner=partner)
    again = mapping_run_request(actor=world.a_admin, partner=partner, incremental=False)
    assert first.pk == again.pk and not MappingRun.objects.get(pk=first.pk).incremental
    assert mapping_run_execute(first)["run"] == first.public_id
    assert mapping_run_execute(first) == {"skipped": first.public_id}


def test_no_run_before_both_sides_opt_in(world):
    with pytest.raises(Conflict):
        mapping_run_request(actor=world.cam, partner=world.partner_b)


def test_the_task_runs_on_commit(world, django_capture_on_commit_callbacks):
    account(None, "Acme Inc", "acme.example")
    account(world.partner_b, "Acme", "acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        activate(world, world.partner_b)  # both in: a run is requested and the (immediate) task runs it
    run = MappingRun.objects.get(partner=world.partner_b)
    assert run.status == RunStatus.DONE and run.matches_added == 1


def test_a_failing_run_is_marked_failed_and_keeps_the_matches(world, monkeypatch):
    partner, _, theirs = overlap_world(world)
    account_update(actor=None, account=theirs["hooli"], data={"name": "Hooli Inc"})
    from allied.mapping.services import runs

    def broken(*args, **kw):
        raise RuntimeError("matching engine exploded")

    monkeypatch.setattr(runs, "_map", broken)
    run = mapping_run_request(actor=None, partner=partner)
    assert mapping_run_execute(run)["failed"] == run.public_id
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "exploded" in run.error
    assert len(_pairs(partner)) == 3
