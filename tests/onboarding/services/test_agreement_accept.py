"""onboarding/services.py::agreement_accept"""

import pytest

from allied.core.errors import Conflict, PermissionDenied
from allied.core.models import AuditEvent
from allied.onboarding.models import AgreementAcceptance, OnboardingTask, TaskKind, TaskStatus
from allied.onboarding.services import agreement_accept, journey_start
from allied.program.models import Agreement
from allied.program.services import agreement_publish


@pytest.fixture
def agreement(db) -> Agreement:
    return Agreement.objects.get(is_current=True)


def test_partner_admin_accepts_and_version_user_ip_are_recorded(world, agreement):
    journey_start(actor=world.cam, partner=world.partner_b)
    # when
    acc = agreement_accept(actor=world.b_admin, partner=world.partner_b, agreement=agreement,
                           ip_address="198.51.100.23", user_agent="Mozilla/5.0 " + "x" * 400)
    # then
    acc = AgreementAcceptance.objects.get(pk=acc.pk)
    assert acc.partner == world.partner_b and acc.agreement == agreement
    assert acc.agreement_version == "1.0"
    assert acc.user == world.b_admin
    assert acc.ip_address == "198.51.100.23"
    assert acc.accepted_at is not None and len(acc.user_agent) == 300
    event = AuditEvent.objects.get(action="agreement.accepted")
    assert event.ip_address == "198.51.100.23" and event.after["version"] == "1.0"
    # and the agreement task is done
    t = OnboardingTask.objects.get(partner=world.partner_b, kind=TaskKind.AGREEMENT)
    assert t.status == TaskStatus.DONE and t.completed_by == world.b_admin


def test_accepting_twice_keeps_one_record(world, agreement):
    first = agreement_accept(actor=world.b_admin, partner=world.partner_b, agreement=agreement, ip_address=None)
    second = agreement_accept(actor=world.b_admin, partner=world.partner_b, agreement=agreement, ip_address="198.51.100.1")
    assert first.pk == second.pk
    assert AgreementAcceptance.objects.filter(partner=world.partner_b).count() == 1


@pytest.mark.parametrize("who", ["b_sales", "b_marketing", "a_admin", "cam", "admin"])
def test_only_the_partners_own_admin_can_accept(world, agreement, who):
    with pytest.raises(PermissionDenied):
        agreement_accept(actor=getattr(world, who), partner=world.partner_b, agreement=agreement, ip_address="198.51.100.2")
    assert not AgreementAcceptance.objects.exists()


def test_old_version_cannot_be_accepted(world, agreement):
    agreement_publish(actor=world.admin, name=agreement.name, version="2.0", body="New terms.")
    agreement.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        agreement_accept(actor=world.b_admin, partner=world.partner_b, agreement=agreement, ip_address=None)
    assert exc.value.field == "agreement"
    assert not AgreementAcceptance.objects.exists()
