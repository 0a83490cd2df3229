"""deals_import: every row is checked first; one bad row and nothing is registered."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.services import ImportRejected, deals_import

pytestmark = pytest.mark.django_db
CLOSE = (timezone.localdate() + timedelta(days=45)).isoformat()


def _csv(*rows, header="Account Name,Website,Billing Country,First Name,Last Name,Email,Amount,Currency,Close Date,Type"):
    return io.BytesIO(("\ufeff" + "\n".join([header, *rows]) + "\n").encode())


def test_salesforce_style_file_registers_every_row(world):
    deals = deals_import(actor=world.a_sales, file=_csv(
        f"Contoso Ltd,contoso.example,GB,Ann,Lee,ann@contoso.example,\"12,500.00\",GBP,{CLOSE},New Business",
        f"Fabrikam GmbH,https://www.fabrikam.example,DE,Jon,Berg,jon@fabrikam.example,8000,EUR,{CLOSE},Existing Business - Upgrade",
    ))
    assert [(d.customer_name, d.deal_type, str(d.amount), d.currency) for d in deals] == [
        ("Contoso Ltd", "new_logo", "12500.00", "GBP"), ("Fabrikam GmbH", "upsell", "8000.00", "EUR")]
    assert deals[0].contact_name == "Ann Lee" and deals[0].source == "csv"


def test_one_bad_row_rejects_the_file_naming_row_and_column(world):
    with pytest.raises(ImportRejected) as exc:
        deals_import(actor=world.a_sales, file=_csv(
            f"Contoso Ltd,contoso.example,GB,Ann,Lee,ann@contoso.example,100,GBP,{CLOSE},New Business",
            f"Fabrikam GmbH,fabrikam.example,Narnia,Jon,Berg,jon@fabrikam.example,12.5.0,EUR,{CLOSE},New Business",
        ))
    problems = exc.value.problems
    assert 'row 3, column \'Billing Country\'' in problems[0]
    assert world.partner_a.deal_registrations.count() == 0


def test_missing_columns_are_named(world):
    with pytest.raises(ImportRejected) as exc:
        deals_import(actor=world.a_sales, file=_csv("x,y", header="Website,Notes"))
    assert any("customer_name" in p for p in exc.value.problems)


def test_us_dates_from_a_salesforce_export_are_read_month_first(world):
    close = timezone.localdate() + timedelta(days=45)
    us = f"{close.month}/{close.day}/{close.year}"
    later = timezone.localdate() + timedelta(days=400)
    deals = deals_import(actor=world.a_sales, file=_csv(
        f"Contoso Ltd,contoso.example,GB,Ann,Lee,ann@contoso.example,100,GBP,{us},New Business",
        f"Fabrikam,fabrikam.example,DE,Jon,Berg,jon@fabrikam.example,100,EUR,12/{max(later.day, 13)}/{later.year},New Business",
    ))
    assert deals[0].expected_close_date == close


def test_ambiguous_slash_dates_are_refused_not_guessed(world):
    close = timezone.localdate() + timedelta(days=400)
    with pytest.raises(ImportRejected) as exc:
        deals_import(actor=world.a_sales, file=_csv(
            f"Contoso Ltd,contoso.example,GB,Ann,Lee,ann@contoso.example,100,GBP,3/4/{close.year},New Business"))
    assert "row 2, column 'Close Date'" in exc.value.problems[0] and "ambiguous" in exc.value.problems[0]
