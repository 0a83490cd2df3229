"""The content library in a browser: the partner marketing manager uploads a battlecard for Gold resellers and
publishes it; a Gold reseller's user finds it by search and downloads it, and the download shows in the console's
engagement table; a partner of another type does not see it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from allied.library.models import Asset, AssetEvent
from tests.conftest import PASSWORD
from tests.factories import set_tier
from tests.library.factories import PDF

from .conftest import login, logout, main_nav
from .test_accessibility import _check_page as accessible

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-library")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _shots(page, name: str, where: str) -> None:
    accessible(page, where)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width + 1, f"{where} scrolls sideways: {scroll_width}px in {inner_width}px"
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_pmm_publishes_gold_reseller_downloads_other_type_does_not_see(page, world, tmp_path):
    set_tier(world.partner_a1, "Gold")  # Alpha One Resale: a reseller
    pdf = tmp_path / "gold-battlecard.pdf"
    pdf.write_bytes(PDF)

    # the partner marketing manager uploads and publishes a battlecard for Gold resellers
    login(page, "pmm@vendor.example", PASSWORD)
    main_nav(page, "Library")
    expect(page.get_by_role("heading", name="Content library")).to_be_visible()
    page.get_by_role("link", name="New asset").click()
    page.get_by_label("Title").fill("Gold reseller battlecard")
    page.get_by_label("Description").fill("How to win against Contoso in mid-market deals.")
    page.get_by_label("Kind").select_option("battlecard")
    page.get_by_label("Tags").fill("Competitive, Contoso")
    page.get_by_label("Reseller", exact=True).check()
    page.get_by_label("Gold", exact=True).check()
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_label("Version notes").fill("First release for the summit.")
    page.get_by_label("Publish now").check()
    _shots(page, "console-new", "console new asset")
    page.get_by_role("button", name="Create the asset").click()
    expect(page.get_by_role("heading", name="Gold reseller battlecard")).to_be_visible()
    expect(page.locator(".badge.ok").first).to_have_text("Published")
    expect(page.get_by_test_id("versions")).to_contain_text("gold-battlecard.pdf")
    asset = Asset.objects.get()
    assert asset.status == "published" and [t.name for t in asset.tags.order_by("name")] == ["competitive", "contoso"]
    logout(page)

    # a Gold reseller's user finds it by search and downloads it
    login(page, "admin@alphaone.example", PASSWORD)
    main_nav(page, "Library")
    page.get_by_role("searchbox", name="Search").fill("contoso")
    page.get_by_role("button", name="Search").click()
    cards = page.get_by_test_id("assets")
    expect(cards).to_contain_text("Gold reseller battlecard")
    expect(cards).to_contain_text("Battlecard")
    _shots(page, "portal-search", "portal library search")
    cards.get_by_role("link", name="Gold reseller battlecard").click()
    expect(page.get_by_role("heading", name="Gold reseller battlecard")).to_be_visible()
    expect(page.get_by_text("First release for the summit.")).to_be_visible()
    _shots(page, "portal-asset", "portal asset")
    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    download = info.value
    assert download.suggested_filename == "gold-battlecard.pdf"
    assert Path(download.path()).read_bytes() == PDF
    assert AssetEvent.objects.filter(kind="download", partner=world.partner_a1).count() == 1
    logout(page)

    # a partner of another type (Bravo, a system integrator) does not see it
    login(page, "sales@bravo.example", PASSWORD)
    main_nav(page, "Library")
    expect(page.get_by_text("Nothing here yet")).to_be_visible()
    page.get_by_role("searchbox", name="Search").fill("contoso")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Nothing matches this search.")).to_be_visible()
    response = page.goto(f"/portal/library/{asset.public_id}/")
    assert response.status == 404
    logout(page)

    # the download shows in the console's engagement table
    login(page, "pmm@vendor.example", PASSWORD)
    main_nav(page, "Library")
    expect(page.get_by_test_id("assets")).to_contain_text("Gold reseller battlecard")
    _shots(page, "console-list", "console library")
    page.get_by_role("link", name="Gold reseller battlecard").click()
    row = page.get_by_test_id("engagement").get_by_role("row", name="Alpha One Resale")
    expect(row).to_contain_text("1")
    expect(row.locator("td").nth(2)).to_have_text("1")  # downloads
    _shots(page, "console-asset", "console asset")
