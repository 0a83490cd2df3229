"""The visibility contract of the overlap: counts, drill-down records, full lists, both sides bound alike."""

import pytest

from allied.core.errors import NotFound, PermissionDenied
from allied.mapping.models import PopulationKind, ShareLevel
from allied.mapping.selectors import (
    overlap_export_rows,
    overlap_matrix,
    overlap_records,
    shared_population_list,
)
from allied.mapping.services import opt_out
from tests.mapping.factories import default_population, overlap_world, share

CUST, OPP, PROS = PopulationKind.CUSTOMERS, PopulationKind.OPPORTUNITIES, PopulationKind.PROSPECTS


@pytest.fixture
def mapped(world):
    return overlap_world(world)


def _cell(matrix, vendor_pop, partner_pop):
    return matrix.cells[(vendor_pop.pk, partner_pop.pk)]


def test_nothing_is_shared_by_default(world, mapped):
    partner, _, _ = mapped
    for user in (world.cam, world.a_admin, world.a_sales):
        matrix = overlap_matrix(user=user, partner=partner)
        assert matrix.active
        assert set(matrix.cells.values()) == {None}
    records = overlap_records(user=world.cam, partner=partner, vendor_population=default_population(None, CUST),
                              partner_population=default_population(partner, OPP))
    assert records.count is None and records.rows == [] and records.level == ShareLevel.HIDDEN


def test_counts_follow_the_other_sides_level(world, mapped):
    partner, _, _ = mapped
    v_cust, v_opp, v_pros = (default_population(None, k) for k in (CUST, OPP, PROS))
    p_cust, p_opp = default_population(partner, CUST), default_population(partner, OPP)
    share(world, partner, p_cust, ShareLevel.COUNTS)  # the partner shares its customers as counts
    vendor_view = overlap_matrix(user=world.cam, partner=partner)
    # vendor opportunity Globex ~ partner customer Globex; vendor prospect Initech ~ partner customer Initech
    assert _cell(vendor_view, v_opp, p_cust) == 1
    assert _cell(vendor_view, v_pros, p_cust) == 1
    assert _cell(vendor_view, v_cust, p_cust) == 0
    assert _cell(vendor_view, v_cust, p_opp) is None  # the partner's opportunities stay hidden
    assert vendor_view.sizes[p_cust.pk] == 2 and vendor_view.sizes[p_opp.pk] is None
    # the partner sees nothing: the vendor shares nothing
    partner_view = overlap_matrix(user=world.a_admin, partner=partner)
    assert set(partner_view.cells.values()) == {None}
    share(world, partner, v_cust, ShareLevel.COUNTS)
    partner_view = overlap_matrix(user=world.a_admin, partner=partner)
    assert _cell(partner_view, v_cust, p_opp) == 1  # vendor customer Acme ~ partner opportunity ACME Corp.
    assert _cell(partner_view, v_opp, p_cust) is None


def test_counts_only_gives_no_records_anywhere(world, mapped):
    partner, _, _ = mapped
    v_opp, p_cust = default_population(None, OPP), default_population(partner, CUST)
    share(world, partner, p_cust, ShareLevel.COUNTS, fields=["industry", "owner_name"])
    records = overlap_records(user=world.cam, partner=partner, vendor_population=v_opp, partner_population=p_cust)
    assert records.count == 1 and records.rows == [] and records.level == ShareLevel.COUNTS
    assert overlap_export_rows(user=world.cam, partner=partner) == []
    with pytest.raises(PermissionDenied):
        shared_population_list(user=world.cam, partner=partner, population=p_cust)


def test_drill_down_reduces_the_other_record_to_the_shared_fields(world, mapped):
    partner, vendor, theirs = mapped
    v_opp, p_cust = default_population(None, OPP), default_population(partner, CUST)
    share(world, partner, p_cust, ShareLevel.OVERLAPS, fields=["industry"])
    records = overlap_records(user=world.cam, partner=partner, vendor_population=v_opp, partner_population=p_cust)
    assert records.count == 1 and records.fields == ["industry"]
    (row,) = records.rows
    assert row["own"]["id"] == vendor["globex"].public_id and row["own"]["opportunity_stage"] == "Proposal"
    assert row["other"] == {"name": "Globex", "industry": "Energy"}
    # the partner, looking the other way, sees nothing: the vendor's opportunities are hidden
    assert overlap_records(user=world.a_sales, partner=partner, vendor_population=v_opp, partner_population=p_cust).rows == []


def test_full_list_shows_every_account_of_the_population_with_shared_fields_only(world, mapped):
    partner, _, _ = mapped
    p_cust = default_population(partner, CUST)
    share(world, partner, p_cust, ShareLevel.FULL, fields=["country"])
    listed = shared_population_list(user=world.cam, partner=partner, population=p_cust)
    assert listed.count == 2
    assert listed.rows == [{"name": "Globex", "country": "US"}, {"name": "Initech LLC", "country": "US"}]
    # own populations are not "shared with" oneself through this selector
    with pytest.raises(NotFound):
        shared_population_list(user=world.a_admin, partner=partner, population=p_cust)


def test_opting_out_stops_all_sharing_at_once(world, mapped):
    partner, _, _ = mapped
    v_opp, p_cust = default_population(None, OPP), default_population(partner, CUST)
    share(world, partner, p_cust, ShareLevel.FULL)
    opt_out(actor=world.a_admin, partner=partner)
    assert set(overlap_matrix(user=world.cam, partner=partner).cells.values()) == {None}
    records = overlap_records(user=world.cam, partner=partner, vendor_population=v_opp, partner_population=p_cust)
    assert records.count is None and records.rows == []
    with pytest.raises(PermissionDenied):
        shared_population_list(user=world.cam, partner=partner, population=p_cust)


def test_another_partner_is_not_found(world, mapped):
    partner, _, _ = mapped
    for user in (world.b_admin, world.a1_admin):
        with pytest.raises(NotFound):
            overlap_matrix(user=user, partner=partner)


def test_the_matrix_takes_as_many_queries_for_many_matches_as_for_few(world, mapped):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.mapping.factories import account, run_now

    partner, _, _ = mapped
    share(world, partner, default_population(partner, CUST), ShareLevel.COUNTS)
    overlap_matrix(user=world.cam, partner=partner)  # defaults made
    with CaptureQueriesContext(connection) as few:
        before = overlap_matrix(user=world.cam, partner=partner)
    for i in range(30):
        account(None, f"Company {i} Holdings", f"company{i}.example", status="opportunity")
        account(partner, f"Company {i}", f"company{i}.example", status="customer")
    run_now(partner)
    with CaptureQueriesContext(connection) as many:
        after = overlap_matrix(user=world.cam, partner=partner)
    v_opp, p_cust = default_population(None, OPP), default_population(partner, CUST)
    assert _cell(after, v_opp, p_cust) == _cell(before, v_opp, p_cust) + 30
    assert len(many) == len(few) <= 12
