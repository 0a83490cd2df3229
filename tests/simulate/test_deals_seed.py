"""simulate/deals: the demo's customer accounts and deal registrations, decided by the real engine and rules.

One small seed (40 partners) is shared by the module and rolled back at its end
(determinism is tested in test_deals_seed_determinism.py, on fresh databases).
"""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from allied.customers.models import AccountKey, CustomerAccount
from allied.deals.conflicts import conflict_check, keys_for
from allied.deals.models import (
    ConflictKind,
    DealConflict,
    DealParticipant,
    DealRegistration,
    DealStatus,
    Decision,
    ParticipantRole,
    RegistrationKey,
)
from allied.matching import SAME_COMPANY
from allied.partners.models import Achievement, AchievementKind, Partner
from allied.program.models import Product
from allied.simulate.deals import deal_mix_partner
from allied.simulate.ecosystem import demo_logins, seed_ecosystem


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield seed_ecosystem(partners=40, seed=5)
                raise _Rollback
        except _Rollback:
            pass


pytestmark = pytest.mark.usefixtures("seeded")


def test_registrations_in_every_status(db):
    statuses = set(DealRegistration.objects.values_list("status", flat=True))
    assert statuses == set(DealStatus.values)
    decisions = set(DealRegistration.objects.values_list("decision", flat=True))
    assert decisions == set(Decision.values)


def test_catalogue_and_account_master(db, seeded):
    assert Product.objects.count() >= 6 and Product.objects.values("family").distinct().count() >= 3
    accounts = CustomerAccount.objects.all()
    assert accounts.filter(source="salesforce").count() >= 150  # at least 150, about three per partner
    assert accounts.filter(is_named_direct=True, owner__isnull=False).exists()
    assert accounts.filter(is_customer=True, incumbent_partner__isnull=False).exists()
    assert accounts.filter(is_customer=False).exists()
    assert not accounts.annotate(n=Count("match_keys")).filter(n=0).exists()  # every account has its keys
    assert seeded.accounts == accounts.count() and seeded.deals == DealRegistration.objects.count()


def test_account_keys_let_the_real_conflict_check_find_accounts(db):
    for account in CustomerAccount.objects.order_by("pk")[:: max(1, CustomerAccount.objects.count() // 25)]:
        evidence = conflict_check(name=account.name.upper(), domain=account.domain, country=account.country, partner_id=-1)
        kinds = {e.kind for e in evidence if e.obj == account.pk and e.score >= SAME_COMPANY}
        if account.is_named_direct or account.is_customer:
            assert kinds, account.name
    assert AccountKey.objects.count() > CustomerAccount.objects.count()


def test_already_registered_decline_never_names_the_other_partner(db):
    declines = DealRegistration.objects.filter(status=DealStatus.DECLINED, decision_code="already_registered").select_related("partner")
    assert declines.exists()
    names = dict(Partner.objects.values_list("pk", "name"))
    for deal in declines:
        others = [name for pk, name in names.items() if pk != deal.partner_id]
        assert not any(name in deal.decision_reason for name in others), deal.decision_reason
        assert "deal_" not in deal.decision_reason
        evidence = DealConflict.objects.select_related("other_deal").get(deal=deal, decisive=True)
        assert evidence.kind == ConflictKind.REGISTRATION and evidence.score >= Decimal("0.85")
        assert evidence.other_deal.partner_id != deal.partner_id
        assert evidence.other_deal.submitted_at < deal.submitted_at
        if deal.decision == Decision.AUTO_DECLINED:
            assert names[evidence.other_deal.partner_id] in deal.review_notes  # the vendor sees who


def test_credit_splits_sum_to_exactly_100(db):
    totals = DealParticipant.objects.values("deal").annotate(total=Sum("split_pct"), n=Count("id"))
    assert totals.count() == DealRegistration.objects.count()
    assert {row["total"] for row in totals} == {Decimal("100.00")}
    assert any(row["n"] > 1 for row in totals)  # some multi-partner deals
    sourcing = DealParticipant.objects.filter(role=ParticipantRole.SOURCING)
    assert sourcing.count() == DealRegistration.objects.count()
    assert not sourcing.exclude(partner_id=F("deal__partner_id")).exists()


def test_holding_deals_have_keys_and_the_others_do_not(db):
    held = defaultdict(set)
    for deal_id, key in RegistrationKey.objects.values_list("registration_id", "key"):
        held[deal_id].add(key)
    for deal in DealRegistration.objects.all():
        if deal.status in (DealStatus.PENDING, DealStatus.APPROVED):
            assert held.get(deal.pk) == set(keys_for(deal)), deal.public_id
        else:
            assert deal.pk not in held, deal.public_id


def test_won_deals_are_the_deal_won_achievements(db):
    won = list(DealRegistration.objects.filter(status=DealStatus.WON).select_related("account"))
    achievements = list(Achievement.objects.filter(kind=AchievementKind.DEAL_WON))
    assert won and len(achievements) == len(won)
    by_key = {(a.partner_id, a.occurred_at, a.amount) for a in achievements}
    for deal in won:
        assert (deal.partner_id, deal.closed_at, deal.won_amount) in by_key
        assert deal.account is not None and deal.account.is_customer
        if deal.deal_type == "new_logo":
            assert deal.account.customer_since <= deal.closed_at.date()


def test_fields_are_what_the_services_would_have_written(db):
    now = timezone.now()
    for deal in DealRegistration.objects.all():
        if deal.decision in (Decision.AUTO_APPROVED, Decision.AUTO_DECLINED):
            assert deal.decided_at == deal.submitted_at and deal.decided_by_id is None
        if deal.decision in (Decision.APPROVED, Decision.DECLINED):
            assert deal.decided_by_id is not None and deal.decided_at > deal.submitted_at and deal.sla_due_at
        if deal.status == DealStatus.PENDING:
            assert deal.decision == Decision.REVIEW and deal.sla_due_at and deal.decided_at is None
            if deal.sla_due_at < now - timezone.timedelta(hours=1):
                assert deal.escalated_at is not None  # the hourly job escalates what waits past its SLA
        if deal.escalated_at is not None:
            assert deal.sla_due_at <= deal.escalated_at <= (deal.decided_at or now)
        if deal.status == DealStatus.APPROVED:
            assert deal.protection_expires_at > now and deal.closed_at is None
        if deal.status in (DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED, DealStatus.WITHDRAWN):
            assert deal.closed_at is not None and deal.closed_at <= now and deal.protection_expires_at
        if deal.status == DealStatus.EXPIRED:
            assert deal.closed_at >= deal.protection_expires_at
        if deal.status in (DealStatus.WON, DealStatus.LOST):
            assert deal.closed_at <= deal.protection_expires_at
        if deal.status == DealStatus.LOST:
            assert deal.lost_reason
        assert deal.decision_reason  # the partner always reads why


def test_demo_login_partner_shows_every_state(db):
    partner = deal_mix_partner()
    deals = DealRegistration.objects.filter(partner=partner)
    assert {DealStatus.APPROVED, DealStatus.PENDING, DealStatus.DECLINED, DealStatus.WON} <= set(deals.values_list("status", flat=True))
    assert deals.filter(status=DealStatus.APPROVED, protection_expires_at__lte=timezone.now() + timezone.timedelta(days=14)).exists()
    assert any(partner.domain in email for email, _, _ in demo_logins())
