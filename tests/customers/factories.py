"""Builders for the account-master tests: accounts, direct opportunities and the CSV fixtures."""

from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from allied.customers.models import CustomerAccount, DirectOpportunity
from allied.customers.services import account_keys_refresh
from allied.matching import normalize_company_name, normalize_domain

FIXTURES = Path(__file__).parent / "fixtures"


def account_make(name: str = "Acme Corporation", *, website: str = "https://acme.example", country: str = "US",
                 external_id: str = "", **fields) -> CustomerAccount:
    """An account written straight to the table (normalised like the services do), with its match keys."""
    account = CustomerAccount.objects.create(
        name=name, name_normalized=normalize_company_name(name), website=website, domain=normalize_domain(website),
        country=country, external_id=external_id, **fields,
    )
    account_keys_refresh([account])
    return account


def opportunity_make(account: CustomerAccount, name: str = "Renewal", *, amount: str = "1000", status: str = "open",
                     **fields) -> DirectOpportunity:
    opp = DirectOpportunity.objects.create(account=account, name=name, amount=Decimal(amount), status=status, **fields)
    opp.refresh_from_db()  # amounts as the database keeps them (two decimals)
    return opp


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def csv_upload(name: str, content: bytes | str | None = None) -> SimpleUploadedFile:
    """A fixture file (or the given text) as an upload, the way a form or the API receives it."""
    if content is None:
        content = fixture_bytes(name)
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")
