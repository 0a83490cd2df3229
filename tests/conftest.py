"""Shared fixtures: the people every authorization test needs (Healthchecks' owner/member/outsider).

World: a vendor with each vendor role; partner A (a distributor) with sub-partner A1; partner
B unrelated. Each partner has an admin, a sales rep and a marketer.
"""

import decimal

import pytest

from allied.accounts.models import User
from allied.partners.models import Partner, PartnerStatus
from allied.program.models import PartnerType, Tier

PASSWORD = "correct-horse-battery-staple"

# Money is Decimal: any ordering comparison or arithmetic that mixes in a float fails the test (in every thread).
# qrcode (MFA enrolment) builds Decimal(0.8) when its SVG module is imported, so it is imported before the trap.
import qrcode.image.svg  # noqa: E402, F401

decimal.DefaultContext.traps[decimal.FloatOperation] = True
decimal.getcontext().traps[decimal.FloatOperation] = True


def make_user(email: str, role: str, partner: Partner | None = None) -> User:
    return User.objects.create_user(email, PASSWORD, role=role, partner=partner, full_name=email.split("@")[0].title())


def make_partner(name: str, type_code: str = "reseller", parent: Partner | None = None, cam: User | None = None, **kw) -> Partner:
    defaults = dict(
        country="US", region="na", website=f"https://{name.lower().replace(' ', '')}.example",
        domain=f"{name.lower().replace(' ', '')}.example", status=PartnerStatus.ACTIVE,
    )
    defaults.update(kw)
    defaults.setdefault("tier", Tier.objects.order_by("rank").first())
    return Partner.objects.create(name=name, partner_type=PartnerType.objects.get(code=type_code), parent=parent, cam=cam, **defaults)


class World:
    def __init__(self):
        self.admin = make_user("admin@vendor.example", "program_admin")
        self.cam = make_user("cam@vendor.example", "cam")
        self.pmm = make_user("pmm@vendor.example", "pmm")
        self.finance = make_user("finance@vendor.example", "finance")
        self.partner_a = make_partner("Alpha Distribution", "distributor", cam=self.cam)
        self.partner_a1 = make_partner("Alpha One Resale", "reseller", parent=self.partner_a, cam=self.cam)
        self.partner_b = make_partner("Bravo Systems", "si", cam=self.cam)
        self.a_admin = make_user("admin@alpha.example", "partner_admin", self.partner_a)
        self.a_sales = make_user("sales@alpha.example", "partner_sales", self.partner_a)
        self.a_marketing = make_user("marketing@alpha.example", "partner_marketing", self.partner_a)
        self.a1_admin = make_user("admin@alphaone.example", "partner_admin", self.partner_a1)
        self.b_admin = make_user("admin@bravo.example", "partner_admin", self.partner_b)
        self.b_sales = make_user("sales@bravo.example", "partner_sales", self.partner_b)
        self.b_marketing = make_user("marketing@bravo.example", "partner_marketing", self.partner_b)

    @property
    def vendor_users(self):
        return [self.admin, self.cam, self.pmm, self.finance]

    @property
    def partner_users(self):
        return [self.a_admin, self.a_sales, self.a_marketing, self.a1_admin, self.b_admin, self.b_sales, self.b_marketing]


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def api_client(client):
    """A Django test client that sends a bearer key: ``api_client.as_user(user)`` returns it."""
    from allied.accounts.services import apikey_create

    class ApiClient:
        def __init__(self):
            self.headers = {}

        def as_user(self, user):
            _, secret = apikey_create(actor=None, user=user)
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
            return self

        def get(self, path, **kw):
            return client.get(path, **self.headers, **kw)

        def post(self, path, data=None, **kw):
            return client.post(path, data=data or {}, content_type="application/json", **self.headers, **kw)

        def patch(self, path, data=None, **kw):
            return client.patch(path, data=data or {}, content_type="application/json", **self.headers, **kw)

        def delete(self, path, **kw):
            return client.delete(path, **self.headers, **kw)

    return ApiClient()


def program_reseed() -> None:
    """Put back what the data migrations seed (partner types, tiers, journeys, agreement) after a flush.

    Transactional tests (live servers, concurrent writers) flush the database when they end, which
    removes the seed too; this restores it the way the migrations wrote it (idempotent).
    """
    from importlib import import_module

    from django.apps import apps

    for module in ("allied.program.migrations.0002_default_program", "allied.onboarding.migrations.0002_default_journeys"):
        import_module(module).forwards(apps, None)


@pytest.fixture(autouse=True)
def _ledger_delete_guard(request):
    """The ledger refuses deletes (a database trigger). Django empties tables between transactional tests
    with DELETE on SQLite, so those tests lift the guard just before the flush; every test starts guarded.
    PostgreSQL empties tables with TRUNCATE, which the row triggers do not see."""
    uses_db = {"db", "transactional_db", "live_server", "django_db_reset_sequences"} & set(request.fixturenames)
    if not uses_db and not request.node.get_closest_marker("django_db"):
        yield
        return
    from django.db import connection

    request.getfixturevalue("_django_db_helper")  # set up first, so torn down (flushed) after this fixture
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE ledger_guard SET deletes_allowed = 0")
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE ledger_guard SET deletes_allowed = 1")
