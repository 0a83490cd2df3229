"""Builders for the /api/v1/deals tests: registrations through the service or straight into the table,
customers that do not resemble each other, and the multipart / PUT calls the shared client lacks."""

import json
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allied.customers.models import CustomerAccount
from allied.customers.services import account_keys_refresh
from allied.deals.models import DealParticipant, DealRegistration, DealStatus, EngagementRules
from allied.deals.services import deal_register
from allied.matching import normalize_company_name
from tests.api_helpers import API
from tests.factories import deal_data

URL = f"{API}/deals"
RULES_URL = f"{API}/deal-rules"

# Customers that share no name word or domain, so the conflict check never links two of them.
CUSTOMERS = ["Contoso", "Fabrikam", "Litware", "Tailspin Toys", "Wingtip", "Adventure Works", "Proseware", "Woodgrove Bank",
             "Humongous Insurance", "Lucerne Publishing", "Margie Travel", "Coho Winery", "Fourth Coffee", "Alpine Ski House",
             "Trey Research", "Southridge Video", "Blue Yonder Airlines", "Consolidated Messenger"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def customer(name: str) -> dict:
    """Registration fields for the customer ``name`` (its own website and contact email)."""
    slug = name.lower().replace(" ", "")
    return {"customer_name": f"{name} Inc.", "website": f"https://www.{slug}.example", "contact_email": f"buyer@{slug}.example"}


def body(name: str = "Contoso", **overrides) -> dict:
    return deal_data(**{**customer(name), **overrides})


def registered(user, name: str = "Contoso", partner=None, **overrides) -> DealRegistration:
    return deal_register(actor=user, data=body(name, **overrides), partner=partner)


def review_everything(on: bool = True) -> None:
    """No automatic approval: clean registrations wait for a CAM (status pending)."""
    rules = EngagementRules.current()
    rules.auto_approve_clean = not on
    rules.save()


def pending(user, name: str = "Contoso", **overrides) -> DealRegistration:
    review_everything()
    deal = registered(user, name, **overrides)
    review_everything(False)
    assert deal.status == DealStatus.PENDING
    return deal


def deal_row(partner, name: str, *, status: str = DealStatus.APPROVED, submitted_days_ago: float = 0, **fields) -> DealRegistration:
    """A registration written straight to the table (no conflict check): for lists and paging."""
    now = timezone.now() - timedelta(days=submitted_days_ago)
    deal = DealRegistration.objects.create(
        partner=partner, customer_name=name, customer_name_normalized=normalize_company_name(name),
        website=f"{name.lower().replace(' ', '')}.example", domain=f"{name.lower().replace(' ', '')}.example", country="US",
        contact_name="Dana Reyes", amount=Decimal("1000"), expected_close_date=timezone.localdate() + timedelta(days=30),
        status=status, submitted_at=now,
        protection_expires_at=now + timedelta(days=90) if status == DealStatus.APPROVED else None, **fields)
    DealParticipant.objects.create(deal=deal, partner=partner, role="sourcing", split_pct=100)
    return deal


def named_direct_account(name: str = "Contoso") -> CustomerAccount:
    fields = customer(name)
    account = CustomerAccount.objects.create(
        name=fields["customer_name"], name_normalized=normalize_company_name(fields["customer_name"]),
        website=fields["website"], domain=fields["website"].removeprefix("https://www."), country="US", is_named_direct=True)
    account_keys_refresh([account])
    return account


def upload(content: bytes = PDF, name: str = "proposal.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_multipart(client, api_client, url: str, data: dict):
    """``api_client`` sends JSON only; this sends ``data`` as multipart/form-data with the same key."""
    return client.post(url, data=data, **api_client.headers)


def put_json(client, api_client, url: str, data: dict):
    return client.put(url, data=json.dumps(data), content_type="application/json", **api_client.headers)


def download(resp) -> bytes:
    return b"".join(resp.streaming_content)
