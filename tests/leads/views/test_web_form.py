"""The public, embeddable lead form: it routes the lead, can be framed, and keeps spam out."""

import pytest
from django.core import signing
from django.utils import timezone

from allied.core.models import AuditEvent
from allied.leads.forms import FORM_TOKEN_SALT
from allied.leads.models import Lead, LeadSource, LeadStatus

pytestmark = pytest.mark.django_db
URL = "/forms/lead/"


@pytest.fixture(autouse=True)
def no_wait(settings):
    settings.ALLIED_LEAD_FORM_MIN_SECONDS = 0


def _token(seconds_ago: float = 10) -> str:
    signer = signing.TimestampSigner(salt=FORM_TOKEN_SALT)
    ts = signing.b62_encode(int(timezone.now().timestamp() - seconds_ago))
    value = f"lead-form{signer.sep}{ts}"
    return f"{value}{signer.sep}{signer.signature(value)}"


def _post(client, **overrides):
    data = {"company_name": "Globex Corporation", "website": "globex.example", "country": "US", "contact_name": "Hank Scorpio",
            "contact_email": "hank@globex.example", "message": "We need 200 seats", "specialty": "security", "consent": "on",
            "fax_number": "", "token": _token()}
    data.update(overrides)
    return client.post(URL, data, REMOTE_ADDR="203.0.113.7")


def test_the_form_shows_and_can_be_framed_by_other_sites(client):
    r = client.get(URL)
    assert r.status_code == 200
    assert "X-Frame-Options" not in r.headers
    assert r.headers["Content-Security-Policy"] == "frame-ancestors *"
    body = r.content.decode()
    assert 'name="fax_number"' in body and 'name="token"' in body and "Sign in" not in body


def test_frame_ancestors_come_from_a_setting(client, settings):
    settings.ALLIED_LEAD_FORM_FRAME_ANCESTORS = "https://vendor.example"
    assert client.get(URL).headers["Content-Security-Policy"] == "frame-ancestors https://vendor.example"


def test_other_pages_still_refuse_frames(client):
    assert client.get("/login/").headers["X-Frame-Options"] == "DENY"


def test_a_submitted_lead_is_created_and_routed(client, field):
    r = _post(client)
    assert r.status_code == 302 and r.url == "/forms/lead/thanks/"
    lead = Lead.objects.get()
    assert lead.source == LeadSource.WEB_FORM and lead.consent and lead.status == LeadStatus.OFFERED
    assert AuditEvent.objects.get(action="lead.created").ip_address == "203.0.113.7"
    thanks = client.get(r.url)
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    assert "X-Frame-Options" not in thanks.headers


def test_bad_input_is_named_on_its_field(client, field):
    r = _post(client, contact_email="not-an-email", consent="", country="")
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert set(errors) >= {"contact_email", "consent", "country"}
    assert "Please agree to be contacted." in errors["consent"]
    assert not Lead.objects.exists()


def test_the_honeypot_keeps_nothing(client, field):
    r = _post(client, fax_number="+1 555 0100")
    assert r.status_code == 302 and r.url == "/forms/lead/thanks/"
    assert not Lead.objects.exists()


def test_too_fast_is_refused(client, field, settings):
    settings.ALLIED_LEAD_FORM_MIN_SECONDS = 3
    r = _post(client, token=_token(seconds_ago=1))
    assert r.status_code == 400 and "quick" in str(r.context["form"].non_field_errors())
    assert not Lead.objects.exists()
    assert _post(client, token=_token(seconds_ago=5)).status_code == 302


def test_an_old_or_forged_token_is_refused(client, field):
    assert _post(client, token=_token(seconds_ago=2 * 24 * 3600)).status_code == 400
    assert _post(client, token="lead-form:abc:forged").status_code == 400
    assert _post(client, token="").status_code == 400
    assert not Lead.objects.exists()


def test_a_refused_form_gets_a_fresh_token(client, field):
    r = _post(client, token="forged")
    assert r.context["form"].data["token"] != "forged"


def test_rate_limit_per_network(client, field, settings):
    settings.ALLIED_LEAD_FORM_PER_IP_PER_HOUR = 2
    assert _post(client, contact_email="a@one.example", company_name="One").status_code == 302
    assert _post(client, contact_email="b@two.example", company_name="Two").status_code == 302
    r = _post(client, contact_email="c@three.example", company_name="Three")
    assert r.status_code == 429 and "Too many" in r.content.decode()
    assert Lead.objects.count() == 2
    other = client.post(URL, {"company_name": "Four", "country": "US", "contact_name": "D", "contact_email": "d@four.example",
                              "message": "hi", "consent": "on", "token": _token()}, REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 302


def test_the_embed_page_shows_the_snippet(client, world):
    client.force_login(world.cam)
    r = client.get("/console/leads/embed/")
    assert r.status_code == 200
    assert "&lt;iframe src=&quot;http://testserver/forms/lead/&quot;" in r.content.decode()
    client.force_login(world.a_admin)
    assert client.get("/console/leads/embed/").status_code == 404
