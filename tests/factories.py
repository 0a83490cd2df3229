"""Small builders shared by the service and selector tests (the `world` fixture lives in conftest)."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from allied.core.models import AuditEvent, OutboxEmail
from allied.partners.models import Achievement, AchievementKind, Partner
from allied.program.models import ProgramSettings, Tier


def tier(name: str) -> Tier:
    return Tier.objects.get(name=name)


def png_bytes(width: int = 8, height: int = 8, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (29, 78, 216)).save(buf, format=fmt)
    return buf.getvalue()


def upload(content: bytes, name: str = "logo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def deal_won(partner: Partner, amount: int | str = 30000, days_ago: float = 10) -> Achievement:
    return Achievement.objects.create(
        partner=partner, kind=AchievementKind.DEAL_WON, name="Closed-won deal", amount=Decimal(str(amount)),
        occurred_at=timezone.now() - timedelta(days=days_ago),
    )


def certification(partner: Partner, days_ago: float = 30, expires_in_days: float | None = 365) -> Achievement:
    now = timezone.now()
    return Achievement.objects.create(
        partner=partner, kind=AchievementKind.CERTIFICATION, name="Sales Professional",
        occurred_at=now - timedelta(days=days_ago),
        expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days),
    )


def make_silver_worthy(partner: Partner) -> None:
    """Exactly what the default Silver tier asks for: 2 deals, $60,000, one live certification."""
    deal_won(partner, 30000, days_ago=20)
    deal_won(partner, 30000, days_ago=40)
    certification(partner)


def program_set(**fields) -> ProgramSettings:
    ps = ProgramSettings.current()
    for k, v in fields.items():
        setattr(ps, k, v)
    ps.save()
    return ps


def set_tier(partner: Partner, name: str) -> Partner:
    Partner.objects.filter(pk=partner.pk).update(tier=tier(name))
    partner.refresh_from_db()
    return partner


def audit_actions(**lookup) -> list[str]:
    return list(AuditEvent.objects.filter(**lookup).order_by("id").values_list("action", flat=True))


def outbox_to(address: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(to=address).order_by("pk"))


def application_data(**overrides) -> dict:
    data = {
        "company_name": "Contoso Cloud Partners",
        "website": "https://www.contoso-partners.example",
        "partner_type": "reseller",
        "country": "DE",
        "region": "emea",
        "specialties": ["security", "cloud migration"],
        "industries": ["healthcare"],
        "regions_served": ["emea"],
        "customer_segments": ["mid-market"],
        "team_size": 25,
        "contact_name": "Dana Contoso",
        "contact_email": "dana@contoso-partners.example",
        "message": "We would like to resell your platform.",
    }
    data.update(overrides)
    return data


def deal_data(**overrides) -> dict:
    """A valid deal registration body (a new logo closing in 60 days); override any field."""
    data = {
        "customer_name": "Northwind Traders Inc.", "website": "https://www.northwind.example", "country": "US",
        "contact_name": "Dana Reyes", "contact_email": "dana@northwind.example", "amount": "48000", "currency": "USD",
        "expected_close_date": (timezone.localdate() + timedelta(days=60)).isoformat(), "deal_type": "new_logo",
    }
    data.update(overrides)
    return data


def lead_data(**overrides) -> dict:
    """A valid lead (a US company asking about the product); override any field."""
    data = {"company_name": "Globex Corporation", "website": "globex.example", "country": "US", "contact_name": "Hank Scorpio",
            "contact_email": "hank@globex.example", "message": "We need 200 seats", "consent": True}
    data.update(overrides)
    return data


def approved_claim(world_or_partner, amount: str = "1000.00", currency: str = "USD"):
    """An approved, unpaid MDF claim (see tests/funds/factories.py, which builds it through the funds services)."""
    from tests.funds.factories import approved_claim as build

    return build(world_or_partner, amount, currency)
