"""The account master in the console: import a HubSpot export, see the rows, a bad file shows every row/column problem."""

import re

import pytest
from playwright.sync_api import expect

from allied.customers.models import CustomerAccount
from tests.conftest import PASSWORD
from tests.customers.factories import FIXTURES

from .conftest import login, main_nav, messages, shot
from .test_accessibility import _check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_imports_hubspot_companies_and_a_bad_file_is_refused_whole(page, world):
    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Accounts")
    expect(page.get_by_role("heading", name="Accounts", level=1)).to_be_visible()
    expect(page.get_by_text("0 accounts")).to_be_visible()

    # Import a HubSpot companies export.
    page.get_by_role("link", name="Import CSV").click()
    expect(page.get_by_role("heading", name="Import accounts or opportunities")).to_be_visible()
    shot(page, "accounts-import")
    _check_page(page, "account import")
    page.get_by_label("What the file holds").select_option("accounts")
    page.get_by_label("CSV file").set_input_files(str(FIXTURES / "hubspot_companies.csv"))
    page.get_by_role("button", name="Import").click()
    expect(messages(page)).to_contain_text("Imported 4 accounts from a HubSpot export: 4 created, 0 updated, 0 unchanged.")
    rows = page.locator("#account-rows tbody tr")
    expect(rows).to_have_count(4)
    contoso = rows.filter(has_text="Contoso Ltd")
    expect(contoso).to_contain_text("contoso.example")
    expect(contoso).to_contain_text("GB")
    expect(contoso).to_contain_text("Customer")
    expect(rows.filter(has_text="Northwind Traders")).to_contain_text("Cam")  # the owner, a vendor user
    expect(rows.filter(has_text="Société Générale Démo SA")).to_contain_text("FR")
    shot(page, "accounts-list")
    _check_page(page, "account list")

    # The list filters in place.
    page.get_by_label("Customer").select_option("yes")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"is_customer=yes"))
    page.get_by_label("Customer").select_option("")
    page.get_by_label("Search").press_sequentially("fabrikam")
    expect(rows).to_have_count(1)

    # One account's page: details, edit, a direct opportunity.
    page.get_by_role("link", name="Fabrikam Inc.").click()
    expect(page.get_by_role("heading", name="Fabrikam Inc.", level=1)).to_be_visible()
    page.get_by_label("Segment").select_option(label="Mid-market")
    page.get_by_label("Named direct account (worked by our direct team)").check()
    page.get_by_role("button", name="Save account").click()
    expect(messages(page)).to_contain_text("Account saved.")
    expect(page.get_by_role("heading", name="Fabrikam Inc.", level=1).locator("..")).to_contain_text("Named direct")
    page.get_by_text("Add a direct opportunity").click()
    page.get_by_label("Opportunity name").fill("Fabrikam platform")
    page.get_by_label("Amount").fill("$48,000.00")
    page.get_by_label("Stage").fill("Negotiation")
    page.get_by_role("button", name="Add opportunity").click()
    expect(messages(page)).to_contain_text("Opportunity Fabrikam platform added.")
    expect(page.locator("section").filter(has=page.get_by_role("heading", name="Direct opportunities"))).to_contain_text("USD 48,000.00")
    shot(page, "account-detail")
    _check_page(page, "account page")

    # A bad file: every problem by row and column, and nothing imported.
    page.get_by_role("link", name="← Accounts").click()
    page.get_by_role("link", name="Import CSV").click()
    bad = ("Record ID,Company name,Company Domain Name,Country/Region,Became a Customer Date\n"
           "9876543210,Contoso Ltd Renamed,contoso.example,Atlantis,2024-01-01\n"
           "555,,nowhere.example,DE,03/04/2024\n"
           "9876543210,Contoso again,contoso.example,GB,\n")
    page.get_by_label("CSV file").set_input_files({"name": "bad-companies.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    page.get_by_role("button", name="Import").click()
    problems = page.get_by_role("alert").filter(has_text="Nothing was imported")
    expect(problems).to_be_visible()
    items = problems.locator("li")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_have_text(re.compile(r'^row 2, column "Country/Region": "Atlantis" is not a country'))
    expect(items.nth(1)).to_have_text(re.compile(r'^row 3, column "Became a Customer Date": "03/04/2024" is ambiguous'))
    expect(items.nth(2)).to_have_text(re.compile(r'^row 3, column "Company name": '))
    expect(items.nth(3)).to_have_text(re.compile(r'^row 4, column "Record ID": "9876543210" appears again \(first on row 2\)'))
    shot(page, "accounts-import-rejected")
    _check_page(page, "account import with problems")
    assert CustomerAccount.objects.get(external_id="9876543210").name == "Contoso Ltd"
    assert CustomerAccount.objects.count() == 4

    page.get_by_role("link", name="← Accounts").click()
    page.get_by_role("link", name="Add account").click()
    page.get_by_label("Account name").fill("Tailspin Toys")
    page.get_by_label("Country").fill("Atlantis")
    page.get_by_role("button", name="Add account").click()
    expect(page.locator(".errorlist")).to_contain_text("is not a country")
    shot(page, "account-new-error")
    _check_page(page, "new account")
    page.get_by_label("Country").fill("DEU")
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_role("heading", name="Tailspin Toys", level=1)).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("DE")


def test_partner_users_do_not_find_the_account_master(page, world):
    account = CustomerAccount.objects.create(name="Secret Customer", name_normalized="secret customer")
    login(page, "admin@alpha.example", PASSWORD)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts")).to_have_count(0)
    for url in ("/console/accounts/", f"/console/accounts/{account.public_id}/", "/console/accounts/import/"):
        resp = page.goto(url)
        assert resp.status == 404
