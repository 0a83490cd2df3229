"""recruitment/services.py::application_approve"""

import pytest

from allied.accounts.models import Invitation
from allied.core.errors import Conflict, PermissionDenied
from allied.core.models import AuditEvent, OutboxEmail
from allied.onboarding.models import JourneyTemplate, OnboardingTask
from allied.partners.models import Partner, PartnerStatus
from allied.recruitment.models import Application, ApplicationStatus
from allied.recruitment.services import application_approve, application_submit
from tests.conftest import make_user
from tests.factories import application_data, tier


@pytest.fixture
def app(world) -> Application:
    return application_submit(data=application_data())


def test_approval_creates_partner_invites_contact_and_starts_onboarding(world, app):
    # when
    app, partner = application_approve(actor=world.cam, application=app)
    # then a partner organization exists, onboarding, in the entry tier, owned by the approving CAM
    partner = Partner.objects.get(pk=partner.pk)
    assert partner.name == "Contoso Cloud Partners" and partner.domain == "contoso-partners.example"
    assert partner.partner_type.code == "reseller" and partner.country == "DE" and partner.region == "emea"
    assert partner.specialties == ["security", "cloud migration"] and partner.team_size == 25
    assert partner.status == PartnerStatus.ONBOARDING and partner.tier == tier("Registered")
    assert partner.cam == world.cam
    # the contact is invited as the partner's admin, with a link in the outbox
    inv = Invitation.objects.get(email="dana@contoso-partners.example")
    assert inv.partner == partner and inv.role == "partner_admin"
    invite_email = OutboxEmail.objects.filter(to="dana@contoso-partners.example", body__contains="/invite/").get()
    assert "Contoso Cloud Partners" in invite_email.subject
    # onboarding tasks from the reseller journey (default journey)
    journey = JourneyTemplate.objects.get(partner_type__isnull=True)
    assert OnboardingTask.objects.filter(partner=partner).count() == journey.steps.count() > 0
    # the application is closed and audited
    app = Application.objects.get(pk=app.pk)
    assert app.status == ApplicationStatus.APPROVED and app.partner == partner
    assert app.decided_by == world.cam and app.decided_at is not None
    event = AuditEvent.objects.get(action="application.approved")
    assert event.before == {"status": "applied"} and event.after["status"] == "approved"
    assert set(AuditEvent.objects.filter(partner_id=partner.pk).values_list("action", flat=True)) >= {
        "partner.created", "invitation.created", "onboarding.started"}


def test_approve_with_an_explicit_cam(world, app):
    other = make_user("cam2@vendor.example", "cam")
    _, partner = application_approve(actor=world.admin, application=app, cam=other)
    assert partner.cam == other


def test_qualified_application_can_be_approved(world, app):
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.QUALIFIED)
    app, _ = application_approve(actor=world.admin, application=app)
    assert app.status == ApplicationStatus.APPROVED


def test_approving_twice_is_a_conflict(world, app):
    application_approve(actor=world.cam, application=app)
    with pytest.raises(Conflict):
        application_approve(actor=world.cam, application=app)
    assert Partner.objects.filter(name="Contoso Cloud Partners").count() == 1


def test_declined_application_cannot_be_approved(world, app):
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.DECLINED)
    with pytest.raises(Conflict):
        application_approve(actor=world.cam, application=app)
    assert not Partner.objects.filter(name="Contoso Cloud Partners").exists()


def test_contact_already_a_user_rolls_everything_back(world):
    # given an application whose contact email already belongs to a user
    app = application_submit(data=application_data(contact_email="sales@bravo.example"))
    emails_before = OutboxEmail.objects.count()
    # when
    with pytest.raises(Conflict) as exc:
        application_approve(actor=world.cam, application=app)
    # then nothing half-written: no partner, no tasks, no email, still open
    assert exc.value.field == "email"
    assert not Partner.objects.filter(name="Contoso Cloud Partners").exists()
    assert not OnboardingTask.objects.exists()
    assert OutboxEmail.objects.count() == emails_before
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.APPLIED


@pytest.mark.parametrize("who", ["pmm", "finance", "a_admin"])
def test_only_recruiters_may_approve(world, app, who):
    with pytest.raises(PermissionDenied):
        application_approve(actor=getattr(world, who), application=app)
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.APPLIED
