"""idempotency_keys_purge: keys older than a day are forgotten by the hourly housekeeping."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allied.deals.models import IdempotencyKey
from allied.deals.services import deal_register
from allied.deals.services.idempotency import idempotency_keys_purge
from tests.factories import deal_data

pytestmark = pytest.mark.django_db


def test_only_expired_keys_are_purged(world):
    deal = deal_register(actor=world.a_sales, data=deal_data())
    old = IdempotencyKey.objects.create(user=world.a_sales, key="old", request_hash="x", deal=deal)
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    IdempotencyKey.objects.create(user=world.a_sales, key="fresh", request_hash="y", deal=deal)
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
