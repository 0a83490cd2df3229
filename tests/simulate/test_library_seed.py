"""The demo's content library is what the services and the portal would have written: assets with versions whose files
pass the upload checks, and engagement only by partner users, on assets their audience sees, after publication."""

import time

import pytest
from django.db import transaction

from allied.library.models import Asset, AssetEvent, AssetStatus, AssetVersion
from allied.library.services import asset_file_validate
from allied.simulate.ecosystem import seed_ecosystem
from allied.simulate.library import seed_library


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield seed_ecosystem(partners=80, seed=7, money=False, mapping=False, learning=False)
                raise _Rollback
        except _Rollback:
            pass


@pytest.fixture
def db_seeded(seeded, db):
    return seeded


def test_catalogue_with_versions_and_statuses(db_seeded):
    assert db_seeded.assets == Asset.objects.count() >= 20
    assert set(Asset.objects.values_list("status", flat=True)) == {"published", "draft", "retired"}
    assert set(Asset.objects.values_list("kind", flat=True)) >= {"battlecard", "one_pager", "deck", "video", "price_sheet", "case_study"}
    for a in Asset.objects.select_related("current_version"):
        numbers = list(a.versions.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)) and a.current_version.number == numbers[-1]
    for v in AssetVersion.objects.exclude(file=""):
        with v.file.open("rb") as f:
            from django.core.files.uploadedfile import SimpleUploadedFile

            _, content_type, raw, digest = asset_file_validate(SimpleUploadedFile(v.original_name, f.read()))
        assert digest == v.sha256 and content_type == v.content_type


def test_engagement_respects_audience_and_publication(db_seeded):
    assert db_seeded.asset_events == AssetEvent.objects.count() > 100
    assert not AssetEvent.objects.filter(asset__status=AssetStatus.DRAFT).exists()
    assert not AssetEvent.objects.filter(user__isnull=True).exists()
    rows = AssetEvent.objects.select_related("partner", "user", "asset").prefetch_related("asset__partner_types", "asset__tiers")
    for e in rows.iterator(chunk_size=2000):
        assert e.user.partner_id == e.partner_id
        types = {t.pk for t in e.asset.partner_types.all()}
        tiers = {t.pk for t in e.asset.tiers.all()}
        assert not types or e.partner.partner_type_id in types
        assert not tiers or e.partner.tier_id in tiers
        assert e.at >= e.asset.published_at
    assert {"view", "download"} == set(AssetEvent.objects.values_list("kind", flat=True))


def test_fast_at_300_partners(db):
    """The library's share of a 300-partner demo seed stays under 3 seconds."""
    import random

    from django.utils import timezone

    from tests.conftest import make_partner, make_user

    admin = make_user("library-seed@vendor.example", "program_admin")
    before = AssetEvent.objects.count()
    partners = [make_partner(f"Seed Partner {i}", ["reseller", "msp", "si", "referral"][i % 4]) for i in range(300)]
    for p in partners:
        make_user(f"u{p.pk}@seed.example", "partner_sales", p)
    started = time.perf_counter()
    res = seed_library(rng=random.Random(3), now=timezone.now(), partners=partners, actor=admin,
                       strengths=[random.Random(i).paretovariate(1.2) - 1 for i in range(300)])
    assert time.perf_counter() - started < 3.0
    assert res.events == AssetEvent.objects.count() - before > 1000
