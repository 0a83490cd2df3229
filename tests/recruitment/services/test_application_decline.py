"""recruitment/services.py::application_decline"""

import pytest

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent, OutboxEmail
from allied.recruitment.models import Application, ApplicationStatus
from allied.recruitment.services import application_approve, application_decline, application_submit
from tests.factories import application_data


@pytest.fixture
def app(world) -> Application:
    app = application_submit(data=application_data())
    OutboxEmail.objects.all().delete()  # forget the receipt
    return app


@pytest.mark.parametrize("reason", ["", "  "])
def test_reason_is_required(world, app, reason):
    with pytest.raises(DomainError) as exc:
        application_decline(actor=world.cam, application=app, reason=reason)
    assert exc.value.field == "reason"
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.APPLIED
    assert OutboxEmail.objects.count() == 0


def test_decline_records_reason_and_tells_the_applicant(world, app):
    application_decline(actor=world.cam, application=app, reason=" Outside our target regions. ")
    app = Application.objects.get(pk=app.pk)
    assert app.status == ApplicationStatus.DECLINED
    assert app.decline_reason == "Outside our target regions."
    assert app.decided_by == world.cam and app.decided_at is not None
    [email] = OutboxEmail.objects.filter(to="dana@contoso-partners.example")
    assert "Outside our target regions." in email.body
    event = AuditEvent.objects.get(action="application.declined")
    assert event.after["decline_reason"] == "Outside our target regions."


def test_decline_without_notifying(world, app):
    application_decline(actor=world.cam, application=app, reason="Spam", notify=False)
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.DECLINED
    assert OutboxEmail.objects.count() == 0


def test_approved_application_cannot_be_declined(world, app):
    application_approve(actor=world.cam, application=app)
    with pytest.raises(Conflict) as exc:
        application_decline(actor=world.cam, application=app, reason="changed my mind")
    assert exc.value.field == "status"
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.APPROVED


def test_partner_user_cannot_decline(world, app):
    with pytest.raises(PermissionDenied):
        application_decline(actor=world.b_admin, application=app, reason="competitor")
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.APPLIED
