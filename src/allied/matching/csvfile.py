"""Read account lists exported from a CRM (Salesforce reports, HubSpot company exports, any CSV).

Columns are found by header name, case- and whitespace-insensitive, ignoring punctuation
("Account ID", "account_id" and "Account Id (18)" are all the id column). When a file has several
columns for the website or the country ("Company Domain Name" and "Website URL"; "Billing
Country" and "Shipping Country"), the first non-empty one in the order below is used per row.

The delimiter (comma, semicolon or tab) is picked by which one splits the header into known
columns; a UTF-8 byte-order mark, UTF-16 (Excel "Unicode text") and Windows-1252 files are read.
Blank rows are skipped, and the footer that Salesforce appends to report exports (a blank row, then
single-cell lines such as "Confidential Information - Do Not Distribute") is ignored.

Nothing is returned unless the whole file is good: every problem is reported, each naming the row
and the column, and ``AccountCsvError.problems`` lists them. Rows are numbered from the first data
row (row 1); the line in the file is given too (the header is line 1, so row 1 is usually line 2).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from typing import IO

from .countries import country_code
from .records import Record

MAX_NAME_LENGTH = 1000
MAX_PROBLEMS = 200

# Header aliases in priority order, written as lower-case letters and digits only.
ID_COLUMNS = ["id", "accountid", "recordid", "companyid", "accountid18", "accountid18digit", "account18digitid",
              "accountid15", "hsobjectid", "salesforceid", "sfdcid", "hubspotid", "externalid"]
NAME_COLUMNS = ["name", "accountname", "companyname", "company", "account", "organizationname", "organisationname",
                "organization", "organisation", "businessname"]
DOMAIN_COLUMNS = ["domain", "companydomainname", "website", "websiteurl", "emaildomain", "domainname", "url", "web",
                  "homepage", "site", "email", "emailaddress"]
COUNTRY_COLUMNS = ["country", "billingcountry", "countryregion", "billingcountrycode", "countrycode", "shippingcountry",
                   "shippingcountrycode", "mailingcountry", "hqcountry"]
_EXAMPLES = {
    "id": '"Account ID" (Salesforce), "Record ID" (HubSpot), "Id", "Company ID" or "id"',
    "name": '"Account Name" (Salesforce), "Company name" (HubSpot), "Name" or "name"',
}
_DELIMITERS = [",", ";", "\t"]


class AccountCsvError(ValueError):
    """A file that cannot be read as an account list; ``problems`` says where, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.summary())

    def summary(self, limit: int = 20) -> str:
        shown = self.problems[:limit]
        more = len(self.problems) - len(shown)
        return "\n".join(shown + ([f"... and {more} more problems"] if more > 0 else []))


def _header_key(value: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", value.replace("\ufeff", "").casefold())


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _read_text(path_or_file: str | os.PathLike | IO) -> str:
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "rb") as handle:
            data = handle.read()
    else:
        data = path_or_file.read()
    text = _decode(data) if isinstance(data, bytes | bytearray) else data
    return text.lstrip("\ufeff")


def _pick_delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    known = set(ID_COLUMNS) | set(NAME_COLUMNS) | set(DOMAIN_COLUMNS) | set(COUNTRY_COLUMNS)

    def rank(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(_header_key(c) in known for c in cells), len(cells)

    return max(_DELIMITERS, key=rank)


def _find(columns: dict[str, int], aliases: Iterable[str]) -> list[int]:
    return [columns[a] for a in aliases if a in columns]


def read_accounts_csv(path_or_file: str | os.PathLike | IO) -> list[Record]:
    """Records from a CSV file (a path, or a text or binary file object); raises AccountCsvError."""
    text = _read_text(path_or_file)
    if not text.strip():
        raise AccountCsvError([f"the file is empty: expected a header row with an id column ({_EXAMPLES['id']}) "
                               f"and a name column ({_EXAMPLES['name']})"])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_pick_delimiter(text), strict=False)
    rows: list[tuple[int, list[str]]] = []  # (first line of the row, cells)
    line = 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise AccountCsvError([f"line {line}: the file is not valid CSV ({exc})"])
    while rows and not any(c.strip() for c in rows[0][1]):
        rows.pop(0)
    header_line, header = rows.pop(0)
    header = [h.strip().strip('"').strip() for h in header]
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        columns.setdefault(_header_key(name), position)

    id_cols, name_cols = _find(columns, ID_COLUMNS), _find(columns, NAME_COLUMNS)
    domain_cols, country_cols = _find(columns, DOMAIN_COLUMNS), _find(columns, COUNTRY_COLUMNS)
    found = ", ".join(f'"{h}"' for h in header if h) or "none"
    missing = [f"missing the {field} column: expected {_EXAMPLES[field]} (line {header_line} has {found})"
               for field, cols in (("id", id_cols), ("name", name_cols)) if not cols]
    if missing:
        raise AccountCsvError(missing)
    id_col, name_col = id_cols[0], name_cols[0]

    rows = _without_footer(rows)
    problems: list[str] = []
    records: list[Record] = []
    first_row_of: dict[str, int] = {}
    width = len(header)
    for number, (line_no, cells) in enumerate(rows, start=1):
        where = f"row {number} (line {line_no})"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(f"{where}: {len(cells)} values but the header has {width} columns "
                            "(an unquoted delimiter inside a value?)")
            continue
        cells = [c.strip() for c in cells] + [""] * (width - len(cells))
        record_id, name = cells[id_col], cells[name_col]
        if not record_id:
            problems.append(f'{where}, column "{header[id_col]}": empty id')
        elif record_id in first_row_of:
            problems.append(f'{where}, column "{header[id_col]}": duplicate id {record_id!r} '
                            f"(first on row {first_row_of[record_id]})")
        else:
            first_row_of[record_id] = number
        if not name:
            problems.append(f'{where}, column "{header[name_col]}": empty name')
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(f'{where}, column "{header[name_col]}": name longer than {MAX_NAME_LENGTH} characters')
        if len(problems) >= MAX_PROBLEMS:
            problems.append("stopped after too many problems")
            break
        if problems:
            continue
        domain = next((cells[c] for c in domain_cols if cells[c]), "")
        country = next((cells[c] for c in country_cols if cells[c]), "")
        records.append(Record(id=record_id, name=name, domain=domain, country=country_code(country) or country))
    if problems:
        raise AccountCsvError(problems)
    return records


def _without_footer(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Drop trailing blank rows, and a trailing blank row followed only by one-cell lines (report footers)."""
    def filled(cells: list[str]) -> int:
        return sum(1 for c in cells if c.strip())

    end = len(rows)
    while end and not filled(rows[end - 1][1]):
        end -= 1
    for i in range(end - 1, -1, -1):
        count = filled(rows[i][1])
        if count == 0:
            return rows[:i]
        if count > 1:
            break
    return rows[:end]
