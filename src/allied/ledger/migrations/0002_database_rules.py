"""The ledger's rules, enforced by the database itself (SQLite and PostgreSQL).

- entries are immutable: no UPDATE, no DELETE;
- entries can be added only to an unsealed transaction, in the currency of their account;
- a transaction is inserted unsealed; sealing it checks that it has entries and that they sum to zero
  per currency; once sealed it can be neither changed nor deleted.

Test suites that empty tables between tests (Django's flush on SQLite) lift the delete guard through
``ledger_guard``; see tests/conftest.py. In production nothing writes that table.
"""

from django.db import migrations

SQLITE = [
    "CREATE TABLE ledger_guard (id INTEGER PRIMARY KEY CHECK (id = 1), deletes_allowed INTEGER NOT NULL DEFAULT 0)",
    "INSERT INTO ledger_guard (id, deletes_allowed) VALUES (1, 0)",
    """CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END""",
    """CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_ledgerentry
       WHEN NOT COALESCE((SELECT deletes_allowed FROM ledger_guard WHERE id = 1), 0)
       BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END""",
    """CREATE TRIGGER ledger_entry_open_txn BEFORE INSERT ON ledger_ledgerentry
       WHEN (SELECT sealed FROM ledger_ledgertransaction WHERE id = NEW.transaction_id)
       BEGIN SELECT RAISE(ABORT, 'ledger transaction is sealed'); END""",
    """CREATE TRIGGER ledger_entry_currency BEFORE INSERT ON ledger_ledgerentry
       WHEN NEW.currency IS NOT (SELECT currency FROM ledger_ledgeraccount WHERE id = NEW.account_id)
       BEGIN SELECT RAISE(ABORT, 'ledger entry currency differs from its account'); END""",
    """CREATE TRIGGER ledger_txn_insert_unsealed BEFORE INSERT ON ledger_ledgertransaction
       WHEN NEW.sealed BEGIN SELECT RAISE(ABORT, 'insert a ledger transaction unsealed, then seal it'); END""",
    """CREATE TRIGGER ledger_txn_update BEFORE UPDATE ON ledger_ledgertransaction
       BEGIN
         SELECT RAISE(ABORT, 'sealed ledger transactions are immutable') WHERE OLD.sealed;
         SELECT RAISE(ABORT, 'a ledger transaction can only be sealed')
           WHERE NOT NEW.sealed OR NEW.idempotency_key IS NOT OLD.idempotency_key OR NEW.body_hash IS NOT OLD.body_hash;
         SELECT RAISE(ABORT, 'ledger transaction has no entries')
           WHERE NOT EXISTS (SELECT 1 FROM ledger_ledgerentry WHERE transaction_id = NEW.id);
         SELECT RAISE(ABORT, 'ledger transaction does not sum to zero')
           WHERE EXISTS (SELECT 1 FROM ledger_ledgerentry WHERE transaction_id = NEW.id GROUP BY currency
                         HAVING SUM(amount_minor) <> 0);
       END""",
    """CREATE TRIGGER ledger_txn_no_delete BEFORE DELETE ON ledger_ledgertransaction
       WHEN OLD.sealed AND NOT COALESCE((SELECT deletes_allowed FROM ledger_guard WHERE id = 1), 0)
       BEGIN SELECT RAISE(ABORT, 'sealed ledger transactions are immutable'); END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_update", "DROP TRIGGER IF EXISTS ledger_entry_no_delete",
    "DROP TRIGGER IF EXISTS ledger_entry_open_txn", "DROP TRIGGER IF EXISTS ledger_entry_currency",
    "DROP TRIGGER IF EXISTS ledger_txn_insert_unsealed", "DROP TRIGGER IF EXISTS ledger_txn_update",
    "DROP TRIGGER IF EXISTS ledger_txn_no_delete", "DROP TABLE IF EXISTS ledger_guard",
]

# PostgreSQL empties tables with TRUNCATE, which row triggers do not see, so no guard table is needed.
POSTGRES = [
    """CREATE FUNCTION ledger_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'ledger entries are immutable'; END $$""",
    """CREATE TRIGGER ledger_entry_no_change BEFORE UPDATE OR DELETE ON ledger_ledgerentry
       FOR EACH ROW EXECUTE FUNCTION ledger_entry_immutable()""",
    """CREATE FUNCTION ledger_entry_insert() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF (SELECT sealed FROM ledger_ledgertransaction WHERE id = NEW.transaction_id) THEN
           RAISE EXCEPTION 'ledger transaction is sealed';
         END IF;
         IF NEW.currency IS DISTINCT FROM (SELECT currency FROM ledger_ledgeraccount WHERE id = NEW.account_id) THEN
           RAISE EXCEPTION 'ledger entry currency differs from its account';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER ledger_entry_insert BEFORE INSERT ON ledger_ledgerentry
       FOR EACH ROW EXECUTE FUNCTION ledger_entry_insert()""",
    """CREATE FUNCTION ledger_txn_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           IF NEW.sealed THEN RAISE EXCEPTION 'insert a ledger transaction unsealed, then seal it'; END IF;
           RETURN NEW;
         END IF;
         IF TG_OP = 'DELETE' THEN
           IF OLD.sealed THEN RAISE EXCEPTION 'sealed ledger transactions are immutable'; END IF;
           RETURN OLD;
         END IF;
         IF OLD.sealed THEN RAISE EXCEPTION 'sealed ledger transactions are immutable'; END IF;
         IF NOT NEW.sealed OR NEW.idempotency_key IS DISTINCT FROM OLD.idempotency_key
            OR NEW.body_hash IS DISTINCT FROM OLD.body_hash THEN
           RAISE EXCEPTION 'a ledger transaction can only be sealed';
         END IF;
         IF NOT EXISTS (SELECT 1 FROM ledger_ledgerentry WHERE transaction_id = NEW.id) THEN
           RAISE EXCEPTION 'ledger transaction has no entries';
         END IF;
         IF EXISTS (SELECT 1 FROM ledger_ledgerentry WHERE transaction_id = NEW.id GROUP BY currency
                    HAVING SUM(amount_minor) <> 0) THEN
           RAISE EXCEPTION 'ledger transaction does not sum to zero';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER ledger_txn_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_ledgertransaction
       FOR EACH ROW EXECUTE FUNCTION ledger_txn_guard()""",
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_txn_guard ON ledger_ledgertransaction", "DROP FUNCTION IF EXISTS ledger_txn_guard()",
    "DROP TRIGGER IF EXISTS ledger_entry_insert ON ledger_ledgerentry", "DROP FUNCTION IF EXISTS ledger_entry_insert()",
    "DROP TRIGGER IF EXISTS ledger_entry_no_change ON ledger_ledgerentry", "DROP FUNCTION IF EXISTS ledger_entry_immutable()",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
