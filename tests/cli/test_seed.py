"""cli seed: a deterministic synthetic ecosystem."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from allied.accounts.models import User
from allied.partners.models import Partner
from allied.recruitment.models import Application


class _Rollback(Exception):
    pass


def seed(**kw) -> str:
    out = io.StringIO()
    call_command("seed", stdout=out, stderr=io.StringIO(), **kw)
    return out.getvalue()


def partner_names() -> list[str]:
    return list(Partner.objects.order_by("name").values_list("name", flat=True))


def test_seed_creates_partners_users_and_applications(db):
    out = seed(partners=40, seed=3)
    assert Partner.objects.count() == 40
    assert User.objects.filter(partner__isnull=False).count() >= 40
    assert User.objects.filter(partner__isnull=True, role="program_admin").exists()
    assert Application.objects.count() >= 12
    assert "Seeded 40 partners" in out
    assert "admin@vendor.example" in out


def test_same_seed_gives_the_same_ecosystem_in_a_fresh_database(db):
    # given run 1, rolled back so that run 2 starts from the same empty database
    try:
        with transaction.atomic():
            seed(partners=40, seed=3)
            first = partner_names()
            raise _Rollback
    except _Rollback:
        pass
    assert Partner.objects.count() == 0
    # when run 2 uses the same seed
    seed(partners=40, seed=3)
    # then the partner names are the same
    assert partner_names() == first
    assert len(set(first)) == 40


def test_different_seed_gives_different_partners(db):
    try:
        with transaction.atomic():
            seed(partners=40, seed=3)
            first = partner_names()
            raise _Rollback
    except _Rollback:
        pass
    seed(partners=40, seed=4)
    assert partner_names() != first


def test_second_run_needs_append(db):
    seed(partners=40, seed=3)
    with pytest.raises(CommandError, match="--append"):
        seed(partners=5, seed=3)
    assert Partner.objects.count() == 40
    seed(partners=5, seed=9, append=True)
    assert Partner.objects.count() == 45
    assert len(set(partner_names())) == 45


@pytest.mark.parametrize("n", [0, 200_001])
def test_partner_count_is_bounded(db, n):
    with pytest.raises(CommandError):
        seed(partners=n)
    assert Partner.objects.count() == 0
