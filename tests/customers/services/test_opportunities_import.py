"""customers/services.py::opportunities_import (Salesforce opportunities, HubSpot deals, Allied CSV)."""

from datetime import date
from decimal import Decimal

import pytest

from allied.core.errors import NotFound, PermissionDenied
from allied.customers.models import DirectOpportunity
from allied.customers.services import ImportRejected, accounts_import, opportunities_import

from ..factories import account_make, csv_upload


def by_ext(ext: str) -> DirectOpportunity:
    return DirectOpportunity.objects.select_related("account").get(external_id=ext)


@pytest.fixture
def salesforce_accounts(world):
    accounts_import(actor=world.admin, file=csv_upload("salesforce_accounts.csv"))
    return world


@pytest.fixture
def hubspot_companies(world):
    accounts_import(actor=world.admin, file=csv_upload("hubspot_companies.csv"))
    return world


def test_salesforce_opportunities_export(salesforce_accounts):
    result = opportunities_import(actor=salesforce_accounts.cam, file=csv_upload("salesforce_opportunities.csv"))

    assert (result.kind, result.format, result.created) == ("opportunities", "salesforce", 4)
    renewal = by_ext("0065g00000X1aAAA")
    assert renewal.account.external_id == "0015g00000A1bCdAAJ"
    assert (renewal.amount, renewal.currency, renewal.status) == (Decimal("120000.00"), "USD", "open")
    assert (renewal.stage, renewal.close_date, renewal.owner_name) == ("Negotiation/Review", date(2026, 3, 31), "Jane Direct")
    expansion = by_ext("0065g00000X1aAAB")
    assert (expansion.amount, expansion.status) == (Decimal("45500.50"), "won")
    globex = by_ext("0065g00000X1aAAC")
    assert (globex.amount, globex.currency, globex.status, globex.close_date) == (Decimal("80000.00"), "EUR", "lost",
                                                                                  date(2025, 12, 20))
    assert by_ext("0065g00000X1aAAD").account.name == "Initech"  # no Account ID: found by name


def test_hubspot_deals_export(hubspot_companies):
    result = opportunities_import(actor=hubspot_companies.admin, file=csv_upload("hubspot_deals.csv"))

    assert (result.format, result.created) == ("hubspot", 3)
    platform = by_ext("5550001")
    assert (platform.account.name, platform.amount, platform.status, platform.currency) == (
        "Contoso Ltd", Decimal("25000.00"), "open", "USD")
    assert platform.close_date == date(2026, 5, 31)
    assert by_ext("5550002").status == "won" and by_ext("5550002").amount == Decimal("5000.50")
    northwind = by_ext("5550003")  # "111;9876543212": the first listed company is unknown, the second is ours
    assert (northwind.account.external_id, northwind.status) == ("9876543212", "lost")


def test_reimporting_is_idempotent_and_a_change_updates(hubspot_companies):
    opportunities_import(actor=hubspot_companies.admin, file=csv_upload("hubspot_deals.csv"))
    before = list(DirectOpportunity.objects.order_by("pk").values())

    again = opportunities_import(actor=hubspot_companies.admin, file=csv_upload("hubspot_deals.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(DirectOpportunity.objects.order_by("pk").values()) == before

    changed = csv_upload("hubspot_deals.csv").read().decode().replace("appointmentscheduled,25000", "closedwon,26000")
    result = opportunities_import(actor=hubspot_companies.admin, file=csv_upload("deals.csv", changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert (by_ext("5550001").status, by_ext("5550001").amount) == ("won", Decimal("26000.00"))


def test_bad_amounts_are_refused_with_row_and_column(world):
    account_make("Acme Corporation", external_id="0015g00000A1bCdAAJ")

    with pytest.raises(ImportRejected) as exc:
        opportunities_import(actor=world.admin, file=csv_upload("bad_amount.csv"))

    assert [str(p) for p in exc.value.problems] == [
        'row 3, column "Amount": "12abc" is not an amount: use digits with an optional decimal point, such as 1234.50 or $1,234.50.',
        'row 4, column "Amount": "-500" is negative; an amount must be zero or more.',
        'row 5, column "Amount": "1.5e3" is not an amount: use digits with an optional decimal point, such as 1234.50 or $1,234.50.',
    ]
    assert not DirectOpportunity.objects.exists()


def test_unknown_and_ambiguous_accounts(world):
    account_make("Twin Co", website="https://twin-a.example")
    account_make("Twin Co.", website="https://twin-b.example")
    csv = ("Opportunity ID,Opportunity Name,Account ID,Account Name,Amount\n"
           "1,A,001NOPE,,10\n"
           "2,B,,Twin Co,10\n"
           "3,C,,Nobody Inc,10\n"
           "4,D,,,10\n")
    with pytest.raises(ImportRejected) as exc:
        opportunities_import(actor=world.admin, file=csv_upload("o.csv", csv))
    assert [str(p) for p in exc.value.problems] == [
        'row 2, column "Account ID": no account has the id "001NOPE": import the accounts first.',
        'row 3, column "Account Name": 2 accounts are named "Twin Co": give the account id instead.',
        'row 4, column "Account Name": no account is named "Nobody Inc": import the accounts first.',
        'row 5, column "Account ID": is empty: every opportunity needs its account.',
    ]


def test_currency_in_the_amount_must_agree_with_the_currency_column(salesforce_accounts):
    csv = ("Opportunity ID,Opportunity Name,Account ID,Amount,Opportunity Currency\n"
           "1,A,0015g00000A1bCdAAJ,EUR 10,USD\n2,B,0015g00000A1bCdAAJ,10,dollars\n3,C,0015g00000A1bCdAAJ,GBP 10,\n")
    with pytest.raises(ImportRejected) as exc:
        opportunities_import(actor=salesforce_accounts.admin, file=csv_upload("o.csv", csv))
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "Amount"), (3, "Opportunity Currency")]


def test_allied_csv_names_accounts_by_public_id_and_sets_status(world):
    account = account_make("Acme", external_id="A-1")
    csv = (f"external_id,name,account,amount,currency,stage,status,close_date\n"
           f"O-1,Deal one,{account.public_id},100,EUR,Proposal,,2026-02-01\n"
           f"O-2,Deal two,A-1,200,,Proposal,won,\n")
    result = opportunities_import(actor=world.admin, file=csv_upload("o.csv", csv))
    assert (result.format, result.created) == ("allied", 2)
    assert (by_ext("O-1").account, by_ext("O-1").currency, by_ext("O-1").status) == (account, "EUR", "open")
    assert (by_ext("O-2").currency, by_ext("O-2").status) == ("USD", "won")


@pytest.mark.parametrize(("closed", "won", "stage", "status"), [
    ("1", "1", "Anything", "won"), ("true", "false", "Closed Won", "lost"), ("0", "0", "Closed Won", "open"),
    ("", "", "Closed Lost", "lost"), ("1", "", "Closed Won", "won"),
])
def test_salesforce_closed_and_won_flags(salesforce_accounts, closed, won, stage, status):
    csv = (f"Opportunity ID,Opportunity Name,Account ID,Stage,Closed,Won\n"
           f"1,A,0015g00000A1bCdAAJ,{stage},{closed},{won}\n")
    opportunities_import(actor=salesforce_accounts.admin, file=csv_upload("o.csv", csv))
    assert by_ext("1").status == status


def test_who_may_import(salesforce_accounts):
    world = salesforce_accounts
    with pytest.raises(PermissionDenied):
        opportunities_import(actor=world.finance, file=csv_upload("salesforce_opportunities.csv"))
    with pytest.raises(NotFound):
        opportunities_import(actor=world.a_admin, file=csv_upload("salesforce_opportunities.csv"))
    assert not DirectOpportunity.objects.exists()
