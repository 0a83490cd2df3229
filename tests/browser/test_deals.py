"""Deal registration as partners and CAMs use it: register on a phone, conflicts reviewed side by side, the deal room."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allied.deals.models import DealRegistration, DealStatus, EngagementRules
from allied.deals.services import deal_register
from allied.program.models import Product
from tests.conftest import PASSWORD
from tests.factories import deal_data

from .conftest import login, logout, main_nav, messages, shot
from .test_accessibility import _check_page as accessible

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OVERFLOW_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _fits(page, where: str) -> None:
    scroll_width, inner_width = page.evaluate(OVERFLOW_JS)
    assert scroll_width <= inner_width + 1, f"{where} scrolls sideways: {scroll_width}px wide in a {inner_width}px window"


def _both(page, name: str, where: str) -> None:
    """Screenshots of the current page on a desktop and on a phone; the phone one must not scroll sideways."""
    accessible(page, where)
    current = page.viewport_size
    page.set_viewport_size(DESKTOP)
    shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    _fits(page, where)
    shot(page, f"{name}-phone")
    page.set_viewport_size(current)


def _close_date(days: int = 45) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _fill_registration(page, company: str, website: str, contact: str, email: str, amount: str) -> None:
    page.get_by_label("Company name").fill(company)
    page.get_by_label("Website").fill(website)
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Contact name").fill(contact)
    page.get_by_label("Contact email").fill(email)
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Expected close date").fill(_close_date())


def test_partner_registers_a_deal_on_a_phone(page, world):
    Product.objects.create(code="cloud-suite", name="Cloud Suite", family="Cloud")
    Product.objects.create(code="edge-gateway", name="Edge Gateway", family="Edge")
    page.set_viewport_size(PHONE)
    login(page, "sales@alpha.example", PASSWORD)
    main_nav(page, "Deals")
    expect(page.get_by_role("heading", name="Deal registrations")).to_be_visible()
    expect(page.get_by_text("No registrations yet.")).to_be_visible()
    _both(page, "deals-portal-list-empty", "empty deal list")

    page.get_by_role("link", name="Register a deal").click()
    expect(page.get_by_role("heading", name="Register a deal")).to_be_visible()
    _both(page, "deals-portal-new", "registration form")
    started = timezone.now()

    # A mistake is named on its field and nothing typed is lost.
    page.get_by_label("Company name").fill("Northwind Traders")
    page.get_by_label("Contact name").fill("Dana Reyes")
    page.get_by_role("button", name="Register deal").click()
    expect(page.locator("#id_country_error")).to_contain_text("This field is required.")
    expect(page.get_by_label("Company name")).to_have_value("Northwind Traders")
    expect(page.get_by_label("Contact name")).to_have_value("Dana Reyes")
    _fits(page, "registration form with errors")
    shot(page, "deals-portal-new-errors-phone")

    _fill_registration(page, "Northwind Traders", "www.northwind.example", "Dana Reyes", "dana@northwind.example", "48,000")
    page.get_by_text("More contact details").click()
    page.get_by_label("Contact job title").fill("IT director")
    page.get_by_label("Cloud Suite").check()
    expect(page.get_by_label("New logo")).to_be_checked()
    page.get_by_role("button", name="Register deal").click()

    outcome = page.get_by_test_id("outcome")
    expect(outcome.get_by_role("heading", name="Approved")).to_be_visible()
    expect(outcome).to_contain_text("Protected until")
    assert (timezone.now() - started).total_seconds() < 60
    deal = DealRegistration.objects.get()
    assert deal.status == DealStatus.APPROVED and deal.products == ["cloud-suite"] and deal.contact_title == "IT director"
    _both(page, "deals-portal-detail-approved", "deal page")

    page.get_by_role("link", name="← Deals").click()
    item = page.locator(".deal-list li", has_text="Northwind Traders")
    expect(item).to_contain_text("Approved")
    expect(item).to_contain_text("48,000 USD")
    expect(page.get_by_test_id("open-amount")).to_contain_text("48,000 USD")
    _both(page, "deals-portal-list", "deal list")

    page.get_by_role("link", name="Import CSV").click()
    expect(page.get_by_role("heading", name="Import deal registrations")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template CSV").click()
    assert download.value.suggested_filename == "deal-registrations-template.csv"
    page.get_by_label("CSV file").set_input_files({"name": "deals.csv", "mimeType": "text/csv", "buffer": (
        "customer_name,website,country,contact_name,amount,expected_close_date\n"
        f"Contoso,contoso.example,Atlantis,Kim,1000,{_close_date()}\n"
        f"Fabrikam,fabrikam.example,DE,Lee,lots,{_close_date()}\n").encode()})
    page.get_by_role("button", name="Import").click()
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("row 2, column 'country'")
    expect(problems).to_contain_text("row 3, column 'amount'")
    _both(page, "deals-portal-import-problems", "import problems")
    assert DealRegistration.objects.count() == 1


def test_conflict_is_reviewed_side_by_side_and_the_partner_sees_the_outcome(page, world):
    deal_register(actor=world.a_sales, data=deal_data(customer_name="Northwind Traders Inc.", website="northwind.example"))

    # Under the default rules the second partner is declined at once, and never told who holds the customer.
    login(page, "sales@bravo.example", PASSWORD)
    page.goto("/portal/deals/new/")
    _fill_registration(page, "Northwind Traders", "https://northwind.example/", "Lee Chen", "lee@northwind.example", "30000")
    page.get_by_role("button", name="Register deal").click()
    outcome = page.get_by_test_id("outcome")
    expect(outcome.get_by_role("heading", name="Declined")).to_be_visible()
    expect(outcome).to_contain_text("already registered by another partner")
    expect(page.locator("main")).not_to_contain_text("Alpha")
    _both(page, "deals-portal-detail-declined", "declined deal page")
    logout(page)

    # The program admin sends such conflicts to CAM review instead.
    login(page, "admin@vendor.example", PASSWORD)
    page.goto("/console/deals/rules/")
    page.get_by_label("Another partner registered first").select_option("review")
    accessible(page, "rules of engagement")
    shot(page, "deals-console-rules")
    page.get_by_role("button", name="Save rules").click()
    expect(messages(page)).to_contain_text("Rules of engagement saved")
    assert EngagementRules.current().registration_conflict == "review"
    logout(page)

    login(page, "admin@bravo.example", PASSWORD)
    page.goto("/portal/deals/new/")
    _fill_registration(page, "Northwind Traders", "northwind.example", "Lee Chen", "lee@northwind.example", "30000")
    page.get_by_role("button", name="Register deal").click()
    expect(page.get_by_test_id("outcome").get_by_role("heading", name="In review")).to_be_visible()
    expect(page.get_by_test_id("outcome")).to_contain_text("A channel manager decides by")
    shot(page, "deals-portal-detail-in-review")
    logout(page)

    # The CAM finds it in the queue with its evidence, compares side by side and approves it.
    login(page, "cam@vendor.example", PASSWORD)
    main_nav(page, "Deals")
    row = page.get_by_role("row").filter(has_text="Bravo Systems")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Another partner's registration")
    expect(page.get_by_test_id("count-pending")).to_have_text("1 in review")
    accessible(page, "registration queue")
    shot(page, "deals-console-queue")
    row.get_by_role("link", name="Northwind Traders").click()
    evidence = page.get_by_test_id("evidence")
    expect(evidence.get_by_role("heading", name="This registration")).to_be_visible()
    candidate = evidence.locator(".candidate")
    expect(candidate).to_contain_text("Alpha Distribution")
    expect(candidate).to_contain_text("Approved")
    expect(candidate.locator("mark", has_text="northwind.example")).to_be_visible()
    subject_box, candidate_box = evidence.locator(".subject").bounding_box(), candidate.bounding_box()
    assert subject_box["x"] + subject_box["width"] <= candidate_box["x"], "the evidence is not side by side"
    accessible(page, "review page")
    shot(page, "deals-console-detail")
    page.set_viewport_size(PHONE)
    _fits(page, "console review page")
    shot(page, "deals-console-detail-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Note to the partner (optional)").fill("Co-sell with the incumbent partner agreed.")
    page.get_by_role("button", name="Approve registration").click()
    expect(messages(page)).to_contain_text("Approved Northwind Traders for Bravo Systems")
    expect(page.get_by_test_id("outcome").get_by_role("heading", name="Approved")).to_be_visible()
    logout(page)

    login(page, "admin@bravo.example", PASSWORD)
    main_nav(page, "Deals")
    page.get_by_role("link", name="Approved", exact=True).click()
    item = page.locator(".deal-list li", has_text="Northwind Traders")
    expect(item).to_contain_text("Co-sell with the incumbent partner agreed.")
    item.get_by_role("link", name="Northwind Traders").click()
    expect(page.get_by_test_id("outcome").get_by_role("heading", name="Approved")).to_be_visible()
    expect(page.get_by_test_id("decision-reason")).to_have_text("Co-sell with the incumbent partner agreed.")


def test_deal_room_notes_and_files_between_vendor_and_partner(page, world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    login(page, "cam@vendor.example", PASSWORD)
    page.goto(f"/console/deals/{deal.public_id}/")
    page.evaluate("() => { window.notReloaded = true; }")
    page.get_by_label("Note:", exact=True).fill("Can you share the customer's security questionnaire?")
    page.get_by_role("button", name="Add note").click()
    notes = page.locator("#note-list")
    expect(notes).to_contain_text("Can you share the customer's security questionnaire?")
    expect(notes).to_contain_text("Cam")
    assert page.evaluate("() => window.notReloaded === true"), "adding a note reloaded the page"
    expect(page.get_by_label("Note:", exact=True)).to_have_value("")
    logout(page)

    login(page, "sales@alpha.example", PASSWORD)
    page.goto(f"/portal/deals/{deal.public_id}/")
    expect(page.locator("#note-list")).to_contain_text("Can you share the customer's security questionnaire?")
    page.get_by_label("Note:", exact=True).fill("Attached. Their CISO signs off on Friday.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#note-list li")).to_have_count(2)
    page.get_by_label("File:", exact=True).set_input_files({"name": "questionnaire.pdf", "mimeType": "application/pdf",
                                                           "buffer": b"%PDF-1.4 answers"})
    page.get_by_role("button", name="Upload file").click()
    expect(messages(page)).to_contain_text("questionnaire.pdf uploaded.")
    _both(page, "deals-portal-room", "deal room")
    logout(page)

    login(page, "cam@vendor.example", PASSWORD)
    page.goto(f"/console/deals/{deal.public_id}/")
    expect(page.locator("#note-list")).to_contain_text("Their CISO signs off on Friday.")
    with page.expect_download() as download:
        page.get_by_role("link", name="questionnaire.pdf").click()
    assert download.value.suggested_filename == "questionnaire.pdf"
    assert open(download.value.path(), "rb").read() == b"%PDF-1.4 answers"
    expect(page.get_by_role("table").last).to_contain_text("deal.file_added")


def test_cam_bulk_approves_the_queue(page, world):
    EngagementRules.objects.filter(pk=EngagementRules.current().pk).update(auto_approve_clean=False)
    for user, name in ((world.a_sales, "Tailspin Toys"), (world.b_sales, "Litware"), (world.a1_admin, "Wingtip Toys")):
        deal_register(actor=user, data=deal_data(customer_name=name, website=f"{name.split()[0].lower()}.example", contact_email=""))
    login(page, "cam@vendor.example", PASSWORD)
    main_nav(page, "Deals")
    expect(page.locator("#bulk tbody tr")).to_have_count(3)
    page.get_by_label("Select every registration in review on this page").check()
    expect(page.get_by_label(re.compile("^Select Litware"))).to_be_checked()
    page.get_by_role("button", name="Approve selected").click()
    expect(messages(page)).to_contain_text("Approved 3 registrations.")
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()
    assert set(DealRegistration.objects.values_list("status", flat=True)) == {DealStatus.APPROVED}
    shot(page, "deals-console-queue-empty")
    page.goto("/console/deals/?f=1")
    expect(page.locator("#bulk tbody tr")).to_have_count(3)
    page.set_viewport_size(PHONE)
    shot(page, "deals-console-queue-all-phone")


def test_program_admin_manages_products(page, world):
    login(page, "admin@vendor.example", PASSWORD)
    main_nav(page, "Deals")
    page.get_by_role("link", name="Products").click()
    expect(page.get_by_text("No products yet.")).to_be_visible()
    page.get_by_label("Code").fill("cloud-suite")
    page.get_by_label("Name").fill("Cloud Suite")
    page.get_by_label("Family").fill("Cloud")
    page.get_by_role("button", name="Add product").click()
    expect(messages(page)).to_contain_text("Cloud Suite added.")
    page.get_by_role("button", name="Deactivate Cloud Suite").click()
    expect(page.get_by_role("row").filter(has_text="cloud-suite")).to_contain_text("Inactive")
    _both(page, "deals-console-products", "products page")
