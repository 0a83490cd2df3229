"""The account-mapping API driven as its users would: a HubSpot upload, opt-in, sharing, the matrix and drill-down,
and the promise that "counts only" lets no record out through any operation."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allied.mapping.models import AccountMatch, MappingRun, PopulationKind, RunStatus, ShareLevel
from tests.api_helpers import API, error_fields
from tests.mapping.factories import HUBSPOT_HEADER, account, default_population, overlap_world, share

M = f"{API}/mapping"


@pytest.fixture
def multipart(client):
    """An API client for multipart posts (the shared one sends JSON)."""
    from allied.accounts.services import apikey_create

    class Multipart:
        def as_user(self, user):
            _, secret = apikey_create(actor=None, user=user)
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
            return self

        def post(self, url, data):
            return client.post(url, data=data, **self.headers)

    return Multipart()


def test_partner_uploads_hubspot_csv_and_sees_only_shared_fields(world, api_client, multipart, django_capture_on_commit_callbacks):
    partner = world.partner_a
    account(None, "Acme Inc", "acme.example", status="customer", industry="Manufacturing", owner_name="Vera Vendor")
    account(None, "Globex Corporation", "globex.example", status="opportunity")
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.as_user(world.cam).post(f"{M}/partnerships/{partner.public_id}/opt-in").status_code == 200
        resp = api_client.as_user(world.a_admin).post(f"{M}/partnerships/{partner.public_id}/opt-in")
    assert resp.status_code == 200 and resp.json()["active"] is True
    csv_text = HUBSPOT_HEADER + ("101,ACME Corp.,acme.example,United States,opportunity,Machinery,250,Pat Partner\n"
                                 "102,Globex,globex.example,US,customer,Energy,5000,Pat Partner\n"
                                 "103,Hooli,hooli.example,US,lead,Software,40,Pat Partner\n")
    with django_capture_on_commit_callbacks(execute=True):
        resp = multipart.as_user(world.a_admin).post(f"{M}/accounts/import", {
            "file": SimpleUploadedFile("hubspot-companies.csv", csv_text.encode(), content_type="text/csv")})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["format"], body["created"], body["rows"]) == ("hubspot", 3, 3)
    assert body["run"].startswith("mrun_")
    # the immediate task backend ran the queued run on commit
    assert MappingRun.objects.get(public_id=body["run"]).status == RunStatus.DONE
    assert AccountMatch.objects.filter(partner=partner).count() == 2

    # the vendor shares its customers as overlaps with the industry only
    v_cust = default_population(None, PopulationKind.CUSTOMERS)
    from django.test import Client

    resp = Client().put(f"{M}/partnerships/{partner.public_id}/sharing", data={"population": v_cust.public_id, "level": "overlaps",
                                                                               "fields": ["industry"]},
                        content_type="application/json", **api_client.as_user(world.cam).headers)
    assert resp.status_code == 200, resp.content
    admin = api_client.as_user(world.a_admin)
    matrix = admin.get(f"{M}/partnerships/{partner.public_id}/overlaps").json()
    p_opp = default_population(partner, PopulationKind.OPPORTUNITIES)
    cell = next(c for c in matrix["cells"] if c["vendor_population"] == v_cust.public_id and c["partner_population"] == p_opp.public_id)
    assert cell["count"] == 1
    records = admin.get(f"{M}/partnerships/{partner.public_id}/overlaps/records?vendor_population={v_cust.public_id}"
                        f"&partner_population={p_opp.public_id}").json()
    (row,) = records["items"]
    assert row["own"]["name"] == "ACME Corp." and row["own"]["employees"] == 250
    assert row["other"] == {"name": "Acme Inc", "industry": "Manufacturing"}  # no owner, no status, no id


def test_a_bad_file_imports_nothing_and_names_every_row_and_column(world, multipart):
    text = HUBSPOT_HEADER + "1,Good Co,good.example,US,customer,,10,\n2,,bad.example,Atlantis,customer,,ten,\n"
    resp = multipart.as_user(world.a_admin).post(f"{M}/accounts/import", {
        "file": SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")})
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "import_rejected"
    assert 'row 3, column "Company name"' in error["message"]
    assert 'row 3, column "Country/Region"' in error["message"]
    assert 'row 3, column "Number of Employees"' in error["message"]
    assert error["problem_count"] == 3
    assert {(p["row"], p["column"]) for p in error["problems"]} == {(3, "Company name"), (3, "Country/Region"),
                                                                    (3, "Number of Employees")}
    assert world.partner_a.mapped_accounts.count() == 0


def test_a_plain_csv_can_be_named_as_csv(world, multipart):
    text = "name,website,country,status\nGood Co,good.example,US,customer\n"
    resp = multipart.as_user(world.a_admin).post(f"{M}/accounts/import", {
        "file": SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv"), "format": "csv"})
    assert resp.status_code == 200, resp.content
    assert (resp.json()["format"], resp.json()["created"]) == ("csv", 1)
    resp = multipart.as_user(world.a_admin).post(f"{M}/accounts/import", {
        "file": SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv"), "format": "excel"})
    assert resp.status_code == 400 and "auto, hubspot, salesforce, csv" in resp.json()["error"]["message"]


def test_own_list_crud_and_errors_name_the_field(world, api_client):
    client = api_client.as_user(world.b_admin)
    resp = client.post(f"{M}/accounts", {"name": "Wayne Enterprises", "website": "wayne.example", "country": "Narnia"})
    assert resp.status_code == 400 and error_fields(resp) == ["country"]
    resp = client.post(f"{M}/accounts", {"name": "Wayne Enterprises", "website": "wayne.example", "country": "US", "status": "customer"})
    assert resp.status_code == 201
    acct = resp.json()
    assert acct["domain"] == "wayne.example" and acct["status"] == "customer"
    resp = client.patch(f"{M}/accounts/{acct['id']}", {"industry": "Defence"})
    assert resp.status_code == 200 and resp.json()["industry"] == "Defence"
    assert [a["name"] for a in client.get(f"{M}/accounts").json()["items"]] == ["Wayne Enterprises"]
    # the vendor never reads the partner's list through the account operations
    vendor = api_client.as_user(world.admin)
    assert vendor.get(f"{M}/accounts").json()["items"] == []
    assert vendor.patch(f"{M}/accounts/{acct['id']}", {"industry": "x"}).status_code == 404
    assert api_client.as_user(world.b_admin).delete(f"{M}/accounts/{acct['id']}").status_code == 204


def test_population_filters_are_validated_by_field(world, api_client):
    client = api_client.as_user(world.cam)
    resp = client.post(f"{M}/populations", {"name": "Big DACH", "filters": {"country": ["DE", "Atlantis"]}})
    assert resp.status_code == 400 and error_fields(resp) == ["filters.country"]
    resp = client.post(f"{M}/populations", {"name": "Big DACH", "filters": {"country": ["DE", "Austria"], "min_employees": 500}})
    assert resp.status_code == 201 and resp.json()["filters"] == {"country": ["DE", "AT"], "min_employees": 500}
    names = [p["name"] for p in client.get(f"{M}/populations").json()["items"]]
    assert names == ["Customers", "Open opportunities", "Prospects", "Big DACH"]


# --- "counts only": no record through any operation -------------------------------------------------------


def _everything_a_partner_can_ask(world, api_client, partner):
    """Every read operation a partner user has, with every population pair and every vendor population."""
    from allied.mapping.models import Population

    client = api_client.as_user(world.a_admin)
    texts = []
    pid = partner.public_id
    vendor_pops = list(Population.objects.filter(partner__isnull=True))
    partner_pops = list(Population.objects.filter(partner=partner))
    for url in (f"{M}/partnerships/{pid}", f"{M}/partnerships/{pid}/overlaps", f"{M}/partnerships/{pid}/overlaps/export",
                f"{M}/cosell-opportunities", f"{M}/cosell-opportunities?partner={pid}", f"{M}/accounts", f"{M}/populations",
                f"{M}/partnerships", f"{M}/discovery?account=Umbrella%20Corp", f"{M}/discovery?account=Acme%20Inc",
                f"{M}/introductions"):
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.content)
        texts.append(resp.content.decode())
    for v in vendor_pops:
        resp = client.get(f"{M}/partnerships/{pid}/populations/{v.public_id}/records")
        assert resp.status_code == 403, resp.content
        texts.append(resp.content.decode())
        for p in partner_pops:
            resp = client.get(f"{M}/partnerships/{pid}/overlaps/records?vendor_population={v.public_id}&partner_population={p.public_id}")
            assert resp.status_code == 200
            assert resp.json()["items"] == []
            texts.append(resp.content.decode())
    return "\n".join(texts)


def test_counts_only_lets_no_vendor_record_out_through_any_operation(world, api_client):
    partner, vendor, _ = overlap_world(world)
    for kind in (PopulationKind.CUSTOMERS, PopulationKind.OPPORTUNITIES, PopulationKind.PROSPECTS):
        share(world, partner, default_population(None, kind), ShareLevel.COUNTS, fields=["country", "status", "industry"])
        share(world, partner, default_population(partner, kind), ShareLevel.FULL, fields=["country", "status"])
    everything = _everything_a_partner_can_ask(world, api_client, partner)
    assert "Vera Vendor" not in everything
    for acct in vendor.values():
        assert f'"{acct.name}"' not in everything, acct.name
        assert acct.public_id not in everything
    # ...while the counts are there
    matrix = api_client.as_user(world.a_admin).get(f"{M}/partnerships/{partner.public_id}/overlaps").json()
    assert sum(c["count"] or 0 for c in matrix["cells"]) == 3


def test_counts_only_lets_no_partner_record_out_to_the_vendor(world, api_client):
    partner, _, theirs = overlap_world(world)
    for kind in (PopulationKind.CUSTOMERS, PopulationKind.OPPORTUNITIES, PopulationKind.PROSPECTS):
        share(world, partner, default_population(partner, kind), ShareLevel.COUNTS, fields=["industry"])
        share(world, partner, default_population(None, kind), ShareLevel.FULL)
    client = api_client.as_user(world.cam)
    pid = partner.public_id
    texts = [client.get(url).content.decode() for url in (
        f"{M}/partnerships/{pid}", f"{M}/partnerships/{pid}/overlaps", f"{M}/partnerships/{pid}/overlaps/export",
        f"{M}/cosell-opportunities", f"{M}/accounts", f"{M}/discovery?account=Hooli", f"{M}/partnerships")]
    from allied.mapping.models import Population

    for p in Population.objects.filter(partner=partner):
        resp = client.get(f"{M}/partnerships/{pid}/populations/{p.public_id}/records")
        assert resp.status_code == 403
        for v in Population.objects.filter(partner__isnull=True):
            resp = client.get(f"{M}/partnerships/{pid}/overlaps/records?vendor_population={v.public_id}&partner_population={p.public_id}")
            assert resp.json()["items"] == []
            texts.append(resp.content.decode())
    everything = "\n".join(texts)
    assert "Pat Partner" not in everything
    for acct in theirs.values():
        assert f'"{acct.name}"' not in everything, acct.name
        assert acct.public_id not in everything
    # and no co-sell opportunity can be acted on: none is visible
    from allied.mapping.models import AccountMatch

    for match in AccountMatch.objects.filter(partner=partner):
        resp = client.post(f"{M}/cosell-opportunities/{match.public_id}/lead", {"contact_name": "X", "contact_email": "x@x.example"})
        assert resp.status_code == 404


def test_export_is_csv_with_formulas_escaped(world, api_client):
    partner, vendor, _ = overlap_world(world)
    from allied.mapping.services import account_update

    account_update(actor=None, account=vendor["globex"], data={"industry": "=HYPERLINK(\"http://evil\")"})
    share(world, partner, default_population(partner, PopulationKind.CUSTOMERS), ShareLevel.OVERLAPS, fields=["industry"])
    resp = api_client.as_user(world.cam).get(f"{M}/partnerships/{partner.public_id}/overlaps/export")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.content.decode())))
    assert {r["name"] for r in rows} == {"Globex Corporation", "Initech"}
    globex = next(r for r in rows if r["name"] == "Globex Corporation")
    assert globex["industry"].startswith("'=")
    assert globex["partner_name"] == "Globex" and globex["partner_industry"] == "Energy"
    assert "partner_owner_name" not in globex
