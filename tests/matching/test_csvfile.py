"""read_accounts_csv: Salesforce and HubSpot exports, any delimiter, errors that name row and column."""

import io
from pathlib import Path

import pytest

from allied.matching import AccountCsvError, Record, read_accounts_csv

FIXTURES = Path(__file__).parent / "fixtures"


def read(text: str, encoding: str = "utf-8") -> list[Record]:
    return read_accounts_csv(io.BytesIO(text.encode(encoding)))


def problems(text: str) -> list[str]:
    with pytest.raises(AccountCsvError) as caught:
        read(text)
    return caught.value.problems


def test_salesforce_report_export_with_its_footer():
    records = read_accounts_csv(FIXTURES / "salesforce_accounts.csv")
    assert len(records) == 7  # the footer after the blank row is not data
    assert records[0] == Record("0015g00000AbCdEAAV", "Acme Widgets GmbH", "www.acme-widgets.de", "DE")
    assert [r.country for r in records] == ["DE", "US", "DK", "US", "SE", "US", "GB"]
    assert records[3].name == '=HYPERLINK("http://evil.example")'  # read as is; escaping is the writer's job


def test_hubspot_company_export_with_bom_crlf_and_two_domain_columns():
    records = read_accounts_csv(FIXTURES / "hubspot_companies.csv")
    assert [r.id for r in records] == ["9001", "9002", "9003", "9004", "9005", "9006"]
    assert records[0] == Record("9001", "ACME WIDGETS AG", "acme-widgets.de", "DE")
    assert records[1].domain == "https://www.zenithfoods.com/about"  # Website URL when Company Domain Name is empty
    assert records[3] == Record("9004", "Smith and Garcia, LLP", "", "GB")


def test_accepts_paths_strings_and_text_files(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,name\n1,Acme\n")
    assert read_accounts_csv(str(path)) == read_accounts_csv(path) == read_accounts_csv(io.StringIO("id,name\n1,Acme\n"))


@pytest.mark.parametrize("header", [
    "id,name,domain,country", "Id,Name,Domain,Country", " ID , NAME , Website , Billing Country ",
    "Account Id (18);Account Name;Website URL;BillingCountry", "Record ID\tCompany Name\tEmail Domain\tShipping Country",
    "Company ID,Company name,Company Domain Name,Country/Region",
])
def test_header_aliases_and_delimiters(header):
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    row = delimiter.join(["42", "Acme Widgets", "acme.com", "Deutschland"])
    assert read(f"{header}\n{row}\n") == [Record("42", "Acme Widgets", "acme.com", "DE")]


def test_semicolon_file_in_windows_1252_with_commas_in_names():
    records = read("Id;Name;Country\n1;Müller, Söhne & Co;Germany\n2;Café Paris;FRA\n", encoding="cp1252")
    assert records == [Record("1", "Müller, Söhne & Co", "", "DE"), Record("2", "Café Paris", "", "FR")]


def test_utf16_excel_unicode_text():
    assert read("Id\tName\n1\tØrsted\n", encoding="utf-16") == [Record("1", "Ørsted", "", "")]


def test_countries_iso2_iso3_and_names_become_iso2_unknown_kept():
    records = read("id,name,country\n1,A,us\n2,B,DEU\n3,C,United Kingdom\n4,D,Narnia\n5,E,\n")
    assert [r.country for r in records] == ["US", "DE", "GB", "Narnia", ""]


def test_blank_rows_are_skipped():
    assert [r.id for r in read("id,name\n1,A\n\n,\n2,B\n\n")] == ["1", "2"]


def test_missing_columns_say_what_was_expected():
    found = problems("Account,Website\nAcme,acme.com\n")
    assert len(found) == 1 and "missing the id column" in found[0] and '"Account ID"' in found[0] and '"Record ID"' in found[0]
    found = problems("Foo;Bar\n1;2\n")
    assert any("id column" in p for p in found) and any("name column" in p for p in found)
    assert '"Foo", "Bar"' in found[0]


def test_every_bad_row_is_reported_with_row_line_and_column():
    found = problems(
        "Account ID,Account Name,Website\n"
        "1,Acme,acme.com\n"
        ",Beta,beta.com\n"
        "3,,x.com\n"
        "1,Gamma,\n"
        "5,Delta,d.com,extra,values\n"
        "6,Epsilon,e.com\n"
        "7,   ,\n"
    )
    assert found == [
        'row 2 (line 3), column "Account ID": empty id',
        'row 3 (line 4), column "Account Name": empty name',
        "row 4 (line 5), column \"Account ID\": duplicate id '1' (first on row 1)",
        "row 5 (line 6): 5 values but the header has 3 columns (an unquoted delimiter inside a value?)",
        'row 7 (line 8), column "Account Name": empty name',
    ]


def test_line_numbers_count_quoted_line_breaks():
    found = problems('id,name\n1,"Acme\nWidgets"\n2,\n')
    assert found == ['row 2 (line 4), column "name": empty name']


def test_empty_file():
    assert "empty" in problems("")[0]
    assert "empty" in problems("\ufeff\n\n")[0]


def test_header_only_gives_no_records():
    assert read("id,name\n") == []


def test_error_message_lists_the_problems():
    with pytest.raises(AccountCsvError) as caught:
        read("id,name\n" + "".join(f"{i},\n" for i in range(1, 30)))
    assert len(caught.value.problems) == 29
    message = str(caught.value)
    assert message.splitlines()[0] == 'row 1 (line 2), column "name": empty name'
    assert message.splitlines()[-1] == "... and 9 more problems"
