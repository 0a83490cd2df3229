"""The rules-of-engagement form and the product list: program admins only."""

import pytest

from allied.core.models import AuditEvent
from allied.deals.models import EngagementRules
from allied.program.models import Product

pytestmark = pytest.mark.django_db
RULES, PRODUCTS = "/console/deals/rules/", "/console/deals/products/"


def _rules_data(**overrides):
    data = {"protection_days": "120", "approval_sla_hours": "24", "auto_approve_clean": "on", "registration_conflict": "review",
            "named_account_policy": "decline", "direct_opportunity_policy": "review", "existing_customer_policy": "allow",
            "renewal_to_incumbent": "on", "tie_window_minutes": "30", "max_extensions": "1", "extension_days": "45",
            "reminder_days": "30, 7"}
    data.update(overrides)
    return data


def test_rules_form_is_grouped_with_help_texts_and_saves(client, world):
    client.force_login(world.admin)
    body = client.get(RULES).content.decode()
    for text in ("Protection &amp; SLA", "Conflicts", "Renewals", "Ties", "Extensions &amp; reminders",
                 "How long an approved registration protects the partner.", 'value="14, 3"'):
        assert text in body
    r = client.post(RULES, _rules_data())
    assert r.status_code == 302
    rules = EngagementRules.current()
    assert (rules.protection_days, rules.registration_conflict, rules.reminder_days, rules.auto_approve_clean) == (120, "review", [30, 7], True)
    client.post(RULES, _rules_data(auto_approve_clean=""))
    assert EngagementRules.current().auto_approve_clean is False
    assert AuditEvent.objects.filter(action="deal_rules.updated").count() == 2


@pytest.mark.parametrize("field,value,message", [
    ("protection_days", "0", "greater than or equal to 1"),
    ("reminder_days", "soon", "List whole numbers"),
    ("registration_conflict", "allow", "Select a valid choice"),
])
def test_bad_rules_are_named_on_their_field(client, world, field, value, message):
    client.force_login(world.admin)
    r = client.post(RULES, _rules_data(**{field: value}))
    assert r.status_code == 400 and message in " ".join(r.context["form"].errors[field])
    if field != "registration_conflict":
        assert f'value="{value}"' in r.content.decode()  # what was typed is kept
    assert EngagementRules.current().protection_days == 90


def test_products_add_duplicate_and_deactivate(client, world):
    client.force_login(world.admin)
    assert "No products yet" in client.get(PRODUCTS).content.decode()
    assert client.post(PRODUCTS, {"action": "add", "code": "cloud-suite", "name": "Cloud Suite", "family": "Cloud"}).status_code == 302
    r = client.post(PRODUCTS, {"action": "add", "code": "cloud-suite", "name": "Again"})
    assert r.status_code == 400 and "already exists" in " ".join(r.context["form"].errors["code"])
    r = client.post(PRODUCTS, {"action": "add", "code": "Bad Code!", "name": "X"})
    assert r.status_code == 400 and "code" in r.context["form"].errors
    client.force_login(world.a_sales)
    assert client.get("/portal/deals/new/").context["form"].fields["products"].choices == [("cloud-suite", "Cloud Suite")]
    client.force_login(world.admin)
    assert client.post(PRODUCTS, {"action": "deactivate", "code": "cloud-suite"}).status_code == 302
    assert Product.objects.get(code="cloud-suite").active is False
    client.force_login(world.a_sales)
    assert client.get("/portal/deals/new/").context["form"].fields["products"].choices == []
    client.force_login(world.admin)
    client.post(PRODUCTS, {"action": "activate", "code": "cloud-suite"})
    assert Product.objects.get(code="cloud-suite").active is True
    assert client.post(PRODUCTS, {"action": "activate", "code": "missing"}).status_code == 404


@pytest.mark.parametrize("role", ["cam", "pmm", "finance", "a_admin", "b_sales"])
def test_only_program_admins_reach_rules_and_products(client, world, role):
    client.force_login(getattr(world, role))
    for url in (RULES, PRODUCTS):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "add", "code": "x", "name": "X"}).status_code == 404
    assert not Product.objects.exists() and EngagementRules.current().protection_days == 90
