"""customers/services.py::account_delete"""

import pytest

from allied.core.errors import NotFound, PermissionDenied
from allied.core.models import AuditEvent
from allied.customers.models import AccountKey, CustomerAccount, DirectOpportunity
from allied.customers.services import account_delete

from ..factories import account_make, opportunity_make


def test_deletes_the_account_its_opportunities_and_keys_and_records_it(world):
    account = account_make(external_id="001A")
    opportunity_make(account)
    account_delete(actor=world.admin, account=account)
    assert not CustomerAccount.objects.exists()
    assert not DirectOpportunity.objects.exists() and not AccountKey.objects.exists()
    event = AuditEvent.objects.get(action="account.deleted")
    assert event.before["external_id"] == "001A"


def test_who_may_delete(world):
    account = account_make()
    with pytest.raises(PermissionDenied):
        account_delete(actor=world.pmm, account=account)
    with pytest.raises(NotFound):
        account_delete(actor=world.a_admin, account=account)
    assert CustomerAccount.objects.exists()
