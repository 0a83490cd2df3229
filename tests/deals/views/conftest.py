"""Fixtures for the deal pages: registrations made through the real service, as partners make them."""

import pytest

from allied.deals.models import EngagementRules
from allied.deals.services import deal_register
from allied.program.models import Product
from tests.factories import deal_data


def register(user, **overrides):
    return deal_register(actor=user, data=deal_data(**overrides))


def rules_set(**fields) -> None:
    EngagementRules.objects.filter(pk=EngagementRules.current().pk).update(**fields)


def review_everything():
    """Send every registration to CAM review (no automatic approval), as a strict program would."""
    rules_set(auto_approve_clean=False)


@pytest.fixture
def products(db):
    return [Product.objects.create(code="cloud-suite", name="Cloud Suite", family="Cloud"),
            Product.objects.create(code="edge-gateway", name="Edge Gateway", family="Edge"),
            Product.objects.create(code="legacy-box", name="Legacy Box", active=False)]


@pytest.fixture
def deal_a(world):
    """An approved registration of partner A (Northwind)."""
    return register(world.a_sales)


@pytest.fixture
def deal_b(world):
    """An approved registration of partner B, for another customer."""
    return register(world.b_sales, customer_name="Contoso Ltd", website="contoso.example", contact_email="kim@contoso.example")
