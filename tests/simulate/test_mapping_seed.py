"""The demo's co-selling: partner lists that overlap the vendor's, mapped by the real run, with co-sell opportunities."""

import pytest
from django.db import transaction
from django.db.models import F

from allied.accounts.models import User
from allied.mapping.models import (
    AccountMatch,
    CoSellAction,
    Introduction,
    MappedAccount,
    MappingRun,
    Partnership,
    RunStatus,
    SharingRule,
)
from allied.mapping.selectors import cosell_opportunities, overlap_matrix
from allied.simulate.ecosystem import seed_ecosystem


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield seed_ecosystem(partners=40, seed=11, money=False)
                raise _Rollback
        except _Rollback:
            pass


pytestmark = pytest.mark.usefixtures("seeded")


def test_partner_lists_overlap_the_vendors_and_are_mapped(db, seeded):
    assert MappedAccount.objects.filter(partner__isnull=True).exists()
    partners_with_lists = MappedAccount.objects.filter(partner__isnull=False).values("partner").distinct().count()
    assert partners_with_lists >= 10
    assert seeded.mapped_accounts == MappedAccount.objects.filter(partner__isnull=False).count() >= 80 * partners_with_lists
    active = Partnership.objects.filter(vendor_opted_in_at__isnull=False, partner_opted_in_at__isnull=False)
    assert active.count() >= partners_with_lists // 2
    assert not MappingRun.objects.exclude(status=RunStatus.DONE).exists()
    assert seeded.account_matches == AccountMatch.objects.count() > 5 * active.count()
    # variants, not copies: many matches pair two different spellings of one company
    assert AccountMatch.objects.exclude(vendor_account__name=F("partner_account__name")).count() > AccountMatch.objects.count() // 3
    # matches only between partners who opted in
    assert not AccountMatch.objects.exclude(partner__in=active.values("partner")).exists()


def test_sharing_levels_are_varied(db):
    levels = set(SharingRule.objects.values_list("level", flat=True))
    assert {"counts", "overlaps", "full"} <= levels


def test_co_sell_opportunities_appear_and_some_were_acted_on(db):
    cam = User.objects.filter(role="cam").order_by("pk").first()
    rows = cosell_opportunities(user=cam)
    assert len(rows) >= 10
    assert CoSellAction.objects.exists() and Introduction.objects.exists()


def test_the_partner_sees_counts_in_its_matrix(db):
    active = Partnership.objects.filter(vendor_opted_in_at__isnull=False, partner_opted_in_at__isnull=False).select_related("partner")
    admin = None
    for ps in active:
        admin = User.objects.filter(partner=ps.partner, role="partner_admin").first()
        if admin is not None:
            matrix = overlap_matrix(user=admin, partner=ps.partner)
            if any(c for c in matrix.cells.values()):
                break
    else:
        pytest.fail("no partner admin sees any overlap")
