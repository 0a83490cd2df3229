"""The ledger: balanced, immutable, idempotent postings, enforced by the database as well as by Python."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from allied.core.errors import Conflict
from allied.ledger import selectors
from allied.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from allied.ledger.services import Leg, ledger_post, ledger_reverse, move

pytestmark = pytest.mark.django_db

D = Decimal


def _allocate(world, key="k1", amount="100.00"):
    amount = D(amount) if isinstance(amount, str) else amount
    return ledger_post(kind="mdf.allocate", idempotency_key=key, currency="USD", partner_id=world.partner_b.pk,
                       legs=move(amount, source=("mdf.pool", None), to=("mdf.allocated", world.partner_b.pk)))


def test_a_posting_moves_money_and_balances_derive_from_entries(world):
    txn = _allocate(world)
    assert txn.sealed and txn.public_id.startswith("txn_")
    assert selectors.partner_balances(partner_id=world.partner_b.pk) == {"USD": {"mdf.allocated": D("100.00")}}
    assert selectors.vendor_balances() == {"USD": {"mdf.pool": D("-100.00")}}
    assert selectors.trial_balance() == {"USD": 0}


def test_the_same_key_and_body_returns_the_first_transaction(world):
    first = _allocate(world)
    again = _allocate(world)
    assert again.pk == first.pk
    assert LedgerEntry.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(world):
    _allocate(world)
    with pytest.raises(Conflict):
        _allocate(world, amount=D("100.01"))


def test_python_refuses_an_unbalanced_posting(world):
    with pytest.raises(ValueError):
        ledger_post(kind="bad", idempotency_key="k", currency="USD",
                    legs=[Leg("mdf.pool", None, D("-1.00")), Leg("mdf.allocated", world.partner_b.pk, D("1.01"))])
    assert LedgerTransaction.objects.count() == 0


def test_python_refuses_floats_and_extra_decimals(world):
    with pytest.raises(TypeError):
        _allocate(world, amount=1.5)
    with pytest.raises(ValueError):
        _allocate(world, amount=D("1.005"))


def test_amounts_use_the_currency_minor_unit(world):
    ledger_post(kind="mdf.allocate", idempotency_key="jpy", currency="JPY",
                legs=move(D("1500"), source=("mdf.pool", None), to=("mdf.allocated", world.partner_b.pk)))
    with pytest.raises(ValueError):
        ledger_post(kind="mdf.allocate", idempotency_key="jpy2", currency="JPY",
                    legs=move(D("1.50"), source=("mdf.pool", None), to=("mdf.allocated", world.partner_b.pk)))
    assert selectors.partner_balances(partner_id=world.partner_b.pk) == {"JPY": {"mdf.allocated": D("1500")}}


def test_vendor_and_partner_accounts_are_not_mixed_up(world):
    with pytest.raises(ValueError):
        ledger_post(kind="bad", idempotency_key="k", currency="USD",
                    legs=move(D("1"), source=("mdf.pool", world.partner_b.pk), to=("mdf.allocated", world.partner_b.pk)))


def test_reversal_restores_the_balances(world):
    txn = _allocate(world)
    rev = ledger_reverse(txn=txn, idempotency_key="k1:rev")
    assert rev.reverses_id == txn.pk
    assert selectors.partner_balances(partner_id=world.partner_b.pk) == {"USD": {"mdf.allocated": D("0.00")}}


def _raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_to_change_or_delete_entries(world):
    _allocate(world)
    entry = LedgerEntry.objects.first()
    with pytest.raises(DatabaseError, match="immutable"):
        _raw("UPDATE ledger_ledgerentry SET amount_minor = 1 WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="immutable"):
        _raw("DELETE FROM ledger_ledgerentry WHERE id = %s", [entry.pk])
    txn = LedgerTransaction.objects.get()
    with pytest.raises(DatabaseError, match="immutable"):
        _raw("UPDATE ledger_ledgertransaction SET memo = 'changed' WHERE id = %s", [txn.pk])
    with pytest.raises(DatabaseError, match="immutable"):
        _raw("DELETE FROM ledger_ledgertransaction WHERE id = %s", [txn.pk])
    assert LedgerEntry.objects.count() == 2


def test_the_database_refuses_to_seal_an_unbalanced_transaction(world):
    pool = LedgerAccount.objects.create(code="mdf.pool", currency="USD")
    allocated = LedgerAccount.objects.create(code="mdf.allocated", partner=world.partner_b, currency="USD")
    txn = LedgerTransaction.objects.create(kind="raw", idempotency_key="raw", body_hash="x")
    LedgerEntry.objects.create(transaction=txn, account=pool, currency="USD", amount_minor=-100)
    LedgerEntry.objects.create(transaction=txn, account=allocated, currency="USD", amount_minor=101)
    with pytest.raises(DatabaseError, match="sum to zero"):
        _raw("UPDATE ledger_ledgertransaction SET sealed = TRUE WHERE id = %s", [txn.pk])
    assert selectors.partner_balances(partner_id=world.partner_b.pk) == {}  # unsealed entries never count


def test_the_database_refuses_entries_in_another_currency_or_after_sealing(world):
    _allocate(world)
    txn = LedgerTransaction.objects.get()
    eur = LedgerAccount.objects.create(code="mdf.pool", currency="EUR")
    with pytest.raises(DatabaseError, match="sealed"):
        _raw("INSERT INTO ledger_ledgerentry (transaction_id, account_id, currency, amount_minor) VALUES (%s, %s, 'EUR', 5)",
             [txn.pk, eur.pk])
    open_txn = LedgerTransaction.objects.create(kind="raw", idempotency_key="raw2", body_hash="x")
    with pytest.raises(DatabaseError, match="currency"):
        _raw("INSERT INTO ledger_ledgerentry (transaction_id, account_id, currency, amount_minor) VALUES (%s, %s, 'USD', 5)",
             [open_txn.pk, eur.pk])


def test_an_entry_cannot_be_zero(world):
    pool = LedgerAccount.objects.create(code="mdf.pool", currency="USD")
    txn = LedgerTransaction.objects.create(kind="raw", idempotency_key="raw", body_hash="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(transaction=txn, account=pool, currency="USD", amount_minor=0)


def test_a_partner_sees_only_its_own_transactions(world):
    _allocate(world)
    assert selectors.transaction_list(actor=world.b_admin).count() == 1
    assert selectors.transaction_list(actor=world.a_admin).count() == 0
    assert selectors.transaction_list(actor=world.finance).count() == 1


def test_the_ledger_clock_back_dates_postings_that_name_no_date(world):
    from datetime import UTC, datetime

    from allied.ledger.services import ledger_clock

    at = datetime(2025, 3, 31, 12, tzinfo=UTC)
    with ledger_clock(at):
        txn = _allocate(world)
    assert txn.effective_at == at
    assert selectors.partner_balances(partner_id=world.partner_b.pk, as_of=at) == {}
    assert _allocate(world, key="k2").effective_at > at
