from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from allied.core.errors import NotFound
from allied.library import selectors, services
from allied.library.facts import content_engagement_90d
from allied.library.models import AssetEvent
from allied.program.facts import fact_get
from allied.program.models import Tier
from tests.library.factories import asset, pdf_upload

pytestmark = pytest.mark.django_db


def _titles(user, **kw):
    return [a.title for a in selectors.asset_list(actor=user, **kw)]


def test_partners_see_published_assets_of_their_audience(world):
    gold = Tier.objects.get(name="Gold")
    world.partner_a1.tier = gold
    world.partner_a1.save()
    asset(world.pmm, title="For everyone")
    asset(world.pmm, title="Gold resellers", partner_types=["reseller"], tiers=["Gold"])
    asset(world.pmm, title="Any SI", partner_types=["si"])
    asset(world.pmm, title="Draft", publish=False)
    retired = asset(world.pmm, title="Retired")
    services.asset_retire(actor=world.pmm, asset=retired)
    assert sorted(_titles(world.a1_admin)) == ["For everyone", "Gold resellers"]
    assert sorted(_titles(world.b_sales)) == ["Any SI", "For everyone"]
    assert sorted(_titles(world.a_admin)) == ["For everyone"]  # a distributor on the entry tier
    assert len(_titles(world.cam)) == 5  # vendor users see drafts and retired ones too


def test_outside_the_audience_is_missing(world):
    si = asset(world.pmm, title="SI only", partner_types=["si"])
    assert selectors.asset_get(actor=world.b_admin, public_id=si.public_id) == si
    with pytest.raises(NotFound) as foreign:
        selectors.asset_get(actor=world.a_admin, public_id=si.public_id)
    with pytest.raises(NotFound) as missing:
        selectors.asset_get(actor=world.a_admin, public_id="ast_0000000000000000")
    assert foreign.value.message == missing.value.message


def test_search_ranks_an_exact_tag_first_and_filters(world):
    asset(world.pmm, title="Security deck", kind="deck", description="All about our zero trust story")
    asset(world.pmm, title="Pricing 2025", kind="price_sheet", tags=["security"])
    asset(world.pmm, title="Onboarding video", kind="video", video_url="https://v.example/1", tags=["onboarding"])
    assert _titles(world.a_sales, q="security") == ["Pricing 2025", "Security deck"]
    assert _titles(world.a_sales, q="zero TRUST") == ["Security deck"]
    assert _titles(world.a_sales, q="secur") == ["Security deck", "Pricing 2025"]  # title before a partial tag
    assert _titles(world.a_sales, kind="video") == ["Onboarding video"]
    assert _titles(world.a_sales, tag="Security") == ["Pricing 2025"]
    assert selectors.tag_list(actor=world.a_sales) == ["onboarding", "security"]


def test_tag_filter_is_one_query(world, django_assert_num_queries):
    for i in range(5):
        asset(world.pmm, title=f"A{i}", tags=["x", f"t{i}"])
    with django_assert_num_queries(1):
        rows = list(selectors.asset_list(actor=world.cam, tag="x").prefetch_related(None))
    assert len(rows) == 5


def test_partners_get_only_the_current_version(world):
    a = asset(world.pmm)
    v1 = a.current_version
    services.version_add(actor=world.pmm, asset=a, upload=pdf_upload("v2.pdf"))
    a = selectors.asset_get(actor=world.a_sales, public_id=a.public_id)
    assert [v.number for v in selectors.version_list(actor=world.a_sales, asset=a)] == [2]
    assert [v.number for v in selectors.version_list(actor=world.pmm, asset=a)] == [2, 1]
    with pytest.raises(NotFound):
        selectors.version_get(actor=world.a_sales, asset=a, public_id=v1.public_id)
    assert selectors.version_get(actor=world.pmm, asset=a, public_id=v1.public_id) == v1


def test_engagement_grouped_by_partner_and_asset(world, django_assert_num_queries):
    a, b = asset(world.pmm, title="A"), asset(world.pmm, title="B")
    for user, x, kind in ((world.a_sales, a, "view"), (world.a_admin, a, "download"), (world.b_sales, a, "view"),
                          (world.b_sales, b, "download"), (world.b_sales, b, "download")):
        services.event_record(actor=user, asset=x, kind=kind)
    with django_assert_num_queries(1):
        rows = selectors.engagement_by_partner(actor=world.cam, asset=a)
    assert {(r["partner"], r["views"], r["downloads"]) for r in rows} == {("Alpha Distribution", 1, 1), ("Bravo Systems", 1, 0)}
    with django_assert_num_queries(1):
        by_asset = selectors.engagement_by_asset(actor=world.finance)
    assert by_asset[b.pk] == {"views": 0, "downloads": 2, "partners": 1, "last_at": by_asset[b.pk]["last_at"]}
    assert by_asset[a.pk]["partners"] == 2
    rows = selectors.engagement_rows(actor=world.cam)
    assert [(r["asset"], r["partner"]) for r in rows][-1] == ("B", "Bravo Systems")


@pytest.mark.parametrize("role", ["a_admin", "b_sales", "a1_admin"])
def test_partners_never_read_engagement(world, role):
    a = asset(world.pmm)
    services.event_record(actor=world.b_sales, asset=a, kind="view")
    for read in (lambda u: selectors.engagement_by_partner(actor=u), lambda u: selectors.engagement_by_asset(actor=u),
                 lambda u: selectors.engagement_rows(actor=u), lambda u: selectors.engagement_totals(actor=u)):
        with pytest.raises(NotFound):
            read(getattr(world, role))


def test_content_engagement_fact_counts_the_trailing_90_days(world):
    a = asset(world.pmm)
    now = timezone.now()
    for days, partner in ((1, world.partner_a), (89, world.partner_a), (91, world.partner_a), (5, world.partner_b)):
        AssetEvent.objects.create(asset=a, partner=partner, user=None, kind="view", at=now - timedelta(days=days))
    assert content_engagement_90d(None, now) == {world.partner_a.pk: Decimal(2), world.partner_b.pk: Decimal(1)}
    assert content_engagement_90d([world.partner_b.pk], now) == {world.partner_b.pk: Decimal(1)}
    assert fact_get("content_engagement_90d").compute is content_engagement_90d
