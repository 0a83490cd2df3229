"""`allied import accounts|opportunities FILE --as EMAIL` run in-process (the console-script test covers the process)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from allied.customers.models import CustomerAccount, DirectOpportunity

FIXTURES = Path(__file__).parents[1] / "customers" / "fixtures"
pytestmark = pytest.mark.django_db


def test_imports_accounts_then_opportunities_and_is_idempotent(world, capsys):
    call_command("import", "accounts", str(FIXTURES / "salesforce_accounts.csv"), "--as", world.admin.email)
    out = capsys.readouterr().out
    assert "salesforce format" in out and "created" in out
    n = CustomerAccount.objects.count()
    assert n > 0
    call_command("import", "opportunities", str(FIXTURES / "salesforce_opportunities.csv"), "--as", world.admin.email)
    assert DirectOpportunity.objects.exists()
    call_command("import", "accounts", str(FIXTURES / "salesforce_accounts.csv"), "--as", world.admin.email)
    assert f"{n} unchanged" in capsys.readouterr().out
    assert CustomerAccount.objects.count() == n


def test_bad_file_names_row_and_column_and_imports_nothing(world, capsys):
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import", "accounts", str(FIXTURES / "bad_country.csv"), "--as", world.admin.email)
    assert "row" in capsys.readouterr().err
    assert not CustomerAccount.objects.exists()


def test_needs_a_user_allowed_to_manage_accounts(world):
    with pytest.raises(CommandError, match="No active user"):
        call_command("import", "accounts", str(FIXTURES / "salesforce_accounts.csv"), "--as", "nobody@example.com")
    with pytest.raises(CommandError):
        call_command("import", "accounts", str(FIXTURES / "salesforce_accounts.csv"), "--as", world.a_admin.email)
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "accounts", "/nonexistent.csv", "--as", world.admin.email)
