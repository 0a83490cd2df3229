"""Portal co-selling pages: opt in, sharing, the CSV upload and its errors, the matrix and its drill-down, populations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allied.mapping.models import MappedAccount, Partnership, PopulationKind, ShareLevel, SharingRule
from tests.mapping.factories import HUBSPOT_HEADER, activate, default_population, overlap_world, share

pytestmark = pytest.mark.django_db


def csv_file(body: str, name: str = "companies.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HUBSPOT_HEADER + body).encode(), content_type="text/csv")


def test_overview_explains_and_opts_in(client, world):
    client.force_login(world.a_admin)
    r = client.get("/portal/cosell/")
    body = r.content.decode()
    assert r.status_code == 200 and "Nothing is shared until you and the vendor both opt in" in body
    assert "Opt in to account mapping" in body
    r = client.post("/portal/cosell/", {"action": "opt_in"}, follow=True)
    assert "Nothing is shared until the vendor opts in too" in r.content.decode()
    assert Partnership.objects.get(partner=world.partner_a).partner_opted_in_at is not None


def test_sales_reps_read_but_do_not_change(client, world):
    client.force_login(world.a_sales)
    body = client.get("/portal/cosell/").content.decode()
    assert "Opt in to account mapping" not in body and "Your partner admin decides" in body
    assert client.post("/portal/cosell/", {"action": "opt_in"}).status_code == 403
    assert Partnership.objects.filter(partner=world.partner_a, partner_opted_in_at__isnull=False).count() == 0


def test_marketers_have_no_cosell_pages(client, world):
    client.force_login(world.a_marketing)
    assert client.get("/portal/cosell/").status_code == 404
    assert "Co-selling" not in client.get("/portal/onboarding/").content.decode()


def test_sharing_form_saves_level_and_fields(client, world):
    client.force_login(world.a_admin)
    pop = default_population(world.partner_a)
    r = client.post("/portal/cosell/", {"action": "sharing", "population": pop.public_id, f"{pop.public_id}-level": "overlaps",
                                        f"{pop.public_id}-fields": ["country", "industry"]}, follow=True)
    assert "Customers: overlapping records shared with the vendor." in r.content.decode()
    rule = SharingRule.objects.get(population=pop)
    assert rule.level == ShareLevel.OVERLAPS and rule.fields == ["country", "industry"]


def test_sharing_form_refuses_an_unknown_level(client, world):
    client.force_login(world.a_admin)
    pop = default_population(world.partner_a)
    r = client.post("/portal/cosell/", {"action": "sharing", "population": pop.public_id, f"{pop.public_id}-level": "everything"})
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()
    assert not SharingRule.objects.exists()


def test_sharing_another_partners_population_is_not_found(client, world):
    client.force_login(world.a_admin)
    pop = default_population(world.partner_b)
    r = client.post("/portal/cosell/", {"action": "sharing", "population": pop.public_id, f"{pop.public_id}-level": "full"})
    assert r.status_code == 404 and not SharingRule.objects.exists()


def test_upload_hubspot_csv_reports_the_counts(client, world):
    client.force_login(world.a_admin)
    body = ('1,Acme Corp,acme.example,United States,Customer,Manufacturing,250,Pat Lee\n'
            '2,Globex,globex.example,Germany,Opportunity,Energy,1200,Sam Roe\n')
    r = client.post("/portal/cosell/accounts/", {"action": "upload", "upload-file": csv_file(body)}, follow=True)
    text = r.content.decode()
    assert "Imported 2 accounts from a HubSpot export: 2 created, 0 updated, 0 unchanged." in text
    assert MappedAccount.objects.filter(partner=world.partner_a).count() == 2
    assert "Acme Corp" in text and "Globex" in text
    r = client.post("/portal/cosell/accounts/", {"action": "upload", "upload-file": csv_file(body)}, follow=True)
    assert "0 created, 0 updated, 2 unchanged" in r.content.decode()


def test_upload_with_bad_rows_names_row_and_column_and_imports_nothing(client, world):
    client.force_login(world.a_admin)
    body = '1,Acme Corp,acme.example,United States,Customer,Manufacturing,250,Pat Lee\n2,,globex.example,Germany,Wizard,Energy,many,Sam\n'
    r = client.post("/portal/cosell/accounts/", {"action": "upload", "upload-file": csv_file(body)})
    text = r.content.decode()
    assert r.status_code == 400 and "Nothing was imported" in text
    assert "row 3" in text and "Lifecycle Stage" in text
    assert not MappedAccount.objects.exists()


def test_upload_without_a_file_is_a_field_error(client, world):
    client.force_login(world.a_admin)
    r = client.post("/portal/cosell/accounts/", {"action": "upload"})
    assert r.status_code == 400 and 'id="id_upload-file_error"' in r.content.decode()


def test_account_list_searches_own_list_only(client, world):
    partner, vendor, theirs = overlap_world(world)
    client.force_login(world.a_sales)
    body = client.get("/portal/cosell/accounts/?q=hooli").content.decode()
    assert "Hooli" in body and "Globex" not in body
    body = client.get("/portal/cosell/accounts/").content.decode()
    assert "Umbrella" not in body  # the vendor's own account, never in the partner's list


def test_custom_population_create_and_filter_error(client, world):
    client.force_login(world.a_admin)
    r = client.post("/portal/cosell/accounts/", {"action": "population_create", "newpop-name": "German customers",
                                                 "newpop-status": ["customer"], "newpop-country": "Germany, Narnia"})
    assert r.status_code == 400 and "Narnia" in r.content.decode()
    r = client.post("/portal/cosell/accounts/", {"action": "population_create", "newpop-name": "German customers",
                                                 "newpop-status": ["customer"], "newpop-country": "DE"}, follow=True)
    assert "Population German customers created." in r.content.decode()
    pop = world.partner_a.mapping_populations.get(name="German customers")
    assert pop.filters == {"status": ["customer"], "country": ["DE"]}


def test_matrix_and_drill_down_show_only_shared_fields(client, world):
    partner, vendor, theirs = overlap_world(world)
    vendor_customers = default_population(None)
    share(world, partner, vendor_customers, ShareLevel.OVERLAPS, fields=("country",))
    client.force_login(world.a_admin)
    body = client.get("/portal/cosell/").content.decode()
    assert 'data-testid="overlap-matrix"' in body
    mine = default_population(partner, PopulationKind.OPPORTUNITIES)
    r = client.get(f"/portal/cosell/populations/{mine.public_id}/overlap/{vendor_customers.public_id}/")
    text = r.content.decode()
    assert r.status_code == 200 and "Acme Inc" in text and "ACME Corp." in text
    assert "acme.example" in text  # our own record's domain
    share(world, partner, vendor_customers, ShareLevel.COUNTS)
    text = client.get(f"/portal/cosell/populations/{mine.public_id}/overlap/{vendor_customers.public_id}/").content.decode()
    assert "Acme Inc" not in text and "counts only" in text


def test_drill_down_of_an_unshared_population_says_so(client, world):
    partner, vendor, theirs = overlap_world(world)
    client.force_login(world.a_admin)
    vendor_customers = default_population(None)
    mine = default_population(partner, PopulationKind.OPPORTUNITIES)
    r = client.get(f"/portal/cosell/populations/{mine.public_id}/overlap/{vendor_customers.public_id}/")
    assert r.status_code == 200 and 'data-testid="drill-none"' in r.content.decode() and "Acme Inc" not in r.content.decode()


def test_export_has_only_shared_fields_and_escapes_formulas(client, world):
    partner, vendor, theirs = overlap_world(world)
    vendor_customers = default_population(None)
    share(world, partner, vendor_customers, ShareLevel.OVERLAPS, fields=("status",))
    client.force_login(world.a_admin)
    mine = default_population(partner, PopulationKind.OPPORTUNITIES)
    r = client.get(f"/portal/cosell/populations/{mine.public_id}/overlap/{vendor_customers.public_id}/export/")
    text = r.content.decode()
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "Acme Inc" in text and "Vendor status" in text and "Vendor country" not in text


def test_run_progress_partial_reloads_when_done(client, world):
    overlap_world(world)
    client.force_login(world.a_admin)
    r = client.get("/portal/cosell/progress/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and r["HX-Refresh"] == "true" and "Mapped" in r.content.decode()


def test_private_page_explains_and_shows_the_command(client, world):
    client.force_login(world.a_sales)
    body = client.get("/portal/cosell/private/").content.decode()
    assert "private set intersection" in body and "allied mapping private" in body


def test_discover_and_introduce(client, world):
    activate(world, world.partner_b)
    world.partner_b.specialties = ["security"]
    world.partner_b.save()
    client.force_login(world.a_admin)
    body = client.get("/portal/cosell/discover/?specialty=security").content.decode()
    assert "Bravo Systems" in body and "specialises in security" in body
    r = client.post("/portal/cosell/discover/", {"intro-to_partner": world.partner_b.public_id, "intro-account_name": "Acme",
                                                 "intro-message": "Joint bid?"}, follow=True)
    text = r.content.decode()
    assert "Introduction sent to Bravo Systems" in text
    assert "Joint bid?" in text


def test_own_population_page_lists_its_accounts(client, world):
    partner, vendor, theirs = overlap_world(world)
    client.force_login(world.a_sales)
    pop = default_population(partner, PopulationKind.CUSTOMERS)
    text = client.get(f"/portal/cosell/populations/{pop.public_id}/").content.decode()
    assert "Globex" in text and "Initech LLC" in text and "Hooli" not in text
