"""customers/views.py: the console pages driven with the Django test client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allied.customers.models import CustomerAccount, DirectOpportunity

from ..factories import account_make, fixture_bytes, opportunity_make

LIST = "/console/accounts/"


@pytest.fixture
def acme(world):
    account = account_make("Acme Corporation", external_id="001A", is_customer=True, is_named_direct=True, owner=world.cam,
                           segment="enterprise")
    opportunity_make(account, "Acme renewal", stage="Proposal")
    opportunity_make(account, "Acme expansion", status="won")
    return account


def test_list_shows_badges_owner_and_open_opportunities(world, client, acme):
    client.force_login(world.finance)
    resp = client.get(LIST)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Acme Corporation" in html and "acme.example" in html and "Enterprise" in html
    assert "Customer</span>" in html and "Named direct</span>" in html and world.cam.display_name in html
    row = html[html.index("Acme Corporation"):]
    assert "<td>1</td>" in row[: row.index("</tr>")]
    assert "Import CSV" not in html  # finance reads only


def test_list_filters_and_htmx_partial(world, client, acme):
    account_make("Globex GmbH", website="https://globex.example", country="DE")
    client.force_login(world.cam)
    html = client.get(LIST, {"country": "de"}).content.decode()
    assert "Globex GmbH" in html and "Acme Corporation" not in html
    html = client.get(LIST, {"is_customer": "yes"}).content.decode()
    assert "Acme Corporation" in html and "Globex GmbH" not in html
    partial = client.get(LIST, {"q": "globex"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Globex GmbH" in partial and "1 account" in partial


def test_list_queries_do_not_grow_with_rows(world, client, acme):
    client.force_login(world.admin)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(40):
        opportunity_make(account_make(f"Z {i:02d}", website=f"https://z{i}.example", owner=world.admin), "Open")
    with CaptureQueriesContext(connection) as many:
        client.get(LIST, {"size": 50})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_partner_users_get_404_on_every_page(world, client, acme):
    for user in world.partner_users:
        client.force_login(user)
        for url in (LIST, f"{LIST}new/", f"{LIST}import/", f"{LIST}{acme.public_id}/"):
            assert client.get(url).status_code == 404, (user, url)


def test_create(world, client):
    client.force_login(world.cam)
    resp = client.post(f"{LIST}new/", {"name": "Contoso Ltd", "website": "contoso.example", "country": "United Kingdom",
                                       "segment": "smb", "owner": world.cam.public_id, "is_customer": "on"})
    account = CustomerAccount.objects.get()
    assert resp.status_code == 302 and resp.url == f"{LIST}{account.public_id}/"
    assert (account.country, account.domain, account.owner, account.is_customer, account.source) == (
        "GB", "contoso.example", world.cam, True, "console")


def test_create_shows_the_error_on_the_field(world, client):
    client.force_login(world.admin)
    resp = client.post(f"{LIST}new/", {"name": "Contoso", "country": "Atlantis"})
    assert resp.status_code == 400
    assert "is not a country" in resp.content.decode()
    assert not CustomerAccount.objects.exists()


def test_pmm_cannot_open_create_or_import(world, client):
    client.force_login(world.pmm)
    assert client.get(f"{LIST}new/").status_code == 404
    assert client.get(f"{LIST}import/").status_code == 404


def test_detail_edit_add_and_delete_opportunity(world, client, acme):
    client.force_login(world.admin)
    url = f"{LIST}{acme.public_id}/"
    html = client.get(url).content.decode()
    assert "Acme renewal" in html and "Closed won" in html and "Save account" in html

    resp = client.post(url, {"action": "update", "account-name": "Acme Corp", "account-country": "FR",
                             "account-segment": "smb", "account-website": "https://acme.example"})
    assert resp.status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.country, acme.segment, acme.is_customer) == ("Acme Corp", "FR", "smb", False)

    resp = client.post(url, {"action": "add_opportunity", "opp-name": "Acme services", "opp-amount": "$9,500.00",
                             "opp-currency": "USD", "opp-stage": "Closed Won"})
    assert resp.status_code == 302
    added = DirectOpportunity.objects.get(name="Acme services")
    assert (str(added.amount), added.status) == ("9500.00", "won")

    resp = client.post(url, {"action": "delete_opportunity", "opportunity": added.public_id})
    assert resp.status_code == 302 and not DirectOpportunity.objects.filter(pk=added.pk).exists()


def test_detail_shows_form_errors(world, client, acme):
    client.force_login(world.cam)
    resp = client.post(f"{LIST}{acme.public_id}/", {"action": "add_opportunity", "opp-name": "X", "opp-amount": "12abc",
                                                    "opp-currency": "USD"})
    assert resp.status_code == 400
    assert "is not an amount" in resp.content.decode()


def test_finance_sees_the_detail_but_cannot_change_it(world, client, acme):
    client.force_login(world.finance)
    url = f"{LIST}{acme.public_id}/"
    html = client.get(url).content.decode()
    assert "Acme renewal" in html and "Save account" not in html and "Delete account" not in html
    resp = client.post(url, {"action": "delete"})
    assert resp.status_code == 403
    assert CustomerAccount.objects.filter(pk=acme.pk).exists()


def test_delete_account(world, client, acme):
    client.force_login(world.cam)
    resp = client.post(f"{LIST}{acme.public_id}/", {"action": "delete"})
    assert resp.status_code == 302 and resp.url == LIST
    assert not CustomerAccount.objects.exists()


def _import(client, name, kind="accounts", **extra):
    upload = SimpleUploadedFile(name, fixture_bytes(name), content_type="text/csv")
    return client.post(f"{LIST}import/", {"kind": kind, "file": upload, "format": "auto", "date_order": "auto", **extra})


def test_import_accounts_then_opportunities(world, client):
    client.force_login(world.admin)
    resp = _import(client, "salesforce_accounts.csv")
    assert resp.status_code == 302 and resp.url == LIST
    html = client.get(LIST).content.decode()
    assert "Imported 4 accounts from a Salesforce export: 4 created, 0 updated, 0 unchanged." in html
    assert "Umbrella Partners, Ltd." in html
    resp = _import(client, "salesforce_opportunities.csv", kind="opportunities")
    assert resp.status_code == 302
    assert DirectOpportunity.objects.count() == 4


def test_import_a_bad_file_lists_every_problem_and_keeps_nothing(world, client):
    client.force_login(world.cam)
    resp = _import(client, "bad_duplicate_id.csv")
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "Nothing was imported" in html
    assert "row 4, column &quot;Record ID&quot;: &quot;100&quot; appears again (first on row 2)" in html
    assert not CustomerAccount.objects.exists()


def test_import_needs_a_file(world, client):
    client.force_login(world.cam)
    resp = client.post(f"{LIST}import/", {"kind": "accounts", "format": "auto", "date_order": "auto"})
    assert resp.status_code == 400 and "This field is required" in resp.content.decode()
