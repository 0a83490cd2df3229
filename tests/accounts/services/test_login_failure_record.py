"""accounts/services.py::login_failure_record, login_is_locked, login_failures_clear"""

from datetime import timedelta

from django.utils import timezone

from allied.accounts.models import LoginFailure
from allied.accounts.services import login_failure_record, login_failures_clear, login_is_locked


def fail(times: int, email: str = "sales@alpha.example", ip: str | None = "198.51.100.7") -> None:
    for _ in range(times):
        login_failure_record(email=email, ip_address=ip)


def test_four_failures_do_not_lock(world):
    fail(4)
    assert not login_is_locked(email="sales@alpha.example", ip_address="198.51.100.7")


def test_five_failures_lock_the_account(world):
    fail(5)
    assert login_is_locked(email="sales@alpha.example", ip_address=None)
    # the lock is per account (any IP, any casing), not for other accounts
    assert login_is_locked(email=" Sales@Alpha.example ", ip_address="203.0.113.9")
    assert not login_is_locked(email="admin@alpha.example", ip_address="203.0.113.9")


def test_clear_resets_the_count(world):
    fail(5)
    login_failures_clear(email="SALES@alpha.example")
    assert not login_is_locked(email="sales@alpha.example", ip_address=None)
    assert LoginFailure.objects.filter(email="sales@alpha.example").count() == 0


def test_failures_outside_the_window_do_not_count(world, settings):
    fail(5)
    LoginFailure.objects.update(occurred_at=timezone.now() - timedelta(seconds=settings.ALLIED_LOGIN_WINDOW_SECONDS + 5))
    assert not login_is_locked(email="sales@alpha.example", ip_address=None)


def test_one_ip_guessing_many_accounts_is_locked_out(world):
    # given 20 failures from one IP spread over 20 accounts (each below its own limit)
    for i in range(20):
        login_failure_record(email=f"user{i}@x.example", ip_address="198.51.100.66")
    # then that IP is locked even for a fresh account, another IP is not
    assert login_is_locked(email="fresh@x.example", ip_address="198.51.100.66")
    assert not login_is_locked(email="fresh@x.example", ip_address="198.51.100.67")


def test_email_is_stored_normalised(world):
    login_failure_record(email="  MiXeD@Case.example ", ip_address=None)
    assert LoginFailure.objects.get().email == "mixed@case.example"
