"""recruitment/services.py::application_reopen"""

import pytest

from allied.core.errors import Conflict
from allied.recruitment.models import Application, ApplicationStatus
from allied.recruitment.services import application_qualify, application_reopen, application_submit
from tests.factories import application_data


def test_qualified_goes_back_to_applied(world):
    app = application_submit(data=application_data())
    application_qualify(actor=world.cam, application=app)
    application_reopen(actor=world.cam, application=app)
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.APPLIED


@pytest.mark.parametrize("status", [ApplicationStatus.APPLIED, ApplicationStatus.DECLINED, ApplicationStatus.APPROVED])
def test_other_states_cannot_be_reopened(world, status):
    app = application_submit(data=application_data())
    Application.objects.filter(pk=app.pk).update(status=status)
    with pytest.raises(Conflict):
        application_reopen(actor=world.cam, application=app)
