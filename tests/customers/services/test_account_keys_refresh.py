"""customers/services.py::account_keys_refresh"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from allied.customers.models import AccountKey, CustomerAccount
from allied.customers.services import account_keys_refresh
from allied.matching import Record, blocking_keys, prepare


def _accounts(n: int) -> list[CustomerAccount]:
    CustomerAccount.objects.bulk_create(
        CustomerAccount(name=f"Company Number {i}", name_normalized=f"company number {i}", domain=f"c{i}.example", country="US")
        for i in range(n)
    )
    return list(CustomerAccount.objects.order_by("pk"))


def test_keys_are_the_engines_blocking_keys(db):
    account = _accounts(1)[0]
    account_keys_refresh([account])
    expected = blocking_keys(prepare(Record(id=account.public_id, name=account.name, domain=account.domain, country="US")))
    assert sorted(AccountKey.objects.values_list("key", flat=True)) == sorted(expected)


def test_refresh_replaces_old_keys(db):
    account = _accounts(1)[0]
    account_keys_refresh([account])
    account.name, account.domain = "Other Name", "other.example"
    account_keys_refresh([account])
    assert "d:c0.example" not in set(AccountKey.objects.values_list("key", flat=True))
    assert "d:other.example" in set(AccountKey.objects.values_list("key", flat=True))


def test_refresh_works_in_bulk(db):
    few, many = _accounts(3), None
    with CaptureQueriesContext(connection) as small:
        account_keys_refresh(few)
    many = _accounts(300)
    with CaptureQueriesContext(connection) as large:
        account_keys_refresh(many)
    # a delete and batched inserts, never a query per account
    assert len(small.captured_queries) <= 3 and len(large.captured_queries) <= 10
    assert AccountKey.objects.values("account").distinct().count() == 303


def test_nothing_to_refresh(db):
    assert account_keys_refresh([]) == 0
