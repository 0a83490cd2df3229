"""Files finance and partners download: statements (PDF, CSV), the ERP payment file and remittance lines.

PDFs are drawn with fpdf2's plain ``cell()`` calls in a core font (no table API, no font embedding):
a statement renders in a few milliseconds, so thousands of them take seconds. Core fonts cover
Latin-1; other characters are transliterated in the PDF only (the CSV keeps every name exact).

Every CSV cell that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) gets
a leading apostrophe; amounts are written by us as plain decimals and stay numbers.
"""

import csv
import io
import unicodedata
from datetime import date

from fpdf import FPDF

from allied.core.inputs import escape_cell
from allied.core.money import exponent

from .models import STATEMENT_BUCKETS, Payout, PayoutRun, Statement

BUCKET_LABELS = {
    "mdf.allocated": "Allocated", "mdf.committed": "Committed", "mdf.claimed": "Claimed", "mdf.paid": "Paid",
    "incentive.accrued": "Accrued", "incentive.held": "Held back", "incentive.payable": "Payable", "incentive.paid": "Paid",
}
KIND_LABELS = {
    "payout.paid": "Payout", "mdf.claim_approved": "MDF claim approved", "mdf.request_approved": "MDF request approved",
    "mdf.allocation": "MDF allocation",
}



def money_text(minor: int, currency: str, *, grouping: bool = True) -> str:
    """Minor units as a decimal string, exactly (no float): 123456 USD -> "1,234.56"."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), 10**places) if places else (abs(int(minor)), 0)
    head = f"{whole:,}" if grouping else str(whole)
    return f"{sign}{head}.{frac:0{places}d}" if places else f"{sign}{head}"


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind) or kind.replace(".", " ").replace("_", " ").strip().capitalize()


def _csv_bytes(header: list[str], rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buf.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read UTF-8 names


# --- statements -----------------------------------------------------------------------------------

_PUNCT = str.maketrans({"\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0152": "OE", "\u0153": "oe",
                        "\u0131": "i", "\u0126": "H", "\u0127": "h", "\u0166": "T", "\u0167": "t", "\u014a": "N", "\u014b": "n","\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2026": "...", "\u00a0": " ", "\u2022": "*", "\u20ac": "EUR"})


def pdf_text(value) -> str:
    """Text the PDF core fonts can draw (Latin-1): accents kept, other letters transliterated or '?'."""
    text = "" if value is None else str(value)
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        pass
    text = text.translate(_PUNCT)
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


class _StatementPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_font("helvetica", size=7)
        self.set_text_color(110, 110, 110)
        self.text(10, self.h - 7, self.footer_text)
        self.set_xy(self.w - 40, self.h - 9.5)
        self.cell(30, 4, f"Page {self.page_no()} of {{nb}}", align="R")  # cell() fills in the page count


COLS = [("Date", 18, "L"), ("Description", 61, "L"), ("Reference", 38, "L")] + [(BUCKET_LABELS[b], 20, "R") for b in STATEMENT_BUCKETS]
ROW_H = 5.2
PAD = 1.0
BOTTOM = 14  # mm kept free at the foot of each page (footer)


class _Pen:
    """Text at exact positions through ``FPDF.text`` (an order of magnitude cheaper than ``cell``), with widths
    from the core font's metrics, so one statement draws in a few milliseconds."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf

    def font(self, style: str = "", size: float = 7.5) -> None:
        self.pdf.set_font("helvetica", style, size)
        self.cw = self.pdf.current_font.cw
        self.size = self.pdf.font_size  # in mm

    def width(self, text: str) -> float:
        cw = self.cw
        return sum(cw.get(c, 500) for c in text) * self.size / 1000

    def fit(self, text: str, width: float) -> str:
        if self.width(text) <= width:
            return text
        while text and self.width(text + "...") > width:
            text = text[:-1]
        return text + "..."

    def put(self, x: float, y: float, w: float, text: str, align: str = "L", h: float = ROW_H) -> None:
        if not text:
            return
        if align == "R":
            x = x + w - PAD - self.width(text)
        elif align == "C":
            x = x + (w - self.width(text)) / 2
        else:
            x = x + PAD
        self.pdf.text(x, y + h / 2 + self.size * 0.35, text)


def _table_header(pen: _Pen, y: float) -> float:
    pdf = pen.pdf
    pdf.set_fill_color(238, 241, 246)
    pdf.rect(10, y, pdf.w - 20, 10.5, style="F")
    pdf.set_draw_color(150, 150, 150)
    lead = 10 + sum(w for _, w, _ in COLS[:3])
    pdf.line(lead + 1, y + 5, lead + 79, y + 5)
    pdf.line(lead + 81, y + 5, lead + 159, y + 5)
    pdf.line(10, y + 10.5, pdf.w - 10, y + 10.5)
    pen.font("B", 7.5)
    pdf.set_text_color(40, 40, 40)
    pen.put(lead, y, 80, "Market development funds", "C", h=5)
    pen.put(lead + 80, y, 80, "Incentives", "C", h=5)
    x = 10
    for label, w, align in COLS:
        pen.put(x, y + 5, w, label, align, h=5.5)
        x += w
    pen.font("", 7.5)
    return y + 10.5


AMOUNT_X = 10 + sum(w for _, w, _ in COLS[:3])


def _amounts(pen: _Pen, y: float, amounts: dict, currency: str, *, blank_zero: bool) -> None:
    x = AMOUNT_X
    for code in STATEMENT_BUCKETS:
        minor = amounts.get(code, 0)
        if minor or not blank_zero:
            pen.put(x, y, 20, money_text(minor, currency), "R")
        x += 20


def render_statement_pdf(statement: Statement, *, partner_name: str | None = None, partner_public_id: str | None = None,
                         vendor_name: str | None = None) -> bytes:
    """The statement as a PDF (A4 landscape): summary, then opening balance, every line and closing balance per bucket."""
    if partner_name is None or partner_public_id is None:
        partner_name, partner_public_id = statement.partner.name, statement.partner.public_id
    if vendor_name is None:
        from allied.program.models import ProgramSettings

        vendor_name = ProgramSettings.current().vendor_name
    cur = statement.currency
    pdf = _StatementPDF(orientation="L", unit="mm", format="A4")
    pdf.set_compression(True)
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Statement {statement.period_start} to {statement.period_end}")
    pdf.set_author(pdf_text(vendor_name))
    pdf.footer_text = pdf_text(f"{vendor_name} - statement {statement.public_id} - amounts in {cur}; "
                               f"a positive amount enters the bucket, a negative one leaves it")
    pdf.add_page()
    pen = _Pen(pdf)
    right = pdf.w - 10
    pdf.set_text_color(20, 20, 20)
    pen.font("B", 15)
    pen.put(10, 10, 180, pen.fit(pdf_text(vendor_name), 175), h=8)
    pen.font("", 11)
    pen.put(right - 80, 10, 80, "Partner statement", "R", h=8)
    pen.font("B", 11)
    pen.put(10, 18, 180, pen.fit(pdf_text(partner_name), 178), h=6)
    pen.font("", 9)
    pen.put(right - 80, 18, 80, f"{_date(statement.period_start)} to {_date(statement.period_end)}", "R", h=6)
    pdf.set_text_color(90, 90, 90)
    pen.put(10, 24, 180, f"Partner {partner_public_id}  -  currency {cur}", h=5)
    generated = statement.generated_at.strftime("%Y-%m-%d %H:%M UTC") if statement.generated_at else ""
    pen.put(right - 80, 24, 80, f"Generated {generated}", "R", h=5)

    t = statement.totals or {}
    boxes = [("Incentives accrued in period", t.get("accrued", 0)), ("Incentives held back", t.get("held", 0)),
             ("Incentives payable", t.get("payable", 0)), ("MDF claims approved, unpaid", t.get("mdf_payable", 0)),
             ("Paid in period", t.get("paid", 0))]
    box_w = (pdf.w - 20) / len(boxes)
    y = 32
    pdf.set_draw_color(210, 214, 222)
    for i, (label, minor) in enumerate(boxes):
        x = 10 + i * box_w
        pdf.rect(x + 1, y, box_w - 2, 14)
        pen.font("", 7)
        pdf.set_text_color(100, 100, 100)
        pen.put(x + 2, y + 1, box_w - 4, label, h=4)
        pen.font("B", 11)
        pdf.set_text_color(20, 20, 20)
        pen.put(x + 2, y + 6, box_w - 4, f"{money_text(minor, cur)} {cur}", h=6)

    y = _table_header(pen, y + 18)
    limit = pdf.h - BOTTOM
    pdf.set_text_color(20, 20, 20)
    pen.font("B", 7.5)
    pen.put(10, y, 18, _date(statement.period_start, short=True))
    pen.put(28, y, 99, "Opening balance")
    _amounts(pen, y, statement.opening or {}, cur, blank_zero=False)
    y += ROW_H
    pen.font("", 7.5)
    lines = statement.lines or []
    pdf.set_fill_color(248, 249, 251)
    for i, line in enumerate(lines):
        if y + ROW_H > limit:
            pdf.add_page()
            pdf.set_text_color(20, 20, 20)
            y = _table_header(pen, 10)
            pdf.set_fill_color(248, 249, 251)
        if i % 2:
            pdf.rect(10, y, pdf.w - 20, ROW_H, style="F")
        pen.put(10, y, 18, line.get("date", ""))
        pen.put(28, y, 61, pen.fit(pdf_text(line.get("memo") or kind_label(line.get("kind", ""))), 59))
        pen.put(89, y, 38, pen.fit(pdf_text(line.get("source") or line.get("txn", "")), 36))
        _amounts(pen, y, line.get("amounts") or {}, cur, blank_zero=True)
        y += ROW_H
    if not lines:
        pdf.set_text_color(110, 110, 110)
        pen.put(28, y, 99, "No movements in this period.")
        pdf.set_text_color(20, 20, 20)
        y += ROW_H
    if y + ROW_H + 1 > limit:
        pdf.add_page()
        pdf.set_text_color(20, 20, 20)
        y = _table_header(pen, 10)
    pdf.set_draw_color(60, 60, 60)
    pdf.line(10, y, pdf.w - 10, y)
    pen.font("B", 7.5)
    pen.put(10, y, 18, _date(statement.period_end, short=True))
    pen.put(28, y, 99, "Closing balance")
    _amounts(pen, y, statement.closing or {}, cur, blank_zero=False)
    return bytes(pdf.output())


def _date(value: date, short: bool = False) -> str:
    return value.isoformat() if short else value.strftime("%d %b %Y").lstrip("0")


STATEMENT_CSV_HEADER = ["partner_id", "partner", "currency", "period_start", "period_end", "row", "date", "transaction", "kind",
                        "description", "source"] + [b.replace(".", "_") for b in STATEMENT_BUCKETS]


def statement_csv_rows(statement: Statement, *, partner_name: str, partner_public_id: str):
    cur = statement.currency
    head = [escape_cell(partner_public_id), escape_cell(partner_name), cur, statement.period_start.isoformat(),
            statement.period_end.isoformat()]

    def amounts(values: dict, blank_zero: bool) -> list[str]:
        return ["" if (blank_zero and not values.get(b)) else money_text(values.get(b, 0), cur, grouping=False) for b in STATEMENT_BUCKETS]

    yield head + ["opening", statement.period_start.isoformat(), "", "", "Opening balance", ""] + amounts(statement.opening or {}, False)
    for line in statement.lines or []:
        yield head + ["line", line.get("date", ""), line.get("txn", ""), escape_cell(line.get("kind", "")),
                      escape_cell(line.get("memo") or kind_label(line.get("kind", ""))), escape_cell(line.get("source", ""))] + \
            amounts(line.get("amounts") or {}, True)
    yield head + ["closing", statement.period_end.isoformat(), "", "", "Closing balance", ""] + amounts(statement.closing or {}, False)


def render_statement_csv(statement: Statement, *, partner_name: str | None = None, partner_public_id: str | None = None) -> bytes:
    """The statement as CSV: an opening row, one row per ledger transaction, a closing row; a column per bucket."""
    if partner_name is None or partner_public_id is None:
        partner_name, partner_public_id = statement.partner.name, statement.partner.public_id
    return _csv_bytes(STATEMENT_CSV_HEADER, statement_csv_rows(statement, partner_name=partner_name,
                                                               partner_public_id=partner_public_id))


# --- ERP / accounts payable -------------------------------------------------------------------------

ERP_HEADER = ["run_id", "period", "payout_id", "partner_id", "erp_vendor_id", "payee_legal_name", "payment_method",
              "account", "remittance_email", "currency", "mdf_amount", "incentive_amount", "amount", "reference", "status",
              "paid_at"]


def erp_export_csv(run: PayoutRun) -> bytes:
    """One row per payout, for the ERP's accounts-payable import (cancelled payouts left out)."""
    payouts = (Payout.objects.filter(run=run).exclude(status="cancelled")
               .select_related("partner", "partner__payee_profile").order_by("partner__name", "currency", "pk"))
    rows = []
    for p in payouts:
        profile = getattr(p.partner, "payee_profile", None)
        rows.append([
            run.public_id, escape_cell(run.period_label), p.public_id, p.partner.public_id,
            escape_cell(profile.erp_vendor_id if profile else ""), escape_cell(profile.legal_name if profile else p.partner.name),
            profile.payment_method if profile else "", profile.account_masked if profile else "",
            escape_cell(profile.remittance_email if profile else ""), p.currency,
            money_text(p.mdf_minor, p.currency, grouping=False), money_text(p.incentive_minor, p.currency, grouping=False),
            money_text(p.total_minor, p.currency, grouping=False), escape_cell(p.reference or p.public_id), p.status,
            p.paid_at.isoformat() if p.paid_at else "",
        ])
    return _csv_bytes(ERP_HEADER, rows)


REMITTANCE_HEADER = ["run_id", "payout_id", "partner_id", "partner", "currency", "item", "item_id", "description", "amount"]


def remittance_csv(run: PayoutRun) -> bytes:
    """What each payout is made of: one line per MDF claim and one for the incentives, for remittance advice."""
    payouts = (Payout.objects.filter(run=run).exclude(status="cancelled").select_related("partner")
               .prefetch_related("claim_links__claim__request").order_by("partner__name", "currency", "pk"))
    rows = []
    for p in payouts:
        base = [run.public_id, p.public_id, p.partner.public_id, escape_cell(p.partner.name), p.currency]
        for link in p.claim_links.all():
            claim = link.claim
            rows.append(base + ["mdf_claim", claim.public_id, escape_cell(f"MDF claim: {claim.request.title}"),
                                money_text(link.amount_minor, p.currency, grouping=False)])
        if p.incentive_minor:
            rows.append(base + ["incentives", "", "Incentives payable", money_text(p.incentive_minor, p.currency, grouping=False)])
    return _csv_bytes(REMITTANCE_HEADER, rows)
