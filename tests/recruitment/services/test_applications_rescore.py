"""recruitment/services.py::applications_rescore"""

import pytest

from allied.core.errors import PermissionDenied
from allied.recruitment.models import Application, ApplicationStatus
from allied.recruitment.services import application_submit, applications_rescore, ideal_profile_update
from tests.factories import application_data


def test_open_applications_follow_the_new_profile_closed_ones_keep_their_score(world):
    # given a reseller application that fits the default (open) profile, and a declined one
    open_app = application_submit(data=application_data())
    closed = application_submit(data=application_data(company_name="Old Co", website="https://old.example",
                                                      contact_email="x@old.example"))
    Application.objects.filter(pk=closed.pk).update(status=ApplicationStatus.DECLINED)
    before_open, before_closed = (Application.objects.get(pk=a.pk).fit_score for a in (open_app, closed))
    # when the program now only wants MSPs, and everything is re-scored
    ideal_profile_update(actor=world.admin, data={"target_partner_types": ["msp"]})
    count = applications_rescore(actor=world.admin)
    # then
    assert count == 1
    open_app = Application.objects.get(pk=open_app.pk)
    assert open_app.fit_score < before_open
    assert open_app.fit_explanation[0] == {"criterion": "Partner type", "weight": 20, "points": 0,
                                           "reason": "reseller is not a target type"}
    assert Application.objects.get(pk=closed.pk).fit_score == before_closed


def test_only_program_admin(world):
    with pytest.raises(PermissionDenied):
        applications_rescore(actor=world.cam)
