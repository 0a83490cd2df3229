"""/api/v1/applications driven as an applicant (public) and as the vendor's recruiters would."""

import pytest

from allied.onboarding.models import OnboardingTask
from allied.partners.models import Partner
from allied.recruitment.models import Application
from tests.api_helpers import API, assert_constant_queries, error_fields, missing_id, walk
from tests.factories import application_data

URL = f"{API}/applications"


def submit(client, remote_addr="127.0.0.1", **overrides):
    return client.post(URL, application_data(**overrides), content_type="application/json", REMOTE_ADDR=remote_addr)


# --- submit (public) --------------------------------------------------------------------------


def test_one_network_is_rate_limited_with_429(db, client):
    from allied.recruitment.services import APPLICATIONS_PER_IP_PER_HOUR

    for i in range(APPLICATIONS_PER_IP_PER_HOUR):
        assert submit(client, company_name=f"Flood {i}", website=f"https://flood{i}.example").status_code == 201
    resp = submit(client, company_name="Flood X", website="https://floodx.example")
    assert resp.status_code == 429
    assert resp.json()["error"]["code"] == "rate_limited"


def test_anyone_can_apply_without_a_key(db, client):
    resp = submit(client)

    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id"].startswith("app_")
    assert body["status"] == "applied"
    # The applicant learns that it arrived, not how it scored or whom it resembles.
    assert set(body) == {"id", "company_name", "status", "submitted_at"}
    app = Application.objects.get(public_id=body["id"])
    assert app.fit_score > 0


@pytest.mark.parametrize(("overrides", "status", "field"), [
    ({"company_name": ""}, 400, "company_name"),
    ({"contact_email": "nope"}, 400, "contact_email"),
    ({"partner_type": "wizard"}, 400, "partner_type"),
    ({"country": "Deutschland"}, 400, "country"),
    ({"region": "moon"}, 400, "region"),
    ({"customer_segments": ["galaxies"]}, 400, "customer_segments"),
    ({"team_size": "many"}, 422, "team_size"),
])
def test_submit_names_the_bad_field(db, client, overrides, status, field):
    resp = submit(client, **overrides)
    assert resp.status_code == status, resp.content
    assert error_fields(resp) == [field]
    assert not Application.objects.exists()


def test_submit_missing_field_names_it(db, client):
    data = application_data()
    del data["contact_name"]
    resp = client.post(URL, data, content_type="application/json")
    assert resp.status_code == 422
    assert error_fields(resp) == ["contact_name"]


def test_second_open_application_for_same_company_is_409(db, client):
    submit(client)
    resp = submit(client, contact_email="other@contoso-partners.example")
    assert resp.status_code == 409
    assert error_fields(resp) == ["website"]


# --- list / get -------------------------------------------------------------------------------


def test_vendor_lists_applications_with_scores_and_duplicates(world, client, api_client):
    submit(client)
    submit(client, company_name="Bravo Systems GmbH", website="https://bravosystems.example", contact_email="x@bravo.example")

    resp = api_client.as_user(world.pmm).get(URL)

    assert resp.status_code == 200
    items = resp.json()["items"]
    assert [a["company_name"] for a in items] == ["Bravo Systems GmbH", "Contoso Cloud Partners"]  # newest first
    dup = items[0]
    assert dup["duplicate_of"] == world.partner_b.public_id
    assert "Bravo Systems" in dup["duplicate_reason"]
    assert items[1]["duplicate_of"] is None
    assert isinstance(items[1]["fit_score"], int)
    assert {"criterion", "weight", "points", "reason"} <= set(items[1]["fit_explanation"][0])
    assert items[1]["partner"] is None and items[1]["partner_type"] == "reseller"


def test_list_filters_by_status(world, client, api_client):
    submit(client)
    api_client.as_user(world.cam)
    app_id = api_client.get(URL).json()["items"][0]["id"]
    api_client.post(f"{URL}/{app_id}/qualify")

    assert [a["id"] for a in api_client.get(f"{URL}?status=qualified").json()["items"]] == [app_id]
    assert api_client.get(f"{URL}?status=applied").json()["items"] == []


def test_list_pages_and_query_count(world, client, api_client):
    for i in range(14):
        submit(client, remote_addr=f"192.0.2.{i}", company_name=f"Applicant {i}", website=f"https://applicant{i}.example",
               contact_email=f"c{i}@applicant{i}.example", partner_type="msp" if i % 2 else "reseller")
    api_client.as_user(world.admin)
    items = walk(api_client, URL, limit=4)
    assert len(items) == 14
    assert_constant_queries(api_client, URL, small=3, large=100)


@pytest.mark.parametrize("role", ["a_admin", "b_sales", "a1_admin"])
def test_partner_users_see_no_applications(world, client, api_client, role):
    submit(client)
    app = Application.objects.get()
    api_client.as_user(getattr(world, role))

    assert api_client.get(URL).json()["items"] == []
    foreign = api_client.get(f"{URL}/{app.public_id}")
    missing = api_client.get(f"{URL}/{missing_id('app')}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_vendor_gets_one_application(world, client, api_client):
    app_id = submit(client).json()["id"]
    resp = api_client.as_user(world.finance).get(f"{URL}/{app_id}")
    assert resp.status_code == 200
    assert resp.json()["contact_email"] == "dana@contoso-partners.example"


# --- qualify / approve / decline --------------------------------------------------------------


def test_qualify(world, client, api_client):
    app_id = submit(client).json()["id"]
    resp = api_client.as_user(world.cam).post(f"{URL}/{app_id}/qualify")
    assert resp.status_code == 200
    assert resp.json()["status"] == "qualified"


def test_approve_creates_the_partner(world, client, api_client):
    app_id = submit(client).json()["id"]

    resp = api_client.as_user(world.admin).post(f"{URL}/{app_id}/approve", {"cam": world.cam.public_id})

    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["status"] == "approved"
    partner = Partner.objects.get(public_id=body["partner"])
    assert partner.cam == world.cam
    assert OnboardingTask.objects.filter(partner=partner).exists()


def test_approve_without_cam_is_fine(world, client, api_client):
    app_id = submit(client).json()["id"]
    resp = api_client.as_user(world.cam).post(f"{URL}/{app_id}/approve")
    assert resp.status_code == 200
    assert resp.json()["partner"].startswith("ptn_")


@pytest.mark.parametrize("cam", ["usr_0000000000000000", "b_admin"])
def test_approve_with_a_bad_cam_names_the_field(world, client, api_client, cam):
    app_id = submit(client).json()["id"]
    cam_id = getattr(world, cam).public_id if cam == "b_admin" else cam
    resp = api_client.as_user(world.admin).post(f"{URL}/{app_id}/approve", {"cam": cam_id})
    assert resp.status_code == 400
    assert error_fields(resp) == ["cam"]
    assert Application.objects.get(public_id=app_id).status == "applied"
    assert not Partner.objects.filter(name="Contoso Cloud Partners").exists()


def test_approving_twice_is_409(world, client, api_client):
    app_id = submit(client).json()["id"]
    api_client.as_user(world.admin).post(f"{URL}/{app_id}/approve")
    resp = api_client.post(f"{URL}/{app_id}/approve")
    assert resp.status_code == 409
    assert error_fields(resp) == ["status"]


def test_decline_needs_a_reason(world, client, api_client):
    app_id = submit(client).json()["id"]
    api_client.as_user(world.cam)

    missing_reason = api_client.post(f"{URL}/{app_id}/decline", {})
    blank_reason = api_client.post(f"{URL}/{app_id}/decline", {"reason": "  "})
    declined = api_client.post(f"{URL}/{app_id}/decline", {"reason": "Outside our target market."})

    assert missing_reason.status_code == 422 and error_fields(missing_reason) == ["reason"]
    assert blank_reason.status_code == 400 and error_fields(blank_reason) == ["reason"]
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "Outside our target market."


@pytest.mark.parametrize("role", ["pmm", "finance"])
@pytest.mark.parametrize("action", ["qualify", "approve", "decline"])
def test_vendor_without_recruitment_permission_is_403(world, client, api_client, role, action):
    app_id = submit(client).json()["id"]
    resp = api_client.as_user(getattr(world, role)).post(f"{URL}/{app_id}/{action}", {"reason": "no"})
    assert resp.status_code == 403
    assert Application.objects.get(public_id=app_id).status == "applied"


@pytest.mark.parametrize("action", ["qualify", "approve", "decline"])
def test_partner_user_actions_answer_like_missing(world, client, api_client, action):
    app_id = submit(client).json()["id"]
    api_client.as_user(world.a_admin)
    foreign = api_client.post(f"{URL}/{app_id}/{action}", {"reason": "no"})
    missing = api_client.post(f"{URL}/{missing_id('app')}/{action}", {"reason": "no"})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
