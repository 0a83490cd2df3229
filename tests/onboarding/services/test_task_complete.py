"""onboarding/services.py::task_complete"""

import pytest

from allied.accounts.services import invitation_create
from allied.core.errors import DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.onboarding.models import OnboardingTask, Side, TaskKind, TaskStatus
from allied.onboarding.services import agreement_accept, journey_start, task_complete
from allied.partners.models import Partner, PartnerStatus
from allied.partners.services import partner_update
from allied.program.models import Agreement
from tests.conftest import make_partner, make_user

FULL_PROFILE = {
    "description": "We resell and run it.", "specialties": ["security"], "industries": ["healthcare"],
    "regions_served": ["na"], "customer_segments": ["smb"], "team_size": 12,
}


@pytest.fixture
def newbie(world):
    """An onboarding reseller with an admin and its journey started."""
    partner = make_partner("Newbie Networks", "reseller", cam=world.cam, status=PartnerStatus.ONBOARDING)
    admin = make_user("admin@newbie.example", "partner_admin", partner)
    journey_start(actor=world.cam, partner=partner)
    return partner, admin


def task(partner, kind) -> OnboardingTask:
    return OnboardingTask.objects.get(partner=partner, kind=kind)


def test_partner_admin_completes_a_plain_partner_task(world, newbie):
    partner, admin = newbie
    t = task(partner, TaskKind.TRAINING)
    task_complete(actor=admin, task=t)
    t.refresh_from_db()
    assert t.status == TaskStatus.DONE and t.completed_by == admin and t.completed_at is not None
    event = AuditEvent.objects.get(action="onboarding_task.completed", object_id=t.public_id)
    assert event.before == {"status": "open"} and event.after == {"status": "done"}


def test_profile_task_refuses_until_profile_complete_and_names_what_is_missing(world, newbie):
    partner, admin = newbie
    partner_update(actor=admin, partner=partner, data={"description": "We resell.", "team_size": 12})
    with pytest.raises(DomainError) as exc:
        task_complete(actor=admin, task=task(partner, TaskKind.PROFILE))
    msg = exc.value.message
    for missing in ("specialties", "industries", "regions served", "customer segments"):
        assert missing in msg
    assert "description" not in msg and "team size" not in msg
    assert task(partner, TaskKind.PROFILE).status == TaskStatus.OPEN
    # when the profile is completed
    partner_update(actor=admin, partner=Partner.objects.get(pk=partner.pk), data=FULL_PROFILE)
    task_complete(actor=admin, task=task(partner, TaskKind.PROFILE))
    assert task(partner, TaskKind.PROFILE).status == TaskStatus.DONE


def test_agreement_task_requires_acceptance(world, newbie):
    partner, admin = newbie
    with pytest.raises(DomainError) as exc:
        task_complete(actor=world.cam, task=task(partner, TaskKind.AGREEMENT))
    assert "agreement" in exc.value.message.lower()
    assert task(partner, TaskKind.AGREEMENT).status == TaskStatus.OPEN


def test_invite_task_needs_a_colleague(world, newbie):
    partner, admin = newbie
    with pytest.raises(DomainError):
        task_complete(actor=admin, task=task(partner, TaskKind.INVITE_USERS))
    invitation_create(actor=admin, email="rep@newbie.example", role="partner_sales", partner=partner)
    task_complete(actor=admin, task=task(partner, TaskKind.INVITE_USERS))
    assert task(partner, TaskKind.INVITE_USERS).status == TaskStatus.DONE


def test_partner_user_cannot_complete_a_vendor_side_task(world, newbie):
    partner, admin = newbie
    vendor_task = OnboardingTask.objects.filter(partner=partner, side=Side.VENDOR).first()
    with pytest.raises(PermissionDenied):
        task_complete(actor=admin, task=vendor_task)
    vendor_task.refresh_from_db()
    assert vendor_task.status == TaskStatus.OPEN
    # the CAM can
    task_complete(actor=world.cam, task=vendor_task)
    vendor_task.refresh_from_db()
    assert vendor_task.status == TaskStatus.DONE


def test_another_partners_user_cannot_complete_the_task(world, newbie):
    partner, _ = newbie
    with pytest.raises(PermissionDenied):
        task_complete(actor=world.b_admin, task=task(partner, TaskKind.TRAINING))
    with pytest.raises(PermissionDenied):
        task_complete(actor=world.pmm, task=task(partner, TaskKind.TRAINING))
    assert task(partner, TaskKind.TRAINING).status == TaskStatus.OPEN


def test_completing_a_done_task_again_changes_nothing(world, newbie):
    partner, admin = newbie
    t = task(partner, TaskKind.TRAINING)
    task_complete(actor=admin, task=t)
    task_complete(actor=world.cam, task=t)
    t.refresh_from_db()
    assert t.completed_by == admin
    assert AuditEvent.objects.filter(action="onboarding_task.completed", object_id=t.public_id).count() == 1


def test_finishing_every_task_makes_the_partner_active(world, newbie):
    partner, admin = newbie
    # given the checkable outcomes are in place
    agreement_accept(actor=admin, partner=partner, agreement=Agreement.objects.get(is_current=True), ip_address="203.0.113.1")
    partner_update(actor=admin, partner=Partner.objects.get(pk=partner.pk), data=FULL_PROFILE)
    invitation_create(actor=admin, email="rep@newbie.example", role="partner_sales", partner=partner)
    open_tasks = list(OnboardingTask.objects.filter(partner=partner, status=TaskStatus.OPEN).order_by("due_date"))
    assert len(open_tasks) == 7  # the agreement task closed itself
    # when every task but the last is done, the partner is still onboarding
    for t in open_tasks[:-1]:
        task_complete(actor=world.cam, task=t)
    assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ONBOARDING
    # and the last one activates it
    task_complete(actor=world.cam, task=open_tasks[-1])
    assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ACTIVE
    event = AuditEvent.objects.get(action="partner.activated", partner_id=partner.pk)
    assert event.before == {"status": "onboarding"} and event.after == {"status": "active"}
