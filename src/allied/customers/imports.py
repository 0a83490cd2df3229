"""Reading CRM exports: Salesforce and HubSpot account/opportunity exports and Allied's own CSV.

Pure text handling, no database: decoding, delimiter, header matching, format detection and cell
values (dates, amounts, flags). ``services.accounts_import`` and ``services.opportunities_import``
turn the parsed rows into writes.

Rules people can rely on (docs/user-guide.md repeats them):

- Headers match whatever their case, spacing, underscores or byte-order mark.
- Row numbers are line numbers in the file, the header being line 1.
- Dates: ``2026-01-31`` (a time after it is ignored), ``31.01.2026`` (day first), and slash dates.
  A slash date's order is taken from the file: a first number above 12 (``31/01/2026``) makes the
  file day-first, a second number above 12 (``01/31/2026``, Salesforce's and HubSpot's US export)
  month-first. A file that shows neither, such as only ``03/04/2026``, is ambiguous and refused,
  unless the importer names the order (``date_order="mdy"`` or ``"dmy"``). Two-digit years are refused.
- Amounts are decimals: currency symbols or a leading/trailing ISO code and thousands separators
  are accepted (``$1,234.50``, ``EUR 1.234,50``, ``1 234,50``); anything else is refused, never rounded.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

from allied.core.api import error_body
from allied.core.errors import DomainError

MAX_PROBLEMS_LISTED = 1000  # a file that is wrong everywhere gets the first thousand, and the count
MAX_FILE_BYTES = 200 * 1024 * 1024  # about a million CRM rows; settings.ALLIED_IMPORT_MAX_BYTES overrides it
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Problem:
    row: int  # line in the file; the header is line 1
    column: str  # the column as the file names it; "" when the whole row is at fault
    message: str

    def __str__(self) -> str:
        if self.column:
            return f'row {self.row}, column "{self.column}": {self.message}'
        return f"row {self.row}: {self.message}"


class ImportRejected(DomainError):
    """A file with at least one bad row: nothing was imported. ``problems`` lists every row and column at fault."""

    status = 400

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        self.listed = self.problems[:MAX_PROBLEMS_LISTED]
        self.more = len(self.problems) - len(self.listed)
        lines = [str(p) for p in self.listed]
        if len(self.problems) > len(self.listed):
            lines.append(f"… and {len(self.problems) - len(self.listed)} more problems.")
        n = len(self.problems)
        head = (f"Nothing was imported: {n} problem{'s' if n != 1 else ''} in the file "
                "(row numbers are line numbers, the header being row 1).")
        super().__init__("\n".join([head, *lines]), field="file", code="import_rejected")
        self.summary = head

    def api_body(self) -> dict:
        """The API's 400 answer: the usual error shape plus every listed problem by row and column."""
        body = error_body(self.code, self.message, [{"field": "file", "message": self.summary}])
        body["error"]["problems"] = [{"row": p.row, "column": p.column, "message": p.message} for p in self.listed]
        body["error"]["problem_count"] = len(self.problems)
        return body


def header_key(text: str) -> str:
    """How headers are compared: ``" Billing_Country\\ufeff"`` and ``"BillingCountry"`` are the same column."""
    return re.sub(r"[\s_\ufeff\u200b]+", "", text or "").lower()


# --- reading the file -------------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]  # as written (trimmed)
    keys: list[str]  # header_key of each column
    rows: list[tuple[int, list[str]]]  # (line number of the row's first line, cells)

    def index(self, aliases: tuple[str, ...]) -> int | None:
        """Position of the first column named by any alias (aliases in order of preference)."""
        for alias in aliases:
            key = header_key(alias)
            if key in self.keys:
                return self.keys.index(key)
        return None


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRejected([Problem(1, "", "this is a spreadsheet workbook, not a CSV file: save or export it as CSV (UTF-8).")])
    if b"\x00" in raw[:4096]:
        raise ImportRejected([Problem(1, "", "this is not a text (CSV) file.")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; every byte has a meaning there.
        return raw.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    """The separator the header uses most (outside quotes); a comma when the header is one column."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_FOOTER = re.compile(r"^(copyright \(c\)|confidential information|generated by:)", re.IGNORECASE)


def table_read(file) -> Table:
    """Decode and split a CSV upload (file object, bytes or str). Blank rows and a Salesforce report footer are skipped."""
    limit = getattr(settings, "ALLIED_IMPORT_MAX_BYTES", MAX_FILE_BYTES)
    if (getattr(file, "size", None) or 0) > limit:
        raise ImportRejected([Problem(1, "", f"the file is larger than {limit // (1024 * 1024)} MB; split it into several files.")])
    if isinstance(file, (bytes, bytearray)):
        raw = bytes(file)
    elif isinstance(file, str):
        raw = file.encode()
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        raw = file.read()
        if isinstance(raw, str):
            raw = raw.encode()
    if len(raw) > limit:
        raise ImportRejected([Problem(1, "", f"the file is larger than {limit // (1024 * 1024)} MB; split it into several files.")])
    text = _decode(raw)
    if not text.strip():
        raise ImportRejected([Problem(1, "", "the file is empty.")])
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportRejected([Problem(1, "", f"the header cannot be read: {exc}.")])
    header = [h.replace("\ufeff", "").strip() for h in header]
    keys = [header_key(h) for h in header]
    problems = []
    seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key and key in seen:
            problems.append(Problem(1, header[i], f"the header names this column twice (columns {seen[key] + 1} and {i + 1})."))
        seen.setdefault(key, i)
    rows: list[tuple[int, list[str]]] = []
    line = reader.line_num
    blank_seen = False
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                blank_seen = True
                continue
            if blank_seen and _FOOTER.match(cells[0].strip()) and not any(c.strip() for c in cells[1:]):
                continue  # "Copyright (c) 2000-2026 salesforce.com, inc." under a report export
            rows.append((start, cells))
    except csv.Error as exc:
        problems.append(Problem(line + 1, "", f"cannot be read as CSV ({exc}); check the quotes on this line."))
    if problems:
        raise ImportRejected(problems)
    return Table(header=header, keys=keys, rows=rows)


# --- formats ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """One export format: which header names each field goes by, and which fields a file must have."""

    key: str  # salesforce | hubspot | allied
    label: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]  # each entry: at least one of these fields
    signature: tuple[tuple[str, ...], ...]  # the format is recognised when all headers of one entry are present

    def recognises(self, table: Table) -> bool:
        return any(all(header_key(h) in table.keys for h in sig) for sig in self.signature)


_NAMED = ("Named Account", "Named Direct Account", "Named Direct", "Is Named Direct")
_SEGMENT = ("Segment", "Account Segment", "Customer Segment")

ACCOUNT_LAYOUTS = (
    Layout(
        "hubspot", "HubSpot companies export",
        columns={
            "external_id": ("Record ID", "Company ID", "hs_object_id"),
            "name": ("Company name", "Name"),
            "domain": ("Company Domain Name", "Domain"),
            "website": ("Website URL", "Website"),
            "country": ("Country/Region", "Country"),
            "owner": ("Company owner", "HubSpot Owner", "Owner"),
            "lifecycle": ("Lifecycle Stage", "lifecyclestage"),
            "industry": ("Industry",),
            "customer_since": ("Became a Customer Date", "Customer Since"),
            "named": _NAMED,
            "segment": _SEGMENT,
        },
        required=(("external_id",), ("name",)),
        signature=(("Record ID", "Company name"), ("Record ID", "Company Domain Name"), ("Company ID", "Company name")),
    ),
    Layout(
        "salesforce", "Salesforce accounts export",
        columns={
            "external_id": ("Account ID", "AccountId", "Account 18 Digit ID", "Id"),
            "name": ("Account Name", "Name"),
            "website": ("Website",),
            "country": ("Billing Country", "BillingCountry", "Billing Country Code", "BillingCountryCode"),
            "owner": ("Account Owner", "Owner Name", "Owner"),
            "type": ("Type", "Account Type"),
            "industry": ("Industry",),
            "customer_since": ("Customer Since",),
            "named": _NAMED,
            "segment": _SEGMENT,
        },
        required=(("external_id",), ("name",)),
        signature=(("Account Name",), ("Account ID",)),
    ),
    Layout(
        "allied", "Allied accounts CSV",
        columns={
            "external_id": ("external_id",),
            "name": ("name",),
            "website": ("website",),
            "domain": ("domain",),
            "country": ("country",),
            "owner": ("owner",),
            "segment": ("segment",),
            "industry": ("industry",),
            "is_customer": ("is_customer",),
            "named": ("is_named_direct",),
            "customer_since": ("customer_since",),
            "incumbent_partner": ("incumbent_partner",),
        },
        required=(("external_id",), ("name",)),
        signature=(("external_id", "name"),),
    ),
)

OPPORTUNITY_LAYOUTS = (
    Layout(
        "hubspot", "HubSpot deals export",
        columns={
            "external_id": ("Record ID", "Deal ID", "hs_object_id"),
            "name": ("Deal Name", "dealname"),
            "amount": ("Amount",),
            "currency": ("Currency", "Deal Currency Code", "deal_currency_code"),
            "stage": ("Deal Stage", "dealstage"),
            "close_date": ("Close Date", "closedate"),
            "owner": ("Deal owner", "HubSpot Owner", "Owner"),
            "account_id": ("Associated Company IDs (Primary)", "Associated Company IDs", "Associated Company ID", "Company ID"),
            "account_name": ("Associated Company (Primary)", "Associated Company", "Associated Companies", "Company name"),
        },
        required=(("external_id",), ("name",), ("account_id", "account_name")),
        signature=(("Deal Name",), ("Deal Stage",)),
    ),
    Layout(
        "salesforce", "Salesforce opportunities export",
        columns={
            "external_id": ("Opportunity ID", "OpportunityId", "Id"),
            "name": ("Opportunity Name", "Name"),
            "account_id": ("Account ID", "AccountId"),
            "account_name": ("Account Name",),
            "amount": ("Amount",),
            "currency": ("Opportunity Currency", "Currency", "CurrencyIsoCode", "Amount Currency"),
            "stage": ("Stage", "StageName"),
            "close_date": ("Close Date", "CloseDate"),
            "owner": ("Opportunity Owner", "Owner Name", "Owner"),
            "closed": ("Closed", "IsClosed"),
            "won": ("Won", "IsWon"),
        },
        required=(("external_id",), ("name",), ("account_id", "account_name")),
        signature=(("Opportunity ID",), ("Opportunity Name",)),
    ),
    Layout(
        "allied", "Allied opportunities CSV",
        columns={
            "external_id": ("external_id",),
            "name": ("name",),
            "account_id": ("account",),
            "amount": ("amount",),
            "currency": ("currency",),
            "stage": ("stage",),
            "status": ("status",),
            "close_date": ("close_date",),
            "owner": ("owner",),
        },
        required=(("external_id",), ("name",), ("account_id",)),
        signature=(("external_id", "account"),),
    ),
)

FORMATS = ("auto", "salesforce", "hubspot", "allied")


def layout_pick(table: Table, layouts: tuple[Layout, ...], fmt: str = "auto") -> tuple[Layout, dict[str, int]]:
    """The format of the file (named, or recognised by its header) and the column of each field it has."""
    keys = ("auto", *(lay.key for lay in layouts))
    if fmt not in keys:
        raise DomainError(f"Unknown format {fmt!r}; choose one of {', '.join(keys)}.", field="format")
    if fmt == "auto":
        layout = next((lay for lay in layouts if lay.recognises(table)), None)
        if layout is None:
            expected = "; ".join(f"{lay.label}: {', '.join(lay.columns[f[0]][0] for f in lay.required)}" for lay in layouts)
            raise ImportRejected([Problem(1, "", f"the header does not look like any known export. Expected columns — {expected}.")])
    else:
        layout = next(lay for lay in layouts if lay.key == fmt)
    where = {}
    for name, aliases in layout.columns.items():
        pos = table.index(aliases)
        if pos is not None:
            where[name] = pos
    problems = []
    for options in layout.required:
        if not any(o in where for o in options):
            names = " or ".join(f'"{layout.columns[o][0]}"' for o in options)
            problems.append(Problem(1, layout.columns[options[0]][0], f"the column is missing: a {layout.label} needs {names}."))
    if problems:
        raise ImportRejected(problems)
    return layout, where


# --- cell values ------------------------------------------------------------------------------

TRUE = {"yes", "y", "true", "t", "1", "x", "✓", "checked"}
FALSE = {"no", "n", "false", "f", "0", "", "-", "unchecked"}


def parse_flag(value: str) -> bool:
    v = value.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ValueError(f'"{value}" is not yes or no (use yes/no, true/false, 1/0 or x).')


_TIME = r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$")
_DOTTED = re.compile(rf"^(\d{{1,2}})\.(\d{{1,2}})\.(\d{{2,4}}){_TIME}$")
_SLASHED = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{2,4}}){_TIME}$")
DATE_ORDERS = ("auto", "mdy", "dmy")


def slash_order(value: str) -> str | None:
    """What one slash date says about the file's order: "dmy", "mdy", or None when it cannot tell."""
    m = _SLASHED.match(value.strip())
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    if a > 12 >= b:
        return "dmy"
    if b > 12 >= a:
        return "mdy"
    return None


def _make_date(y: str, m: int, d: int, value: str) -> date:
    if len(y) != 4:
        raise ValueError(f'"{value}" has a two-digit year; write the year in full, such as 2026-01-31.')
    try:
        return date(int(y), m, d)
    except ValueError:
        raise ValueError(f'"{value}" is not a real date.')


def parse_date(value: str, order: str | None) -> date | None:
    """``order`` is how slash dates read in this file ("mdy"/"dmy"), None when the file does not say."""
    v = value.strip()
    if not v:
        return None
    if m := _ISO.match(v):
        return _make_date(m.group(1), int(m.group(2)), int(m.group(3)), v)
    if m := _DOTTED.match(v):
        return _make_date(m.group(3), int(m.group(2)), int(m.group(1)), v)
    if m := _SLASHED.match(v):
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
        order = order or slash_order(v)
        if order is None:
            if a == b:
                return _make_date(y, a, b, v)
            raise ValueError(f'"{v}" is ambiguous: month {a}, day {b} or day {a}, month {b}? No date in the file settles '
                             "the order; write dates as YYYY-MM-DD or choose the date order (month first or day first).")
        month, day = (a, b) if order == "mdy" else (b, a)
        if month > 12:
            first = "month" if order == "mdy" else "day"
            raise ValueError(f'"{v}" does not fit this file\'s date order ({first} first).')
        return _make_date(y, month, day, v)
    raise ValueError(f'"{v}" is not a date: use YYYY-MM-DD, M/D/YYYY or D.M.YYYY.')


_CURRENCY_SYMBOLS = "$€£¥₹₩₽₺₪฿₫₴₦"
_CODE = re.compile(r"^([A-Za-z]{3})\s*(.*)$|^(.*?)\s+([A-Za-z]{3})$")
_GROUPED = re.compile(r"(\d{1,3}(?:([,. '’])\d{3})(?:\2\d{3})*)(?:([.,])(\d{1,2}))?")


def parse_amount(value: str) -> tuple[Decimal, str]:
    """``"$1,234.50"`` -> (Decimal("1234.50"), ""), ``"EUR 1.234,50"`` -> (Decimal("1234.50"), "EUR").

    Empty is zero. The currency code is "" unless the cell names one.
    """
    raw = value.strip()
    v = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if not v:
        return Decimal("0"), ""
    code = ""
    if m := _CODE.match(v):
        if m.group(1):
            code, v = m.group(1).upper(), m.group(2)
        else:
            v, code = m.group(3), m.group(4).upper()
    v = v.strip().strip(_CURRENCY_SYMBOLS).strip()
    if v.startswith(("-", "(")) or v.endswith("-"):
        raise ValueError(f'"{raw}" is negative; an amount must be zero or more.')
    v = v.lstrip("+").strip(_CURRENCY_SYMBOLS).strip()
    number = _number(v, raw)
    if number >= Decimal("1e14"):
        raise ValueError(f'"{raw}" is too large.')
    return number.quantize(Decimal("0.01")), code


def _number(v: str, raw: str) -> Decimal:
    if re.fullmatch(r"\d+", v):
        return Decimal(v)
    if m := re.fullmatch(r"(\d+)[.,](\d{1,2})", v):
        return Decimal(f"{m.group(1)}.{m.group(2)}")
    if re.fullmatch(r"\d{1,3}\.\d{3}", v):
        raise ValueError(f'"{raw}" is ambiguous: amounts have at most two decimals, so if the dot separates thousands '
                         f'write {v.replace(".", "")} or {v.replace(".", ",")}.00.')
    if (m := _GROUPED.fullmatch(v)) and m.group(2) != m.group(3):
        whole = re.sub(r"\D", "", m.group(1))
        return Decimal(f"{whole}.{m.group(4)}" if m.group(4) else whole)
    if re.fullmatch(r"\d+[.,]\d{3,}", v):
        raise ValueError(f'"{raw}" has more than two decimals.')
    raise ValueError(f'"{raw}" is not an amount: use digits with an optional decimal point, such as 1234.50 or $1,234.50.')


def stage_key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


@dataclass
class Parsed:
    """A file's rows as field values, with the line each came from and the header name of each field."""

    layout: Layout
    rows: list[tuple[int, dict]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file


def rows_extract(table: Table, layout: Layout, where: dict[str, int]) -> tuple[Parsed, list[Problem]]:
    parsed = Parsed(layout=layout, columns={f: table.header[i] for f, i in where.items()})
    problems = []
    width = len(table.header)
    items = list(where.items())
    for line, cells in table.rows:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(Problem(line, "", f"has {len(cells)} values but the header has {width} columns "
                                              "(a separator or quote inside a value?)."))
            continue
        parsed.rows.append((line, {f: (cells[i].strip() if i < len(cells) else "") for f, i in items}))
    return parsed, problems


def date_order_decide(parsed: Parsed, fields: tuple[str, ...], date_order: str) -> tuple[str | None, list[Problem]]:
    """How to read slash dates in this file: named by the importer, or settled by the file itself."""
    if date_order not in DATE_ORDERS:
        raise DomainError(f"Unknown date order {date_order!r}; choose auto, mdy or dmy.", field="date_order")
    if date_order != "auto":
        return date_order, []
    seen: dict[str, tuple[int, str, str]] = {}
    for line, values in parsed.rows:
        for f in fields:
            v = values.get(f, "")
            if v and (order := slash_order(v)) and order not in seen:
                seen[order] = (line, f, v)
        if len(seen) == 2:
            break
    if len(seen) == 2:
        (l1, _, v1), (l2, f2, v2) = seen["mdy"], seen["dmy"]
        return None, [Problem(l2, parsed.columns[f2], f'"{v2}" is day first, but row {l1} ("{v1}") is month first: '
                                                      "one file must use one date order.")]
    return (next(iter(seen)) if seen else None), []
