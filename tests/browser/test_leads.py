"""The issue's done-means in a browser: a lead sent through the embeddable form (framed by another page) lands in the
right partner's inbox with its explanation; that partner declines with a reason; the lead is re-routed to the next
partner, whose inbox shows it while the first partner's no longer does."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from playwright.sync_api import expect

from allied.leads.models import Lead, LeadOffer, LeadStatus, OfferOutcome, PartnerLeadSettings
from allied.program.models import Tier
from tests.conftest import PASSWORD, make_partner, make_user

from .conftest import login, logout, main_nav, messages, shot
from .test_accessibility import _check_page as accessible

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OVERFLOW_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _fits(page, where: str) -> None:
    scroll_width, inner_width = page.evaluate(OVERFLOW_JS)
    assert scroll_width <= inner_width + 1, f"{where} scrolls sideways: {scroll_width}px wide in a {inner_width}px window"


def _phone(page, name: str, where: str) -> None:
    accessible(page, where)
    page.set_viewport_size(PHONE)
    _fits(page, where)
    shot(page, f"{name}-phone")


@contextmanager
def _vendor_site(html: str):
    """The vendor's own website: another origin (its own server on the loopback) whose page frames the lead form."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            data = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/contact"
    finally:
        server.shutdown()
        server.server_close()


def _fill_the_framed_form(page) -> None:
    frame = page.frame_locator("iframe[title='Contact us']")
    frame.get_by_role("heading", name="Talk to us").wait_for()
    frame.get_by_label("Company").fill("Globex Corporation")
    frame.get_by_label("Website (optional)").fill("globex.example")
    frame.get_by_label("Country").select_option("US")
    frame.get_by_label("Your name").fill("Hank Scorpio")
    frame.get_by_label("Work email").fill("hank@globex.example")
    frame.get_by_label("What are you interested in? (optional)").fill("security")
    frame.get_by_label("How can we help?").fill("We need 200 seats of the security suite.")
    frame.get_by_role("button", name="Send").click()
    expect(frame.locator("#id_consent_error")).to_contain_text("Please agree to be contacted.")
    expect(frame.get_by_label("Company")).to_have_value("Globex Corporation")
    shot(page, "leads-web-form-framed-errors-phone")
    frame.get_by_label("I agree to be contacted").check()
    frame.get_by_role("button", name="Send").click()
    expect(frame.get_by_role("heading", name="Thank you!")).to_be_visible()
    shot(page, "leads-web-form-framed-thanks-phone")


@pytest.fixture
def field(world):
    """Two US resellers for security leads: Near Gold (higher tier, the specialty) first, Far Silver next; the world's partners paused."""
    tiers = list(Tier.objects.order_by("rank"))
    near = make_partner("Near Gold", "reseller", cam=world.cam, tier=tiers[-2], specialties=["security"])
    far = make_partner("Far Silver", "reseller", cam=world.cam, tier=tiers[1])
    for p, lat, lon in ((near, 40.75, -73.99), (far, 41.88, -87.63)):
        PartnerLeadSettings.objects.create(partner=p, lat=lat, lon=lon, capacity=5)
    for p in (world.partner_a, world.partner_a1, world.partner_b):
        PartnerLeadSettings.objects.create(partner=p, paused=True)
    make_user("sales@near.example", "partner_sales", near)
    make_user("sales@far.example", "partner_sales", far)
    return {"near": near, "far": far}


def test_web_form_lead_is_routed_declined_and_rerouted(page, world, field, settings, live_server):
    settings.ALLIED_LEAD_FORM_MIN_SECONDS = 0  # the robot types faster than the 3 s a person needs

    # The vendor's own site frames the form (another origin: X-Frame-Options would block it).
    page.set_viewport_size(PHONE)
    vendor_page = (f'<!doctype html><meta name="viewport" content="width=device-width"><title>Vendor</title><h1>Vendor site</h1>'
                   f'<iframe src="{live_server.url}/forms/lead/" title="Contact us" style="width:100%;height:1300px;border:0"></iframe>')
    with _vendor_site(vendor_page) as vendor_url:
        page.goto(vendor_url)
        _fill_the_framed_form(page)

    lead = Lead.objects.get()
    assert lead.source == "web_form" and lead.status == LeadStatus.OFFERED and lead.partner == field["near"]
    first = LeadOffer.objects.get(lead=lead)

    # The form alone, as a visitor opening it directly sees it, on a phone.
    page.goto("/forms/lead/")
    _phone(page, "leads-web-form", "lead web form")

    # Near Gold's seller finds it in the inbox with the explanation, and declines with a reason.
    page.set_viewport_size(PHONE)
    login(page, "sales@near.example", PASSWORD)
    main_nav(page, "Leads")
    offered = page.get_by_test_id("offered")
    expect(offered.get_by_role("link", name="Globex Corporation")).to_be_visible()
    expect(offered).to_contain_text("Answer within 23 h")
    _phone(page, "leads-portal-inbox", "lead inbox")
    offered.get_by_role("link", name="Globex Corporation").click()
    expect(page.get_by_test_id("explanation")).to_have_text(first.explanation)
    expect(page.get_by_test_id("deadline")).to_contain_text("Answer within 23 h")
    _phone(page, "leads-portal-detail", "lead page")
    page.get_by_text("Decline", exact=True).click()
    page.get_by_role("button", name="Decline lead").click()
    expect(page.locator("#id_decline-reason_error")).to_contain_text("This field is required.")
    page.get_by_label("Why do you decline it?").fill("No capacity this month")
    page.get_by_role("button", name="Decline lead").click()
    expect(messages(page)).to_contain_text("it goes to another partner")
    expect(page.get_by_role("heading", name="Leads")).to_be_visible()
    expect(page.get_by_test_id("offered")).not_to_contain_text("Globex")
    shot(page, "leads-portal-inbox-after-decline-phone")

    lead.refresh_from_db()
    assert lead.partner == field["far"] and lead.status == LeadStatus.OFFERED
    assert LeadOffer.objects.get(lead=lead, partner=field["near"]).outcome == OfferOutcome.DECLINED
    second = LeadOffer.objects.get(lead=lead, outcome=OfferOutcome.PENDING)

    # The first partner's old link is now a missing page.
    response = page.goto(f"/portal/leads/{lead.public_id}/")
    assert response.status == 404
    logout_page = page.goto("/portal/leads/")
    assert logout_page.status == 200
    logout(page)

    # Far Silver's seller sees it, with its own explanation.
    login(page, "sales@far.example", PASSWORD)
    main_nav(page, "Leads")
    page.get_by_test_id("offered").get_by_role("link", name="Globex Corporation").click()
    expect(page.get_by_test_id("explanation")).to_have_text(second.explanation)
    shot(page, "leads-portal-detail-rerouted-phone")
    logout(page)

    # The CAM reads the routing history: both offers, the decline reason, breakdown and runners-up.
    page.set_viewport_size(DESKTOP)
    login(page, "cam@vendor.example", PASSWORD)
    main_nav(page, "Leads")
    page.get_by_role("link", name="Globex Corporation").click()
    expect(page.get_by_test_id("offer")).to_have_count(2)
    expect(page.get_by_text("No capacity this month")).to_be_visible()
    expect(page.get_by_role("heading", name="Score breakdown").first).to_be_visible()
    accessible(page, "console lead page")
    shot(page, "leads-console-detail-desktop")
    page.set_viewport_size(PHONE)
    _fits(page, "console lead page")
    shot(page, "leads-console-detail-phone")
    page.set_viewport_size(DESKTOP)
    page.goto("/console/leads/")
    accessible(page, "lead queue")
    shot(page, "leads-console-queue-desktop")
    page.goto("/console/leads/partners/")
    shot(page, "leads-console-partners-desktop")
    page.goto("/console/leads/embed/")
    shot(page, "leads-console-embed-desktop")
    logout(page)
    login(page, "admin@vendor.example", PASSWORD)
    page.goto("/console/leads/settings/")
    accessible(page, "routing settings")
    shot(page, "leads-console-settings-desktop")
