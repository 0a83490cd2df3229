"""customers/services.py::account_update"""

import pytest

from allied.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from allied.core.models import AuditEvent
from allied.customers.models import AccountKey, CustomerAccount
from allied.customers.services import account_update
from allied.matching import normalize_company_name

from ..factories import account_make


def keys(account) -> set[str]:
    return set(AccountKey.objects.filter(account=account).values_list("key", flat=True))


def test_changing_name_and_website_renormalises_and_rekeys(world):
    # given
    account = account_make("Acme Corporation", website="https://acme.example")
    assert {"d:acme.example", "n:acme"} <= keys(account)
    # when
    account_update(actor=world.cam, account=account, data={"name": "Globex Widgets", "website": "globex.example"})
    # then
    account.refresh_from_db()
    assert (account.name_normalized, account.domain) == (normalize_company_name("Globex Widgets"), "globex.example")
    assert "d:globex.example" in keys(account) and "d:acme.example" not in keys(account)
    event = AuditEvent.objects.get(action="account.updated")
    assert event.before == {"name": "Acme Corporation", "website": "https://acme.example", "domain": "acme.example"}
    assert event.after["domain"] == "globex.example"


def test_sending_the_same_values_records_nothing(world):
    account = account_make("Acme Corporation", website="https://acme.example", country="US")
    account_update(actor=world.admin, account=account, data={"name": "Acme Corporation", "country": "USA"})
    assert not AuditEvent.objects.exists()


def test_clearing_the_owner_and_partner(world):
    account = account_make(owner=world.cam, incumbent_partner=world.partner_a)
    account_update(actor=world.admin, account=account, data={"owner": None, "incumbent_partner": None})
    account.refresh_from_db()
    assert account.owner is None and account.incumbent_partner is None


def test_flags_without_key_fields_keep_the_keys(world):
    account = account_make()
    before = list(AccountKey.objects.filter(account=account).values_list("pk", flat=True))
    account_update(actor=world.admin, account=account, data={"is_named_direct": True})
    assert list(AccountKey.objects.filter(account=account).values_list("pk", flat=True)) == before


def test_bad_value_changes_nothing(world):
    account = account_make()
    before = CustomerAccount.objects.filter(pk=account.pk).values().get()
    with pytest.raises(DomainError) as exc:
        account_update(actor=world.admin, account=account, data={"name": "New", "country": "Narnia"})
    assert exc.value.field == "country"
    assert CustomerAccount.objects.filter(pk=account.pk).values().get() == before


def test_taking_another_accounts_external_id_conflicts(world):
    account_make("Alpha", external_id="A-1")
    beta = account_make("Beta", external_id="B-1")
    with pytest.raises(Conflict):
        account_update(actor=world.admin, account=beta, data={"external_id": "A-1"})


def test_who_may_update(world):
    account = account_make()
    with pytest.raises(PermissionDenied):
        account_update(actor=world.finance, account=account, data={"name": "X"})
    with pytest.raises(NotFound):
        account_update(actor=world.b_admin, account=account, data={"name": "X"})
    account_update(actor=world.cam, account=account, data={"name": "X"})
