"""payout_run_approve: a second finance user approves a draft run (four eyes)."""

import pytest
from django.db import IntegrityError, transaction

from allied.core.errors import Conflict, PermissionDenied
from allied.payouts.models import PayoutRun, RunStatus
from allied.payouts.services import payout_run_approve
from tests.factories import approved_claim, audit_actions
from tests.payouts.factories import run_for, second_finance

pytestmark = pytest.mark.django_db


def test_another_finance_user_approves(world):
    approved_claim(world, "100.00")
    run = run_for(world, approve=False)
    with pytest.raises(PermissionDenied, match="four eyes"):
        payout_run_approve(actor=world.finance, run=run)
    for user in (world.admin, world.cam, world.pmm, world.a_admin):
        with pytest.raises(PermissionDenied):
            payout_run_approve(actor=user, run=run)
    run = payout_run_approve(actor=second_finance(world), run=run)
    assert run.status == RunStatus.APPROVED and run.approved_by == second_finance(world) and run.approved_at
    with pytest.raises(Conflict):
        payout_run_approve(actor=second_finance(world), run=run)
    assert audit_actions(object_id=run.public_id) == ["payout_run.created", "payout_run.approved"]


def test_the_database_refuses_self_approval(world):
    approved_claim(world, "100.00")
    run = run_for(world, approve=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutRun.objects.filter(pk=run.pk).update(approved_by=world.finance)
