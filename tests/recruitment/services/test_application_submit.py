"""recruitment/services.py::application_submit"""

import pytest

from allied.core.errors import Conflict, DomainError
from allied.core.models import AuditEvent, OutboxEmail
from allied.recruitment.models import Application, ApplicationStatus
from allied.recruitment.services import application_submit
from tests.factories import application_data


def test_valid_application_is_scored_explained_and_acknowledged(db):
    # when
    app = application_submit(data=application_data(), ip_address="203.0.113.5")
    # then it is stored, normalised and scored
    app = Application.objects.get(pk=app.pk)
    assert app.status == ApplicationStatus.APPLIED
    assert app.domain == "contoso-partners.example"
    assert app.partner_type.code == "reseller"
    assert 0 <= app.fit_score <= 100
    assert [r["criterion"] for r in app.fit_explanation] == [
        "Partner type", "Region", "Specialties", "Industries", "Customer segments", "Team size"]
    assert all(r["reason"] for r in app.fit_explanation)
    assert app.duplicate_of is None
    # and the applicant gets a receipt, the submission is audited
    [email] = OutboxEmail.objects.filter(to="dana@contoso-partners.example")
    assert "Contoso Cloud Partners" in email.body
    event = AuditEvent.objects.get(action="application.submitted")
    assert event.ip_address == "203.0.113.5" and event.after["fit_score"] == app.fit_score


@pytest.mark.parametrize(("overrides", "field"), [
    ({"company_name": ""}, "company_name"),
    ({"company_name": "   "}, "company_name"),
    ({"company_name": "C" * 201}, "company_name"),
    ({"website": "https://contoso.example/" + "p" * 200}, "website"),
    ({"website": ""}, "website"),
    ({"website": "nodots"}, "website"),
    ({"partner_type": "spaceship"}, "partner_type"),
    ({"contact_email": "dana-at-contoso"}, "contact_email"),
    ({"contact_name": ""}, "contact_name"),
    ({"team_size": ""}, "team_size"),
    ({"team_size": "many"}, "team_size"),
    ({"country": "Germany"}, "country"),
    ({"region": "moon"}, "region"),
    ({"customer_segments": ["galactic"]}, "customer_segments"),
])
def test_bad_input_names_the_field_and_saves_nothing(db, overrides, field):
    with pytest.raises(DomainError) as exc:
        application_submit(data=application_data(**overrides))
    assert exc.value.field == field
    assert Application.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_missing_company_name_key(db):
    data = application_data()
    del data["company_name"]
    with pytest.raises(DomainError) as exc:
        application_submit(data=data)
    assert exc.value.field == "company_name"


def test_domain_of_existing_partner_is_flagged_duplicate(world):
    app = application_submit(data=application_data(company_name="Bravo Systemz", website="https://www.bravosystems.example/x"))
    assert app.duplicate_of == world.partner_b
    assert "Bravo Systems" in app.duplicate_reason and "domain" in app.duplicate_reason


def test_same_company_name_is_flagged_duplicate(world):
    app = application_submit(data=application_data(company_name="Bravo Systems, Inc.", website="https://bravo-new.example"))
    assert app.duplicate_of == world.partner_b
    assert "name" in app.duplicate_reason


def test_second_open_application_for_same_domain_is_a_conflict(db):
    application_submit(data=application_data())
    with pytest.raises(Conflict) as exc:
        application_submit(data=application_data(company_name="Contoso Again", website="contoso-partners.example",
                                                  contact_email="other@contoso-partners.example"))
    assert exc.value.field == "website"
    assert Application.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


def test_new_application_allowed_after_the_first_was_declined(db):
    first = application_submit(data=application_data())
    Application.objects.filter(pk=first.pk).update(status=ApplicationStatus.DECLINED)
    application_submit(data=application_data())
    assert Application.objects.count() == 2
