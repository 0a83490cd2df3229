"""customers/services.py::accounts_import (Salesforce, HubSpot and Allied CSV)."""

from datetime import date

import pytest

from allied.core.errors import DomainError, NotFound, PermissionDenied
from allied.core.models import AuditEvent
from allied.customers.models import AccountKey, CustomerAccount
from allied.customers.services import ImportRejected, ImportResult, accounts_import

from ..factories import account_make, csv_upload, fixture_bytes


def by_ext(ext: str) -> CustomerAccount:
    return CustomerAccount.objects.get(external_id=ext)


def test_salesforce_accounts_export(world):
    # when
    result = accounts_import(actor=world.admin, file=csv_upload("salesforce_accounts.csv"))
    # then
    assert result == ImportResult(kind="accounts", format="salesforce", rows=4, created=4, updated=0, unchanged=0)
    acme = by_ext("0015g00000A1bCdAAJ")
    assert (acme.name, acme.domain, acme.country, acme.segment) == ("Acme Corporation", "acme-corp.example", "US", "enterprise")
    assert acme.website == "https://www.acme-corp.example"
    assert acme.is_customer and acme.is_named_direct and acme.customer_since == date(2024, 1, 31)
    assert (acme.owner, acme.owner_name, acme.source) == (None, "Jane Direct", "salesforce")
    globex = by_ext("0015g00000A1bCeAAJ")
    assert (globex.country, globex.segment, globex.is_customer, globex.is_named_direct) == ("DE", "mid_market", True, False)
    assert globex.owner == world.cam  # "Cam" is a vendor user's full name
    assert globex.customer_since == date(2023, 11, 15)
    initech, umbrella = by_ext("0015g00000A1bCfAAJ"), by_ext("0015g00000A1bCgAAJ")
    assert not initech.is_customer and initech.customer_since is None
    assert (umbrella.name, umbrella.country, umbrella.is_customer) == ("Umbrella Partners, Ltd.", "GB", False)
    assert AccountKey.objects.filter(account=acme, key="d:acme-corp.example").exists()
    assert AccountKey.objects.values("account").distinct().count() == 4
    event = AuditEvent.objects.get(action="accounts.imported")
    assert event.actor == world.admin and event.after["created"] == 4 and event.after["file"] == "salesforce_accounts.csv"


def test_hubspot_companies_export(world):
    result = accounts_import(actor=world.cam, file=csv_upload("hubspot_companies.csv"))
    assert (result.format, result.created) == ("hubspot", 4)
    contoso = by_ext("9876543210")
    assert (contoso.name, contoso.domain, contoso.country, contoso.is_customer) == ("Contoso Ltd", "contoso.example", "GB", True)
    assert contoso.website == "https://www.contoso.example" and contoso.industry == "COMPUTER_SOFTWARE"
    fabrikam = by_ext("9876543211")
    assert (fabrikam.domain, fabrikam.website, fabrikam.country, fabrikam.is_customer) == ("fabrikam.example", "", "DE", False)
    assert by_ext("9876543212").is_customer  # lifecycle stage "customer", internal value
    assert by_ext("9876543212").owner == world.cam
    assert by_ext("9876543213").name == "Société Générale Démo SA"
    assert all(a.source == "hubspot" for a in CustomerAccount.objects.all())


def test_allied_csv_with_semicolons_and_day_first_dates(world):
    result = accounts_import(actor=world.admin, file=csv_upload("allied_accounts.csv"))
    assert (result.format, result.created) == ("allied", 2)
    tailspin = by_ext("ACC-1")
    assert (tailspin.segment, tailspin.customer_since, tailspin.owner) == ("smb", date(2023, 2, 1), world.admin)
    assert tailspin.is_customer and not tailspin.is_named_direct and tailspin.source == "csv"
    assert by_ext("ACC-2").is_named_direct and by_ext("ACC-2").segment == "mid_market"


def test_allied_csv_names_the_incumbent_partner(world):
    csv = f"external_id,name,incumbent_partner\nA1,Alpha,{world.partner_b.public_id}\nA2,Beta,Alpha Distribution\nA3,Gamma,\n"
    accounts_import(actor=world.admin, file=csv_upload("p.csv", csv))
    assert by_ext("A1").incumbent_partner == world.partner_b
    assert by_ext("A2").incumbent_partner == world.partner_a
    assert by_ext("A3").incumbent_partner is None


def test_importing_the_same_file_again_changes_nothing(world):
    accounts_import(actor=world.admin, file=csv_upload("salesforce_accounts.csv"))
    before = list(CustomerAccount.objects.order_by("pk").values())
    keys = list(AccountKey.objects.order_by("pk").values_list("pk", "key"))

    result = accounts_import(actor=world.admin, file=csv_upload("salesforce_accounts.csv"))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert list(CustomerAccount.objects.order_by("pk").values()) == before
    assert list(AccountKey.objects.order_by("pk").values_list("pk", "key")) == keys


def test_a_changed_row_updates_its_account_and_only_the_columns_the_file_has(world):
    # given an account edited in the console (segment set by hand) and then imported from a file without segments
    account = account_make("Old Name", website="https://old.example", external_id="9876543210", segment="public")
    # when
    result = accounts_import(actor=world.admin, file=csv_upload("hubspot_companies.csv"))
    # then
    assert (result.created, result.updated, result.unchanged) == (3, 1, 0)
    account.refresh_from_db()
    assert (account.name, account.domain, account.segment) == ("Contoso Ltd", "contoso.example", "public")
    assert set(AccountKey.objects.filter(account=account).values_list("key", flat=True)) >= {"d:contoso.example"}
    assert not AccountKey.objects.filter(key="d:old.example").exists()


@pytest.mark.parametrize(("fixture", "expected"), [
    ("bad_missing_column.csv", ['row 1, column "Account Name": the column is missing']),
    ("bad_country.csv", ['row 3, column "Billing Country": "Atlantis" is not a country',
                         'row 4, column "Billing Country": "ZZ" is not a country']),
    ("bad_duplicate_id.csv", ['row 4, column "Record ID": "100" appears again (first on row 2)']),
    ("bad_ambiguous_date.csv", ['row 2, column "Customer Since": "03/04/2024" is ambiguous',
                                'row 3, column "Customer Since": "05/06/2024" is ambiguous']),
])
def test_bad_files_are_refused_whole_with_every_row_and_column(world, fixture, expected):
    account_make("Existing", external_id="001A")
    before = list(CustomerAccount.objects.values())

    with pytest.raises(ImportRejected) as exc:
        accounts_import(actor=world.admin, file=csv_upload(fixture))

    lines = exc.value.message.splitlines()
    assert "Nothing was imported" in lines[0] and "header being row 1" in lines[0]
    assert len(lines) == len(expected) + 1
    for line, start in zip(lines[1:], expected, strict=True):
        assert line.startswith(start), line
    assert list(CustomerAccount.objects.values()) == before
    assert not AuditEvent.objects.filter(action="accounts.imported").exists()


def test_an_ambiguous_file_imports_once_the_date_order_is_named(world):
    accounts_import(actor=world.admin, file=csv_upload("bad_ambiguous_date.csv"), date_order="dmy")
    assert by_ext("001A").customer_since == date(2024, 4, 3)
    assert by_ext("001C").customer_since == date(2024, 7, 7)


def test_one_file_lists_problems_of_every_kind(world):
    csv = ("Account ID,Account Name,Website,Billing Country,Named Account,Segment,Customer Since\n"
           "001,,nowhere,Narnia,maybe,galactic,2024-13-01\n"
           "002,Fine Co,fine.example,US,no,smb,2024-01-01\n"
           ",No Id Inc,,,,,\n")
    with pytest.raises(ImportRejected) as exc:
        accounts_import(actor=world.admin, file=csv_upload("many.csv", csv))
    assert [(p.row, p.column) for p in exc.value.problems] == [
        (2, "Account Name"), (2, "Billing Country"), (2, "Customer Since"), (2, "Named Account"), (2, "Segment"),
        (2, "Website"), (4, "Account ID"),
    ]
    assert not CustomerAccount.objects.exists()


def test_the_format_can_be_named(world):
    with pytest.raises(ImportRejected) as exc:
        accounts_import(actor=world.admin, file=csv_upload("hubspot_companies.csv"), fmt="salesforce")
    assert {p.column for p in exc.value.problems} == {"Account ID", "Account Name"}
    with pytest.raises(DomainError) as exc:
        accounts_import(actor=world.admin, file=csv_upload("hubspot_companies.csv"), fmt="excel")
    assert exc.value.field == "format"


def test_a_raw_bytes_file_works_too(world):
    result = accounts_import(actor=None, file=fixture_bytes("hubspot_companies.csv"))
    assert result.created == 4
    assert AuditEvent.objects.get(action="accounts.imported").actor_label == "system"


def test_who_may_import(world):
    for user in (world.pmm, world.finance):
        with pytest.raises(PermissionDenied):
            accounts_import(actor=user, file=csv_upload("hubspot_companies.csv"))
    for user in world.partner_users:
        with pytest.raises(NotFound):
            accounts_import(actor=user, file=csv_upload("hubspot_companies.csv"))
    assert not CustomerAccount.objects.exists()


def test_thousands_of_rows_in_a_few_queries(world, django_assert_max_num_queries):
    rows = "\n".join(f"{i},Company {i} GmbH,c{i}.example,DE,Customer" for i in range(3000))
    csv = f"Record ID,Company name,Company Domain Name,Country/Region,Lifecycle Stage\n{rows}\n"
    with django_assert_max_num_queries(150):  # batches (SQLite takes ~50 rows per INSERT), never a query per row
        result = accounts_import(actor=world.admin, file=csv_upload("big.csv", csv))
    assert result.created == 3000
    assert AccountKey.objects.values("account").distinct().count() == 3000


def test_an_update_links_the_owner_and_keeps_fields_the_file_lacks(world):
    account = account_make("Globex", website="https://globex.example", external_id="0015g00000A1bCeAAJ",
                           incumbent_partner=world.partner_a)
    result = accounts_import(actor=world.admin, file=csv_upload("salesforce_accounts.csv"))
    assert (result.created, result.updated) == (3, 1)
    account.refresh_from_db()
    assert (account.owner, account.owner_name, account.name, account.country) == (world.cam, "Cam", "Globex GmbH", "DE")
    assert account.incumbent_partner == world.partner_a and account.source == "console"
