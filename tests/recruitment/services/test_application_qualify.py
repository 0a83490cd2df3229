"""recruitment/services.py::application_qualify"""

import pytest

from allied.core.errors import Conflict, PermissionDenied
from allied.core.models import AuditEvent
from allied.recruitment.models import Application, ApplicationStatus
from allied.recruitment.services import application_qualify, application_submit
from tests.factories import application_data


@pytest.fixture
def app(world) -> Application:
    return application_submit(data=application_data())


def test_applied_becomes_qualified(world, app):
    application_qualify(actor=world.cam, application=app)
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.QUALIFIED
    event = AuditEvent.objects.get(action="application.qualified")
    assert event.before == {"status": "applied"} and event.after == {"status": "qualified"}
    assert event.actor == world.cam


@pytest.mark.parametrize("status", [ApplicationStatus.QUALIFIED, ApplicationStatus.APPROVED, ApplicationStatus.DECLINED])
def test_only_applied_can_be_qualified(world, app, status):
    Application.objects.filter(pk=app.pk).update(status=status)
    with pytest.raises(Conflict) as exc:
        application_qualify(actor=world.cam, application=app)
    assert exc.value.field == "status"
    assert Application.objects.get(pk=app.pk).status == status
    assert not AuditEvent.objects.filter(action="application.qualified").exists()


@pytest.mark.parametrize("who", ["pmm", "b_admin"])
def test_only_recruiters(world, app, who):
    with pytest.raises(PermissionDenied):
        application_qualify(actor=getattr(world, who), application=app)
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.APPLIED
