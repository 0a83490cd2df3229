"""customers/imports.py: reading CSV exports and their cell values (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from allied.customers.imports import (
    ACCOUNT_LAYOUTS,
    OPPORTUNITY_LAYOUTS,
    ImportRejected,
    Problem,
    date_order_decide,
    header_key,
    layout_pick,
    parse_amount,
    parse_date,
    parse_flag,
    rows_extract,
    table_read,
)

from .factories import fixture_bytes

# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "order", "expected"), [
    ("2026-01-31", None, date(2026, 1, 31)),
    ("2026-1-5", None, date(2026, 1, 5)),
    ("2026-01-31 00:00", None, date(2026, 1, 31)),
    ("2026-01-31T23:59:59.123Z", None, date(2026, 1, 31)),
    ("2026-01-31 10:00:00+02:00", None, date(2026, 1, 31)),
    ("31.01.2026", None, date(2026, 1, 31)),
    ("1.2.2026", None, date(2026, 2, 1)),
    ("1/31/2026", None, date(2026, 1, 31)),  # a second number above 12 is a day: month first on its own
    ("31/1/2026", None, date(2026, 1, 31)),
    ("03/04/2026", "mdy", date(2026, 3, 4)),
    ("03/04/2026", "dmy", date(2026, 4, 3)),
    ("05/05/2026", None, date(2026, 5, 5)),  # the same either way
    ("1/31/2026 10:00 AM", "mdy", date(2026, 1, 31)),
    ("", None, None),
    ("   ", "mdy", None),
])
def test_dates_that_read(value, order, expected):
    assert parse_date(value, order) == expected


@pytest.mark.parametrize(("value", "order", "says"), [
    ("03/04/2026", None, "ambiguous"),
    ("13/04/2026", "mdy", "month first"),
    ("04/13/2026", "dmy", "day first"),
    ("1/31/26", "mdy", "two-digit year"),
    ("2026-02-30", None, "not a real date"),
    ("31.02.2026", None, "not a real date"),
    ("Jan 5, 2026", None, "not a date"),
    ("2026/01/31", None, "not a date"),
    ("45000", None, "not a date"),  # an Excel serial number
])
def test_dates_refused_with_the_reason(value, order, says):
    with pytest.raises(ValueError) as exc:
        parse_date(value, order)
    assert says in str(exc.value)
    assert value.strip() in str(exc.value)


def _parsed(text: str):
    table = table_read(text.encode())
    layout, where = layout_pick(table, ACCOUNT_LAYOUTS)
    parsed, problems = rows_extract(table, layout, where)
    assert problems == []
    return parsed


@pytest.mark.parametrize(("dates", "order"), [
    (["01/31/2024", "03/04/2024"], "mdy"),
    (["31/01/2024", "03/04/2024"], "dmy"),
    (["03/04/2024", "2024-01-01"], None),
    (["2024-01-01", ""], None),
])
def test_the_file_settles_the_order_of_slash_dates(dates, order):
    rows = "\n".join(f"00{i},Acct {i},{d}" for i, d in enumerate(dates))
    parsed = _parsed(f"Account ID,Account Name,Customer Since\n{rows}\n")
    assert date_order_decide(parsed, ("customer_since",), "auto") == (order, [])


def test_a_file_with_both_orders_is_refused_on_the_later_row():
    parsed = _parsed("Account ID,Account Name,Customer Since\n001,A,01/31/2024\n002,B,2024-01-01\n003,C,31/01/2024\n")
    order, problems = date_order_decide(parsed, ("customer_since",), "auto")
    assert order is None
    assert problems == [Problem(4, "Customer Since", '"31/01/2024" is day first, but row 2 ("01/31/2024") is month first: '
                                                     "one file must use one date order.")]


def test_the_importer_can_name_the_order():
    parsed = _parsed("Account ID,Account Name,Customer Since\n001,A,03/04/2024\n")
    assert date_order_decide(parsed, ("customer_since",), "dmy") == ("dmy", [])


# --- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "amount", "code"), [
    ("", "0.00", ""),
    ("1234", "1234.00", ""),
    ("1234.5", "1234.50", ""),
    ("1234,50", "1234.50", ""),
    ("$1,234.50", "1234.50", ""),
    ("1,234", "1234.00", ""),
    ("1,234,567.89", "1234567.89", ""),
    ("1.234.567,89", "1234567.89", ""),
    ("1 234,50", "1234.50", ""),
    ("1\u00a0234,50", "1234.50", ""),
    ("1'234.50", "1234.50", ""),
    ("€ 99", "99.00", ""),
    ("USD 1,000.00", "1000.00", "USD"),
    ("1000 eur", "1000.00", "EUR"),
    ("+5", "5.00", ""),
])
def test_amounts_that_read(value, amount, code):
    assert parse_amount(value) == (Decimal(amount), code)


@pytest.mark.parametrize(("value", "says"), [
    ("12abc", "not an amount"),
    ("1.5e3", "not an amount"),
    ("1,2,3", "not an amount"),
    ("1,234.5.6", "not an amount"),
    ("1,23,456", "not an amount"),
    ("-500", "negative"),
    ("(500)", "negative"),
    ("12.345", "ambiguous"),
    ("1234.567", "more than two decimals"),
    ("100000000000000", "too large"),
    ("NaN", "not an amount"),
    ("Infinity", "not an amount"),
])
def test_amounts_refused_with_the_reason(value, says):
    with pytest.raises(ValueError) as exc:
        parse_amount(value)
    assert says in str(exc.value)


@pytest.mark.parametrize(("value", "expected"), [("Yes", True), ("x", True), ("TRUE", True), ("1", True), ("no", False),
                                                 ("", False), ("0", False), ("False", False)])
def test_flags(value, expected):
    assert parse_flag(value) is expected


def test_a_flag_that_is_neither_says_so():
    with pytest.raises(ValueError, match='"maybe" is not yes or no'):
        parse_flag("maybe")


# --- reading files and recognising formats ----------------------------------------------------


def test_headers_compare_without_case_spacing_underscores_or_bom():
    assert header_key("\ufeff Billing_Country ") == header_key("BillingCountry") == header_key("billing country")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_read_from_the_header(delimiter):
    text = delimiter.join(["Account ID", "Account Name", "Website"]) + "\n" + delimiter.join(["001", '"Acme, Inc."', "acme.example"])
    table = table_read(text.encode())
    assert table.header == ["Account ID", "Account Name", "Website"]
    assert table.rows == [(2, ["001", "Acme, Inc.", "acme.example"])]


def test_rows_carry_their_line_number_even_after_multiline_values_and_blank_lines():
    text = 'Account ID,Account Name\n001,"Acme\nWest"\n\n002,Globex\n'
    assert [line for line, _ in table_read(text.encode()).rows] == [2, 5]


def test_a_salesforce_report_footer_is_skipped():
    table = table_read(fixture_bytes("salesforce_accounts.csv"))
    assert len(table.rows) == 4
    assert table.rows[-1][1][1] == "Umbrella Partners, Ltd."


def test_windows_1252_files_are_read():
    table = table_read("Account ID,Account Name\n001,Société Démo\n".encode("cp1252"))
    assert table.rows[0][1][1] == "Société Démo"


def test_utf16_files_are_read():
    table = table_read("Account ID\tAccount Name\n001\tZürich AG\n".encode("utf-16"))
    assert table.rows[0][1] == ["001", "Zürich AG"]


@pytest.mark.parametrize(("content", "says"), [
    (b"", "empty"),
    (b"  \n\n", "empty"),
    (b"PK\x03\x04rest-of-a-zip", "spreadsheet workbook"),
    (b"\x00\x01\x02binary", "not a text"),
])
def test_files_that_are_not_csv(content, says):
    with pytest.raises(ImportRejected) as exc:
        table_read(content)
    assert says in exc.value.message
    assert exc.value.problems[0].row == 1


def test_a_header_naming_a_column_twice_is_refused():
    with pytest.raises(ImportRejected) as exc:
        table_read(b"Account ID,Account Name,account name\n001,A,B\n")
    assert str(exc.value.problems[0]) == 'row 1, column "account name": the header names this column twice (columns 2 and 3).'


@pytest.mark.parametrize(("fixture", "layouts", "key"), [
    ("salesforce_accounts.csv", ACCOUNT_LAYOUTS, "salesforce"),
    ("hubspot_companies.csv", ACCOUNT_LAYOUTS, "hubspot"),
    ("allied_accounts.csv", ACCOUNT_LAYOUTS, "allied"),
    ("salesforce_opportunities.csv", OPPORTUNITY_LAYOUTS, "salesforce"),
    ("hubspot_deals.csv", OPPORTUNITY_LAYOUTS, "hubspot"),
])
def test_formats_are_recognised_by_their_header(fixture, layouts, key):
    layout, where = layout_pick(table_read(fixture_bytes(fixture)), layouts)
    assert layout.key == key
    assert {"external_id", "name"} <= set(where)


def test_an_unknown_header_names_what_was_expected():
    with pytest.raises(ImportRejected) as exc:
        layout_pick(table_read(b"foo,bar\n1,2\n"), ACCOUNT_LAYOUTS)
    assert "Record ID" in exc.value.message and "Account ID" in exc.value.message and "external_id" in exc.value.message


def test_a_missing_required_column_is_named_on_row_one():
    with pytest.raises(ImportRejected) as exc:
        layout_pick(table_read(fixture_bytes("bad_missing_column.csv")), ACCOUNT_LAYOUTS)
    assert [(p.row, p.column) for p in exc.value.problems] == [(1, "Account Name")]
    assert 'row 1, column "Account Name": the column is missing' in exc.value.message


def test_a_row_wider_than_the_header_is_a_problem():
    table = table_read(b"Account ID,Account Name\n001,Acme,extra\n002,Globex\n")
    layout, where = layout_pick(table, ACCOUNT_LAYOUTS)
    parsed, problems = rows_extract(table, layout, where)
    assert [p.row for p in problems] == [2]
    assert [line for line, _ in parsed.rows] == [3]


def test_the_rejection_message_lists_every_problem_and_explains_row_numbers():
    exc = ImportRejected([Problem(3, "Billing Country", "bad"), Problem(2, "Amount", "worse"), Problem(2, "", "short")])
    lines = exc.message.splitlines()
    assert "header being row 1" in lines[0]
    assert lines[1:] == ['row 2: short', 'row 2, column "Amount": worse', 'row 3, column "Billing Country": bad']
    assert exc.status == 400 and exc.field == "file" and exc.code == "import_rejected"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.ALLIED_IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImportRejected) as exc:
        table_read(b"Account ID,Account Name\n" + b"001,Acme\n" * 200_000)
    assert "larger than 1 MB" in exc.value.message
