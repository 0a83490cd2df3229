"""Co-selling in a browser: the vendor's CAM and a partner admin opt in and share their Customers as overlapping
records, the partner uploads a HubSpot companies export, the mapping runs (tasks run inline in tests, as the worker
would), the overlap matrix shows the counts and the drill-down shows only the fields each side shares; then the CAM
shares "counts only" and the partner's drill-down shows no record at all."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from allied.customers.models import CustomerAccount
from allied.mapping.models import AccountMatch, MappedAccount, MappingRun, RunStatus
from allied.matching import normalize_company_name
from tests.conftest import PASSWORD

from .conftest import login, logout, main_nav, messages
from .test_accessibility import _check_page as accessible

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURE = Path(__file__).resolve().parents[1] / "mapping" / "fixtures" / "hubspot_companies_export.csv"
SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OVERFLOW_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"

# The vendor's account master: five of the partner's eight companies, written differently, and one the partner lacks.
VENDOR_ACCOUNTS = [  # name, domain, country, customer?, owner
    ("Contoso Ltd", "contoso.example", "GB", True, "Olivia Vendorowner"),
    ("Fabrikam, Inc.", "fabrikam.example", "US", True, "Olivia Vendorowner"),
    ("Northwind Traders Inc", "northwind.example", "US", True, "Sam Direct"),
    ("Tailspin Toys GmbH", "tailspin.example", "DE", True, "Sam Direct"),
    ("Wide World Importers", "wideworld.example", "US", False, "Sam Direct"),
    ("Adventure Works", "adventure-works.example", "US", True, "Olivia Vendorowner"),
]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _both(page, name: str, where: str) -> None:
    """Accessible, then screenshots on a desktop and on a phone; the phone one must not scroll sideways."""
    accessible(page, where)
    page.set_viewport_size(DESKTOP)
    _shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    scroll_width, inner_width = page.evaluate(OVERFLOW_JS)
    assert scroll_width <= inner_width + 1, f"{where} scrolls sideways: {scroll_width}px wide in a {inner_width}px window"
    _shot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def _share(page, population: str, level: str, fields: list[str]) -> None:
    group = page.get_by_role("group", name=population, exact=True)
    group.get_by_label("Share").select_option(level)
    boxes = group.get_by_role("checkbox")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    for f in fields:
        group.get_by_label(f, exact=True).check()
    group.get_by_role("button", name=f"Save {population}").click()


def _vendor_master():
    for i, (name, domain, country, customer, owner) in enumerate(VENDOR_ACCOUNTS, start=1):
        CustomerAccount.objects.create(name=name, name_normalized=normalize_company_name(name), external_id=f"SF-{i:03}",
                                       website=f"https://{domain}", domain=domain, country=country, is_customer=customer,
                                       owner_name=owner, industry="Software")


def test_vendor_and_partner_map_accounts_with_sharing_controls(page, world):
    _vendor_master()

    # the CAM brings the vendor's list in from the account master, opts in and shares our customers as overlaps
    login(page, "cam@vendor.example", PASSWORD)
    main_nav(page, "Co-selling")
    expect(page.get_by_role("heading", name="Account mapping partnerships")).to_be_visible()
    page.get_by_role("navigation", name="Co-selling").get_by_role("link", name="Our accounts").click()
    page.get_by_role("button", name="Sync from the account master").click()
    expect(messages(page)).to_contain_text("Synced from the account master: 6 accounts changed.")
    expect(page.get_by_test_id("accounts")).to_contain_text("Adventure Works")
    page.get_by_role("navigation", name="Co-selling").get_by_role("link", name="Partnerships").click()
    page.get_by_role("link", name="Alpha Distribution").click()
    expect(page.get_by_test_id("optin-state")).to_contain_text("Account mapping is off")
    page.get_by_role("button", name="Opt in to account mapping").click()
    expect(messages(page)).to_contain_text("Nothing is shared until Alpha Distribution opts in too.")
    _share(page, "Customers", "overlaps", ["Country", "Status"])
    expect(messages(page)).to_contain_text("Customers: overlapping records shared with Alpha Distribution.")
    expect(page.get_by_test_id("matrix-inactive")).to_be_visible()
    logout(page)

    # the partner admin reads what is shared, opts in, shares its customers and uploads its HubSpot export
    login(page, "admin@alpha.example", PASSWORD)
    main_nav(page, "Co-selling")
    expect(page.get_by_test_id("optin-state")).to_contain_text("The vendor opted in: your turn")
    expect(page.get_by_test_id("optin-state")).to_contain_text("Nothing is shared until you and the vendor both opt in.")
    _both(page, "cosell-portal-overview-before", "portal co-selling overview")
    page.get_by_role("button", name="Opt in to account mapping").click()
    expect(messages(page)).to_contain_text("Both sides are in: mapping starts now.")
    _share(page, "Customers", "overlaps", ["Industry"])
    expect(messages(page)).to_contain_text("Customers: overlapping records shared with the vendor.")
    page.get_by_role("navigation", name="Co-selling").get_by_role("link", name="My accounts").click()
    page.get_by_label("Accounts CSV").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Upload").click()
    expect(messages(page)).to_contain_text("Imported 8 accounts from a HubSpot export: 8 created, 0 updated, 0 unchanged.")
    expect(page.get_by_test_id("accounts")).to_contain_text("Coho Winery")
    expect(page.get_by_test_id("populations")).to_contain_text("6 accounts")  # customers, an evangelist among them
    _both(page, "cosell-portal-accounts", "portal account list")

    # the mapping ran (inline here, in the worker in production): the matrix shows the overlap
    run = MappingRun.objects.filter(partner=world.partner_a).order_by("-created_at").first()
    assert run is not None and run.status == RunStatus.DONE
    assert AccountMatch.objects.filter(partner=world.partner_a).count() == 5
    page.get_by_role("navigation", name="Co-selling").get_by_role("link", name="Overlap").click()
    expect(page.get_by_test_id("run-progress")).to_contain_text("Mapped")
    matrix = page.get_by_test_id("overlap-matrix")
    expect(matrix.get_by_role("link", name="3 overlapping: Customers × Customers")).to_be_visible()  # Contoso, Fabrikam, Tailspin
    expect(matrix.get_by_role("link", name="1 overlapping: Open opportunities × Customers")).to_be_visible()  # Northwind
    expect(page.get_by_test_id("cell-1-3")).to_have_text("hidden")  # the vendor's prospects are not shared
    _both(page, "cosell-portal-matrix", "portal overlap matrix")

    # the drill-down: our records and the vendor's name, country and status; nothing else of theirs
    matrix.get_by_role("link", name="3 overlapping: Customers × Customers").click()
    rows = page.get_by_test_id("overlap-rows")
    expect(rows).to_contain_text("Contoso Ltd")
    expect(rows).to_contain_text("Tailspin Toys GmbH")
    expect(rows).to_contain_text("CONTOSO LIMITED")
    expect(rows.get_by_role("columnheader", name="Country", exact=True)).to_be_visible()
    expect(rows.get_by_role("columnheader", name="Status", exact=True)).to_be_visible()
    assert "Olivia Vendorowner" not in page.content() and "Sam Direct" not in page.content()  # the vendor's owners: not shared
    assert "Adventure Works" not in page.content()  # a vendor customer the partner does not have
    _both(page, "cosell-portal-drilldown", "portal drill-down")
    drill_url = page.url
    logout(page)

    # the CAM sees the partner's side of the same cell: the partner's industry, never its owners or headcount
    login(page, "cam@vendor.example", PASSWORD)
    main_nav(page, "Co-selling")
    page.get_by_role("link", name="Alpha Distribution").click()
    expect(page.get_by_test_id("optin-state")).to_contain_text("Account mapping is on")
    _both(page, "cosell-console-matrix", "console overlap matrix")
    page.get_by_test_id("overlap-matrix").get_by_role("link", name="3 overlapping: Customers × Customers").click()
    rows = page.get_by_test_id("overlap-rows")
    expect(rows).to_contain_text("Computer software")
    assert "Priya Partnerowner" not in page.content() and "1200" not in page.content()
    assert "Proseware" not in page.content() and "Coho Winery" not in page.content()  # the partner's other customers
    _both(page, "cosell-console-drilldown", "console drill-down")

    # the CAM shares our customers as counts only: the partner's drill-down shows the count and no record
    page.get_by_role("link", name="← Overlap matrix").click()
    _share(page, "Customers", "counts", [])
    expect(messages(page)).to_contain_text("Customers: counts only shared with Alpha Distribution.")
    logout(page)

    login(page, "admin@alpha.example", PASSWORD)
    main_nav(page, "Co-selling")
    matrix = page.get_by_test_id("overlap-matrix")
    expect(page.get_by_test_id("cell-1-1")).to_have_text("3")
    expect(matrix.get_by_role("link", name="3 overlapping: Customers × Customers")).to_have_count(0)  # a count, not a link
    page.goto(drill_url)
    expect(page.get_by_test_id("drill-counts")).to_contain_text("3 overlapping accounts")
    expect(page.get_by_test_id("counts-only")).to_contain_text("counts only")
    expect(page.get_by_test_id("overlap-rows")).to_have_count(0)
    for name in ("Contoso Ltd", "Fabrikam, Inc.", "Tailspin Toys GmbH"):
        assert name not in page.content()
    expect(page.get_by_role("link", name="Export CSV")).to_have_count(0)
    _both(page, "cosell-portal-drilldown-counts-only", "portal drill-down with counts only")

    # a sales rep of the partner reads the same overlap and cannot change the sharing
    logout(page)
    login(page, "sales@alpha.example", PASSWORD)
    main_nav(page, "Co-selling")
    expect(page.get_by_role("button", name="Opt in to account mapping")).to_have_count(0)
    expect(page.get_by_role("button", name="Save Customers")).to_have_count(0)
    assert MappedAccount.objects.filter(partner=world.partner_a).count() == 8
