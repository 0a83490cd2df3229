"""onboarding/services.py::journey_start"""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from allied.core.errors import Conflict
from allied.onboarding.models import JourneyTemplate, OnboardingTask, Side, TaskStatus
from allied.onboarding.services import journey_start
from tests.factories import audit_actions

START = timezone.make_aware(datetime(2026, 3, 1, 9, 0))


def test_tasks_come_from_the_type_journey_with_due_dates_and_owners(world):
    # when B (a system integrator) starts onboarding on 1 March
    tasks = journey_start(actor=world.cam, partner=world.partner_b, start=START)
    # then one task per step of the default journey (SI has no journey of its own)
    journey = JourneyTemplate.objects.get(partner_type__isnull=True)
    steps = list(journey.steps.all())
    rows = list(OnboardingTask.objects.filter(partner=world.partner_b).order_by("due_date", "id"))
    assert len(tasks) == len(rows) == len(steps) == 8
    for step, row in zip(steps, rows, strict=True):
        assert row.title == step.title and row.kind == step.kind and row.side == step.side
        assert row.due_date == START.date() + timedelta(days=step.due_day)
        assert row.status == TaskStatus.OPEN and row.template == step
        # vendor steps go to the partner's CAM, partner steps to the partner's admin
        assert row.owner == (world.cam if step.side == Side.VENDOR else world.b_admin)
    assert rows[0].title == "Accept the partner program agreement"
    assert rows[0].due_date.isoformat() == "2026-03-08"
    assert audit_actions(partner_id=world.partner_b.pk) == ["onboarding.started"]


def test_distributor_gets_its_own_journey(world):
    journey_start(actor=world.cam, partner=world.partner_a)
    titles = set(OnboardingTask.objects.filter(partner=world.partner_a).values_list("title", flat=True))
    assert "Recruit your first sub-partner" in titles
    assert len(titles) == 9


def test_referral_journey_skips_business_plan(world):
    from tests.conftest import make_partner

    ref = make_partner("Ref Co", "referral")
    journey_start(actor=world.cam, partner=ref)
    kinds = list(OnboardingTask.objects.filter(partner=ref).values_list("kind", flat=True))
    assert "business_plan" not in kinds
    assert "Share your first referral" in OnboardingTask.objects.filter(partner=ref).values_list("title", flat=True)


def test_default_start_is_today(world):
    journey_start(actor=None, partner=world.partner_b)
    first = OnboardingTask.objects.filter(partner=world.partner_b).order_by("due_date").first()
    assert first.due_date == timezone.now().date() + timedelta(days=7)


def test_starting_twice_is_a_conflict(world):
    journey_start(actor=world.cam, partner=world.partner_b)
    with pytest.raises(Conflict):
        journey_start(actor=world.cam, partner=world.partner_b)
    assert OnboardingTask.objects.filter(partner=world.partner_b).count() == 8
