"""Statement PDF and CSV, the ERP file: exact amounts, escaped spreadsheet formulas, Latin-1 text for the PDF."""

from datetime import date
from datetime import datetime as dt

import pytest

from allied.payouts.documents import (
    escape_cell,
    money_text,
    pdf_text,
    render_statement_csv,
    render_statement_pdf,
)
from allied.payouts.models import Statement


def test_money_text_is_exact():
    assert money_text(123456, "USD") == "1,234.56"
    assert money_text(-5, "USD") == "-0.05"
    assert money_text(1234, "JPY") == "1,234"
    assert money_text(1234567, "KWD", grouping=False) == "1234.567"
    assert money_text(10**15 - 1, "USD") == "9,999,999,999,999.99"


@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formulas_are_escaped(value):
    assert escape_cell(value) == "'" + value


def test_plain_text_is_kept():
    assert escape_cell("Acme, Inc.") == "Acme, Inc." and escape_cell(None) == ""


def test_pdf_text_keeps_latin1_and_transliterates_the_rest():
    assert pdf_text("Zürich Café") == "Zürich Café"
    assert pdf_text("Łódź – 東京") == "Lódz - ??"


def _statement(**kw):
    data = dict(public_id="stm_test", period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), currency="USD",
                opening={"incentive.payable": 100}, closing={"incentive.payable": 0, "incentive.paid": 100},
                totals={"paid": 100}, generated_at=dt(2026, 4, 1, 9, 0),
                lines=[{"date": "2026-02-01", "txn": "txn_1", "kind": "payout.paid", "memo": "=cmd|' /C calc'!A0", "source": "payout:pay_1",
                        "amounts": {"incentive.payable": -100, "incentive.paid": 100}}])
    data.update(kw)
    return Statement(**data)


def test_statement_csv():
    text = render_statement_csv(_statement(), partner_name="@Evil Partner", partner_public_id="ptn_1").decode("utf-8-sig")
    rows = text.splitlines()
    assert rows[0].startswith("partner_id,partner,currency,period_start,period_end,row,date,transaction")
    assert rows[1].startswith("ptn_1,'@Evil Partner,USD,2026-01-01,2026-03-31,opening,")
    assert "'=cmd|' /C calc'!A0" in rows[2] and rows[2].endswith(",-1.00,1.00")
    assert rows[3].split(",")[5] == "closing" and len(rows) == 4


def test_statement_pdf_many_lines_make_more_pages():
    one = render_statement_pdf(_statement(), partner_name="Ünïcode 東京", partner_public_id="ptn_1", vendor_name="Vendor")
    assert one.startswith(b"%PDF-") and b"/Count 1" in one
    lines = [{"date": "2026-02-01", "txn": f"txn_{i}", "kind": "incentive.accrued", "memo": "Rebate", "source": "",
              "amounts": {"incentive.accrued": i}} for i in range(80)]
    many = render_statement_pdf(_statement(lines=lines), partner_name="P", partner_public_id="ptn_1", vendor_name="Vendor")
    assert b"/Count 3" in many
